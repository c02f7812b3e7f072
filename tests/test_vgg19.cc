#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cstdlib>
#include <filesystem>
#include <functional>

#include "core/error.h"
#include "core/safetensors.h"
#include "models/pth_loader.h"
#include "models/vgg19.h"
#include "tests/test_util.h"

using namespace atelier;
using atelier::test::error_of;

namespace {

const std::vector<std::string> kReferenceLayers = {"conv1_1", "relu1_2", "pool1",   "relu2_1", "conv3_4", "relu3_1",
                                                   "relu4_2", "pool4",   "relu5_1", "relu5_4", "pool5"};

double max_abs_diff(const at::Tensor& a, const at::Tensor& b) {
  return (a - b).abs().max().item<double>();
}

bool python_torch_available() {
  return std::system("python3 -c 'import torch' >/dev/null 2>&1") == 0;
}

}  // namespace

TEST(Vgg19, NarrowNetworkMatchesReferenceActivations) {
  auto net = load_vgg19(test::fixture("vgg19_narrow.pth"), at::kCPU);
  const TensorMap ref = load_safetensors(test::fixture("vgg19_narrow_reference.safetensors"));
  torch::NoGradGuard no_grad;
  const auto acts = net->extract(ref.at("input"), kReferenceLayers);
  ASSERT_EQ(acts.size(), kReferenceLayers.size());
  for (const auto& name : kReferenceLayers) {
    ASSERT_EQ(acts.at(name).sizes(), ref.at(name).sizes()) << name;
    const double err = max_abs_diff(acts.at(name), ref.at(name));
    const double scale = ref.at(name).abs().max().item<double>();
    EXPECT_LT(err, 2e-5) << name << " (max |ref| " << scale << ")";
    EXPECT_GT(scale, 0.1) << name << ": activations should not vanish";
  }
}

TEST(Vgg19, AveragePoolingMatchesReference) {
  const TensorMap weights = load_pth_state_dict(test::fixture("vgg19_narrow.pth"));
  const TensorMap ref = load_safetensors(test::fixture("vgg19_narrow_reference.safetensors"));
  Vgg19 net(weights, at::kCPU, Vgg19Pooling::Average);
  EXPECT_EQ(net.pooling(), Vgg19Pooling::Average);
  torch::NoGradGuard no_grad;
  auto acts = net.extract(ref.at("input"), {"relu3_1", "relu5_1", "pool5"});
  for (const char* name : {"relu3_1", "relu5_1", "pool5"})
    EXPECT_LT(max_abs_diff(acts.at(name), ref.at(std::string("avg.") + name)), 2e-5) << name;
  net.set_pooling(Vgg19Pooling::Max);
  acts = net.extract(ref.at("input"), {"relu5_1"});
  EXPECT_LT(max_abs_diff(acts.at("relu5_1"), ref.at("relu5_1")), 2e-5);
}

TEST(Vgg19, LayerNamesDefaultsAndWidths) {
  const TensorMap weights = load_pth_state_dict(test::fixture("vgg19_narrow.pth"));
  Vgg19 net(weights, at::kCPU);
  const auto names = net.layer_names();
  ASSERT_EQ(names.size(), 37u);
  EXPECT_EQ(names.front(), "conv1_1");
  EXPECT_EQ(names[4], "pool1");
  EXPECT_EQ(names[34], "conv5_4");
  EXPECT_EQ(names.back(), "pool5");
  EXPECT_EQ(vgg19_conv_indices(), (std::vector<int>{0, 2, 5, 7, 10, 12, 14, 16, 19, 21, 23, 25, 28, 30, 32, 34}));
  for (int i : vgg19_conv_indices()) EXPECT_EQ(names[i].substr(0, 4), "conv");
  auto valid = [&](const std::string& n) { return std::find(names.begin(), names.end(), n) != names.end(); };
  for (const auto& n : net.default_style_layers()) EXPECT_TRUE(valid(n)) << n;
  for (const auto& n : net.default_content_layers()) EXPECT_TRUE(valid(n)) << n;
  for (const auto& [n, w] : net.default_dream_layers()) EXPECT_TRUE(valid(n) && w > 0) << n;
  EXPECT_EQ(net.default_style_layers().size(), 5u);
  EXPECT_EQ(net.min_input_size(), 32);
  EXPECT_EQ(net.name(), "vgg19");
  EXPECT_EQ(net.widths(), (std::vector<int64_t>{4, 4, 8, 8, 16, 16, 16, 16, 32, 32, 32, 32, 32, 32, 32, 32}));
}

TEST(Vgg19, GradientReachesTheImage) {
  auto net = load_vgg19(test::fixture("vgg19_narrow.pth"), at::kCPU);
  at::Tensor image = torch::rand({1, 3, 32, 32}).requires_grad_(true);
  auto acts = net->extract(image, {"relu2_1", "relu4_2"});
  EXPECT_EQ(acts.size(), 2u);
  (acts.at("relu2_1").square().mean() + acts.at("relu4_2").square().mean()).backward();
  ASSERT_TRUE(image.grad().defined());
  EXPECT_GT(image.grad().abs().sum().item<double>(), 0.0);
}

TEST(Vgg19, SafetensorsAndPthLoadTheSameNetwork) {
  const TensorMap all = load_pth_state_dict(test::fixture("vgg19_narrow.pth"));
  TensorMap features;
  for (const auto& [k, t] : all)
    if (k.rfind("features.", 0) == 0) features.emplace(k, t);
  const std::string path = test::temp_path("vgg19-narrow.safetensors");
  save_safetensors(path, features);
  auto a = load_vgg19(path, at::kCPU);
  auto b = load_vgg19(test::fixture("vgg19_narrow.pth"), at::kCPU);
  torch::NoGradGuard no_grad;
  const at::Tensor image = torch::rand({1, 3, 48, 40});
  EXPECT_TRUE(torch::equal(a->extract(image, {"pool5"}).at("pool5"), b->extract(image, {"pool5"}).at("pool5")));
}

TEST(Vgg19, BadInputGivesClearErrors) {
  TensorMap weights = load_pth_state_dict(test::fixture("vgg19_narrow.pth"));
  Vgg19 net(weights, at::kCPU);
  std::string msg = error_of([&] { net.extract(torch::rand({1, 3, 32, 32}), {"relu9_9"}); });
  EXPECT_NE(msg.find("relu9_9"), std::string::npos) << msg;
  EXPECT_NE(msg.find("relu4_2"), std::string::npos) << msg;  // lists the valid names
  msg = error_of([&] { net.extract(torch::rand({1, 4, 32, 32}), {"relu1_1"}); });
  EXPECT_NE(msg.find("[1, 4, 32, 32]"), std::string::npos) << msg;
  msg = error_of([&] { net.extract(torch::rand({1, 3, 16, 64}), {"relu1_1"}); });
  EXPECT_NE(msg.find("too small"), std::string::npos) << msg;

  TensorMap broken = weights;
  broken.erase("features.21.bias");
  msg = error_of([&] { std::make_unique<Vgg19>(broken, at::kCPU); });
  EXPECT_NE(msg.find("features.21.bias"), std::string::npos) << msg;
  broken = weights;
  broken["features.5.weight"] = torch::zeros({8, 5, 3, 3});
  msg = error_of([&] { std::make_unique<Vgg19>(broken, at::kCPU); });
  EXPECT_NE(msg.find("expected [C, 4, 3, 3]"), std::string::npos) << msg;
  msg = error_of([&] { load_vgg19(test::fixture("resnet_tiny.pth"), at::kCPU); });
  EXPECT_NE(msg.find("resnet_tiny.pth"), std::string::npos) << msg;
  EXPECT_NE(msg.find("features.0.weight"), std::string::npos) << msg;
}

TEST(Vgg19Import, RejectsNarrowAndOtherModels) {
  const std::string out = test::temp_path("rejected/vgg19.safetensors");
  auto import_error = [&](const char* fixture) { return error_of([&] { import_vgg19(test::fixture(fixture), out); }); };
  std::string msg = import_error("vgg19_narrow.pth");
  EXPECT_NE(msg.find("'features.0.weight' has shape [4, 3, 3, 3] instead of [64, 3, 3, 3]"), std::string::npos) << msg;
  EXPECT_NE(msg.find("vgg19-dcbb9e9d.pth"), std::string::npos) << msg;
  msg = import_error("vgg16_narrow.pth");
  EXPECT_NE(msg.find("looks like a VGG-16"), std::string::npos) << msg;
  msg = import_error("resnet_tiny.pth");
  EXPECT_NE(msg.find("looks like a ResNet"), std::string::npos) << msg;
  msg = import_error("pth_small_zip.pth");
  EXPECT_NE(msg.find("not a VGG-19 state dict"), std::string::npos) << msg;
  msg = import_error("pth_small_expected.safetensors");
  EXPECT_NE(msg.find("not a PyTorch checkpoint"), std::string::npos) << msg;
  EXPECT_FALSE(std::filesystem::exists(out));
}

// A full-size random VGG-19 in torchvision's legacy format (~550 MB), as a user's vgg19-dcbb9e9d.pth would be.
TEST(Vgg19Import, FullSizeLegacyFile) {
  ATELIER_REQUIRE(python_torch_available(), "python3 with torch is not available (apt-get install python3-torch)");
  const std::string pth = test::temp_path("vgg19-full.pth");
  const std::string out = test::temp_path("library/vgg19.safetensors");
  struct RemoveOnExit {
    std::string a, b;
    ~RemoveOnExit() {
      std::error_code ec;
      std::filesystem::remove(a, ec);
      std::filesystem::remove(b, ec);
    }
  } cleanup{pth, out};
  const std::string cmd = "python3 '" + test::fixture("make_vgg_fixtures.py") + "' --full-vgg19 '" + pth + "'";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  ASSERT_GT(std::filesystem::file_size(pth), 500u << 20);

  import_vgg19(pth, out);
  Metadata meta;
  const TensorMap saved = load_safetensors(out, &meta);
  EXPECT_EQ(saved.size(), 32u);
  EXPECT_EQ(meta.at("model"), "vgg19");
  EXPECT_EQ(saved.at("features.34.weight").sizes(), at::IntArrayRef({512, 512, 3, 3}));
  EXPECT_LT(std::filesystem::file_size(out), 100u << 20);  // the classifier is dropped

  auto from_safetensors = load_vgg19(out, at::kCPU);
  torch::NoGradGuard no_grad;
  const at::Tensor image = torch::rand({1, 3, 64, 64});
  const auto a = from_safetensors->extract(image, {"relu1_1", "relu5_1", "pool5"});
  from_safetensors.reset();
  EXPECT_EQ(a.at("relu1_1").sizes(), at::IntArrayRef({1, 64, 64, 64}));
  EXPECT_EQ(a.at("relu5_1").sizes(), at::IntArrayRef({1, 512, 4, 4}));
  EXPECT_EQ(a.at("pool5").sizes(), at::IntArrayRef({1, 512, 2, 2}));
  EXPECT_TRUE(torch::isfinite(a.at("pool5")).all().item<bool>());
  EXPECT_GT(a.at("relu5_1").abs().max().item<double>(), 0.0);

  auto from_pth = load_vgg19(pth, at::kCPU);
  const auto b = from_pth->extract(image, {"pool5"});
  EXPECT_TRUE(torch::equal(a.at("pool5"), b.at("pool5")));
}

// A torch::nn::Module with torchvision's parameter names; the pretrained weights take no gradients.
TEST(Vgg19, IsAModuleWithTorchvisionNames) {
  auto net = load_vgg19(test::fixture("vgg19_narrow.pth"), at::kCPU);
  const auto params = net->named_parameters();
  EXPECT_EQ(params.size(), 32u);
  EXPECT_TRUE(params.contains("features.0.weight"));
  EXPECT_TRUE(params.contains("features.34.bias"));
  for (const auto& p : params) EXPECT_FALSE(p.value().requires_grad()) << p.key();
  EXPECT_EQ(net->named_buffers().size(), 2u);  // the input normalisation
}
