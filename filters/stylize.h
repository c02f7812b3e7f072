#pragma once
// Stylize: Gatys et al. neural style transfer by optimisation on pretrained network features.
#include "filters/filter.h"

namespace atelier {

// Parameters (GIMP argument / Script-Fu keyword / CLI flag):
//   style-image, style-image-2, style-blend, style-strength, content-weight, tv-weight, style-scale, size,
//   iterations, optimizer (lbfgs|adam), init (content|random), network (auto|inception_v3|vgg19),
//   preserve-colors (off|luminance|histogram), seed, device (auto|cpu|cuda), layer-name (GIMP only),
//   content/output (CLI only).
const Filter& stylize_filter();

}  // namespace atelier
