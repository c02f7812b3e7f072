// `atelier bench --frames`: how much Stylize Frames' temporal consistency reduces flicker (the warping error of
// consecutive results) against stylising each frame on its own, at what cost in style strength and time.
#include <ATen/ATen.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "bench/benchmarks.h"
#include "core/error.h"
#include "core/image_io.h"
#include "core/image_statistics.h"
#include "core/image_tensor.h"
#include "core/video_io.h"
#include "engine/frame_stylize.h"
#include "filters/stylize_frames.h"
#include "models/model_library.h"

namespace atelier {
namespace {

namespace fs = std::filesystem;

// The clip's frames at the working size, in memory (a benchmark's few dozen frames); the results kept.
class BenchFrames : public FrameSequence {
 public:
  explicit BenchFrames(const std::vector<Image>& frames) : frames_(frames) {}
  int count() const override { return static_cast<int>(frames_.size()); }
  Image frame(int i) override { return frames_[static_cast<size_t>(i)]; }
  void put(int, const Image& r) override { results.push_back(r); }
  std::vector<Image> results;

 private:
  const std::vector<Image>& frames_;
};

struct Measured {
  double warping_error = 0, style_distance = 0, seconds_per_frame = 0;
  int cuts = 0;  // consecutive pairs across a scene cut, left out of the warping error
};

Measured run_variant(const std::vector<Image>& clip, const at::Tensor& style, const std::string& method,
                     double temporal_weight, const BenchOptions& options, const std::string& save_dir) {
  const Filter& filter = stylize_frames_filter();
  ParamValues v(filter.params);
  v.set_text("method", method);
  v.set_text("style-image", options.style_image);
  v.set_double("temporal-weight", temporal_weight);
  v.set_int("size", 0);  // the clip is already at the working size
  v.set_text("device", options.device);
  v.set_text("network", "inception_v3");
  BenchFrames frames(clip);
  ModelLibrary library;
  RunContext ctx{&library, {}, {}};
  const auto t0 = std::chrono::steady_clock::now();
  run_filter_frames(filter, frames, v, ctx);
  Measured m;
  m.seconds_per_frame =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / static_cast<double>(clip.size());
  int pairs = 0;
  for (size_t t = 0; t < clip.size(); ++t) {
    if (t > 0) {
      const auto e = warping_error(clip[t - 1], clip[t], frames.results[t - 1], frames.results[t]);
      if (e) {
        m.warping_error += *e;
        ++pairs;
      } else {
        ++m.cuts;
      }
    }
    m.style_distance += filter_bank_texture_distance(image_rgb_to_tensor(frames.results[t]), style);
  }
  if (pairs == 0) throw Error("every pair of consecutive frames is a scene cut: there is no flicker to measure");
  m.warping_error /= pairs;
  m.style_distance /= static_cast<double>(clip.size());
  if (!save_dir.empty()) {
    fs::create_directories(save_dir);
    for (size_t t = 0; t < frames.results.size(); ++t) {
      char name[32];
      std::snprintf(name, sizeof name, "frame-%05zu.png", t + 1);
      save_png((fs::path(save_dir) / name).string(), frames.results[t]);
    }
  }
  return m;
}

}  // namespace

void run_frames_benchmarks(const BenchOptions& options) {
  if (options.style_image.empty())
    throw Error("--frames needs --style STYLE_IMAGE (the style both methods are measured against)");
  if (options.frame_count < 2) throw Error("--frame-count must be at least 2");
  const at::Tensor style = image_rgb_to_tensor(load_image(options.style_image));
  for (const std::string& path : options.frame_clips) {
    FrameReader reader(path);
    std::vector<Image> clip;
    for (int t = 0; t < std::min(options.frame_count, reader.count()); ++t)
      clip.push_back(resize_long_side(reader.read(t), options.working_size));
    if (clip.size() < 2) throw Error("the clip '" + path + "' has fewer than two frames");
    const std::string name = fs::path(path).stem().string();
    for (const std::string& method : options.frame_methods) {
      const double consistent_weight = options.temporal_weight > 0
                                           ? options.temporal_weight
                                           : ParamValues(stylize_frames_filter().params).get_double("temporal-weight");
      auto dir = [&](const char* variant) {
        return options.output_dir.empty()
                   ? std::string()
                   : (fs::path(options.output_dir) / (name + "-" + method + "-" + variant)).string();
      };
      const Measured independent = run_variant(clip, style, method, 0.0, options, dir("independent"));
      const Measured consistent = run_variant(clip, style, method, consistent_weight, options, dir("consistent"));
      std::printf(
          "{\"benchmark\": \"stylize-frames\", \"clip\": \"%s\", \"frames\": %zu, \"width\": %d, \"height\": %d, "
          "\"scene_cuts\": %d, \"method\": \"%s\", \"temporal_weight\": %.3g, "
          "\"independent\": {\"warping_error\": %.5f, \"style_distance\": %.4f, \"seconds_per_frame\": %.2f}, "
          "\"consistent\": {\"warping_error\": %.5f, \"style_distance\": %.4f, \"seconds_per_frame\": %.2f}, "
          "\"warping_error_ratio\": %.3f, \"style_distance_ratio\": %.3f}\n",
          name.c_str(), clip.size(), clip[0].width, clip[0].height, independent.cuts, method.c_str(), consistent_weight,
          independent.warping_error, independent.style_distance, independent.seconds_per_frame,
          consistent.warping_error, consistent.style_distance, consistent.seconds_per_frame,
          consistent.warping_error / independent.warping_error, consistent.style_distance / independent.style_distance);
      std::fflush(stdout);
    }
  }
}

}  // namespace atelier
