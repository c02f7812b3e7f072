#include "models/arbitrary_style.h"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "core/image_tensor.h"
#include "core/safetensors.h"
#include "models/feature_network.h"
#include "models/transform_net.h"
#include "models/transform_net_layout.h"

namespace atelier {
namespace {

using namespace transform_net_layout;

// InceptionV3's Mixed_6e in TF-slim's names: the 768 channels Magenta's style predictor averages.
constexpr const char* kStyleLayer = "mixed7";
constexpr int64_t kStyleChannels = 768;
// Magenta's InceptionV3 clips its activations at 6 (ReLU6); nsfwjs' does not.
constexpr double kRelu6 = 6.0;

at::Tensor tensor(const std::map<std::string, at::Tensor>& m, const std::string& key, const std::string& source) {
  auto it = m.find(key);
  if (it == m.end())
    throw Error("'" + source + "' lacks tensor '" + key + "': it is not the arbitrary-style network; run " +
                "'atelier models install arbitrary-style/magenta'");
  return it->second;
}

}  // namespace

ArbitraryStyle::ArbitraryStyle(const std::string& safetensors, std::shared_ptr<FeatureNetwork> inception,
                               at::Device device)
    : inception_(std::move(inception)), device_(device) {
  Metadata meta;
  TensorMap weights = load_safetensors(safetensors, &meta);
  require_finite_weights(weights, safetensors);
  auto kind = meta.find("kind");
  if (kind == meta.end() || kind->second != "arbitrary-style")
    throw Error("'" + safetensors + "' holds " +
                (kind == meta.end() ? "no model kind" : "a '" + kind->second + "' model") +
                ", not the arbitrary-style network");
  for (auto& [name, t] : weights) (name.rfind("style.", 0) == 0 ? style_params_ : transformer_)[name] = t.to(device);
  // Checks every tensor a network will need, once.
  TransformNet(kMagentaSeparable, transformer_with(at::zeros({kEmbeddingSize}, at::TensorOptions(device)), safetensors),
               safetensors, device);
  const at::Tensor bottleneck = tensor(style_params_, "style.bottleneck_weight", safetensors);
  if (bottleneck.sizes() != at::IntArrayRef{kEmbeddingSize, kStyleChannels})
    throw Error("'" + safetensors + "': the style bottleneck has the wrong shape");
}

ArbitraryStyle::~ArbitraryStyle() = default;

std::pair<at::Tensor, at::Tensor> ArbitraryStyle::conditioning(size_t layer, const at::Tensor& embedding,
                                                               const std::string& source) const {
  const LayerSpec& s = kSeparableSpecs[layer];
  at::Tensor out[2];
  const char* parts[2] = {"scale", "shift"};
  for (int k = 0; k < 2; ++k) {
    const std::string p = std::string("style.") + s.name + "." + parts[k];
    const at::Tensor weight = tensor(style_params_, p + "_weight", source);
    const at::Tensor bias = tensor(style_params_, p + "_bias", source);
    if (weight.dim() != 2 || weight.size(0) != s.out || weight.size(1) != kEmbeddingSize)
      throw Error("'" + source + "': tensor '" + p + "_weight' has the wrong shape");
    out[k] = at::addmv(bias, weight, embedding);
  }
  return {out[0], out[1]};
}

std::map<std::string, at::Tensor> ArbitraryStyle::transformer_with(const at::Tensor& embedding,
                                                                   const std::string& source) const {
  std::map<std::string, at::Tensor> w = transformer_;
  const at::Tensor e = embedding.to(device_, at::kFloat).reshape({kEmbeddingSize});
  for (size_t i = 0; i < kLayers; ++i) {
    const LayerSpec& s = kSeparableSpecs[i];
    if (s.batch_norm) continue;
    auto [scale, shift] = conditioning(i, e, source);
    w[std::string(s.name) + ".norm_scale"] = scale;
    w[std::string(s.name) + ".norm_shift"] = shift;
  }
  return w;
}

at::Tensor ArbitraryStyle::embed(const at::Tensor& rgb01) const {
  if (!inception_) throw Error("arbitrary style: no InceptionV3 network to read styles with");
  c10::InferenceMode guard;
  at::Tensor x = rgb01.to(device_, at::kFloat);
  const int64_t h = x.size(2), w = x.size(3);
  const double scale = static_cast<double>(kStyleSide) / std::min(h, w);
  const int64_t nh = std::clamp<int64_t>(std::llround(h * scale), kStyleSide, 4 * kStyleSide);
  const int64_t nw = std::clamp<int64_t>(std::llround(w * scale), kStyleSide, 4 * kStyleSide);
  x = resize(x, nh, nw);
  const at::Tensor features = inception_->extract(x, {kStyleLayer}).at(kStyleLayer);
  const at::Tensor pooled = features.clamp_max(kRelu6).mean({0, 2, 3});
  return at::addmv(style_params_.at("style.bottleneck_bias"), style_params_.at("style.bottleneck_weight"), pooled);
}

at::Tensor ArbitraryStyle::checked_embedding(const at::Tensor& embedding) const {
  if (!embedding.defined() || embedding.numel() != kEmbeddingSize)
    throw Error("arbitrary style: a style embedding has " + std::to_string(kEmbeddingSize) + " numbers");
  return embedding.to(device_, at::kFloat).reshape({kEmbeddingSize});
}

std::shared_ptr<TransformNet> ArbitraryStyle::network(const at::Tensor& embedding) const {
  auto net = std::make_shared<TransformNet>(kMagentaSeparable,
                                            transformer_with(checked_embedding(embedding), "arbitrary-style network"),
                                            "arbitrary-style network", device_);
  net->eval();
  // Only embeddings are ever fitted: no gradient for the convolutions' own weights.
  for (at::Tensor& p : net->parameters()) p.set_requires_grad(false);
  return net;
}

std::shared_ptr<TransformNet> ArbitraryStyle::regional_network(const std::vector<at::Tensor>& embeddings) const {
  if (embeddings.empty()) throw Error("arbitrary style: no style embedding for the regions");
  auto net = network(embeddings.front());
  if (embeddings.size() == 1) return net;
  c10::InferenceMode guard;
  std::vector<at::Tensor> checked;
  for (const at::Tensor& e : embeddings) checked.push_back(checked_embedding(e));
  for (size_t i = 0; i < kLayers; ++i) {
    if (kSeparableSpecs[i].batch_norm) continue;
    std::vector<at::Tensor> scales, shifts;
    for (const at::Tensor& e : checked) {
      auto [scale, shift] = conditioning(i, e, "arbitrary-style network");
      scales.push_back(scale);
      shifts.push_back(shift);
    }
    net->condition(i, at::stack(scales), at::stack(shifts));
  }
  return net;
}

void ArbitraryStyle::condition(TransformNet& net, const at::Tensor& embedding) const {
  const at::Tensor e = checked_embedding(embedding);
  for (size_t i = 0; i < kLayers; ++i) {
    if (kSeparableSpecs[i].batch_norm) continue;
    auto [scale, shift] = conditioning(i, e, "arbitrary-style network");
    net.condition(i, scale, shift);
  }
}

}  // namespace atelier
