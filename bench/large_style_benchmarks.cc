// `atelier bench --large-style`: Large Tiled Style's time and peak memory at several output sizes, and how good the
// result is: its style and content distances over the whole image, how much those vary between parts of the
// image, and the edge energy along the last level's tile boundaries against the rest (seams).
#include <ATen/ATen.h>
#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "bench/benchmarks.h"
#include "core/image_io.h"
#include "core/image_tensor.h"
#include "core/losses/losses.h"
#include "core/memory.h"
#include "core/tiling.h"
#include "engine/feature_tiles.h"
#include "engine/gatys.h"
#include "filters/filter.h"
#include "filters/large_style.h"
#include "models/feature_network.h"
#include "models/model_library.h"

namespace atelier {
namespace {

using Clock = std::chrono::steady_clock;

// A deterministic photo-like picture: gradients, a disc and bars (content and style when no files are given).
Image bench_picture(int w, int h, bool stripes) {
  Image img(w, h);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      float* p = img.pixel(x, y);
      const float u = static_cast<float>(x) / w, v = static_cast<float>(y) / h;
      const bool on = stripes ? ((x + y) / 6) % 2 == 0 : (u - 0.4f) * (u - 0.4f) + (v - 0.5f) * (v - 0.5f) < 0.05f;
      p[0] = on ? 0.9f : 0.2f + 0.5f * u;
      p[1] = on ? 0.7f : 0.3f + 0.4f * v;
      p[2] = on ? 0.1f : 0.6f;
      p[3] = 1.f;
    }
  return img;
}

// Mean relative Gram distance of `image`'s style layers to `targets` (gram_loss, averaged over the layers), its
// Grams gathered in tiles of 512 px.
double style_distance(FeatureNetwork& net, const at::Tensor& image, const std::vector<at::Tensor>& targets) {
  const std::vector<std::string> layers = net.default_style_layers();
  const std::vector<at::Tensor> grams = style_grams(net, layers, {{image, 1.0}}, 512);
  double sum = 0;
  for (size_t i = 0; i < layers.size(); ++i)
    sum += ((grams[i] - targets[i]).pow(2).sum() / (targets[i].pow(2).sum() + 1e-8)).item<double>();
  return sum / static_cast<double>(layers.size());
}

struct Quality {
  double style = 0, block_style_spread = 0, content = 0, seam_ratio = 0;
};

Quality measure(FeatureNetwork& net, const at::Tensor& out, const at::Tensor& content, const at::Tensor& style,
                const PyramidPlan::Level& last, bool exact) {
  torch::NoGradGuard no_grad;
  Quality q;
  const int64_t h = out.size(2), w = out.size(3);
  // The style as the filter sees it at the last level (style scale 1: its long side the output's).
  const auto [style_h, style_w] = fit_long_side(style.size(2), style.size(3), std::max(h, w));
  const std::vector<at::Tensor> targets =
      style_grams(net, net.default_style_layers(), {{resize(style, style_h, style_w), 1.0}}, 512);
  q.style = style_distance(net, out, targets);
  // The same distance for each of 3 x 3 parts: how evenly the style covers the image (coefficient of variation).
  std::vector<double> parts;
  for (int by = 0; by < 3; ++by)
    for (int bx = 0; bx < 3; ++bx)
      parts.push_back(style_distance(
          net, out.slice(2, h * by / 3, h * (by + 1) / 3).slice(3, w * bx / 3, w * (bx + 1) / 3), targets));
  const at::Tensor p = at::tensor(parts, at::TensorOptions().dtype(at::kDouble));
  q.block_style_spread = (p.std() / p.mean()).item<double>();
  // Content distance (content_loss's definition) over the whole image, its features gathered tile by tile.
  const std::string layer = net.default_content_layers().front();
  const int64_t stride = layer_strides(net, {layer}).front();
  const TilePlan parts_plan(h, w, {512, 128, 32, Border::Clip});
  double diff = 0, norm = 0;
  for (const Tile& t : parts_plan.tiles()) {
    const at::Tensor a = core_features(net.extract(tile_input(out, t), {layer}).at(layer), t, stride);
    const at::Tensor b = core_features(net.extract(tile_input(content, t), {layer}).at(layer), t, stride);
    diff += (a - b).pow(2).sum().item<double>();
    norm += b.pow(2).sum().item<double>();
  }
  q.content = diff / norm;
  if (last.tile_size > 0) {
    // Edge energy in the 4 px around the cores' boundaries against the whole image's, both directions.
    const TilePlan tiles(h, w, {last.tile_size, last.overlap, exact ? 32 : 8, exact ? Border::Clip : Border::Mirror});
    const at::Tensor ex = (out.slice(3, 1) - out.slice(3, 0, -1)).abs().mean({0, 1, 2});
    const at::Tensor ey = (out.slice(2, 1) - out.slice(2, 0, -1)).abs().mean({0, 1, 3});
    double seam = 0;
    int n = 0;
    for (const Tile& t : tiles.tiles()) {
      if (t.core.y0 == 0 && t.core.x0 > 0) {
        seam += ex.slice(0, t.core.x0 - 3, t.core.x0 + 2).mean().item<double>();
        ++n;
      }
      if (t.core.x0 == 0 && t.core.y0 > 0) {
        seam += ey.slice(0, t.core.y0 - 3, t.core.y0 + 2).mean().item<double>();
        ++n;
      }
    }
    const double overall = 0.5 * (ex.mean().item<double>() + ey.mean().item<double>());
    q.seam_ratio = n > 0 ? seam / n / overall : 0;
  }
  return q;
}

// One Large Tiled Style run (quality fast, InceptionV3) at size x 3/4 size with a fixed largest tile.
void bench_large_style(const BenchOptions& o, int64_t size, const std::string& tiling) {
  std::string style_path = o.style_image;
  if (style_path.empty()) {
    style_path = (std::filesystem::temp_directory_path() / "atelier-bench-style.png").string();
    save_png(style_path, bench_picture(256, 256, true));
  }
  const Filter& filter = large_style_filter();
  ParamValues v(filter.params);
  v.set_text("style-image", style_path);
  v.set_text("quality", "fast");
  v.set_int("max-tile", o.max_tile);
  v.set_text("tiling", tiling);
  v.set_text("network", "inception_v3");
  v.set_text("device", o.device);
  const int width = static_cast<int>(size), height = static_cast<int>(size * 3 / 4);
  const Image input = o.content_image.empty()
                          ? bench_picture(width, height, false)
                          : tensor_to_image(resize(image_rgb_to_tensor(load_image(o.content_image)), height, width));
  const PyramidPlan plan = plan_large_style(v, input.width, input.height);
  reset_peak_resident();
  const auto t0 = Clock::now();
  const Image out = run_filter(filter, input, v, RunContext{});
  const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  const double peak = static_cast<double>(peak_resident_bytes()) / 1048576.0;
  if (!o.output_dir.empty())
    save_png(o.output_dir + "/large-style-" + std::to_string(size) + "-" + tiling + ".png", out);
  ModelLibrary library;
  auto net = load_feature_network("inception_v3", library, at::kCPU);
  const PyramidPlan::Level& last = plan.levels.back();
  const Quality q = measure(*net, image_rgb_to_tensor(out), image_rgb_to_tensor(input),
                            image_rgb_to_tensor(load_image(style_path)), last, plan.exact);
  std::printf(
      "{\"impl\": \"atelier-cpp\", \"benchmark\": \"large_style\", \"tiling\": \"%s\", \"width\": %d, \"height\": %d, "
      "\"max_tile\": %d, \"levels\": %zu, \"last_level_tiles\": %d, \"seconds\": %.1f, \"planned_seconds\": %.1f, "
      "\"peak_memory_mb\": %.1f, \"planned_peak_mb\": %.1f, \"style_distance\": %.4f, \"part_style_spread\": %.3f, "
      "\"content_distance\": %.4f, \"seam_ratio\": %.3f, \"threads\": %d}\n",
      tiling.c_str(), input.width, input.height, o.max_tile, plan.levels.size(), last.tiles_x * last.tiles_y, secs,
      plan.seconds, peak, plan.peak_megabytes, q.style, q.block_style_spread, q.content, q.seam_ratio,
      at::get_num_threads());
  std::fflush(stdout);
}

}  // namespace

void run_large_style_benchmarks(const BenchOptions& options) {
  for (int64_t size : options.large_style_sizes)
    for (const std::string& tiling : options.tilings) bench_large_style(options, size, tiling);
}

}  // namespace atelier
