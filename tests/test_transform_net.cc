#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "core/device.h"
#include "core/error.h"
#include "core/safetensors.h"
#include "models/transform_net.h"
#include "tests/test_util.h"

using namespace atelier;
using atelier::test::error_of;
namespace fs = std::filesystem;

namespace {

std::string wave_dir() {
  const std::string shared = test::shared_dir();
  return shared.empty() ? "" : shared + "/models/fast-style/wave";
}

// The wave network imported once per test process; "" when ../shared is absent.
std::string imported_wave() {
  static const std::string path = [] {
    if (wave_dir().empty() || !fs::exists(wave_dir())) return std::string();
    std::string out = test::temp_path("wave.safetensors");
    import_fast_style(wave_dir(), out);
    return out;
  }();
  return path;
}

// The TF-variable import needs the original network files (../shared in development and CI).
#define REQUIRE_WAVE() ATELIER_REQUIRE(!imported_wave().empty(), "../shared/models/fast-style/wave absent")

// The bundled network (float16, shipped in models/fast-style/): for tests of running a network.
std::string bundled_wave() {
  return test::bundled_fast_style("wave");
}

// A copy of the wave directory that a test may damage.
std::string copy_of_wave(const std::string& name) {
  const std::string dir = test::temp_path(name);
  fs::remove_all(dir);
  fs::copy(wave_dir(), dir);
  for (const auto& e : fs::directory_iterator(dir))
    fs::permissions(e.path(), fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::add);
  return dir;
}

}  // namespace

TEST(TransformNet, ImportWritesNamedTensorsAndMetadata) {
  REQUIRE_WAVE();
  Metadata meta;
  TensorMap t = load_safetensors(imported_wave(), &meta);
  EXPECT_EQ(t.size(), 48u);
  EXPECT_EQ(meta["kind"], "fast-style");
  EXPECT_EQ(meta["source"], "wave");
  EXPECT_EQ(t.at("conv1.weight").sizes(), at::IntArrayRef({32, 3, 9, 9}));
  EXPECT_EQ(t.at("up1.weight").sizes(), at::IntArrayRef({128, 64, 3, 3}));
  EXPECT_EQ(t.at("conv_out.norm_scale").sizes(), at::IntArrayRef({3}));
  // conv1.weight[o,i,y,x] is the TF variable's [y,x,i,o].
  std::ifstream f(wave_dir() + "/Variable", std::ios::binary);
  std::vector<float> raw(9 * 9 * 3 * 32);
  f.read(reinterpret_cast<char*>(raw.data()), static_cast<std::streamsize>(raw.size() * 4));
  const int y = 2, x = 7, i = 1, o = 30;
  EXPECT_EQ(t.at("conv1.weight")[o][i][y][x].item<float>(), raw[((y * 9 + x) * 3 + i) * 32 + o]);
}

TEST(TransformNet, MatchesTfjsReference) {
  REQUIRE_WAVE();
  TensorMap ref = load_safetensors(test::fixture("fast_style_wave_reference.safetensors"));
  auto net = load_transform_net(imported_wave(), at::kCPU);
  at::Tensor out = net->stylize(ref.at("input") / 255.0) * 255.0;
  ASSERT_EQ(out.sizes(), ref.at("output").sizes());
  const double err = (out - ref.at("output")).abs().max().item<double>();
  std::cout << "[ info ] max |ours - tfjs| = " << err << " (0..255 units)\n";
  RecordProperty("max_abs_error_255", std::to_string(err));
  EXPECT_LT(err, 1e-2);
}

// Every network shipped in models/fast-style/ (float16, as users get them) against the TensorFlow.js run of its
// original variables, recorded in tests/fixtures: no ../shared needed. float16 weights round to 3 decimal digits,
// which moves single output pixels by up to 1.2 0..255 units (matta; the others 0.4); a wrong layer, order or
// normalisation moves them by tens.
TEST(TransformNet, EveryShippedNetworkMatchesItsTfjsReference) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(test::source_dir() + "/../models/fast-style"))
    if (e.path().extension() == ".safetensors") names.push_back(e.path().stem().string());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names.size(), 9u);
  for (const std::string& name : names) {
    const std::string reference = test::fixture("fast_style_" + name + "_reference.safetensors");
    ASSERT_TRUE(fs::exists(reference)) << reference << " is missing (tests/fixtures/make_fast_style_reference.js)";
    TensorMap ref = load_safetensors(reference);
    auto net = load_transform_net(test::bundled_fast_style(name), at::kCPU);
    const at::Tensor out = net->stylize(ref.at("input") / 255.0) * 255.0;
    ASSERT_EQ(out.sizes(), ref.at("output").sizes()) << name;
    const at::Tensor difference = (out - ref.at("output")).abs();
    const double max = difference.max().item<double>(), mean = difference.mean().item<double>();
    std::cout << "[ info ] " << name << ": |ours - tfjs| max " << max << ", mean " << mean << " (0..255 units)\n";
    EXPECT_LT(mean, 0.25) << name;
    EXPECT_LT(max, 3.0) << name;
  }
}

TEST(TransformNet, OutputSizeEqualsInputSize) {
  auto net = load_transform_net(bundled_wave(), at::kCPU);
  torch::manual_seed(1);
  for (auto [h, w] : std::vector<std::pair<int64_t, int64_t>>{{1, 1}, {3, 5}, {17, 23}, {30, 13}}) {
    at::Tensor x = torch::rand({2, 3, h, w});
    at::Tensor y = net->stylize(x);
    EXPECT_EQ(y.sizes(), x.sizes()) << h << "x" << w;
    EXPECT_GE(y.min().item<float>(), 0.f);
    EXPECT_LE(y.max().item<float>(), 1.f);
    EXPECT_TRUE(torch::isfinite(y).all().item<bool>());
  }
}

TEST(TransformNet, OutputDiffersStronglyFromInput) {
  TensorMap ref = load_safetensors(test::fixture("fast_style_wave_reference.safetensors"));
  auto net = load_transform_net(bundled_wave(), at::kCPU);
  at::Tensor x = ref.at("input") / 255.0;
  const double diff = (net->stylize(x) - x).abs().mean().item<double>();
  std::cout << "[ info ] mean |output - input| = " << diff << "\n";
  EXPECT_GT(diff, 0.1);
}

TEST(TransformNet, PiecewiseRunsReproduceTheWholeRun) {
  auto net = load_transform_net(bundled_wave(), at::kCPU);
  torch::manual_seed(2);
  at::Tensor x = torch::rand({1, 3, 24, 32});
  NormStats stats;
  TransformNet::Run whole;
  whole.record = &stats;
  at::Tensor expected = net->run(x, whole);
  // (The whole run's fused normalisation sums in another order than the recording one.)
  EXPECT_LT((expected - net->stylize(x)).abs().max().item<double>(), 1e-5);

  // With fixed statistics, gathering moments over the whole image gives them back.
  MomentSums sums;
  TransformNet::Run fixed;
  fixed.fixed = &stats;
  fixed.sums = &sums;
  fixed.core = {0, 24, 0, 32};
  EXPECT_LT((net->run(x, fixed) - expected).abs().max().item<double>(), 1e-5);
  NormStats measured = sums.stats();
  for (size_t i = 0; i < TransformNet::kNormLayers; ++i) {
    EXPECT_TRUE(torch::allclose(measured.mean[i], stats.mean[i], 1e-4, 1e-3)) << i;
    EXPECT_TRUE(torch::allclose(measured.var[i], stats.var[i], 1e-3, 1e-3)) << i;
  }

  // Down-sampling, residual and up-sampling parts chained; an unknown statistic stops a run un-normalised.
  NormStats partial = stats;
  partial.mean[2] = partial.var[2] = at::Tensor();
  TransformNet::Run down;
  down.last = 2;
  down.fixed = &partial;
  at::Tensor low = net->activate(2, net->run(x, down), stats);
  TransformNet::Run residual;
  residual.first = TransformNet::kFirstResidual;
  residual.last = TransformNet::kFirstUp - 1;
  low = net->run(low, residual);
  TransformNet::Run up;
  up.first = TransformNet::kFirstUp;
  up.fixed = &stats;
  EXPECT_LT((net->run(low, up) - expected).abs().max().item<double>(), 1e-5);

  TransformNet::Run odd;
  odd.fixed = &stats;
  EXPECT_THROW(net->run(torch::rand({1, 3, 10, 12}), odd), Error);  // not a multiple of 4
  odd.first = 5;
  EXPECT_THROW(net->run(torch::rand({1, 128, 8, 8}), odd), Error);  // not a stage start
}

TEST(TransformNet, CudaMatchesCpu) {
  if (!cuda_available()) ATELIER_SKIP_ALLOWED("no GPU");
  auto net = load_transform_net(bundled_wave(), at::kCPU);
  auto gpu = load_transform_net(bundled_wave(), at::Device(at::kCUDA, 0));
  torch::manual_seed(3);
  at::Tensor x = torch::rand({1, 3, 37, 45});
  at::Tensor y = gpu->stylize(x.cuda());
  EXPECT_TRUE(y.is_cuda());
  EXPECT_LT((y.cpu() - net->stylize(x)).abs().max().item<double>(), 2e-3);  // TF32/cuDNN rounding
}

TEST(TransformNet, ImportErrorsAreClear) {
  REQUIRE_WAVE();
  const std::string out = test::temp_path("bad.safetensors");

  const std::string empty = test::temp_path("empty-net");
  fs::create_directories(empty);
  std::string msg = error_of([&] { import_fast_style(empty, out); });
  EXPECT_NE(msg.find("manifest.json"), std::string::npos) << msg;
  EXPECT_NE(msg.find("not found"), std::string::npos) << msg;

  const std::string truncated = copy_of_wave("truncated-net");
  fs::resize_file(truncated + "/Variable_12", 1000);
  msg = error_of([&] { import_fast_style(truncated, out); });
  EXPECT_NE(msg.find("Variable_12"), std::string::npos) << msg;
  EXPECT_NE(msg.find("truncated"), std::string::npos) << msg;
  EXPECT_NE(msg.find("589824"), std::string::npos) << msg;  // the expected size

  const std::string missing = copy_of_wave("missing-net");
  fs::remove(missing + "/Variable_47");
  msg = error_of([&] { import_fast_style(missing, out); });
  EXPECT_NE(msg.find("Variable_47"), std::string::npos) << msg;
  EXPECT_NE(msg.find("missing"), std::string::npos) << msg;

  const std::string other = copy_of_wave("other-net");
  {
    std::string m;
    std::ifstream in(other + "/manifest.json");
    m.assign(std::istreambuf_iterator<char>(in), {});
    const std::string from = "\"shape\": [\n      9, \n      9, \n      3, \n      32";
    ASSERT_NE(m.find(from), std::string::npos);
    m.replace(m.find(from), from.size(), "\"shape\": [\n      9, \n      9, \n      3, \n      16");
    std::ofstream(other + "/manifest.json") << m;
  }
  msg = error_of([&] { import_fast_style(other, out); });
  EXPECT_NE(msg.find("unexpected architecture"), std::string::npos) << msg;
  EXPECT_NE(msg.find("[9,9,3,32]"), std::string::npos) << msg;

  std::ofstream(other + "/manifest.json") << "{\"Variable\": ";
  msg = error_of([&] { import_fast_style(other, out); });
  EXPECT_NE(msg.find("not valid JSON"), std::string::npos) << msg;
  EXPECT_FALSE(fs::exists(out));
}

TEST(TransformNet, LoadRejectsOtherFiles) {
  const std::string path = test::temp_path("not-a-style-net.safetensors");
  save_safetensors(path, {{"conv1.weight", torch::zeros({32, 3, 9, 9})}}, {{"kind", "fast-style"}});
  std::string msg = error_of([&] { load_transform_net(path, at::kCPU); });
  EXPECT_NE(msg.find("conv1.norm_shift"), std::string::npos) << msg;

  save_safetensors(path, {{"x", torch::zeros({1})}}, {{"kind", "feature"}});
  msg = error_of([&] { load_transform_net(path, at::kCPU); });
  EXPECT_NE(msg.find("not a fast-style network"), std::string::npos) << msg;

  EXPECT_THROW(load_transform_net(test::temp_path("absent.safetensors"), at::kCPU), Error);
}

// The network is an ordinary torch::nn::Module: named parameters as in the weight files, trainable, and a
// network rebuilt from weights() computes the same.
TEST(TransformNet, IsATrainableModule) {
  torch::manual_seed(0);
  TransformNet net;
  EXPECT_EQ(net.parameters().size(), 48u);
  const auto w = net.weights();
  EXPECT_EQ(w.size(), 48u);
  EXPECT_TRUE(w.count("conv1.weight"));
  EXPECT_TRUE(w.count("res3.conv2.norm_scale"));
  EXPECT_TRUE(w.count("up2.norm_shift"));

  at::Tensor x = torch::rand({2, 3, 24, 28}), target = torch::rand({2, 3, 24, 28});
  torch::optim::Adam optimizer(net.parameters(), torch::optim::AdamOptions(1e-2));
  net.train();
  double first = 0, last = 0;
  for (int i = 0; i < 12; ++i) {
    optimizer.zero_grad();
    at::Tensor loss = (net.forward(x) - target).square().mean();
    loss.backward();
    optimizer.step();
    if (i == 0) first = loss.item<double>();
    last = loss.item<double>();
  }
  EXPECT_LT(last, 0.9 * first) << "training did not lower the loss: " << first << " -> " << last;

  TransformNet copy(net.weights(), "trained in memory", at::kCPU);
  torch::NoGradGuard no_grad;
  EXPECT_LT((copy.forward(x) - net.forward(x)).abs().max().item<double>(), 1e-6);
}
