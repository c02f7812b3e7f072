// The image optimisation loop: L-BFGS reuses the evaluation its line search made at the accepted point instead of
// repeating it, with exactly the same result.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <chrono>
#include <thread>
#include <vector>

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

// The tuner keeps whichever of the default thread count and one thread ran the work faster, and restores the
// default afterwards.
TEST(Optimize, ThreadTunerKeepsTheFasterThreadCountAndRestoresTheDefault) {
  const int before = at::get_num_threads();
  at::set_num_threads(2);
  for (const bool one_is_faster : {true, false}) {
    std::vector<int> seen;
    {
      ThreadTuner tuner;
      for (int i = 0; i < 8; ++i)
        tuner.run([&] {
          seen.push_back(at::get_num_threads());
          const bool fast = (at::get_num_threads() == 1) == one_is_faster;
          std::this_thread::sleep_for(std::chrono::milliseconds(fast ? 1 : 30));
          return 0;
        });
      EXPECT_EQ(tuner.chosen(), one_is_faster ? 1 : 2);
    }
    EXPECT_EQ(seen, std::vector<int>({2, 2, 1, 1, one_is_faster ? 1 : 2, one_is_faster ? 1 : 2,
                                      one_is_faster ? 1 : 2, one_is_faster ? 1 : 2}));
    EXPECT_EQ(at::get_num_threads(), 2);
  }
  // With one thread by default there is nothing to choose.
  at::set_num_threads(1);
  ThreadTuner single;
  EXPECT_EQ(single.chosen(), 1);
  at::set_num_threads(before);
}
