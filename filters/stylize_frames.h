#pragma once
// Stylize Frames: every frame of an animation (GIMP: the image's layers; command line: a folder of pictures or a
// video) stylised without flicker, each frame held to the previous result where the optical flow can be trusted.
#include "filters/filter.h"

namespace atelier {

// Parameters (GIMP argument / Script-Fu keyword / CLI flag): see make_params() in stylize_frames.cc.
const Filter& stylize_frames_filter();

}  // namespace atelier
