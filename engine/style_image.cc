#include "engine/style_image.h"

#include <torch/torch.h>

#include <algorithm>

#include "core/color.h"
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

at::Tensor content_in_style_colours(const at::Tensor& content, const std::vector<StyleImage>& styles) {
  if (styles.empty()) return content;
  const auto heaviest = std::max_element(styles.begin(), styles.end(),
                                         [](const StyleImage& a, const StyleImage& b) { return a.weight < b.weight; });
  // 512 px are enough pixels for the distribution, whatever the painting's size.
  constexpr int64_t kPaletteLongSide = 512;
  at::Tensor style = image_rgb_to_tensor(heaviest->image);
  if (std::max(style.size(2), style.size(3)) > kPaletteLongSide) style = resize_long_side(style, kPaletteLongSide);
  // On the CPU (a small eigendecomposition and sorts; the start is a working-size image), back on content's device.
  return match_colour_distribution(content.to(at::kCPU, at::kFloat), style).to(content.device(), content.scalar_type());
}

}  // namespace atelier
