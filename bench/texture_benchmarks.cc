// `atelier bench --texture`: Texture Synthesize's speed and how close its results come to the source's texture.
#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include "bench/benchmarks.h"
#include "core/device.h"
#include "core/image_io.h"
#include "core/image_statistics.h"
#include "core/image_tensor.h"
#include "core/memory.h"
#include "engine/texture_synthesis.h"
#include "filters/texture.h"
#include "models/feature_network.h"
#include "models/model_library.h"

namespace atelier {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// Distances of an image's texture statistics from the source's: in the feature network's space (Gram matrices;
// sliced Wasserstein over several direction draws) and of the colour histograms.
class TextureJudge {
 public:
  TextureJudge(FeatureNetwork& net, const at::Tensor& source)
      : source_(source),
        gram_(net, source, {}, TextureLossKind::Gram, false),
        sliced_(net, source, {}, TextureLossKind::Sliced, false) {}

  std::string json(const at::Tensor& image) const {
    torch::NoGradGuard no_grad;
    double sliced = 0;
    for (uint64_t seed = 101; seed < 105; ++seed) sliced += sliced_.loss(image, seed).item<double>() / 4;
    char out[160];
    std::snprintf(out, sizeof out, "{\"gram\": %.5f, \"sliced\": %.5f, \"histogram\": %.4f}",
                  gram_.loss(image, 0).item<double>(), sliced, colour_histogram_distance(image.cpu(), source_.cpu()));
    return out;
  }

 private:
  at::Tensor source_;
  TextureObjective gram_, sliced_;
};

void bench_source(const std::string& path, const BenchOptions& options, FeatureNetwork& net, c10::Device device) {
  const ParamValues defaults(texture_filter().params);
  const at::Tensor source = texture_source(load_image(path), 1.0, device);
  const TextureJudge judge(net, source);
  const int64_t size = options.texture_size;
  const std::string name = std::filesystem::path(path).filename().string();
  const std::string baselines = "\"shuffled_source\": " + judge.json(shuffled_pixels(source, 7)) +
                                ", \"noise\": " + judge.json(torch::rand({1, 3, size, size}).to(device));
  c10::InferenceMode no_inference(false);

  TextureOptimizeSettings opt;
  opt.width = opt.height = size;
  opt.octaves = defaults.get_int("octaves");
  opt.iterations = defaults.get_int("iterations");
  opt.loss = texture_loss_from_name(defaults.get_text("loss"));
  opt.periodic = true;
  reset_peak_resident();
  auto t0 = Clock::now();
  const at::Tensor optimised = optimize_texture(net, source, opt, Progress());
  const double optimize_seconds = seconds_since(t0);
  std::printf(
      "{\"impl\": \"atelier-cpp\", \"benchmark\": \"texture_optimize\", \"source\": \"%s\", \"size\": %lld, "
      "\"loss\": \"%s\", \"octaves\": %d, \"iterations\": %d, \"seconds\": %.1f, \"peak_memory_mb\": %.0f, "
      "\"result\": %s, %s, \"threads\": %d}\n",
      name.c_str(), static_cast<long long>(size), defaults.get_text("loss").c_str(), opt.octaves, opt.iterations,
      optimize_seconds, peak_resident_bytes() / 1048576.0, judge.json(optimised).c_str(), baselines.c_str(),
      at::get_num_threads());
  std::fflush(stdout);

  TextureTrainSettings train;
  train.generator.tileable = true;
  train.iterations = options.train_iterations;
  train.sample_size = defaults.get_int("train-size");
  train.loss = opt.loss;
  t0 = Clock::now();
  TextureGenerator generator = train_texture_generator(net, source, train, Progress());
  const double train_seconds = seconds_since(t0);
  torch::NoGradGuard no_grad;
  const at::Tensor sample = generator->sample(1, size, size, 3);
  double sample_seconds[2];
  const int64_t sample_sizes[2] = {512, 2048};
  reset_peak_resident();
  for (int i = 0; i < 2; ++i) {
    t0 = Clock::now();
    generator->sample(1, sample_sizes[i], sample_sizes[i], 5).cpu();
    sample_seconds[i] = seconds_since(t0);
  }
  std::printf(
      "{\"impl\": \"atelier-cpp\", \"benchmark\": \"texture_generator\", \"source\": \"%s\", \"size\": %lld, "
      "\"loss\": \"%s\", \"train_iterations\": %d, \"train_size\": %lld, \"batch\": %d, "
      "\"train_seconds\": %.1f, \"iterations_per_second\": %.3f, \"sample_512_seconds\": %.2f, "
      "\"sample_2048_seconds\": %.2f, \"sample_peak_memory_mb\": %.0f, \"result\": %s, %s, \"threads\": %d}\n",
      name.c_str(), static_cast<long long>(size), defaults.get_text("loss").c_str(), train.iterations,
      static_cast<long long>(train.sample_size), train.batch, train_seconds, train.iterations / train_seconds,
      sample_seconds[0], sample_seconds[1], peak_resident_bytes() / 1048576.0, judge.json(sample).c_str(),
      baselines.c_str(), at::get_num_threads());
  std::fflush(stdout);
}

}  // namespace

void run_texture_benchmarks(const BenchOptions& options) {
  const c10::Device device = select_device(options.device);
  ModelLibrary library;
  std::unique_ptr<FeatureNetwork> net = load_feature_network("inception_v3", library, device);
  for (const std::string& path : options.texture_sources) bench_source(path, options, *net, device);
}

}  // namespace atelier
