#pragma once
// Arbitrary style transfer after Ghiasi et al. (2017, "Exploring the structure of a real-time, arbitrary neural
// artistic stylization network"): a style image becomes a 100-number embedding, which sets the scale and shift of
// every conditional instance normalisation of one transform network. Any style, one pass, no training per style.
// The transformer and the embedding's bottleneck are Magenta's (Apache-2.0, models/arbitrary-style/); the
// embedding is read from this project's InceptionV3 (nsfwjs) in place of Magenta's fine-tuned one.
#include <ATen/core/Tensor.h>

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace atelier {

class FeatureNetwork;
class TransformNet;

class ArbitraryStyle {
 public:
  static constexpr int64_t kEmbeddingSize = 100;
  // Short side, in pixels, at which style images are seen (Magenta's training size).
  static constexpr int64_t kStyleSide = 256;

  // safetensors: models/arbitrary-style/magenta_separable.safetensors (tools/convert_arbitrary_style.py).
  // inception: the InceptionV3 feature network, on `device` (null: embed() cannot be used, network() can).
  // Throws atelier::Error for a file of another kind.
  ArbitraryStyle(const std::string& safetensors, std::shared_ptr<FeatureNetwork> inception, at::Device device);
  ~ArbitraryStyle();

  // The style embedding [100] of an RGB image [1,3,H,W] in [0,1] (any size: seen with its short side at
  // kStyleSide, its long side at most 4 times that).
  at::Tensor embed(const at::Tensor& rgb01) const;

  // The transform network that paints `embedding` ([100]; a weighted sum of embeddings blends styles), on the
  // device. Cheap: the convolutions are shared, only the normalisation's scales and shifts are computed.
  std::shared_ptr<TransformNet> network(const at::Tensor& embedding) const;
  // The network that paints each of `embeddings` in its own region (TransformNet::condition per region; runs
  // need the regions' weights, see RegionWeights and FeedforwardOptions::region_weights).
  std::shared_ptr<TransformNet> regional_network(const std::vector<at::Tensor>& embeddings) const;
  // Conditions `net` (from network()) on `embedding` in place; its output is then differentiable with respect to
  // `embedding` when that requires grad (for fitting an embedding to a style: one network, re-conditioned each step).
  void condition(TransformNet& net, const at::Tensor& embedding) const;

  at::Device device() const { return device_; }

 private:
  // `embedding` as [100] floats on the device; throws atelier::Error for another number of values.
  at::Tensor checked_embedding(const at::Tensor& embedding) const;
  // Layer `layer`'s normalisation scale and shift for `embedding` ([100] on the device).
  std::pair<at::Tensor, at::Tensor> conditioning(size_t layer, const at::Tensor& embedding,
                                                 const std::string& source) const;
  // transformer_ plus the normalisation scales and shifts for `embedding`.
  std::map<std::string, at::Tensor> transformer_with(const at::Tensor& embedding, const std::string& source) const;

  std::map<std::string, at::Tensor> transformer_;   // the transform network's own tensors
  std::map<std::string, at::Tensor> style_params_;  // "style.*": the bottleneck and the per-layer projections
  std::shared_ptr<FeatureNetwork> inception_;
  at::Device device_;
};

}  // namespace atelier
