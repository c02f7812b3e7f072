// The C++ MobileNetV2 port (the quality benchmark's referee) against the original nsfwjs model run by
// @tensorflow/tfjs 4.22 (tests/fixtures/make_mobilenet_reference.js wrote the fixture).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>

#include "core/error.h"
#include "core/safetensors.h"
#include "models/feature_network.h"
#include "models/mobilenet_v2.h"
#include "models/model_library.h"
#include "tests/nsfwjs_networks.h"
#include "tests/test_util.h"

using namespace atelier;

namespace {

class MobileNetV2Test : public ::testing::Test {
 protected:
  void SetUp() override {
    try {
      net_ = &test::installed_network<load_mobilenet_v2>("mobilenet_v2");
    } catch (const Error& e) {
      FAIL() << e.what();
    }
  }
  FeatureNetwork* net_ = nullptr;
};

}  // namespace

TEST_F(MobileNetV2Test, MatchesTfjsReference) {
  torch::NoGradGuard no_grad;
  TensorMap ref = load_safetensors(test::fixture("mobilenet_v2_reference.safetensors"));
  auto x = test::nsfwjs_reference_input(96);
  EXPECT_LT((x - ref.at("input_96")).abs().max().item<double>(), 1e-7);
  x = ref.at("input_96");

  const std::vector<std::string> layers = {"Conv1_relu",
                                           "block_1_depthwise_relu",
                                           "block_3_expand_relu",
                                           "block_6_expand_relu",
                                           "block_8_add",
                                           "block_13_expand_relu",
                                           "out_relu"};
  auto out = net_->extract(x, layers);
  for (const std::string& layer : layers) {
    const auto& want = ref.at(layer);
    auto got = out.at(layer).narrow(1, 0, want.size(1));  // the fixture keeps the first channels
    ASSERT_EQ(got.sizes(), want.sizes()) << layer;
    const double max_err = (got - want).abs().max().item<double>();
    const double scale = want.abs().max().item<double>();
    std::printf("[ info ] %-22s max abs error %.3g (max |ref| %.3g)\n", layer.c_str(), max_err, scale);
    // float32 through up to 50 layers in another order of summation: a few parts in a million of the range.
    EXPECT_LE(max_err, 2e-5 * std::max(1.0, scale)) << layer;
  }

  auto probs = net_->extract(test::nsfwjs_reference_input(224), {"dense_3"}).at("dense_3");
  const double p_err = (probs - ref.at("probabilities")).abs().max().item<double>();
  std::printf("[ info ] probabilities max abs error %.3g\n", p_err);
  EXPECT_LE(p_err, 1e-5);
}

TEST_F(MobileNetV2Test, DescribesItsLayers) {
  auto names = net_->layer_names();
  EXPECT_EQ(names.front(), "Conv1_relu");
  EXPECT_EQ(names.back(), "out_relu");
  for (const auto& n : net_->default_style_layers())
    EXPECT_NE(std::find(names.begin(), names.end(), n), names.end()) << n;
  EXPECT_EQ(net_->name(), "mobilenet_v2");
  // Stride 2, 2, 4, 8, 16 at 64 px.
  auto out = net_->extract(torch::rand({1, 3, 64, 64}), net_->default_style_layers());
  EXPECT_EQ(out.at("Conv1_relu").sizes(), (std::vector<int64_t>{1, 32, 32, 32}));
  EXPECT_EQ(out.at("block_13_expand_relu").sizes(), (std::vector<int64_t>{1, 576, 4, 4}));
}

TEST_F(MobileNetV2Test, UnknownLayersAndBadInputsThrow) {
  const std::string msg = test::error_of([&] { net_->extract(torch::rand({1, 3, 64, 64}), {"mixed2"}); });
  EXPECT_NE(msg.find("MobileNetV2 has no layer 'mixed2'; valid layers: Conv1_relu"), std::string::npos) << msg;
  EXPECT_THROW(net_->extract(torch::rand({1, 3, 16, 64}), {"Conv1_relu"}), Error);
  EXPECT_THROW(net_->extract(torch::rand({3, 64, 64}), {"Conv1_relu"}), Error);
  // The classifier's 7x7 average pooling needs the native 224 px.
  EXPECT_THROW(net_->extract(torch::rand({1, 3, 64, 64}), {"dense_3"}), Error);
}

TEST(MobileNetV2Load, NotAConvertedModelSaysHowToInstall) {
  const std::string p = test::temp_path("not_mobilenet.safetensors");
  save_safetensors(p, {{"w", torch::zeros({2})}});
  const std::string msg = test::error_of([&] { load_mobilenet_v2(p, torch::kCPU); });
  EXPECT_NE(msg.find("atelier models install mobilenet_v2"), std::string::npos) << msg;
}
