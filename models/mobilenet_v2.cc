#include "models/mobilenet_v2.h"

#include <torch/torch.h>

#include "core/error.h"
#include "models/keras_graph.h"

namespace atelier {

MobileNetV2::MobileNetV2(std::shared_ptr<KerasGraph> graph) : graph_(register_module("graph", std::move(graph))) {
  for (const auto& n : graph_->layer_names()) {
    const std::string& cls = graph_->layer_class(n);
    if (cls == "ReLU" || cls == "Add") layer_names_.push_back(n);
  }
  for (const auto& n : default_style_layers())
    if (!graph_->has_layer(n)) throw Error("the MobileNetV2 model has no layer '" + n + "'; install it again");
}

MobileNetV2::~MobileNetV2() = default;

std::vector<std::string> MobileNetV2::layer_names() const {
  return layer_names_;
}

std::vector<std::string> MobileNetV2::default_style_layers() const {
  return {"Conv1_relu", "block_1_expand_relu", "block_3_expand_relu", "block_6_expand_relu", "block_13_expand_relu"};
}

std::vector<std::string> MobileNetV2::default_content_layers() const {
  return {"block_6_expand_relu"};
}

std::vector<std::pair<std::string, double>> MobileNetV2::default_dream_layers() const {
  return {{"block_13_expand_relu", 1.0}};
}

std::map<std::string, at::Tensor> MobileNetV2::extract(const at::Tensor& image,
                                                       const std::vector<std::string>& layers) {
  check_extract_request("MobileNetV2", layer_names_, "dense_3", min_input_size(), image, layers);
  // nsfwjs feeds x/255 to all its networks: RGB in [0,1] as is.
  return graph_->forward(image.to(graph_->device(), torch::kFloat), layers);
}

at::Device MobileNetV2::device() const {
  return graph_->device();
}

std::unique_ptr<FeatureNetwork> load_mobilenet_v2(const std::string& safetensors_path, at::Device device) {
  auto net = std::make_unique<MobileNetV2>(load_keras_graph(safetensors_path, "mobilenet_v2"));
  net->to(device);
  return net;
}

}  // namespace atelier
