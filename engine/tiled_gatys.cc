#include "engine/tiled_gatys.h"

#include <torch/torch.h>

#include <algorithm>

#include "core/error.h"
#include "core/losses/losses.h"
#include "engine/feature_tiles.h"
#include "models/feature_network.h"

namespace atelier {
namespace {

int64_t round_up(int64_t v, int64_t multiple) {
  return (v + multiple - 1) / multiple * multiple;
}

}  // namespace

TiledGatysLoss::TiledGatysLoss(FeatureNetwork& net, const at::Tensor& content, std::vector<at::Tensor> grams,
                               const GatysSettings& settings, int64_t tile_size, int64_t context, int64_t height,
                               int64_t width)
    : net_(net),
      settings_(settings),
      layers_(gatys_layers(net, settings, content.defined())),
      grams_(std::move(grams)) {
  if (grams_.size() != layers_.style.size())
    throw Error("internal error: " + std::to_string(grams_.size()) + " style targets for " +
                std::to_string(layers_.style.size()) + " style layers");
  style_strides_ = layer_strides(net, layers_.style);
  if (!layers_.content.empty()) content_strides_ = layer_strides(net, layers_.content);
  std::vector<int64_t> strides = style_strides_;
  strides.insert(strides.end(), content_strides_.begin(), content_strides_.end());
  const int64_t align = feature_tile_alignment(strides);
  // Every region at least the network's smallest input (a core is at least `align`).
  context = std::max(round_up(std::max<int64_t>(context, 1), align), round_up(net.min_input_size(), align));
  tile_size = std::max(round_up(tile_size, align), 2 * context + align);
  const int64_t h = content.defined() ? content.size(2) : height, w = content.defined() ? content.size(3) : width;
  torch::NoGradGuard no_grad;
  const int phases = phase_count(settings);
  for (int p = 0; p < phases; ++p) {
    Phase phase{TilePlan(h - (phases - 1), w - (phases - 1), {tile_size, context, align, Border::Clip}),
                {},
                std::vector<double>(layers_.content.size(), 1e-8)};
    if (!layers_.content.empty()) {
      const at::Tensor view = phase_view(content, p, phases);
      for (const Tile& t : phase.plan.tiles()) {
        const auto feats = net.extract(tile_input(view, t).to(net.device(), at::kFloat), layers_.content);
        std::vector<at::Tensor> cores;
        for (size_t i = 0; i < layers_.content.size(); ++i) {
          const at::Tensor core = core_features(feats.at(layers_.content[i]), t, content_strides_[i]).to(at::kFloat);
          phase.content_norms[i] += core.pow(2).sum().item<double>();
          cores.push_back(core.cpu());
        }
        phase.content_cores.push_back(std::move(cores));
      }
    }
    phases_.push_back(std::move(phase));
  }
}

LossAndGradient TiledGatysLoss::operator()(const at::Tensor& image_in, const Progress& progress) const {
  const at::Tensor image = image_in.detach();
  const c10::Device device = net_.device();
  const double phases = static_cast<double>(phases_.size());
  const double style_weight = settings_.style_weight / static_cast<double>(layers_.style.size()) / phases;
  const double content_weight =
      settings_.content_weight / std::max<double>(1, static_cast<double>(layers_.content.size())) / phases;
  at::Tensor gradient = at::zeros_like(image);
  double loss = 0;
  for (size_t p = 0; p < phases_.size(); ++p) {
    const Phase& phase = phases_[p];
    const at::Tensor view = phase_view(image, static_cast<int>(p), static_cast<int>(phases_.size()));
    at::Tensor gradient_view = phase_view(gradient, static_cast<int>(p), static_cast<int>(phases_.size()));
    const Progress phase_progress = progress.sub(p / phases, (p + 1) / phases);

    // Pass 1: the whole image's Gram per style layer, as sums over the tiles' cores.
    std::vector<at::Tensor> sums(layers_.style.size());
    std::vector<double> positions(layers_.style.size(), 0.0);
    {
      torch::NoGradGuard no_grad;
      auto measure = [&](const Tile& t) {
        const auto feats = net_.extract(tile_input(view, t).to(device, at::kFloat), layers_.style);
        add_core_gram_sums(feats, layers_.style, style_strides_, t, sums, positions);
      };
      for_each_tile(phase.plan, measure, phase_progress.sub(0, 0.3), "measuring the style");
    }
    // The style loss, and its gradient with respect to each layer's Gram sum (constant during pass 2).
    std::vector<at::Tensor> gram_gradients(layers_.style.size());
    for (size_t i = 0; i < layers_.style.size(); ++i) {
      if (!sums[i].defined()) throw Error("internal error: no positions of style layer " + layers_.style[i]);
      const at::Tensor difference = sums[i] / positions[i] - grams_[i];
      const double norm = grams_[i].pow(2).sum().item<double>() + 1e-8;
      loss += difference.pow(2).sum().item<double>() / norm * style_weight;
      gram_gradients[i] = difference * (2.0 * style_weight / norm / positions[i]);
    }

    // Pass 2: each tile backward with the whole image's gradient.
    auto backward = [&](const Tile& t) {
      const at::Tensor region =
          tile_input(view, t).to(device, at::kFloat, /*non_blocking=*/false, /*copy=*/true).requires_grad_(true);
      const auto feats = net_.extract(region, layers_.all);
      std::vector<at::Tensor> terms;
      for (size_t i = 0; i < layers_.style.size(); ++i) {
        const at::Tensor kept = core_features(feats.at(layers_.style[i]), t, style_strides_[i]);
        if (kept.numel() > 0) terms.push_back((gram_gradients[i] * gram_sum(kept)).sum());
      }
      for (size_t i = 0; i < layers_.content.size(); ++i) {
        const at::Tensor kept = core_features(feats.at(layers_.content[i]), t, content_strides_[i]);
        const at::Tensor target = phase.content_cores[t.index][i].to(device);
        const at::Tensor term = (kept.to(at::kFloat) - target).pow(2).sum() * (content_weight / phase.content_norms[i]);
        loss += term.item<double>();
        terms.push_back(term);
      }
      if (terms.empty()) return;
      at::stack(terms).sum().backward();
      const Rect& r = t.region;
      gradient_view.slice(2, r.y0, r.y1).slice(3, r.x0, r.x1).add_(region.grad().to(at::kCPU));
    };
    for_each_tile(phase.plan, backward, phase_progress.sub(0.3, 1), "optimising");
  }
  if (settings_.tv_weight > 0) {
    const at::Tensor x = image.clone().requires_grad_(true);
    const at::Tensor tv = tv_loss(x) * settings_.tv_weight;
    tv.backward();
    gradient.add_(x.grad());
    loss += tv.item<double>();
  }
  return {at::scalar_tensor(loss, at::TensorOptions().dtype(at::kDouble)), gradient};
}

at::Tensor gatys_optimize_tiled(FeatureNetwork& net, const at::Tensor& content, const GatysSettings& settings,
                                int64_t tile_size, int64_t context, double optimizer_bytes, const Progress& progress) {
  const int64_t h = content.size(2), w = content.size(3);
  require_network_size(net, h, w);
  at::Tensor x = gatys_start_image(content, settings, h, w, at::kCPU);
  if (progress.finishing()) return x.clamp(0, 1);  // stopped early: not even the targets are needed
  progress.report(0, "computing the content targets");
  const TiledGatysLoss loss(net, content, settings.grams, settings, tile_size, context);
  OptimizeSettings optimizer = settings.optimizer;
  // L-BFGS keeps two image-sized vectors per remembered step: at most 20 steps, fewer when they would not fit.
  const double step_bytes = 2.0 * 4.0 * static_cast<double>(x.numel());
  optimizer.history =
      std::clamp(static_cast<int>(optimizer_bytes / step_bytes), 5, std::max(5, std::min(20, optimizer.history)));
  const int n = optimizer.iterations;
  int done = 0;
  auto evaluate = [&](const at::Tensor& image) {
    const std::string at = "iteration " + std::to_string(std::min(done + 1, n)) + "/" + std::to_string(n);
    return loss(image, progress.sub(static_cast<double>(done) / n, (done + 1.0) / n).prefixed(at));
  };
  optimize_image_with_gradient(x, evaluate, optimizer, progress, [&](int i, double) { done = i; });
  return x.detach().clamp(0, 1);
}

}  // namespace atelier
