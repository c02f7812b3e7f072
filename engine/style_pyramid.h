#pragma once
// Style transfer coarse to fine at any size in bounded memory, shared by Large Tiled Style and Stylize's
// full-resolution pass: a pyramid of levels, each starting from the level below; a level larger than the memory
// budget (or than the largest tile) is optimised in overlapping tiles over the mirror-padded image, every tile
// pulled toward the same style targets (computed once per level from the whole style image), and the tiles are
// blended with feathered weights.
#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include <optional>
#include <string>
#include <vector>

#include "core/progress.h"
#include "engine/gatys.h"
#include "engine/style_image.h"

namespace atelier {

class FeatureNetwork;

struct PyramidRequest {
  int width = 0, height = 0;  // the full size
  int first_long_side = 256;  // the first level's long side; each next one doubles, up to the full size
  int coarsest_iterations = 100, finest_iterations = 12;  // geometric in between
  bool phase_average = false;  // InceptionV3's stride-2 grid averaged away (1.6 times the cost)
  // Memory for the piece optimised at once; 0 = half the free memory of `device` (GPU memory for CUDA; at most
  // 16 GB).
  double budget_bytes = 0;
  // The device that will run it; none: not usable here (the run itself says so), the default budget is assumed.
  std::optional<c10::Device> device = c10::Device(c10::kCPU);
  int max_tile = 0;  // longest side optimised at once (0 = from the budget)
  int overlap = 0;   // context on each side of a tile (0 = an eighth of the tile; exact: at least 96)
  // Tiled levels optimised whole, each evaluation tile by tile with one Gram over all tiles (TiledGatysLoss),
  // instead of tile by tile, each tile on its own toward the shared style targets.
  bool exact = false;
};

// How a run will go (the dialog's plan, the CLI's first line), from the request alone.
struct PyramidPlan {
  struct Level {
    int width = 0, height = 0;
    int tiles_x = 1, tiles_y = 1;
    int tile_size = 0;  // 0: the whole level at once; else the longest side of a tile's region
    int overlap = 0;    // context on each side of a tile's core
    int iterations = 0;
  };
  std::vector<Level> levels;
  bool exact = false;         // see PyramidRequest
  double budget_bytes = 0;    // the memory budget the plan was made for
  double peak_megabytes = 0;  // the largest piece optimised at once
  double seconds = 0;         // on two CPU cores with InceptionV3 (docs/benchmarks.md)
  // "3 levels: 256x192 whole (80 it.), 512x384 whole (40 it.), 1024x768 in 2x2 tiles of 512 px (20 it.)".
  std::string describe() const;
};
// Throws atelier::Error for an overlap that leaves no room in the tiles.
PyramidPlan plan_style_pyramid(const PyramidRequest& request);

struct PyramidRun {
  GatysSettings base;        // weights, phase averaging, style layers (set), random start and seed for the first level
  double style_scale = 1.0;  // the style image is seen at this multiple of each level's size
  ColorPreservation colors = ColorPreservation::Off;
  at::Tensor start;  // defined: the first level starts from this image (any size, host memory)
};

// Runs the plan on `content` ([1,3,H,W] in [0,1], host memory, the full size; half precision is enough). Returns
// the result at the last level's size, in host memory, in half precision. Progress: "level 3/4, tile 7/12: iteration
// ...".
at::Tensor run_style_pyramid(FeatureNetwork& net, const at::Tensor& content, const std::vector<StyleImage>& styles,
                             const PyramidPlan& plan, const PyramidRun& run, const Progress& progress);

}  // namespace atelier
