#pragma once
// Large Tiled Style: Gatys style transfer at the layer's full resolution in bounded memory. An image pyramid
// (from about 256 px, doubling) settles the coarse structure first; a level too large for the memory budget is
// optimised in overlapping tiles over the mirror-padded image, every tile pulled toward the same style targets
// (computed once per level from the whole style image), and the tiles are blended with feathered weights
// (engine/style_pyramid.h).
#include "engine/style_pyramid.h"
#include "filters/filter.h"

namespace atelier {

// Parameters: see make_params() in large_style.cc.
const Filter& large_style_filter();

// The run's plan from the values and the output size alone (the dialog's plan, the CLI's first line).
PyramidPlan plan_large_style(const ParamValues& values, int width, int height);

}  // namespace atelier
