#pragma once
// VGG-19 (Simonyan & Zisserman 2014) in torchvision's layout as a fixed feature extractor, the network of Gatys
// et al.'s style transfer. Its parameters are named as torchvision's (features.N.weight / features.N.bias). Weights:
// torchvision's vgg19-dcbb9e9d.pth (not downloadable here; users import it).
#include <memory>
#include <string>
#include <vector>

#include "core/safetensors.h"
#include "models/feature_network.h"

namespace atelier {

// Gatys et al. replace max pooling by average pooling for better gradient flow (smoother results).
enum class Vgg19Pooling { Max, Average };

class Vgg19 : public FeatureNetwork {
 public:
  // weights: torchvision's keys features.N.weight / features.N.bias for the 16 convolutions (N = 0, 2, 5, ...,
  // 34); other keys (classifier.*) are ignored. Channel widths are taken from the weights, so narrow test
  // networks work; consecutive layers must agree. Throws atelier::Error naming the missing or misshapen tensor.
  Vgg19(const TensorMap& weights, at::Device device, Vgg19Pooling pooling = Vgg19Pooling::Max);

  std::string name() const override { return "vgg19"; }
  // conv1_1, relu1_1, conv1_2, relu1_2, pool1, ..., conv5_4, relu5_4, pool5 (index = torchvision's features.N).
  std::vector<std::string> layer_names() const override;
  std::vector<std::string> default_style_layers() const override;                     // relu1_1 .. relu5_1
  std::vector<std::string> default_content_layers() const override;                   // relu4_2
  std::vector<std::pair<std::string, double>> default_dream_layers() const override;  // relu4_2:1, relu5_1:0.5
  int64_t min_input_size() const override { return 32; }

  // image: [N,3,H,W] RGB in [0,1] (moved to device() and float32 if needed); normalised with ImageNet's mean and
  // standard deviation inside. Runs only as far as the deepest requested layer.
  std::map<std::string, at::Tensor> extract(const at::Tensor& image, const std::vector<std::string>& layers) override;

  at::Device device() const override { return mean_.device(); }

  void set_pooling(Vgg19Pooling pooling) { pooling_ = pooling; }
  Vgg19Pooling pooling() const { return pooling_; }
  // Output channels of each of the 16 convolutions (64, 64, 128, ... for the real network).
  std::vector<int64_t> widths() const;

 private:
  struct Conv {
    at::Tensor weight, bias;  // the registered parameters (Module::to() moves them in place)
  };
  std::vector<Conv> convs_;
  at::Tensor mean_, std_;  // registered buffers: ImageNet's input normalisation
  Vgg19Pooling pooling_;
};

// path: a safetensors file written by import_vgg19, or a torchvision .pth state dict (either PyTorch format).
// Throws atelier::Error naming the file and the problem.
std::unique_ptr<FeatureNetwork> load_vgg19(const std::string& path, at::Device device);

// Reads torchvision's VGG-19 state dict (.pth), checks that it is exactly that (key set and shapes; other models
// are named in the error, e.g. "this looks like a VGG-16 file"), keeps the features.* tensors (float32) and
// writes them to out_safetensors atomically (creating its directory).
void import_vgg19(const std::string& pth_path, const std::string& out_safetensors);

// torchvision's features.N indices of VGG-19's 16 convolutions and their output widths.
const std::vector<int>& vgg19_conv_indices();
const std::vector<int64_t>& vgg19_widths();

}  // namespace atelier
