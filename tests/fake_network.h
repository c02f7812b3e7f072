#pragma once
// A tiny deterministic FeatureNetwork for fast algorithm tests (layers "a", "b", "c").
#include <torch/torch.h>

#include "core/error.h"
#include "models/feature_network.h"

namespace atelier::test {

class FakeNetwork : public FeatureNetwork {
 public:
  explicit FakeNetwork(uint64_t seed = 1) {
    torch::manual_seed(seed);
    w1_ = register_parameter("w1", torch::randn({8, 3, 3, 3}) * 0.5, false);
    w2_ = register_parameter("w2", torch::randn({16, 8, 3, 3}) * 0.2, false);
    w3_ = register_parameter("w3", torch::randn({16, 16, 3, 3}) * 0.15, false);
  }
  std::string name() const override { return "fake"; }
  std::vector<std::string> layer_names() const override { return {"a", "b", "c"}; }
  std::vector<std::string> default_style_layers() const override { return {"a", "b", "c"}; }
  std::vector<std::string> default_content_layers() const override { return {"b"}; }
  std::vector<std::pair<std::string, double>> default_dream_layers() const override { return {{"b", 1.0}}; }
  int64_t min_input_size() const override { return 8; }
  std::map<std::string, at::Tensor> extract(const at::Tensor& image, const std::vector<std::string>& layers) override {
    std::map<std::string, at::Tensor> out;
    for (const auto& l : layers)
      if (l != "a" && l != "b" && l != "c") throw Error("unknown layer '" + l + "'");
    at::Tensor a = torch::relu(torch::conv2d(image - 0.5, w1_, {}, 1, 1));
    out["a"] = a;
    at::Tensor b = torch::relu(torch::conv2d(a, w2_, {}, 2, 1));
    out["b"] = b;
    out["c"] = torch::relu(torch::conv2d(b, w3_, {}, 2, 1));
    std::map<std::string, at::Tensor> picked;
    for (const auto& l : layers) picked[l] = out[l];
    return picked;
  }
  at::Device device() const override { return w1_.device(); }

 private:
  at::Tensor w1_, w2_, w3_;
};

}  // namespace atelier::test
