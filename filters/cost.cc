#include "filters/cost.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "filters/filter.h"

namespace atelier {
namespace {

constexpr double kBaseMegabytes = 400.0;  // weights + runtime

bool has_number(const ParamValues& values, const std::string& name) {
  const ParamSpec* s = values.find_spec(name);
  return s && (s->type == ParamType::Int || s->type == ParamType::Double);
}

}  // namespace

CostEstimate iterative_cost(int width, int height, int long_side, int iterations, double seconds_per_megapixel,
                            double megabytes_per_megapixel) {
  CostEstimate e;
  e.width = std::max(width, 1);
  e.height = std::max(height, 1);
  if (long_side > 0) {
    const double scale = std::min(1.0, static_cast<double>(long_side) / std::max(e.width, e.height));
    e.width = std::max(1, static_cast<int>(std::lround(e.width * scale)));
    e.height = std::max(1, static_cast<int>(std::lround(e.height * scale)));
  }
  e.iterations = std::max(1, iterations);
  const double megapixels = e.width * static_cast<double>(e.height) / 1e6;
  e.seconds = megapixels * e.iterations * seconds_per_megapixel;
  e.megabytes = kBaseMegabytes + megapixels * megabytes_per_megapixel;
  return e;
}

CostEstimate estimate_cost(const Filter& filter, const ParamValues& values, int width, int height,
                           const MachineSpeed& speed) {
  CostEstimate e;
  if (filter.estimate) {
    e = filter.estimate(values, width, height);
  } else {
    // Unknown filters: 4 s per megapixel and iteration, 1.5 GB per megapixel.
    const int size = has_number(values, "size") ? static_cast<int>(values.get_double("size")) : 0;
    const int iterations = has_number(values, "iterations") ? static_cast<int>(values.get_double("iterations")) : 1;
    e = iterative_cost(width, height, size, iterations, 4.0, 1500.0);
  }
  const double relative = speed.relative_to_development(static_cast<double>(e.width) * e.height / 1e6);
  e.seconds *= relative;
  e.prepared_seconds *= relative;
  e.measured_speed = speed.measured;
  // A filter's methods (Stylize's Optimise and Instant) are separate cost models.
  if (e.model.empty() && values.find_spec("method")) e.model = values.get_text("method");
  e.model = e.model.empty() ? filter.name : filter.name + "/" + e.model;
  e.seconds_before_runs = e.seconds;
  const auto ratios = speed.run_ratios.find(e.model);
  e.runs_learnt_from = ratios == speed.run_ratios.end() ? 0 : static_cast<int>(ratios->second.size());
  const double correction = speed.run_correction(e.model);
  e.seconds *= correction;
  e.prepared_seconds *= correction;
  return e;
}

void record_finished_run(const Filter& filter, const ParamValues& values, int width, int height, double seconds,
                         int frames, const std::string& cache_path) {
  try {
    if (seconds < kShortestRecordedRunSeconds) return;
    const std::optional<c10::Device> device =
        available_device(values.find_spec("device") ? values.get_text("device") : "cpu");
    if (!device || !device->is_cpu()) return;  // the estimate is the CPU's
    const int threads = at::get_num_threads();
    const std::optional<MachineSpeed> speed = load_machine_speed(cache_path, threads);
    if (!speed) return;
    const CostEstimate e = estimate_cost(filter, values, width, height, *speed);
    const double real = frames > 0 ? seconds / frames : seconds;
    if (e.seconds_before_runs > 0) record_run_ratio(cache_path, threads, e.model, real / e.seconds_before_runs);
  } catch (const std::exception&) {
    // An unreadable value or an unwritable cache: this run is not learnt from.
  }
}

}  // namespace atelier
