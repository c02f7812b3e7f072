#include "engine/stylize_optimize.h"

#include <ATen/ATen.h>

#include <algorithm>

#include "models/feature_network.h"

namespace atelier {

std::vector<int> stylize_scale_sides(int work_long_side, int scales, int min_side) {
  std::vector<int> sides = {work_long_side};
  for (int k = 1; k < scales && sides.front() / 2 >= min_side; ++k) sides.insert(sides.begin(), sides.front() / 2);
  return sides;
}

PyramidPlan stylize_plan(int width, int height, const StylizeSchedule& schedule, int min_side) {
  // The smallest scale's short side must still reach the network's minimum.
  const int long_side = std::max(width, height), short_side = std::max(1, std::min(width, height));
  const int min_long = static_cast<int>((static_cast<int64_t>(min_side) * long_side + short_side - 1) / short_side);
  const std::vector<int> sides = stylize_scale_sides(long_side, schedule.scales, min_long);
  PyramidRequest pyramid;
  pyramid.width = width;
  pyramid.height = height;
  pyramid.first_long_side = sides.front();
  pyramid.coarsest_iterations = sides.size() == 1 ? schedule.iterations : schedule.coarse_iterations;
  pyramid.finest_iterations = schedule.iterations;
  // The working size was checked against memory by the caller: every scale is optimised whole.
  pyramid.budget_bytes = 1e18;
  return plan_style_pyramid(pyramid);
}

at::Tensor stylize_optimize(FeatureNetwork& net, const at::Tensor& content, const std::vector<StyleImage>& styles,
                            const StylizeOptimize& request, const Progress& progress) {
  const int min_side = static_cast<int>(net.min_input_size()) + (request.base.phase_average ? 1 : 0);
  const PyramidPlan plan =
      stylize_plan(static_cast<int>(content.size(3)), static_cast<int>(content.size(2)), request.schedule, min_side);
  PyramidRun run;
  run.base = request.base;
  if (run.base.style_layers.empty()) run.base.style_layers = net.default_style_layers();
  run.style_scale = request.style_scale;
  run.colors = request.colors;
  if (request.start.defined()) run.start = request.start.to(at::kCPU, at::kHalf);
  return run_style_pyramid(net, content.to(at::kCPU), styles, plan, run, progress).to(at::kFloat);
}

}  // namespace atelier
