#include "models/inception_v3.h"

#include <torch/torch.h>

#include <algorithm>
#include <set>
#include <sstream>

#include "core/error.h"
#include "core/safetensors.h"
#include "models/keras_graph.h"

namespace atelier {

InceptionV3::InceptionV3(std::shared_ptr<KerasGraph> graph, int input_padding)
    : graph_(register_module("graph", std::move(graph))) {
  set_input_padding(input_padding);
  for (const auto& n : graph_->layer_names()) {
    const std::string& cls = graph_->layer_class(n);
    if ((cls == "Activation" && n.rfind("activation_", 0) == 0) || (cls == "Concatenate" && n.rfind("mixed", 0) == 0))
      layer_names_.push_back(n);
  }
  for (const auto& n : default_style_layers())
    if (!graph_->has_layer(n)) throw Error("the InceptionV3 model has no layer '" + n + "'; install it again");
}

InceptionV3::~InceptionV3() = default;

std::vector<std::string> InceptionV3::layer_names() const {
  return layer_names_;
}

std::vector<std::string> InceptionV3::default_style_layers() const {
  return {"activation_1", "activation_3", "activation_5", "mixed0", "mixed1", "mixed2", "mixed3", "mixed4", "mixed5"};
}

std::vector<std::string> InceptionV3::default_content_layers() const {
  return {"mixed2"};
}

std::vector<std::pair<std::string, double>> InceptionV3::default_dream_layers() const {
  return {{"mixed3", 1.0}, {"mixed4", 0.5}};
}

void InceptionV3::set_input_padding(int pixels) {
  if (pixels < 0 || pixels > 64)
    throw Error("InceptionV3 input padding must be 0..64 pixels, got " + std::to_string(pixels));
  input_padding_ = pixels;
}

std::map<std::string, at::Tensor> InceptionV3::extract(const at::Tensor& image,
                                                       const std::vector<std::string>& layers) {
  const std::set<std::string> valid(layer_names_.begin(), layer_names_.end());
  for (const auto& n : layers) {
    // The classifier head is reachable for completeness, but only at the native 299 px input.
    if (valid.count(n) || n == "dense_3") continue;
    std::string list;
    for (const auto& v : layer_names_) list += (list.empty() ? "" : ", ") + v;
    throw Error("InceptionV3 has no layer '" + n + "'; valid layers: " + list);
  }
  if (image.dim() != 4 || image.size(1) != 3) {
    std::ostringstream msg;
    msg << "InceptionV3 expects an RGB image tensor [N,3,H,W], got " << image.sizes();
    throw Error(msg.str());
  }
  if (std::min(image.size(2), image.size(3)) < min_input_size())
    throw Error("the image is " + std::to_string(image.size(3)) + "x" + std::to_string(image.size(2)) +
                " pixels; InceptionV3 needs at least " + std::to_string(min_input_size()) + " on each side");
  // The nsfwjs fine-tuning re-estimated the BatchNorm statistics for x/255 input, i.e. RGB in [0,1] as is.
  at::Tensor x = image.to(graph_->device(), torch::kFloat);
  if (input_padding_ > 0) {
    const int64_t p = std::min<int64_t>({input_padding_, x.size(2) - 1, x.size(3) - 1});
    x = torch::reflection_pad2d(x, {p, p, p, p});
  }
  return graph_->forward(x, layers);
}

at::Device InceptionV3::device() const {
  return graph_->device();
}

std::unique_ptr<FeatureNetwork> load_inception_v3(const std::string& safetensors_path, at::Device device) {
  Metadata meta;
  TensorMap weights = load_safetensors(safetensors_path, &meta);
  require_finite_weights(weights, safetensors_path);
  auto it = meta.find("keras_model_config");
  if (it == meta.end())
    throw Error("'" + safetensors_path + "' has no keras_model_config metadata: it is not an InceptionV3 model " +
                "converted by atelier; run 'atelier models install inception_v3'");
  auto net =
      std::make_unique<InceptionV3>(std::make_shared<KerasGraph>(it->second, std::move(weights), safetensors_path));
  net->to(device);
  return net;
}

}  // namespace atelier
