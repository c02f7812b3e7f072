// `atelier bench --train-style`: how fast a style network trains, and how fast a trained network stylises a
// 1024x768 photo (whole, and in the tiles Instant uses for large images, with the convolutions' share).
#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>
#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "bench/benchmarks.h"
#include "core/device.h"
#include "core/image.h"
#include "core/image_tensor.h"
#include "core/memory.h"
#include "engine/feedforward_stylize.h"
#include "engine/style_training.h"
#include "models/feature_network.h"
#include "models/model_library.h"
#include "models/transform_net.h"
#include "models/transform_net_layout.h"

namespace atelier {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// A photo-like test image: smooth colour fields with a few edges.
at::Tensor bench_photo(int64_t h, int64_t w, uint64_t seed) {
  torch::manual_seed(seed);
  return resize(torch::rand({1, 3, 6, 8}), h, w).clamp(0, 1);
}

// Seconds per training iteration at `size` px (batch 1, InceptionV3), timed over `iterations` after two warm-ups.
void bench_training(FeatureNetwork& features, int64_t size, int iterations, c10::Device device) {
  std::vector<at::Tensor> photos;
  for (uint64_t i = 0; i < 4; ++i) photos.push_back(bench_photo(size * 5 / 4, size * 5 / 3, i));
  const at::Tensor style = bench_photo(training_style_long_side(size) * 3 / 4, training_style_long_side(size), 9);
  TransformNet net;
  net.to(device);
  StyleTrainSettings s;
  s.size = size;
  s.iterations = iterations + 2;
  Clock::time_point started;
  const Progress timer(
      [&](double, const std::string& m) {
        if (m.rfind("iteration 2/", 0) == 0) started = Clock::now();
      },
      nullptr);
  c10::InferenceMode no_inference(false);
  train_style_network(net, features, style.to(device), photos, s, timer);
  const double per_iteration = seconds_since(started) / iterations;
  std::printf(
      "{\"impl\": \"atelier-cpp\", \"benchmark\": \"train_style\", \"size\": %lld, \"batch\": %d, \"network\": "
      "\"%s\", \"seconds_per_iteration\": %.3f, \"iterations_per_second\": %.3f, \"device\": \"%s\", "
      "\"threads\": %d}\n",
      static_cast<long long>(size), s.batch, features.name().c_str(), per_iteration, 1.0 / per_iteration,
      device.str().c_str(), at::get_num_threads());
  std::fflush(stdout);
}

// Instant at 1024x768 with a bundled network: the filter's tiled run (512 px tiles, whole-image statistics) and one
// pass over the whole image, and that pass's convolutions alone (the share the rest of the network costs).
void bench_inference(const ModelLibrary& library, c10::Device device) {
  const std::string name = model_name(ModelKind::FastStyle, "wave");
  auto net = load_transform_net(library.path(name), device);
  const Image photo = tensor_to_image(bench_photo(768, 1024, 3));
  c10::InferenceMode inference;
  double peak_mb = 0;
  auto time_run = [&](const FeedforwardOptions& options) {
    feedforward_stylize(photo, *net, 1.0, Progress(), options);  // warm-up
    const uint64_t before = current_resident_bytes();
    reset_peak_resident();
    const auto t0 = Clock::now();
    feedforward_stylize(photo, *net, 1.0, Progress(), options);
    const double seconds = seconds_since(t0);
    peak_mb = (static_cast<double>(peak_resident_bytes()) - static_cast<double>(before)) / 1048576.0;
    return seconds;
  };
  FeedforwardOptions tiles;
  tiles.tile_size = 512;
  const double tiled = time_run(tiles);
  const double tiled_peak_mb = peak_mb;
  const double one_pass = time_run(FeedforwardOptions{});  // the default: one pass when memory allows
  // The convolutions alone, layer by layer, on inputs of the sizes they see in that pass.
  std::string layers;
  double convolutions = 0;
  for (size_t i = 0; i < TransformNet::kNormLayers; ++i) {
    const transform_net_layout::LayerSpec& layer = transform_net_layout::kSpecs[i];
    const at::Tensor x = torch::rand({1, layer.in, 768 / layer.in_scale, 1024 / layer.in_scale}).to(device);
    net->convolve(i, x);
    const auto t0 = Clock::now();
    net->convolve(i, x).cpu();
    const double t = seconds_since(t0);
    convolutions += t;
    char item[64];
    std::snprintf(item, sizeof item, "%s%.3f", i ? ", " : "", t);
    layers += item;
  }
  std::printf(
      "{\"impl\": \"atelier-cpp\", \"benchmark\": \"instant_inference\", \"width\": 1024, \"height\": 768, "
      "\"network\": \"%s\", \"tiled_512_seconds\": %.2f, \"tiled_512_added_peak_mb\": %.0f, "
      "\"whole_image_seconds\": %.2f, \"whole_image_added_peak_mb\": %.0f, \"convolutions_seconds\": %.2f, "
      "\"convolution_seconds_per_layer\": [%s], \"device\": \"%s\", \"threads\": %d}\n",
      name.c_str(), tiled, tiled_peak_mb, one_pass, peak_mb, convolutions, layers.c_str(), device.str().c_str(),
      at::get_num_threads());
  std::fflush(stdout);
}

}  // namespace

void run_train_style_benchmarks(const BenchOptions& options) {
  const c10::Device device = select_device(options.device);
  ModelLibrary library;
  bench_inference(library, device);
  std::unique_ptr<FeatureNetwork> features = load_feature_network("inception_v3", library, device);
  for (int64_t size : options.sizes) bench_training(*features, size, options.iterations, device);
}

}  // namespace atelier
