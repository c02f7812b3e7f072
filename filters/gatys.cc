#include "filters/gatys.h"

#include <ATen/ATen.h>
#include <torch/torch.h>

#include "core/error.h"
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

}  // namespace

std::vector<at::Tensor> style_grams(FeatureNetwork& net, const std::vector<std::string>& layers,
                                    const std::vector<StyleTarget>& styles) {
  if (styles.empty()) throw Error("no style image given");
  double total = 0;
  for (const auto& s : styles) total += s.weight;
  if (!(total > 0)) throw Error("style weights must add up to more than 0");
  std::vector<at::Tensor> grams(layers.size());
  torch::NoGradGuard no_grad;
  for (const auto& s : styles) {
    auto feats = net.extract(s.image.to(net.device()), layers);
    for (size_t i = 0; i < layers.size(); ++i) {
      at::Tensor g = gram_matrix(feats.at(layers[i])) * (s.weight / total);
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
