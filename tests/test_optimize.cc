// The image optimisation loop: L-BFGS reuses the evaluation its line search made at the accepted point instead of
// repeating it, with exactly the same result.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <vector>

#include "core/image.h"
#include "core/optimize.h"
#include "core/thread_tuner.h"

using namespace atelier;

namespace {

struct Minimisation {
  at::Tensor x;
  int evaluations = 0;
  std::vector<double> losses;
};

// A smooth non-quadratic problem (the line search has work to do): a Rosenbrock-like valley per pixel pair.
Minimisation minimise(bool fixed_objective, int iterations) {
  at::set_num_threads(1);
  Minimisation r;
  r.x = torch::full({1, 3, 8, 8}, -0.5);
  OptimizeSettings s;
  s.iterations = iterations;
  s.fixed_objective = fixed_objective;
  auto loss_fn = [&](const at::Tensor& x) {
    ++r.evaluations;
    const at::Tensor a = x.slice(3, 0, 4), b = x.slice(3, 4, 8);
    return ((1 - a).pow(2) + 10 * (b - a * a).pow(2)).sum();
  };
  optimize_image(r.x, loss_fn, s, Progress(), [&](int, double loss) { r.losses.push_back(loss); });
  return r;
}

}  // namespace

TEST(Optimize, LbfgsReusesTheAcceptedPointsEvaluationWithTheSameResult) {
  const Minimisation reused = minimise(true, 20), fresh = minimise(false, 20);
  EXPECT_TRUE(at::equal(reused.x, fresh.x));
  EXPECT_EQ(reused.losses, fresh.losses);
  ASSERT_EQ(reused.losses.size(), 20u);
  EXPECT_LT(reused.losses.back(), 0.01 * reused.losses.front());
  // One evaluation per iteration saved, but for the first.
  EXPECT_EQ(reused.evaluations, fresh.evaluations - 19);
}

// Without its line search, L-BFGS evaluates the loss once per iteration and still converges on a badly
// conditioned quadratic (pixel weights from 1 to 50).
TEST(Optimize, LbfgsWithoutLineSearchEvaluatesOncePerIterationAndConverges) {
  at::set_num_threads(1);
  const at::Tensor weights = torch::linspace(1, 50, 3 * 8 * 8).view({1, 3, 8, 8});
  const at::Tensor target = torch::linspace(-1, 1, 3 * 8 * 8).view({1, 3, 8, 8}).flip(3);
  at::Tensor x = torch::zeros({1, 3, 8, 8});
  int evaluations = 0;
  std::vector<double> losses;
  OptimizeSettings s;
  s.iterations = 30;
  s.line_search = false;
  optimize_image(
      x,
      [&](const at::Tensor& image) {
        ++evaluations;
        return (weights * (image - target).pow(2)).sum();
      },
      s, Progress(), [&](int, double loss) { losses.push_back(loss); });
  EXPECT_EQ(evaluations, 30);
  ASSERT_EQ(losses.size(), 30u);
  EXPECT_LT(losses.back(), 1e-6 * losses.front());
  EXPECT_TRUE(torch::allclose(x, target, 0, 1e-2));
}

// The tuner keeps whichever of the default thread count and one thread ran the work faster, and restores the
// default afterwards.
TEST(Optimize, ThreadTunerKeepsTheFasterThreadCountAndRestoresTheDefault) {
  const int before = at::get_num_threads();
  at::set_num_threads(2);
  for (const bool one_is_faster : {true, false}) {
    std::vector<int> seen;
    double now = 0;  // a clock that only the work advances: no dependence on the machine's load
    {
      ThreadTuner tuner([&] { return now; });
      for (int i = 0; i < 8; ++i)
        tuner.run([&] {
          seen.push_back(at::get_num_threads());
          const bool fast = (at::get_num_threads() == 1) == one_is_faster;
          now += fast ? 0.001 : 0.030;
          return 0;
        });
      EXPECT_EQ(tuner.chosen(), one_is_faster ? 1 : 2);
    }
    EXPECT_EQ(seen, std::vector<int>({2, 2, 1, 1, one_is_faster ? 1 : 2, one_is_faster ? 1 : 2, one_is_faster ? 1 : 2,
                                      one_is_faster ? 1 : 2}));
    EXPECT_EQ(at::get_num_threads(), 2);
  }
  // With one thread by default there is nothing to choose.
  at::set_num_threads(1);
  ThreadTuner single;
  EXPECT_EQ(single.chosen(), 1);
  at::set_num_threads(before);
}

// "Stop and keep": raised during an iteration, the run ends before the next one with the image as it is; every
// iteration offers the host a picture of the work in progress, scaled to the host's size.
TEST(Optimize, StopAndKeepEndsBeforeTheNextIterationAndPicturesAreOffered) {
  at::set_num_threads(1);
  at::Tensor x = torch::full({1, 3, 8, 8}, 0.2);
  const at::Tensor start = x.clone();
  std::atomic<bool> finish{false};
  std::vector<Image> pictures;
  Progress progress;
  progress.with_finish(&finish).with_snapshots(
      std::make_shared<SnapshotSink>([&](const Image& p) { pictures.push_back(p); }, std::chrono::milliseconds(0), 4));
  OptimizeSettings s;
  s.iterations = 20;
  int iterations = 0;
  optimize_image(
      x, [](const at::Tensor& img) { return (img - 0.7).pow(2).sum(); }, s, progress,
      [&](int i, double) {
        iterations = i;
        finish = i == 3;
      });
  EXPECT_EQ(iterations, 3);
  EXPECT_GT((x - start).abs().max().item<double>(), 0.1) << "the result so far is kept";
  ASSERT_EQ(pictures.size(), 3u);
  EXPECT_EQ(pictures.back().width, 4);
  EXPECT_EQ(pictures.back().height, 4);
  EXPECT_NEAR(pictures.back().rgba[0], x[0][0][0][0].item<float>(), 1e-4);

  // Raised before the run: the start image, untouched.
  at::Tensor y = start.clone();
  optimize_image(y, [](const at::Tensor& img) { return (img - 0.7).pow(2).sum(); }, s, progress);
  EXPECT_TRUE(at::equal(y, start));
}
