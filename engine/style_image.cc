#include "engine/style_image.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "core/color.h"
#include "core/error.h"
#include "core/image_tensor.h"
#include "models/feature_network.h"

namespace atelier {

std::vector<StyleTarget> style_targets(const std::vector<StyleImage>& styles, const FeatureNetwork& net,
                                       int64_t long_side, ColorPreservation colors, const at::Tensor& content) {
  std::vector<StyleTarget> targets;
  for (const auto& s : styles) {
    at::Tensor t = image_rgb_to_tensor(s.image, net.device());
    t = ensure_min_side(resize_long_side(t, std::max<int64_t>(net.min_input_size(), long_side)), net.min_input_size());
    if (colors == ColorPreservation::Histogram) t = match_histogram(t, content);
    targets.push_back({t, s.weight});
  }
  return targets;
}

namespace {

// A painting's palette is well sampled at 512 px, whatever its size.
constexpr int64_t kPaletteLongSide = 512;

at::Tensor palette_pixels(const Image& image) {
  at::Tensor rgb = image_rgb_to_tensor(image);
  if (std::max(rgb.size(2), rgb.size(3)) > kPaletteLongSide) rgb = resize_long_side(rgb, kPaletteLongSide);
  return rgb;
}

}  // namespace

at::Tensor content_in_style_colours(const at::Tensor& content, const std::vector<StyleImage>& styles) {
  if (styles.empty()) return content;
  const auto heaviest = std::max_element(styles.begin(), styles.end(),
                                         [](const StyleImage& a, const StyleImage& b) { return a.weight < b.weight; });
  const at::Tensor style = palette_pixels(heaviest->image);
  // On the CPU (a small eigendecomposition and sorts; the start is a working-size image), back on content's device.
  return match_colour_distribution(content.to(at::kCPU, at::kFloat), style).to(content.device(), content.scalar_type());
}

at::Tensor style_palette(const std::vector<const StyleImage*>& styles) {
  std::vector<const StyleImage*> used;
  double total = 0;
  for (const StyleImage* s : styles)
    if (s->weight > 0) {
      used.push_back(s);
      total += s->weight;
    }
  if (used.empty()) throw Error("style_palette: no style has a weight above 0");
  if (used.size() == 1) return palette_pixels(used[0]->image).reshape({1, 3, 1, -1});
  constexpr int64_t kPalettePixels = int64_t{1} << 18;
  std::vector<at::Tensor> parts;
  for (const StyleImage* s : used) {
    const at::Tensor flat = palette_pixels(s->image).reshape({3, -1});
    const auto n = std::max<int64_t>(1, std::llround(kPalettePixels * s->weight / total));
    // Evenly spread over the painting (repeating pixels when it has fewer than its share).
    const at::Tensor index = at::linspace(0, static_cast<double>(flat.size(1) - 1), n).round().to(at::kLong);
    parts.push_back(flat.index_select(1, index));
  }
  return at::cat(parts, 1).reshape({1, 3, 1, -1});
}

}  // namespace atelier
