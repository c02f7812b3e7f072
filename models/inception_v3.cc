#include "models/inception_v3.h"

#include <torch/torch.h>

#include <algorithm>

#include "core/error.h"
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
  // The classifier head is reachable for completeness, but only at the native 299 px input.
  check_extract_request("InceptionV3", layer_names_, "dense_3", min_input_size(), image, layers);
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
  auto net = std::make_unique<InceptionV3>(load_keras_graph(safetensors_path, "inception_v3"));
  net->to(device);
  return net;
}

}  // namespace atelier
