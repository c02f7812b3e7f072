#pragma once
// Train Instant Style: trains a feed-forward style network for the user's own style image on a folder of photos
// (engine/style_training.h) and saves it in the model library, where Stylize's Instant method lists it by name.
// Its image result is a preview: the active layer (command line: --content) in the new style.
#include "filters/filter.h"

namespace atelier {

// Parameters: see make_params() in train_style.cc.
const Filter& train_style_filter();

}  // namespace atelier
