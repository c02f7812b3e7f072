#pragma once
// Stylize's Optimise method as an engine piece (the filter and `atelier bench --stylize` run the same code): Gatys
// et al. coarse to fine, on the style pyramid Large Tiled Style uses. The first scales settle the large shapes on a
// quarter of the pixels or fewer, each next scale starts from the one below, scaled up.
#include <ATen/core/Tensor.h>

#include <string>
#include <vector>

#include "core/progress.h"
#include "engine/gatys.h"
#include "engine/style_image.h"
#include "engine/style_pyramid.h"
#include "engine/stylize_schedule.h"

namespace atelier {

class FeatureNetwork;

struct StylizeOptimize {
  // Weights, optimizer, start, seed, phase averaging (style layers: the network's when empty). L-BFGS takes its own
  // step without a line search: on this loss it reaches a given loss sooner, with one evaluation per iteration
  // (docs/benchmarks.md, issue 14).
  GatysSettings base = [] {
    GatysSettings g;
    g.optimizer.line_search = false;
    return g;
  }();
  StylizeSchedule schedule;
  double style_scale = 1.0;
  ColorPreservation colors = ColorPreservation::Off;
  // Defined: the first scale starts from this image ([1,3,h,w] in [0,1], resized to the scale) instead of the
  // content or noise, e.g. the content in the style's colours.
  at::Tensor start;
};

// The long sides of the scales for a working long side: {work >> (scales - 1), ..., work / 2, work}, none below the
// network's smallest input.
std::vector<int> stylize_scale_sides(int work_long_side, int scales, int min_side);

// The pyramid of the schedule for a working size of width x height (every scale whole) and a network whose
// smallest input is min_side (phase averaging's extra pixel included).
PyramidPlan stylize_plan(int width, int height, const StylizeSchedule& schedule, int min_side);

// Optimises `content` ([1,3,H,W] in [0,1], the working size, any device) toward the styles. Returns [1,3,H,W] in
// [0,1], float32, host memory.
at::Tensor stylize_optimize(FeatureNetwork& net, const at::Tensor& content, const std::vector<StyleImage>& styles,
                            const StylizeOptimize& request, const Progress& progress);

}  // namespace atelier
