#pragma once
// MobileNetV2 (ImageNet-pretrained, fine-tuned for NSFW classification by nsfwjs@4.4.0) as a feature network, run
// from the Keras graph in the model library's mobilenet_v2.safetensors. No filter paints with it: it is the
// referee that judges how far a result's texture is from the painting's (bench/quality_benchmarks.cc), a network
// the optimisation never saw.
#include <memory>
#include <string>

#include "models/feature_network.h"

namespace atelier {

class KerasGraph;

class MobileNetV2 : public FeatureNetwork {
 public:
  // graph: the converted nsfwjs model; it becomes the submodule "graph".
  explicit MobileNetV2(std::shared_ptr<KerasGraph> graph);
  ~MobileNetV2() override;

  std::string name() const override { return "mobilenet_v2"; }
  // The ReLU6 outputs (Conv1_relu, block_N_expand_relu, block_N_depthwise_relu, out_relu) and the residual sums
  // (block_N_add), in network order (plus the class probabilities "dense_3" at 224 px).
  std::vector<std::string> layer_names() const override;
  // The expansions at strides 2, 4, 8 and 16: Conv1_relu, block_1/3/6/13_expand_relu.
  std::vector<std::string> default_style_layers() const override;
  std::vector<std::string> default_content_layers() const override;
  std::vector<std::pair<std::string, double>> default_dream_layers() const override;
  int64_t min_input_size() const override { return 32; }

  std::map<std::string, at::Tensor> extract(const at::Tensor& image, const std::vector<std::string>& layers) override;

  at::Device device() const override;

 private:
  std::shared_ptr<KerasGraph> graph_;
  std::vector<std::string> layer_names_;
};

// Loads the converted model (models/convert/nsfwjs_to_safetensors.js ... mobilenet_v2) onto `device`. Throws
// atelier::Error for missing or corrupt files.
std::unique_ptr<FeatureNetwork> load_mobilenet_v2(const std::string& safetensors_path, at::Device device);

}  // namespace atelier
