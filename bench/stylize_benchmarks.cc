// `atelier bench --stylize`: time to quality of Stylize's Optimise method. Each schedule (scales, iterations) runs
// on the same content and style at the same working size; every result is measured with one loss (GatysLoss at
// the working size, two pixel phases, the filter's weights), so that a schedule's time can be compared with the
// time another needs to reach the same loss.
#include <ATen/ATen.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "bench/benchmarks.h"
#include "core/device.h"
#include "core/error.h"
#include "core/image_io.h"
#include "core/image_tensor.h"
#include "core/memory.h"
#include "core/numbers.h"
#include "engine/gatys.h"
#include "engine/stylize_optimize.h"
#include "filters/cost.h"
#include "filters/machine_speed.h"
#include "filters/stylize.h"
#include "models/feature_network.h"
#include "models/model_library.h"

namespace atelier {
namespace {

using Clock = std::chrono::steady_clock;

// "SCALES:ITERATIONS[:COARSE_ITERATIONS][:OPTION]..." with the options sequential (the two pixel phases one after
// the other, as before they were batched), single (one pixel phase: what phase averaging costs, and what the grid
// costs in the two-phase measure) and linesearch (L-BFGS with a strong-Wolfe line search, as before issue 14).
struct NamedSchedule {
  std::string text;
  StylizeSchedule schedule;
  bool sequential_phases = false;
  bool single_phase = false;
  bool line_search = false;
};

NamedSchedule parse_schedule(const std::string& text) {
  NamedSchedule s{text, {}};
  const std::string usage =
      "--stylize expects schedules SCALES:ITERATIONS[:COARSE_ITERATIONS][:sequential|:single|:linesearch], "
      "got '" +
      text + "'";
  if (text == "default") {
    s.schedule = stylize_schedule(ParamValues(stylize_filter().params));
    return s;
  }
  std::vector<int> numbers;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t end = std::min(text.find(':', start), text.size());
    const std::string part = text.substr(start, end - start);
    if (part == "sequential") {
      s.sequential_phases = true;
    } else if (part == "single") {
      s.single_phase = true;
    } else if (part == "linesearch") {
      s.line_search = true;
    } else {
      const std::optional<long long> v = parse_int(part);
      if (!v || *v < 1 || *v > 5000 || numbers.size() == 3) throw Error(usage);
      numbers.push_back(static_cast<int>(*v));
    }
    start = end + 1;
  }
  if (numbers.size() < 2) throw Error(usage);
  s.schedule.scales = numbers[0];
  s.schedule.iterations = numbers[1];
  s.schedule.coarse_iterations = numbers.size() > 2 ? numbers[2] : numbers[1];
  return s;
}

}  // namespace

void run_stylize_benchmarks(const BenchOptions& o) {
  if (o.content_image.empty() || o.style_image.empty()) throw Error("--stylize needs --content FILE and --style FILE");
  for (const std::string& text : o.stylize_schedules)
    if (text.rfind("image=", 0) != 0) parse_schedule(text);  // every schedule checked before the long work
  const c10::Device device = select_device(o.device);
  ModelLibrary library;
  auto net = load_feature_network("inception_v3", library, device);
  const at::Tensor content = resize_long_side(image_rgb_to_tensor(load_image(o.content_image)), o.working_size);
  const std::vector<StyleImage> styles = {{load_image(o.style_image), 1.0}};

  // The common measure: the filter's loss at the working size, both phases.
  GatysSettings measure_settings;
  measure_settings.phase_average = true;
  const int64_t long_side = std::max(content.size(2), content.size(3));
  const GatysLayers layers = gatys_layers(*net, measure_settings, true);
  const at::Tensor content_on_device = content.to(device);
  const GatysLoss measure(
      *net, content_on_device,
      style_grams(*net, layers.style,
                  style_targets(styles, *net, long_side, ColorPreservation::Off, content_on_device)),
      measure_settings);

  // This machine's evaluation speed as the dialog's estimate measures it (the development machine's figures in
  // MachineSpeed come from here).
  const MachineSpeed speed = report_machine_speed(library.dir());

  for (const std::string& text : o.stylize_schedules) {
    if (text.rfind("image=", 0) == 0) {
      // A result made elsewhere (another build, another tool), measured with the same loss.
      const at::Tensor image = image_rgb_to_tensor(load_image(text.substr(6)));
      if (image.sizes() != content.sizes())
        throw Error(text.substr(6) + " is not " + std::to_string(content.size(3)) + "x" +
                    std::to_string(content.size(2)) + " px, the content's working size");
      torch::NoGradGuard no_grad;
      std::printf(
          "{\"impl\": \"atelier-cpp\", \"benchmark\": \"stylize_loss_of_image\", \"image\": \"%s\", "
          "\"loss\": %.6g}\n",
          text.substr(6).c_str(), measure(image.to(device)).item<double>());
      std::fflush(stdout);
      continue;
    }
    const NamedSchedule named = parse_schedule(text);
    StylizeOptimize request;
    request.base.phase_average = !named.single_phase;
    request.base.batch_phases = !named.sequential_phases;
    request.base.optimizer.line_search = named.line_search;
    request.schedule = named.schedule;
    reset_peak_resident();
    const auto t0 = Clock::now();
    const at::Tensor result = stylize_optimize(*net, content_on_device, styles, request, Progress());
    const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    const double peak = static_cast<double>(peak_resident_bytes()) / 1048576.0;
    double loss = 0;
    {
      torch::NoGradGuard no_grad;
      loss = measure(result.to(device)).item<double>();
    }
    // The dialog's estimate for the same run, where the filter's parameters express the schedule.
    ParamValues values(stylize_filter().params);
    values.set_int("size", static_cast<int>(long_side));
    values.set_int("scales", named.schedule.scales);
    values.set_int("iterations", named.schedule.iterations);
    const StylizeSchedule expressed = stylize_schedule(values);
    const bool estimable = !named.sequential_phases && !named.single_phase && !named.line_search &&
                           expressed.coarse_iterations == named.schedule.coarse_iterations;
    const double estimate = estimable ? estimate_cost(stylize_filter(), values, static_cast<int>(content.size(3)),
                                                      static_cast<int>(content.size(2)), speed)
                                            .seconds
                                      : 0.0;
    std::string saved;
    if (!o.output_dir.empty()) {
      std::filesystem::create_directories(o.output_dir);
      std::string name = text;
      std::replace(name.begin(), name.end(), ':', '-');
      saved = (std::filesystem::path(o.output_dir) / ("stylize-" + name + ".png")).string();
      save_image(saved, tensor_to_image(result));
    }
    std::printf(
        "{\"impl\": \"atelier-cpp\", \"benchmark\": \"stylize_time_to_quality\", \"schedule\": \"%s\", "
        "\"working_size\": %lld, \"device\": \"%s\", \"seconds\": %.1f, \"loss\": %.6g, \"peak_memory_mb\": %.1f, "
        "\"estimate_seconds\": %.1f, \"threads\": %d, \"image\": \"%s\"}\n",
        text.c_str(), static_cast<long long>(long_side), device.is_cuda() ? "cuda" : "cpu", seconds, loss, peak,
        estimate, at::get_num_threads(), saved.c_str());
    std::fflush(stdout);
  }
}

}  // namespace atelier
