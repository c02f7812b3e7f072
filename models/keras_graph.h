#pragma once
// Runs a Keras (2.x) functional model from its model_config JSON and weights stored under Keras names
// ("conv2d_1/kernel", "batch_normalization_1/moving_mean", ...), in NCHW with LibTorch.
// Supported layers: InputLayer, Conv2D, DepthwiseConv2D, BatchNormalization, Activation (relu, softmax, linear),
// ReLU (with max_value, negative_slope, threshold), ZeroPadding2D, MaxPooling2D, AveragePooling2D, Add, Concatenate
// (channel axis), GlobalAveragePooling2D, Flatten, Dense, Dropout (identity).
#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>
#include <torch/nn/module.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/safetensors.h"

namespace atelier {

// A torch::nn::Module: the weights are parameters (no gradients) of one child module per Keras layer.
class KerasGraph : public torch::nn::Module {
 public:
  // model_config_json: Keras' "model_config" ({"class_name": "Model", "config": {layers, input_layers, ...}}).
  // weights: float tensors in Keras layouts (kernels HWIO / [in,out]); consumed. origin names the weights
  // file in error messages. BatchNormalization is folded into the convolution feeding it when that
  // convolution has no other consumer. Throws atelier::Error for unsupported layers and missing or
  // mis-shaped weights.
  KerasGraph(const std::string& model_config_json, TensorMap weights, const std::string& origin);
  ~KerasGraph() override;

  // Every layer name in topological order (the config's order).
  std::vector<std::string> layer_names() const;
  bool has_layer(const std::string& name) const;
  // Keras class name of a layer ("Conv2D", "Concatenate", ...); throws for unknown names.
  const std::string& layer_class(const std::string& name) const;

  // input: [N,C,H,W] float on device(). Returns the outputs (NCHW, or [N,F] after Flatten/Dense) of `layers`,
  // evaluating only the layers they depend on and dropping intermediates once no later layer needs them.
  // Throws atelier::Error for unknown layer names and inputs too small for a layer.
  std::map<std::string, at::Tensor> forward(const at::Tensor& input, const std::vector<std::string>& layers) const;

  c10::Device device() const;

 private:
  struct Layer;
  class LayerReader;
  class LayerRunner;
  std::vector<Layer> layers_;
  std::map<std::string, size_t> index_;
  std::string origin_;
};

// A model converted by models/convert/nsfwjs_to_safetensors.js: its weights and the Keras model_config in its
// metadata. install_name names the model in the message that says how to install it again. Throws atelier::Error
// for missing, corrupt or non-finite files.
std::shared_ptr<KerasGraph> load_keras_graph(const std::string& safetensors_path, const std::string& install_name);

}  // namespace atelier
