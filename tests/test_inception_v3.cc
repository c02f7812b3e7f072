// The C++ InceptionV3 port against the original nsfwjs model run by @tensorflow/tfjs 4.22
// (tests/fixtures/make_inception_reference.js wrote the fixture).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>

#include "core/error.h"
#include "core/safetensors.h"
#include "models/feature_network.h"
#include "models/inception_v3.h"
#include "models/model_library.h"
#include "tests/nsfwjs_networks.h"
#include "tests/test_util.h"

using namespace atelier;

namespace {

class InceptionV3Test : public ::testing::Test {
 protected:
  void SetUp() override {
    try {
      net_ = &dynamic_cast<InceptionV3&>(test::installed_network<load_inception_v3>("inception_v3"));
    } catch (const Error& e) {
      FAIL() << e.what();
    }
    net_->set_input_padding(0);
  }
  InceptionV3* net_ = nullptr;
};

}  // namespace

TEST_F(InceptionV3Test, MatchesTfjsReference) {
  torch::NoGradGuard no_grad;
  TensorMap ref = load_safetensors(test::fixture("inception_v3_reference.safetensors"));
  auto x = test::nsfwjs_reference_input(128);
  EXPECT_LT((x - ref.at("input_128")).abs().max().item<double>(), 1e-7);
  x = ref.at("input_128");

  auto out = net_->extract(x, {"activation_1", "mixed2", "mixed5", "mixed7"});
  for (const std::string layer : {"activation_1", "mixed2", "mixed5", "mixed7"}) {
    auto got = out.at(layer);
    auto want = ref.at(layer);
    if (layer == "activation_1") got = got.narrow(1, 0, want.size(1));  // the fixture keeps 8 channels
    ASSERT_EQ(got.sizes(), want.sizes()) << layer;
    const double max_err = (got - want).abs().max().item<double>();
    const double rel_l2 = ((got - want).norm() / want.norm()).item<double>();
    std::printf("[ info ] %-13s max abs error %.3g, relative L2 %.3g (max |ref| %.3g)\n", layer.c_str(), max_err,
                rel_l2, want.abs().max().item<double>());
    EXPECT_LE(max_err, 2e-5) << layer;
  }

  auto x299 = test::nsfwjs_reference_input(299);
  auto head = net_->extract(x299, {"mixed10", "dense_3"});
  auto m10 = head.at("mixed10").narrow(1, 0, 256);
  const double m10_err = (m10 - ref.at("mixed10")).abs().max().item<double>();
  std::printf("[ info ] mixed10 (299 px) max abs error %.3g\n", m10_err);
  EXPECT_LE(m10_err, 2e-5);
  auto probs = head.at("dense_3");
  const double p_err = (probs - ref.at("probabilities")).abs().max().item<double>();
  std::printf("[ info ] probabilities max abs error %.3g\n", p_err);
  EXPECT_LE(p_err, 1e-5);
}

TEST_F(InceptionV3Test, DescribesItsLayers) {
  auto names = net_->layer_names();
  EXPECT_EQ(names.front(), "activation_1");
  for (const std::string n : {"mixed0", "mixed5", "mixed10", "activation_94"})
    EXPECT_NE(std::find(names.begin(), names.end(), n), names.end()) << n;
  for (const auto& n : net_->default_style_layers())
    EXPECT_NE(std::find(names.begin(), names.end(), n), names.end()) << n;
  EXPECT_EQ(net_->default_content_layers(), std::vector<std::string>{"mixed2"});
  EXPECT_EQ(net_->min_input_size(), 75);
  EXPECT_EQ(net_->name(), "inception_v3");
}

TEST_F(InceptionV3Test, UnknownLayersAndBadInputsThrow) {
  auto x = torch::rand({1, 3, 80, 80});
  try {
    net_->extract(x, {"conv5_1"});
    FAIL() << "unknown layer accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("mixed3"), std::string::npos) << "should list valid layers: " << e.what();
  }
  EXPECT_THROW(net_->extract(torch::rand({1, 3, 60, 90}), {"mixed0"}), Error);
  EXPECT_THROW(net_->extract(torch::rand({3, 80, 80}), {"mixed0"}), Error);
  // At 80 px mixed10 is 1x1 and the classifier's 8x8 average pooling has nothing to pool.
  EXPECT_THROW(net_->extract(torch::rand({1, 3, 80, 80}), {"dense_3"}), Error);
}

TEST_F(InceptionV3Test, StopsAtTheDeepestRequestedLayer) {
  // At 80 px the classifier head cannot run (see above); requesting early layers must still work.
  auto x = torch::rand({1, 3, 80, 80}).requires_grad_(true);
  auto out = net_->extract(x, {"activation_1", "mixed2"});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out.at("activation_1").sizes(), (std::vector<int64_t>{1, 32, 39, 39}));
  EXPECT_EQ(out.at("mixed2").size(1), 288);
  out.at("mixed2").mean().backward();
  EXPECT_GT(x.grad().abs().sum().item<double>(), 0.0);
}

TEST_F(InceptionV3Test, ReflectPaddingEnlargesTheActivations) {
  torch::NoGradGuard no_grad;
  auto x = torch::rand({1, 3, 80, 80});
  net_->set_input_padding(8);
  auto padded = net_->extract(x, {"activation_1"}).at("activation_1");
  net_->set_input_padding(0);
  EXPECT_EQ(padded.size(2), 47);  // (80 + 16 - 3) / 2 + 1
  EXPECT_THROW(net_->set_input_padding(-1), Error);
}

TEST(InceptionV3Load, MissingOrWrongFilesGiveClearErrors) {
  EXPECT_THROW(load_inception_v3(test::temp_path("nope.safetensors"), torch::kCPU), Error);
  const std::string p = test::temp_path("not_inception.safetensors");
  save_safetensors(p, {{"w", torch::zeros({2})}});
  try {
    load_inception_v3(p, torch::kCPU);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("atelier models install inception_v3"), std::string::npos) << e.what();
  }
}

TEST(InceptionV3Load, FeatureNetworkByNameSaysHowToInstall) {
  const std::string dir = test::temp_path("empty-library");
  std::filesystem::create_directories(dir);
  ModelLibrary lib(dir);
  for (const std::string name : {"auto", "inception_v3"}) {
    try {
      load_feature_network(name, lib, torch::kCPU);
      FAIL() << name << " loaded from an empty library";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("atelier models install inception_v3"), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW(load_feature_network("resnet", lib, torch::kCPU), Error);
  auto names = feature_network_names();
  EXPECT_NE(std::find(names.begin(), names.end(), "inception_v3"), names.end());
}

// A torch::nn::Module: the Keras graph is its submodule, one child per weighted layer (BatchNorm folded into the
// convolutions), and the pretrained weights take no gradients.
TEST_F(InceptionV3Test, IsAModuleWithFrozenParameters) {
  const auto params = net_->named_parameters();
  EXPECT_GT(params.size(), 90u);
  EXPECT_TRUE(params.contains("graph.conv2d_1.weight"));
  for (const auto& p : params) EXPECT_FALSE(p.value().requires_grad()) << p.key();
  EXPECT_TRUE(net_->device().is_cpu());
}
