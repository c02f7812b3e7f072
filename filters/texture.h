#pragma once
// Texture Synthesize: a new picture of any size with the texture of a source image (the active layer, its
// selection or a file), by direct optimisation from noise or by a Texture Network generator trained once and then
// sampled at any size; optionally tileable (engine/texture_synthesis.h).
#include "filters/filter.h"

namespace atelier {

// Parameters: see make_params() in texture.cc.
const Filter& texture_filter();

}  // namespace atelier
