// Gatys' loss evaluated tile by tile (exact mode of Large Tiled Style): the whole image's loss and gradient, and an
// optimisation that follows the untiled one.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <atomic>
#include <cstdio>

#include "core/losses/losses.h"
#include "engine/feature_tiles.h"
#include "engine/gatys.h"
#include "engine/tiled_gatys.h"
#include "tests/fake_network.h"

using namespace atelier;

namespace {

struct Scene {
  test::FakeNetwork net;
  at::Tensor content, image;
  GatysSettings settings;
  Scene(int64_t h, int64_t w, bool phase_average) {
    torch::manual_seed(5);
    content = torch::rand({1, 3, h, w});
    image = (content + 0.2 * torch::randn({1, 3, h, w})).clamp(0, 1);
    settings.phase_average = phase_average;
    settings.tv_weight = 0.05;
    settings.content_weight = 2.0;
    settings.grams = style_grams(net, net.default_style_layers(), {{torch::rand({1, 3, 64, 80}), 1.0}});
  }
  // The untiled loss and gradient at `image`.
  std::pair<double, at::Tensor> whole() {
    const GatysLoss loss(net, content, settings.grams, settings);
    const at::Tensor x = image.clone().requires_grad_(true);
    const at::Tensor value = loss(x);
    value.backward();
    return {value.item<double>(), x.grad()};
  }
};

}  // namespace

TEST(FeatureTiles, StridesAreMeasured) {
  test::FakeNetwork net;
  EXPECT_EQ(layer_strides(net, {"a", "b", "c"}), (std::vector<int64_t>{1, 2, 4}));
  EXPECT_EQ(feature_tile_alignment({1, 2, 4}), 32);
  EXPECT_EQ(feature_tile_alignment({64}), 64);
}

// On an image of 4 x 2 tiles whose context covers the small network's receptive field, the tiled loss and its
// gradient are the whole image's, with and without phase averaging.
TEST(TiledGatys, SameLossAndGradientAsTheWholeImage) {
  for (bool phases : {false, true}) {
    Scene s(176, 330, phases);
    const auto [loss, gradient] = s.whole();
    const TiledGatysLoss tiled(s.net, s.content, s.settings.grams, s.settings, 160, 32);
    EXPECT_EQ(tiled.tiles(), 8u);
    const LossAndGradient t = tiled(s.image);
    EXPECT_NEAR(t.loss.item<double>(), loss, 1e-5 * loss) << "phase averaging " << phases;
    const double scale = gradient.abs().max().item<double>();
    EXPECT_LT((t.gradient - gradient).abs().max().item<double>(), 1e-4 * scale) << "phase averaging " << phases;
  }
}

// Without context, tiles see zero padding at their borders: the loss differs (which is what the context is for).
TEST(TiledGatys, TheContextIsWhatMakesItExact) {
  Scene s(128, 192, false);
  const double loss = s.whole().first;
  const TiledGatysLoss tiled(s.net, s.content, s.settings.grams, s.settings, 96, 32);
  EXPECT_NEAR(tiled(s.image).loss.item<double>(), loss, 1e-5 * loss);
  // A test of the test: cutting the image into separate pieces changes the content features near the cuts.
  const at::Tensor left = s.image.slice(3, 0, 96), right = s.image.slice(3, 96);
  const GatysLoss piece_left(s.net, s.content.slice(3, 0, 96), s.settings.grams, s.settings);
  const GatysLoss piece_right(s.net, s.content.slice(3, 96), s.settings.grams, s.settings);
  EXPECT_GT(std::abs(piece_left(left).item<double>() + piece_right(right).item<double>() - loss), 1e-3 * loss);
}

// The whole image optimised with tiled evaluations follows the untiled optimisation. Tiled and untiled
// evaluations agree to float rounding, which differs by CPU (oneDNN's kernels); L-BFGS amplifies such differences
// from step to step, so positions are compared after one iteration and the later ones by the loss they reach.
TEST(TiledGatys, OptimisationFollowsTheUntiledOne) {
  Scene s(96, 160, false);
  s.settings.optimizer.history = 10;
  s.settings.init = s.image;
  const double start = s.whole().first;
  auto whole_loss_of = [&](const at::Tensor& x) {
    const GatysLoss loss(s.net, s.content, s.settings.grams, s.settings);
    torch::NoGradGuard no_grad;
    return loss(x).item<double>();
  };

  s.settings.optimizer.iterations = 1;
  const at::Tensor one_whole = gatys_optimize(s.net, s.content, {}, s.settings, Progress());
  const at::Tensor one_tiled = gatys_optimize_tiled(s.net, s.content, s.settings, 96, 32, 1e9, Progress());
  const double first_step = (one_whole - s.image).abs().max().item<double>();
  const double first_difference = (one_tiled - one_whole).abs().max().item<double>();
  std::printf("[ info ] first iteration: step %g, tiled - untiled %g\n", first_step, first_difference);
  EXPECT_GT(first_step, 1e-3);
  EXPECT_LT(first_difference, 1e-3 * first_step);

  s.settings.optimizer.iterations = 6;
  std::vector<std::string> messages;
  const Progress progress([&](double, const std::string& m) { messages.push_back(m); }, nullptr);
  const at::Tensor whole = gatys_optimize(s.net, s.content, {}, s.settings, Progress());
  const at::Tensor tiled = gatys_optimize_tiled(s.net, s.content, s.settings, 96, 32, 1e9, progress);
  const double whole_loss = whole_loss_of(whole), tiled_loss = whole_loss_of(tiled);
  std::printf("[ info ] loss: start %g, 6 iterations untiled %g, tiled %g\n", start, whole_loss, tiled_loss);
  EXPECT_LT(whole_loss, 0.9 * start);
  EXPECT_NEAR(tiled_loss, whole_loss, 0.02 * whole_loss)
      << "start " << start << ", untiled " << whole_loss << ", tiled " << tiled_loss;
  bool saw_tile = false;
  for (const auto& m : messages) saw_tile = saw_tile || m.find("iteration 6/6: optimising (") != std::string::npos;
  EXPECT_TRUE(saw_tile);
}

TEST(TiledGatys, CancelStopsWithinAnEvaluation) {
  Scene s(96, 160, false);
  std::atomic<bool> cancel{false};
  int tiles_seen = 0;
  const Progress progress(
      [&](double, const std::string& m) {
        if (m.find("measuring the style (") != std::string::npos && ++tiles_seen == 2) cancel = true;
      },
      &cancel);
  const TiledGatysLoss tiled(s.net, s.content, s.settings.grams, s.settings, 96, 32);
  EXPECT_THROW(tiled(s.image, progress), Cancelled);
  EXPECT_EQ(tiles_seen, 2);
}
