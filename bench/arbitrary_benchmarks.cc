// `atelier bench --arbitrary`: Stylize's Arbitrary method beside Optimise and Instant on photo x painting pairs,
// judged by measures none of them optimises (the filter-bank texture statistics and colour histograms of the
// result against the painting's at the same size, relative to the photo's own; the edge agreement with the
// photo), and its time and peak memory for whole layers of given widths.
#include <ATen/ATen.h>

#include <algorithm>
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
#include "core/memory.h"
#include "core/temp_dir.h"
#include "filters/cost.h"
#include "filters/filter.h"
#include "filters/machine_speed.h"
#include "filters/stylize.h"
#include "models/model_library.h"

namespace atelier {
namespace {

using Clock = std::chrono::steady_clock;

// "CONTENT:STYLE[:INSTANT_NETWORK]".
struct Pair {
  std::string content, style, instant;
};

Pair parse_pair(const std::string& text) {
  Pair p;
  const size_t a = text.find(':');
  if (a == std::string::npos)
    throw Error("--arbitrary expects CONTENT:STYLE[:INSTANT_NETWORK] pairs, got '" + text + "'");
  p.content = text.substr(0, a);
  const size_t b = text.find(':', a + 1);
  p.style = text.substr(a + 1, b == std::string::npos ? std::string::npos : b - a - 1);
  if (b != std::string::npos) p.instant = text.substr(b + 1);
  for (const std::string& f : {p.content, p.style})
    if (!std::filesystem::is_regular_file(f)) throw Error("--arbitrary: no such file '" + f + "'");
  return p;
}

// One method's values for Stylize: the filter's defaults but for the method and its own choices.
struct Method {
  std::string name;
  std::vector<std::pair<std::string, std::string>> settings;
};

std::vector<Method> methods_for(const Pair& pair, const std::vector<std::string>& chosen) {
  auto wanted = [&](const std::string& name) { return std::find(chosen.begin(), chosen.end(), name) != chosen.end(); };
  std::vector<Method> m;
  if (wanted("arbitrary")) m.push_back({"arbitrary", {{"method", "arbitrary"}}});
  if (wanted("arbitrary-read")) m.push_back({"arbitrary-read", {{"method", "arbitrary"}, {"fit-steps", "0"}}});
  if (wanted("optimize")) m.push_back({"optimize", {{"method", "optimize"}}});
  if (wanted("instant") && !pair.instant.empty())
    m.push_back({"instant-" + pair.instant, {{"method", "feed-forward"}, {"fast-model", pair.instant}}});
  return m;
}

ParamValues stylize_values(const std::string& style, const Method& method, const std::string& device) {
  ParamValues v(stylize_filter().params);
  v.set_text("device", device);
  v.set_text("style-image", style);
  for (const auto& [name, value] : method.settings) v.set_from_string(name, value);
  return v;
}

Image run_stylize(const Image& content, const std::string& style, const Method& method, const std::string& device) {
  return run_filter(stylize_filter(), content, stylize_values(style, method, device), RunContext{});
}

// The dialog's way with the default fit: the preview (a kPreviewSide copy of the layer, fitting on the whole layer
// and keeping the fit, as FilterPreview does) and then the run on the layer, which reuses the fit.
void print_prepared_run(const Image& content, const BenchOptions& o, const MachineSpeed& speed) {
  const TempDir cache("atelier-bench-fits");
  const Filter& f = stylize_filter();
  const ParamValues v = stylize_values(o.style_image, {"arbitrary", {{"method", "arbitrary"}}}, o.device);
  RunContext ctx;
  ctx.cache_dir = cache.path();
  ctx.original = &content;
  const Image copy = resize_long_side(content, kPreviewSide);
  auto t0 = Clock::now();
  run_filter(f, copy, f.preview(v).values, ctx);
  const double preview_seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  ctx.original = nullptr;
  reset_peak_resident();
  t0 = Clock::now();
  run_filter(f, content, v, ctx);
  const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  const CostEstimate e = estimate_cost(f, v, content.width, content.height, speed);
  std::printf(
      "{\"impl\": \"atelier-cpp\", \"benchmark\": \"arbitrary_speed\", \"width\": %d, \"height\": %d, "
      "\"fit_steps\": %d, \"prepared_by_preview\": true, \"preview_seconds\": %.1f, \"seconds\": %.1f, "
      "\"estimate_seconds\": %.1f, \"peak_memory_mb\": %.1f, \"threads\": %d}\n",
      content.width, content.height, v.get_int("fit-steps"), preview_seconds, seconds, e.seconds - e.prepared_seconds,
      static_cast<double>(peak_resident_bytes()) / 1048576.0, at::get_num_threads());
  std::fflush(stdout);
}

}  // namespace

void run_arbitrary_benchmarks(const BenchOptions& o) {
  std::vector<Pair> pairs;
  for (const std::string& text : o.arbitrary_pairs) pairs.push_back(parse_pair(text));
  int index = 0;
  for (const Pair& pair : pairs) {
    ++index;
    const Image content = resize_long_side(load_image(pair.content), o.working_size);
    // The painting as the methods see it: its long side at the working size (the texture statistics depend on
    // the scale of the strokes).
    const Image painting = resize_long_side(load_image(pair.style), o.working_size);
    const at::Tensor photo = image_rgb_to_tensor(content), style = image_rgb_to_tensor(painting);
    const double photo_texture = filter_bank_texture_distance(photo, style);
    const double photo_colour = colour_histogram_distance(photo, style);
    if (!o.output_dir.empty()) {
      std::filesystem::create_directories(o.output_dir);
      save_image(o.output_dir + "/pair" + std::to_string(index) + "-photo.jpg", content);
      save_image(o.output_dir + "/pair" + std::to_string(index) + "-style.jpg",
                 resize_long_side(painting, o.working_size));
    }
    for (const Method& method : methods_for(pair, o.arbitrary_methods)) {
      const auto t0 = Clock::now();
      const Image out = run_stylize(content, pair.style, method, o.device);
      const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
      const at::Tensor result = image_rgb_to_tensor(out);
      std::string saved;
      if (!o.output_dir.empty()) {
        saved = o.output_dir + "/pair" + std::to_string(index) + "-" + method.name + ".jpg";
        save_image(saved, out);
      }
      std::printf(
          "{\"impl\": \"atelier-cpp\", \"benchmark\": \"arbitrary_quality\", \"pair\": %d, \"content\": \"%s\", "
          "\"style\": \"%s\", \"method\": \"%s\", \"width\": %d, \"height\": %d, \"seconds\": %.1f, "
          "\"texture_ratio\": %.3f, \"colour_ratio\": %.3f, \"edge_correlation\": %.3f, \"image\": \"%s\"}\n",
          index, pair.content.c_str(), pair.style.c_str(), method.name.c_str(), out.width, out.height, seconds,
          filter_bank_texture_distance(result, style) / photo_texture,
          colour_histogram_distance(result, style) / photo_colour, gradient_correlation(result, photo), saved.c_str());
      std::fflush(stdout);
    }
  }
  // Time and peak memory of whole layers (width x 3/4 width), the style read without fitting and fitted, with the
  // dialog's estimate (scaled by this machine's speed, as the dialog does).
  const MachineSpeed speed = o.arbitrary_widths.empty() ? MachineSpeed() : measure_machine_speed(ModelLibrary().dir());
  for (const int64_t width : o.arbitrary_widths) {
    if (o.content_image.empty() || o.style_image.empty())
      throw Error("--arbitrary-widths needs --content FILE and --style FILE");
    const int height = static_cast<int>(width * 3 / 4);
    const Image content = tensor_to_image(resize(image_rgb_to_tensor(load_image(o.content_image)), height, width));
    for (const char* steps : {"0", "20"}) {
      const ParamValues v =
          stylize_values(o.style_image, {"arbitrary", {{"method", "arbitrary"}, {"fit-steps", steps}}}, o.device);
      reset_peak_resident();
      const auto t0 = Clock::now();
      run_filter(stylize_filter(), content, v, RunContext{});
      const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
      const double estimate = estimate_cost(stylize_filter(), v, content.width, content.height, speed).seconds;
      std::printf(
          "{\"impl\": \"atelier-cpp\", \"benchmark\": \"arbitrary_speed\", \"width\": %lld, \"height\": %d, "
          "\"fit_steps\": %s, \"seconds\": %.1f, \"estimate_seconds\": %.1f, \"peak_memory_mb\": %.1f, "
          "\"threads\": %d}\n",
          static_cast<long long>(width), height, steps, seconds, estimate,
          static_cast<double>(peak_resident_bytes()) / 1048576.0, at::get_num_threads());
      std::fflush(stdout);
    }
    print_prepared_run(content, o, speed);
  }
}

}  // namespace atelier
