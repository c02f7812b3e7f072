#pragma once
// InceptionV3 (ImageNet-pretrained, fine-tuned for NSFW classification by nsfwjs@4.4.0) as a feature network,
// run from the Keras graph stored in the model library's inception_v3.safetensors.
#include <memory>
#include <string>

#include "models/feature_network.h"

namespace atelier {

class KerasGraph;

class InceptionV3 : public FeatureNetwork {
 public:
  // graph: the converted nsfwjs model. input_padding: reflect-pad the image by this many pixels before the
  // network (8 removes the bright border band of style/texture results; losses over Gram matrices or means
  // do not need the activations cropped back).
  // The graph becomes the submodule "graph" (its parameters are the network's).
  explicit InceptionV3(std::shared_ptr<KerasGraph> graph, int input_padding = 0);
  ~InceptionV3() override;

  std::string name() const override { return "inception_v3"; }
  // activation_N and mixedN layers, in network order (plus the class probabilities "dense_3" at 299 px).
  std::vector<std::string> layer_names() const override;
  std::vector<std::string> default_style_layers() const override;
  std::vector<std::string> default_content_layers() const override;
  std::vector<std::pair<std::string, double>> default_dream_layers() const override;
  int64_t min_input_size() const override { return 75; }

  std::map<std::string, at::Tensor> extract(const at::Tensor& image, const std::vector<std::string>& layers) override;

  void set_input_padding(int pixels);
  int input_padding() const { return input_padding_; }

  at::Device device() const override;

 private:
  std::shared_ptr<KerasGraph> graph_;
  std::vector<std::string> layer_names_;
  int input_padding_ = 0;
};

// Loads the converted model (models/convert/nsfwjs_to_safetensors.js) onto `device`. Throws atelier::Error for
// missing or corrupt files.
std::unique_ptr<FeatureNetwork> load_inception_v3(const std::string& safetensors_path, at::Device device);

}  // namespace atelier
