#include "models/vgg19.h"

#include <ATen/ATen.h>
#include <torch/nn/module.h>

#include <algorithm>

#include "core/error.h"
#include "models/pth_loader.h"

namespace atelier {
namespace {

constexpr int kConvsPerBlock[] = {2, 2, 4, 4, 4};

enum class Op { Conv, Relu, Pool };

struct Layer {
  std::string name;
  Op op;
  int conv = -1;  // index into the 16 convolutions
};

// The 37 modules of torchvision's vgg19().features, in order.
const std::vector<Layer>& layers() {
  static const std::vector<Layer> all = [] {
    std::vector<Layer> v;
    int conv = 0;
    for (int b = 0; b < 5; ++b) {
      for (int c = 1; c <= kConvsPerBlock[b]; ++c) {
        const std::string suffix = std::to_string(b + 1) + "_" + std::to_string(c);
        v.push_back({"conv" + suffix, Op::Conv, conv});
        v.push_back({"relu" + suffix, Op::Relu, conv});
        ++conv;
      }
      v.push_back({"pool" + std::to_string(b + 1), Op::Pool});
    }
    return v;
  }();
  return all;
}

std::string shape_string(at::IntArrayRef s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + "]";
}

}  // namespace

const std::vector<int>& vgg19_conv_indices() {
  static const std::vector<int> idx = [] {
    std::vector<int> v;
    for (size_t i = 0; i < layers().size(); ++i)
      if (layers()[i].op == Op::Conv) v.push_back(static_cast<int>(i));
    return v;
  }();
  return idx;
}

const std::vector<int64_t>& vgg19_widths() {
  static const std::vector<int64_t> w = {64, 64, 128, 128, 256, 256, 256, 256, 512, 512, 512, 512, 512, 512, 512, 512};
  return w;
}

Vgg19::Vgg19(const TensorMap& weights, at::Device device, Vgg19Pooling pooling) : pooling_(pooling) {
  auto features = register_module("features", std::make_shared<torch::nn::Module>());
  int64_t in_channels = 3;
  for (int index : vgg19_conv_indices()) {
    const std::string w_key = "features." + std::to_string(index) + ".weight";
    const std::string b_key = "features." + std::to_string(index) + ".bias";
    auto w = weights.find(w_key), b = weights.find(b_key);
    if (w == weights.end() || b == weights.end())
      throw Error("VGG-19 weights lack '" + (w == weights.end() ? w_key : b_key) +
                  "'; expected torchvision's vgg19 state dict (features.N.weight/bias)");
    const at::Tensor& wt = w->second;
    const at::Tensor& bt = b->second;
    if (wt.dim() != 4 || wt.size(1) != in_channels || wt.size(2) != 3 || wt.size(3) != 3 || wt.size(0) < 1)
      throw Error("VGG-19 weight '" + w_key + "' has shape " + shape_string(wt.sizes()) + ", expected [C, " +
                  std::to_string(in_channels) + ", 3, 3]");
    if (bt.dim() != 1 || bt.size(0) != wt.size(0))
      throw Error("VGG-19 bias '" + b_key + "' has shape " + shape_string(bt.sizes()) + ", expected [" +
                  std::to_string(wt.size(0)) + "]");
    if (!at::isFloatingType(wt.scalar_type()) || !at::isFloatingType(bt.scalar_type()))
      throw Error("VGG-19 weight '" + w_key + "' is not a floating-point tensor");
    auto conv = features->register_module(std::to_string(index), std::make_shared<torch::nn::Module>());
    convs_.push_back({conv->register_parameter("weight", wt.detach().to(at::kFloat).contiguous(), false),
                      conv->register_parameter("bias", bt.detach().to(at::kFloat).contiguous(), false)});
    in_channels = wt.size(0);
  }
  mean_ = register_buffer("mean", at::tensor(at::ArrayRef<float>({0.485f, 0.456f, 0.406f})).view({1, 3, 1, 1}));
  std_ = register_buffer("std", at::tensor(at::ArrayRef<float>({0.229f, 0.224f, 0.225f})).view({1, 3, 1, 1}));
  to(device);
}

std::vector<std::string> Vgg19::layer_names() const {
  std::vector<std::string> names;
  for (const auto& l : layers()) names.push_back(l.name);
  return names;
}

std::vector<std::string> Vgg19::default_style_layers() const {
  return {"relu1_1", "relu2_1", "relu3_1", "relu4_1", "relu5_1"};
}

std::vector<std::string> Vgg19::default_content_layers() const {
  return {"relu4_2"};
}

std::vector<std::pair<std::string, double>> Vgg19::default_dream_layers() const {
  return {{"relu4_2", 1.0}, {"relu5_1", 0.5}};
}

std::vector<int64_t> Vgg19::widths() const {
  std::vector<int64_t> w;
  for (const auto& c : convs_) w.push_back(c.weight.size(0));
  return w;
}

std::map<std::string, at::Tensor> Vgg19::extract(const at::Tensor& image, const std::vector<std::string>& names) {
  const auto& all = layers();
  size_t deepest = 0;
  for (const auto& n : names) {
    auto it = std::find_if(all.begin(), all.end(), [&](const Layer& l) { return l.name == n; });
    if (it == all.end()) {
      std::string valid;
      for (const auto& l : all) valid += (valid.empty() ? "" : ", ") + l.name;
      throw Error("unknown VGG-19 layer '" + n + "'; valid layers: " + valid);
    }
    deepest = std::max(deepest, static_cast<size_t>(it - all.begin()));
  }
  std::map<std::string, at::Tensor> out;
  if (names.empty()) return out;
  if (!image.defined() || image.dim() != 4 || image.size(1) != 3)
    throw Error("VGG-19 expects an image tensor [N, 3, H, W], got " +
                (image.defined() ? shape_string(image.sizes()) : std::string("nothing")));
  if (image.size(2) < min_input_size() || image.size(3) < min_input_size())
    throw Error("the image is too small for VGG-19: " + std::to_string(image.size(3)) + "x" +
                std::to_string(image.size(2)) + " px, at least " + std::to_string(min_input_size()) +
                " px per side are needed; use a larger image or scale");
  {
    at::Tensor x = (image.to(device(), at::kFloat) - mean_) / std_;
    for (size_t i = 0; i <= deepest; ++i) {
      const Layer& l = all[i];
      switch (l.op) {
        case Op::Conv: x = at::conv2d(x, convs_[l.conv].weight, convs_[l.conv].bias, 1, 1); break;
        case Op::Relu: x = at::relu(x); break;
        case Op::Pool:
          x = pooling_ == Vgg19Pooling::Max ? at::max_pool2d(x, {2, 2}, {2, 2}) : at::avg_pool2d(x, {2, 2}, {2, 2});
          break;
      }
      if (std::find(names.begin(), names.end(), l.name) != names.end()) out[l.name] = x;
    }
  }
  return out;
}

std::unique_ptr<FeatureNetwork> load_vgg19(const std::string& path, at::Device device) {
  TensorMap weights = looks_like_pth(path) ? load_pth_state_dict(path) : load_safetensors(path);
  require_finite_weights(weights, path);
  try {
    return std::make_unique<Vgg19>(weights, device);
  } catch (const Error& e) {
    throw Error("'" + path + "' is not usable as VGG-19: " + e.what());
  }
}

}  // namespace atelier
