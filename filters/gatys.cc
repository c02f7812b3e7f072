#include "filters/gatys.h"

#include <ATen/ATen.h>
#include <torch/torch.h>

#include "core/error.h"
#include "core/image_tensor.h"
#include "core/tiling.h"
#include "core/losses/losses.h"
#include "models/feature_network.h"

namespace atelier {
namespace {

std::vector<std::string> merged(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::vector<std::string> out = a;
  for (const auto& s : b)
    if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
  return out;
}

// The sum of a style image's Gram over positions and the number of positions, per layer: whole, or tile by tile.
// Each tile is seen with context (so that its features are those of the whole image) and only its core's features
// count (the cores partition the image); regions start on the networks' total stride (32), so that strided layers
// sample the same positions as on the whole image.
std::pair<std::vector<at::Tensor>, std::vector<double>> gram_sums(FeatureNetwork& net,
                                                                  const std::vector<std::string>& layers,
                                                                  const at::Tensor& image, int tile) {
  constexpr int64_t kStride = 32;
  std::vector<at::Tensor> sums(layers.size());
  std::vector<double> positions(layers.size(), 0.0);
  if (tile <= 0 || std::max(image.size(2), image.size(3)) <= tile) {
    const auto feats = net.extract(image.to(net.device()), layers);
    for (size_t i = 0; i < layers.size(); ++i) sums[i] = gram_matrix(feats.at(layers[i]));
    return {sums, std::vector<double>(layers.size(), 1.0)};
  }
  const int64_t context = std::max<int64_t>(kStride, tile / 4 / kStride * kStride);
  const TilePlan plan(image.size(2), image.size(3),
                      {std::max<int64_t>(tile, 2 * context + kStride), context, kStride, Border::Clip});
  for (const Tile& t : plan.tiles()) {
    const at::Tensor region = tile_input(image, t);
    const auto feats = net.extract(ensure_min_side(region, net.min_input_size()).to(net.device()), layers);
    const Rect core = t.core_in_region();
    for (size_t i = 0; i < layers.size(); ++i) {
      const at::Tensor& f = feats.at(layers[i]);
      // The core's rows and columns at this layer's resolution (at least one).
      auto span = [](int64_t from, int64_t to, double scale) {
        const int64_t a = std::lround(from * scale);
        return std::pair<int64_t, int64_t>{a, std::max(a + 1, static_cast<int64_t>(std::lround(to * scale)))};
      };
      const auto [y0, y1] = span(core.y0, core.y1, static_cast<double>(f.size(2)) / region.size(2));
      const auto [x0, x1] = span(core.x0, core.x1, static_cast<double>(f.size(3)) / region.size(3));
      const at::Tensor kept = f.slice(2, y0, y1).slice(3, x0, x1);
      const double hw = static_cast<double>(kept.size(2) * kept.size(3));
      const at::Tensor g = gram_matrix(kept) * hw;
      sums[i] = sums[i].defined() ? sums[i] + g : g;
      positions[i] += hw;
    }
  }
  return {sums, positions};
}

}  // namespace

std::vector<at::Tensor> style_grams(FeatureNetwork& net, const std::vector<std::string>& layers,
                                    const std::vector<StyleTarget>& styles, int tile) {
  if (styles.empty()) throw Error("no style image given");
  double total = 0;
  for (const auto& s : styles) total += s.weight;
  if (!(total > 0)) throw Error("style weights must add up to more than 0");
  std::vector<at::Tensor> grams(layers.size());
  torch::NoGradGuard no_grad;
  for (const auto& s : styles) {
    const auto [sums, positions] = gram_sums(net, layers, s.image, tile);
    for (size_t i = 0; i < layers.size(); ++i) {
      const at::Tensor g = sums[i] / positions[i] * (s.weight / total);
      grams[i] = grams[i].defined() ? grams[i] + g : g;
    }
  }
  return grams;
}

at::Tensor gatys_optimize(FeatureNetwork& net, const at::Tensor& content, const std::vector<StyleTarget>& styles,
                          const GatysSettings& settings, const Progress& progress,
                          const IterationCallback& on_iteration, std::pair<int64_t, int64_t> size) {
  const std::vector<std::string> style_layers =
      settings.style_layers.empty() ? net.default_style_layers() : settings.style_layers;
  const bool has_content = content.defined() && settings.content_weight > 0;
  const std::vector<std::string> content_layers =
      !has_content ? std::vector<std::string>{}
                   : (settings.content_layers.empty() ? net.default_content_layers() : settings.content_layers);
  const std::vector<std::string> all_layers = merged(style_layers, content_layers);

  if (!settings.grams.empty() && settings.grams.size() != style_layers.size())
    throw Error("internal error: " + std::to_string(settings.grams.size()) + " style targets for " +
                std::to_string(style_layers.size()) + " style layers");
  if (settings.grams.empty()) progress.report(0, "computing style targets");
  const std::vector<at::Tensor> grams =
      settings.grams.empty() ? style_grams(net, style_layers, styles) : settings.grams;
  // Each phase is the image seen from a different pixel offset: a strided first layer otherwise leaves a 2-pixel
  // grid in the result, since only some pixel phases get an even share of its gradient.
  const int phases = settings.phase_average ? 2 : 1;
  auto phase_view = [](const at::Tensor& t, int phase) {
    return phase == 0 ? t : t.narrow(2, 1, t.size(2) - 1).narrow(3, 1, t.size(3) - 1);
  };
  std::vector<std::vector<at::Tensor>> content_targets(phases);
  if (has_content) {
    torch::NoGradGuard no_grad;
    for (int p = 0; p < phases; ++p) {
      auto feats = net.extract(phase_view(content, p), content_layers);
      for (const auto& l : content_layers) content_targets[p].push_back(feats.at(l).detach());
    }
  }

  const int64_t h = content.defined() ? content.size(2) : size.first;
  const int64_t w = content.defined() ? content.size(3) : size.second;
  if (std::min(h, w) < net.min_input_size())
    throw Error("the image is too small for " + net.name() + ": at least " + std::to_string(net.min_input_size()) +
                " px per side are needed, got " + std::to_string(w) + "x" + std::to_string(h));
  at::Tensor x;
  if (settings.init.defined()) {
    if (settings.init.size(2) != h || settings.init.size(3) != w)
      throw Error("internal error: the start image does not have the content's size");
    x = settings.init.detach().to(net.device(), at::kFloat).clone();
  } else if (settings.random_init || !content.defined()) {
    auto gen = at::make_generator<at::CPUGeneratorImpl>(settings.seed);
    x = at::rand({1, 3, h, w}, gen, at::TensorOptions().dtype(at::kFloat)).to(net.device());
  } else {
    x = content.detach().clone();
  }

  const double n_style = static_cast<double>(style_layers.size());
  const double n_content = std::max<double>(1, content_layers.size());
  auto loss_fn = [&](const at::Tensor& img) {
    at::Tensor loss = at::zeros({}, img.options());
    for (int p = 0; p < phases; ++p) {
      auto feats = net.extract(phase_view(img, p), all_layers);
      for (size_t i = 0; i < style_layers.size(); ++i)
        loss = loss + gram_loss(feats.at(style_layers[i]), grams[i]) * (settings.style_weight / n_style / phases);
      for (size_t i = 0; i < content_layers.size(); ++i)
        loss = loss + content_loss(feats.at(content_layers[i]), content_targets[p][i]) *
                          (settings.content_weight / n_content / phases);
    }
    if (settings.tv_weight > 0) loss = loss + tv_loss(img) * settings.tv_weight;
    return loss;
  };
  optimize_image(x, loss_fn, settings.optimizer, progress, on_iteration);
  return x.detach().clamp(0, 1);
}

}  // namespace atelier
