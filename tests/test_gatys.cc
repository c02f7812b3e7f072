#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/losses/losses.h"
#include "core/optimize.h"
#include "engine/gatys.h"
#include "tests/fake_network.h"

using namespace atelier;

TEST(Losses, GramMatrixMatchesHandComputation) {
  // 1 image, 2 channels, 2x2: F = [[1,2,3,4],[0,1,0,1]] -> G = F F^T / 4
  at::Tensor f = torch::tensor({1.f, 2.f, 3.f, 4.f, 0.f, 1.f, 0.f, 1.f}).view({1, 2, 2, 2});
  at::Tensor g = gram_matrix(f);
  at::Tensor expected = torch::tensor({30.f / 4, 6.f / 4, 6.f / 4, 2.f / 4}).view({1, 2, 2});
  EXPECT_TRUE(torch::allclose(g, expected));
  // ||G - T||^2 / ||T||^2 with T = 2G: ||G||^2/||2G||^2 = 1/4
  EXPECT_NEAR(gram_loss(f, 2 * g).item<double>(), 0.25, 1e-6);
}

TEST(Losses, ContentAndTvMatchHandComputation) {
  at::Tensor p = torch::tensor({1.f, 2.f, 2.f, 0.f}).view({1, 1, 2, 2});
  at::Tensor f = torch::tensor({1.f, 1.f, 2.f, 1.f}).view({1, 1, 2, 2});
  EXPECT_NEAR(content_loss(f, p).item<double>(), 2.0 / 9.0, 1e-6);  // (0+1+0+1)/(1+4+4+0)
  // dx: (2-1)=1, (0-2)=-2 -> mean sq 2.5; dy: (2-1)=1, (0-2)=-2 -> mean sq 2.5
  EXPECT_NEAR(tv_loss(p).item<double>(), 5.0, 1e-6);
}

TEST(Losses, GradientsMatchFiniteDifferences) {
  torch::manual_seed(3);
  auto opts = torch::TensorOptions().dtype(torch::kDouble);
  at::Tensor target = gram_matrix(torch::rand({1, 3, 5, 4}, opts));
  at::Tensor ctarget = torch::rand({1, 3, 5, 4}, opts);
  auto total = [&](const at::Tensor& x) {
    return gram_loss(x, target) + content_loss(x, ctarget) * 0.5 + tv_loss(x) * 0.1;
  };
  at::Tensor x = torch::rand({1, 3, 5, 4}, opts).requires_grad_(true);
  at::Tensor loss = total(x);
  loss.backward();
  at::Tensor grad = x.grad().clone();
  const double eps = 1e-6;
  for (int64_t i = 0; i < x.numel(); i += 7) {
    at::Tensor xp = x.detach().clone(), xm = x.detach().clone();
    xp.view(-1)[i] += eps;
    xm.view(-1)[i] -= eps;
    double fd = (total(xp).item<double>() - total(xm).item<double>()) / (2 * eps);
    EXPECT_NEAR(grad.view(-1)[i].item<double>(), fd, 1e-6 + 1e-4 * std::abs(fd)) << "element " << i;
  }
}

namespace {
struct GatysRun {
  at::Tensor image;
  std::vector<double> losses;
};
GatysRun stylize_fake(OptimizerKind kind, uint64_t seed, bool random_init, int iterations = 15) {
  test::FakeNetwork net;
  torch::manual_seed(11);
  at::Tensor content = torch::rand({1, 3, 32, 32}).mul(0.3).add(0.35);
  at::Tensor style = torch::zeros({1, 3, 32, 32});
  style.narrow(3, 0, 16).fill_(1.0);  // stripes
  style.select(1, 0).fill_(0.9);
  GatysSettings s;
  s.optimizer.kind = kind;
  s.optimizer.iterations = iterations;
  s.optimizer.learning_rate = 0.05;
  s.random_init = random_init;
  s.seed = seed;
  GatysRun r;
  r.image =
      gatys_optimize(net, content, {{style, 1.0}}, s, Progress(), [&](int, double loss) { r.losses.push_back(loss); });
  return r;
}
}  // namespace

TEST(Gatys, LbfgsDecreasesLoss) {
  GatysRun r = stylize_fake(OptimizerKind::Lbfgs, 0, false);
  ASSERT_EQ(r.losses.size(), 15u);
  EXPECT_LT(r.losses.back(), 0.5 * r.losses.front());
}

// Stylize's setting: L-BFGS steps without a line search.
TEST(Gatys, LbfgsWithoutLineSearchDecreasesLoss) {
  test::FakeNetwork net;
  torch::manual_seed(11);
  const at::Tensor content = torch::rand({1, 3, 32, 32}).mul(0.3).add(0.35);
  const at::Tensor style = torch::rand({1, 3, 32, 32});
  GatysSettings s;
  s.optimizer.iterations = 15;
  s.optimizer.line_search = false;
  std::vector<double> losses;
  gatys_optimize(net, content, {{style, 1.0}}, s, Progress(), [&](int, double loss) { losses.push_back(loss); });
  ASSERT_EQ(losses.size(), 15u);
  EXPECT_LT(losses.back(), 0.5 * losses.front());
}

TEST(Gatys, AdamDecreasesLoss) {
  GatysRun r = stylize_fake(OptimizerKind::Adam, 0, false, 30);
  EXPECT_LT(r.losses.back(), 0.8 * r.losses.front());
}

TEST(Gatys, SameSeedSameResultDifferentSeedDifferent) {
  GatysRun a = stylize_fake(OptimizerKind::Lbfgs, 5, true, 5);
  GatysRun b = stylize_fake(OptimizerKind::Lbfgs, 5, true, 5);
  GatysRun c = stylize_fake(OptimizerKind::Lbfgs, 6, true, 5);
  EXPECT_TRUE(torch::equal(a.image, b.image));
  EXPECT_FALSE(torch::equal(a.image, c.image));
}

TEST(Gatys, CancelStopsTheOptimisation) {
  test::FakeNetwork net;
  std::atomic<bool> cancel{false};
  int seen = 0;
  GatysSettings s;
  s.optimizer.iterations = 100;
  Progress p(
      [&](double, const std::string&) {
        if (++seen == 3) cancel = true;
      },
      &cancel);
  at::Tensor content = torch::rand({1, 3, 24, 24});
  EXPECT_THROW(gatys_optimize(net, content, {{content.flip(3), 1.0}}, s, p), Cancelled);
  EXPECT_LT(seen, 10);
}

TEST(Gatys, RejectsImagesSmallerThanTheNetworkAccepts) {
  test::FakeNetwork net;
  at::Tensor tiny = torch::rand({1, 3, 4, 4});
  EXPECT_THROW(gatys_optimize(net, tiny, {{tiny, 1.0}}, GatysSettings(), Progress()), Error);
}

// The two pixel phases through the network as one batch give the loss and gradient of the two passes one after
// the other (the grid-free average is unchanged; only its cost falls).
TEST(Gatys, BatchedPhasesGiveTheLossAndGradientOfSeparatePasses) {
  test::FakeNetwork net;
  torch::manual_seed(7);
  const at::Tensor content = torch::rand({1, 3, 27, 33});
  const at::Tensor style = torch::rand({1, 3, 30, 30});
  GatysSettings s;
  s.phase_average = true;
  const GatysLayers layers = gatys_layers(net, s, true);
  const std::vector<at::Tensor> grams = style_grams(net, layers.style, {{style, 1.0}});
  auto loss_and_gradient = [&](bool batched) {
    GatysSettings settings = s;
    settings.batch_phases = batched;
    const GatysLoss loss(net, content, grams, settings);
    at::Tensor x = content.flip(3).clone().requires_grad_(true);
    at::Tensor value = loss(x);
    value.backward();
    return std::make_pair(value.item<double>(), x.grad().clone());
  };
  const auto [batched_loss, batched_gradient] = loss_and_gradient(true);
  const auto [separate_loss, separate_gradient] = loss_and_gradient(false);
  EXPECT_NEAR(batched_loss, separate_loss, 1e-5 * separate_loss);
  EXPECT_TRUE(torch::allclose(batched_gradient, separate_gradient, 1e-4, 1e-7));
  // Both phases count: the averaged loss is not the first phase's alone.
  GatysSettings one = s;
  one.phase_average = false;
  const GatysLoss single(net, phase_view(content, 0), grams, one);
  EXPECT_GT(std::abs(single(phase_view(content.flip(3), 0)).item<double>() - separate_loss), 1e-6);
}
