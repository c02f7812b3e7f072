#pragma once
// Stylize: Gatys et al. neural style transfer by optimisation on pretrained network features.
#include "engine/stylize_schedule.h"
#include "filters/filter.h"

namespace atelier {

// Parameters (GIMP argument / Script-Fu keyword / CLI flag): see make_params() in stylize.cc.
const Filter& stylize_filter();

// The Optimise method's coarse-to-fine schedule for the values (scales, iterations).
StylizeSchedule stylize_schedule(const ParamValues& values);

}  // namespace atelier
