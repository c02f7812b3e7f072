#include "engine/feature_tiles.h"

#include <torch/torch.h>

#include <algorithm>

#include "core/error.h"
#include "core/losses/losses.h"
#include "models/feature_network.h"

namespace atelier {

std::vector<int64_t> layer_strides(FeatureNetwork& net, const std::vector<std::string>& layers) {
  torch::NoGradGuard no_grad;
  constexpr int64_t kStep = 64;
  const int64_t side = std::max<int64_t>(net.min_input_size(), 96);
  const auto options = at::TensorOptions().dtype(at::kFloat).device(net.device());
  const auto small = net.extract(at::full({1, 3, side, side}, 0.5, options), layers);
  const auto large = net.extract(at::full({1, 3, side + kStep, side + kStep}, 0.5, options), layers);
  std::vector<int64_t> strides;
  for (const auto& l : layers) {
    const int64_t grown = large.at(l).size(3) - small.at(l).size(3);
    if (grown <= 0 || kStep % grown != 0)
      throw Error("internal error: layer " + l + " of " + net.name() + " has no whole-pixel stride");
    strides.push_back(kStep / grown);
  }
  return strides;
}

int64_t feature_tile_alignment(const std::vector<int64_t>& strides) {
  int64_t align = 32;
  for (int64_t s : strides) align = std::max(align, s);
  return align;
}

at::Tensor core_features(const at::Tensor& features, const Tile& tile, int64_t stride) {
  const Rect core = tile.core_in_region();
  auto span = [stride](int64_t from, int64_t to, int64_t size) {
    const int64_t a = std::min(size, (from + stride - 1) / stride);
    return std::pair<int64_t, int64_t>{a, std::clamp((to + stride - 1) / stride, a, size)};
  };
  const auto [y0, y1] = span(core.y0, core.y1, features.size(2));
  const auto [x0, x1] = span(core.x0, core.x1, features.size(3));
  return features.slice(2, y0, y1).slice(3, x0, x1);
}

void add_core_gram_sums(const std::map<std::string, at::Tensor>& features, const std::vector<std::string>& layers,
                        const std::vector<int64_t>& strides, const Tile& tile, std::vector<at::Tensor>& sums,
                        std::vector<double>& positions) {
  for (size_t i = 0; i < layers.size(); ++i) {
    const at::Tensor kept = core_features(features.at(layers[i]), tile, strides[i]);
    if (kept.numel() == 0) continue;
    const at::Tensor g = gram_sum(kept);
    sums[i] = sums[i].defined() ? sums[i] + g : g;
    positions[i] += static_cast<double>(kept.size(2) * kept.size(3));
  }
}

}  // namespace atelier
