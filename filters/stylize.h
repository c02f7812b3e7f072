#pragma once
// Stylize: Gatys et al. neural style transfer by optimisation on pretrained network features.
#include "filters/filter.h"

namespace atelier {

// Parameters (GIMP argument / Script-Fu keyword / CLI flag): see make_params() in stylize.cc.
const Filter& stylize_filter();

}  // namespace atelier
