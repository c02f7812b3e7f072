#pragma once
// Pretrained convolutional networks used as fixed feature extractors (Gatys style/texture, DeepDream).
#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace atelier {

class ModelLibrary;

// A torch::nn::Module whose parameters (the pretrained weights) do not require gradients: optimisations
// differentiate with respect to the image. to(device) moves it; device() says where it is.
class FeatureNetwork : public torch::nn::Module {
 public:
  virtual std::string name() const = 0;  // "inception_v3", "vgg19"
  // Every layer whose activations extract() can return, from input to output.
  virtual std::vector<std::string> layer_names() const = 0;
  virtual std::vector<std::string> default_style_layers() const = 0;
  virtual std::vector<std::string> default_content_layers() const = 0;
  // "layer:dose" pairs that give the classic DeepDream look.
  virtual std::vector<std::pair<std::string, double>> default_dream_layers() const = 0;
  // Smallest input side the network accepts.
  virtual int64_t min_input_size() const = 0;

  // image: [N,3,H,W] float RGB in [0,1] on device(); the network applies its own input scaling.
  // Returns the activations of `layers` (differentiable w.r.t. `image`); stops after the deepest one.
  // Throws atelier::Error for unknown layer names (listing the valid ones).
  virtual std::map<std::string, at::Tensor> extract(const at::Tensor& image,
                                                    const std::vector<std::string>& layers) = 0;

  virtual at::Device device() const = 0;
};

// What extract() checks before any work: `image` is [N,3,H,W] with both sides at least min_size, and each of
// `layers` is one of `valid` or the classifier head `head` (reachable at the native input size only). Throws
// atelier::Error naming the network (`title`) and, for an unknown layer, the valid ones.
void check_extract_request(const std::string& title, const std::vector<std::string>& valid, const std::string& head,
                           int64_t min_size, const at::Tensor& image, const std::vector<std::string>& layers);

// Feature networks by name ("inception_v3", "vgg19", "auto" = vgg19 if installed, else inception_v3),
// loaded from the model library. Throws atelier::Error saying how to install a missing model.
std::unique_ptr<FeatureNetwork> load_feature_network(const std::string& name, const ModelLibrary& library,
                                                     at::Device device);
std::vector<std::string> feature_network_names();

}  // namespace atelier
