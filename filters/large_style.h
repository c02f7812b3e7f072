#pragma once
// Large Tiled Style: Gatys style transfer at the layer's full resolution in bounded memory. An image pyramid
// (from about 256 px, doubling) settles the coarse structure first; a level too large for the memory budget is
// optimised in overlapping tiles over the mirror-padded image, every tile pulled toward the same style targets
// (computed once per level from the whole style image), and the tiles are blended with feathered weights
// (torch-free header).
#include <string>
#include <vector>

#include "filters/filter.h"

namespace atelier {

// Parameters: see make_params() in large_style.cc.
const Filter& large_style_filter();

// How a run will go, from the values and the output size alone (the dialog's plan, the CLI's first line).
struct LargeStylePlan {
  struct Level {
    int width = 0, height = 0;
    int tiles_x = 1, tiles_y = 1;  // 1 x 1: the whole level at once
    int tile_size = 0;             // longest side of a tile's region (context included)
    int overlap = 0;               // context on each side of a tile's core
    int iterations = 0;
  };
  std::vector<Level> levels;
  double peak_megabytes = 0;  // the largest piece optimised at once
  double seconds = 0;         // on two CPU cores with InceptionV3 (docs/benchmarks.md)
  // "3 levels: 256x192 whole (80 it.), 512x384 whole (40 it.), 1024x768 in 2x2 tiles of 512 px (20 it.)".
  std::string describe() const;
};
LargeStylePlan plan_large_style(const ParamValues& values, int width, int height);

}  // namespace atelier
