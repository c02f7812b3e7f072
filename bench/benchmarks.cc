#include "bench/benchmarks.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <vector>

#include "bench/random_vgg19.h"
#include "core/device.h"
#include "core/error.h"
#include "core/image_io.h"
#include "core/memory.h"
#include "engine/deep_dream.h"
#include "engine/gatys.h"
#include "models/feature_network.h"
#include "models/model_library.h"
#include "models/vgg19.h"

namespace atelier {
namespace {

using Clock = std::chrono::steady_clock;

double peak_rss_mb() {
  return static_cast<double>(peak_resident_bytes()) / (1024.0 * 1024.0);
}

// A feature network that counts its forward passes (one per loss evaluation in the plain Gatys loop), so that
// iterations of optimisers that evaluate the loss a different number of times can be compared.
class CountingNetwork : public FeatureNetwork {
 public:
  explicit CountingNetwork(FeatureNetwork& net) : net_(net) {}
  std::string name() const override { return net_.name(); }
  std::vector<std::string> layer_names() const override { return net_.layer_names(); }
  std::vector<std::string> default_style_layers() const override { return net_.default_style_layers(); }
  std::vector<std::string> default_content_layers() const override { return net_.default_content_layers(); }
  std::vector<std::pair<std::string, double>> default_dream_layers() const override {
    return net_.default_dream_layers();
  }
  int64_t min_input_size() const override { return net_.min_input_size(); }
  std::map<std::string, at::Tensor> extract(const at::Tensor& image, const std::vector<std::string>& layers) override {
    ++passes;
    return net_.extract(image, layers);
  }
  at::Device device() const override { return net_.device(); }
  int passes = 0;

 private:
  FeatureNetwork& net_;
};

void bench_gatys(FeatureNetwork& net, const std::string& label, int64_t size, int iterations, c10::Device device) {
  auto gen = at::make_generator<at::CPUGeneratorImpl>(1);
  at::Tensor content = at::rand({1, 3, size, size}, gen, at::TensorOptions()).to(device);
  at::Tensor style = at::rand({1, 3, size, size}, gen, at::TensorOptions()).to(device);
  GatysSettings s;
  s.optimizer.iterations = iterations + 1;  // the first one warms up
  std::vector<Clock::time_point> stamps;
  double last_loss = 0;
  CountingNetwork counting(net);
  int passes_after_warm_up = 0;
  reset_peak_resident();
  gatys_optimize(counting, content, {{style, 1.0}}, s, Progress(), [&](int i, double loss) {
    if (i == 1) {
      reset_peak_resident();
      passes_after_warm_up = counting.passes;
    }
    stamps.push_back(Clock::now());
    last_loss = loss;
  });
  const double ms = std::chrono::duration<double, std::milli>(stamps.back() - stamps.front()).count() / iterations;
  const int evaluations = counting.passes - passes_after_warm_up;
  std::printf(
      "{\"impl\": \"atelier-cpp\", \"benchmark\": \"gatys_iteration\", \"network\": \"%s\", \"size\": %lld, "
      "\"device\": \"%s\", \"ms_per_iteration\": %.1f, \"iterations\": %d, \"evaluations_per_iteration\": %.2f, "
      "\"ms_per_evaluation\": %.1f, \"peak_memory_mb\": %.1f, \"final_loss\": %.6g, \"threads\": %d}\n",
      label.c_str(), static_cast<long long>(size), device.is_cuda() ? "cuda" : "cpu", ms, iterations,
      static_cast<double>(evaluations) / iterations, ms * iterations / std::max(1, evaluations), peak_rss_mb(),
      last_loss, at::get_num_threads());
  std::fflush(stdout);
}

// One DeepDream octave (the network's default layers, 20 steps) at size x size.
void bench_dream_octave(FeatureNetwork& net, const std::string& label, int64_t size, c10::Device device) {
  auto gen = at::make_generator<at::CPUGeneratorImpl>(2);
  at::Tensor image = at::rand({1, 3, size, size}, gen, at::TensorOptions()).to(device);
  DreamSettings s;
  s.layers = net.default_dream_layers();
  s.octaves = 1;
  deep_dream(net, image.narrow(2, 0, net.min_input_size()).narrow(3, 0, net.min_input_size()), s);  // warm-up
  reset_peak_resident();
  const auto t0 = Clock::now();
  deep_dream(net, image, s);
  const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  std::printf(
      "{\"impl\": \"atelier-cpp\", \"benchmark\": \"dream_octave\", \"network\": \"%s\", \"size\": %lld, "
      "\"device\": \"%s\", \"seconds_per_octave\": %.2f, \"steps\": %d, \"ms_per_step\": %.1f, "
      "\"peak_memory_mb\": %.1f, \"threads\": %d}\n",
      label.c_str(), static_cast<long long>(size), device.is_cuda() ? "cuda" : "cpu", secs, s.iterations,
      1000 * secs / s.iterations, peak_rss_mb(), at::get_num_threads());
  std::fflush(stdout);
}

}  // namespace

MachineSpeed report_machine_speed(const std::string& library_dir) {
  const MachineSpeed speed = measure_machine_speed(library_dir);
  std::printf(
      "{\"impl\": \"atelier-cpp\", \"benchmark\": \"machine_speed\", \"fixed_seconds\": %.4f, "
      "\"seconds_per_megapixel\": %.3f, \"threads\": %d}\n",
      speed.fixed_seconds, speed.seconds_per_megapixel, speed.threads);
  std::fflush(stdout);
  return speed;
}

void run_benchmarks(const BenchOptions& options) {
  if (!options.quality_pairs.empty()) return run_quality_benchmarks(options);
  if (!options.arbitrary_pairs.empty() || !options.arbitrary_widths.empty()) return run_arbitrary_benchmarks(options);
  if (!options.frame_clips.empty()) return run_frames_benchmarks(options);
  if (!options.texture_sources.empty()) return run_texture_benchmarks(options);
  if (options.train_style) return run_train_style_benchmarks(options);
  if (!options.stylize_schedules.empty()) return run_stylize_benchmarks(options);
  if (!options.large_style_sizes.empty()) return run_large_style_benchmarks(options);
  if (options.sizes.empty()) throw Error("benchmarks need at least one size, e.g. --sizes 256,512");
  const c10::Device device = select_device(options.device);
  ModelLibrary library;
  for (const auto& name : options.networks) {
    std::unique_ptr<FeatureNetwork> net;
    if (name == "vgg19" && !library.installed("vgg19")) {
      net = load_vgg19(random_vgg19(std::filesystem::temp_directory_path().string()), device);
    } else {
      net = load_feature_network(name, library, device);
    }
    for (int64_t size : options.sizes) bench_gatys(*net, name, size, options.iterations, device);
    if (name == "inception_v3") bench_dream_octave(*net, name, 512, device);
  }
}

}  // namespace atelier
