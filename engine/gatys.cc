#include "engine/gatys.h"

#include <ATen/ATen.h>
#include <torch/torch.h>

#include "core/error.h"
#include "core/image_tensor.h"
#include "core/losses/losses.h"
#include "core/tiling.h"
#include "engine/feature_tiles.h"
#include "models/feature_network.h"

namespace atelier {
namespace {

std::vector<std::string> merged(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::vector<std::string> out = a;
  for (const auto& s : b)
    if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
  return out;
}

// The sum of a style image's Gram over positions and the number of positions, per layer: whole, or tile by tile
// with context, only the cores' positions counting (engine/feature_tiles.h).
std::pair<std::vector<at::Tensor>, std::vector<double>> gram_sums(FeatureNetwork& net,
                                                                  const std::vector<std::string>& layers,
                                                                  const at::Tensor& image, int tile) {
  std::vector<at::Tensor> sums(layers.size());
  std::vector<double> positions(layers.size(), 0.0);
  if (tile <= 0 || std::max(image.size(2), image.size(3)) <= tile) {
    const auto feats = net.extract(image.to(net.device()), layers);
    for (size_t i = 0; i < layers.size(); ++i) sums[i] = gram_matrix(feats.at(layers[i]));
    return {sums, std::vector<double>(layers.size(), 1.0)};
  }
  const std::vector<int64_t> strides = layer_strides(net, layers);
  const int64_t align = feature_tile_alignment(strides);
  const int64_t context = std::max<int64_t>(align, tile / 4 / align * align);
  const TilePlan plan(image.size(2), image.size(3),
                      {std::max<int64_t>(tile, 2 * context + align), context, align, Border::Clip});
  for (const Tile& t : plan.tiles()) {
    const at::Tensor region = tile_input(image, t);
    const auto feats = net.extract(ensure_min_side(region, net.min_input_size()).to(net.device()), layers);
    add_core_gram_sums(feats, layers, strides, t, sums, positions);
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

int phase_count(const GatysSettings& settings) {
  return settings.phase_average ? 2 : 1;
}

at::Tensor phase_view(const at::Tensor& image, int phase, int phases) {
  if (phases == 1) return image;
  return image.narrow(2, phase, image.size(2) - 1).narrow(3, phase, image.size(3) - 1);
}

at::Tensor phase_batch(const at::Tensor& image, int phases) {
  return phases == 1 ? image : at::cat({phase_view(image, 0), phase_view(image, 1)});
}

GatysLayers gatys_layers(FeatureNetwork& net, const GatysSettings& settings, bool has_content) {
  GatysLayers l;
  l.style = settings.style_layers.empty() ? net.default_style_layers() : settings.style_layers;
  if (has_content && settings.content_weight > 0)
    l.content = settings.content_layers.empty() ? net.default_content_layers() : settings.content_layers;
  l.all = merged(l.style, l.content);
  return l;
}

GatysLoss::GatysLoss(FeatureNetwork& net, const at::Tensor& content, std::vector<at::Tensor> grams,
                     const GatysSettings& settings)
    : net_(net),
      settings_(settings),
      layers_(gatys_layers(net, settings, content.defined())),
      grams_(std::move(grams)),
      content_targets_(phase_count(settings)) {
  if (grams_.size() != layers_.style.size())
    throw Error("internal error: " + std::to_string(grams_.size()) + " style targets for " +
                std::to_string(layers_.style.size()) + " style layers");
  auto inverse_norm = [](const at::Tensor& t) { return 1.0 / (t.pow(2).sum().item<double>() + 1e-8); };
  for (const at::Tensor& g : grams_) gram_scales_.push_back(inverse_norm(g));
  if (layers_.content.empty()) return;
  torch::NoGradGuard no_grad;
  const int phases = phase_count(settings);
  if (settings.batch_phases) {
    auto feats = net.extract(phase_batch(content, phases), layers_.content);
    for (const auto& l : layers_.content) content_targets_[0].push_back(feats.at(l).detach());
    content_targets_.resize(1);
  } else {
    for (int p = 0; p < phases; ++p) {
      auto feats = net.extract(phase_view(content, p, phases), layers_.content);
      for (const auto& l : layers_.content) content_targets_[p].push_back(feats.at(l).detach());
    }
  }
  for (const auto& targets : content_targets_) {
    content_scales_.emplace_back();
    for (const at::Tensor& t : targets) {
      content_scales_.back().emplace_back();
      for (int64_t b = 0; b < t.size(0); ++b) content_scales_.back().back().push_back(inverse_norm(t.narrow(0, b, 1)));
    }
  }
}

at::Tensor GatysLoss::operator()(const at::Tensor& img) const {
  const int phases = phase_count(settings_);
  const double style_weight = settings_.style_weight / static_cast<double>(layers_.style.size()) / phases;
  const double content_weight =
      settings_.content_weight / std::max<double>(1, static_cast<double>(layers_.content.size())) / phases;
  at::Tensor loss = at::zeros({}, img.options());
  // gram_loss and content_loss with their constant denominators taken from the constructor. The Gram distance
  // sums over the batch (the phases, when they are batched); the content loss is relative per phase.
  auto add_losses = [&](const std::map<std::string, at::Tensor>& feats, size_t phase) {
    for (size_t i = 0; i < layers_.style.size(); ++i)
      loss = loss +
             squared_distance(gram_matrix(feats.at(layers_.style[i])), grams_[i]) * (style_weight * gram_scales_[i]);
    for (size_t i = 0; i < layers_.content.size(); ++i) {
      const at::Tensor& f = feats.at(layers_.content[i]);
      const at::Tensor& target = content_targets_[phase][i];
      for (int64_t b = 0; b < f.size(0); ++b)
        loss = loss + squared_distance(f.narrow(0, b, 1), target.narrow(0, b, 1)) *
                          (content_weight * content_scales_[phase][i][b]);
    }
  };
  if (settings_.batch_phases) {
    add_losses(net_.extract(phase_batch(img, phases), layers_.all), 0);
  } else {
    for (int p = 0; p < phases; ++p) add_losses(net_.extract(phase_view(img, p, phases), layers_.all), p);
  }
  if (settings_.tv_weight > 0) loss = loss + tv_loss(img) * settings_.tv_weight;
  if (settings_.extra_loss) loss = loss + settings_.extra_loss(img);
  return loss;
}

void require_network_size(FeatureNetwork& net, int64_t h, int64_t w) {
  if (std::min(h, w) < net.min_input_size())
    throw Error("the image is too small for " + net.name() + ": at least " + std::to_string(net.min_input_size()) +
                " px per side are needed, got " + std::to_string(w) + "x" + std::to_string(h));
}

at::Tensor gatys_start_image(const at::Tensor& content, const GatysSettings& settings, int64_t h, int64_t w,
                             c10::Device device) {
  if (settings.init.defined()) {
    if (settings.init.size(2) != h || settings.init.size(3) != w)
      throw Error("internal error: the start image does not have the content's size");
    return settings.init.detach().to(device, at::kFloat).clone();
  }
  if (settings.random_init || !content.defined()) {
    auto gen = at::make_generator<at::CPUGeneratorImpl>(settings.seed);
    return at::rand({1, 3, h, w}, gen, at::TensorOptions().dtype(at::kFloat)).to(device);
  }
  return content.detach().to(device, at::kFloat).clone();
}

at::Tensor gatys_optimize(FeatureNetwork& net, const at::Tensor& content, const std::vector<StyleTarget>& styles,
                          const GatysSettings& settings, const Progress& progress,
                          const IterationCallback& on_iteration, std::pair<int64_t, int64_t> size) {
  if (settings.grams.empty()) progress.report(0, "computing style targets");
  const GatysLayers layers = gatys_layers(net, settings, content.defined());
  const int64_t h = content.defined() ? content.size(2) : size.first;
  const int64_t w = content.defined() ? content.size(3) : size.second;
  require_network_size(net, h, w);
  at::Tensor x = gatys_start_image(content, settings, h, w, net.device());
  if (progress.finishing()) return x.clamp(0, 1);  // stopped early: not even the targets are needed
  const GatysLoss loss(net, content, settings.grams.empty() ? style_grams(net, layers.style, styles) : settings.grams,
                       settings);
  optimize_image(x, [&](const at::Tensor& img) { return loss(img); }, settings.optimizer, progress, on_iteration);
  return x.detach().clamp(0, 1);
}

}  // namespace atelier
