#include "core/optimize.h"

#include <torch/optim/adam.h>
#include <torch/optim/lbfgs.h>

#include <cmath>
#include <memory>

#include "core/error.h"
#include "core/image_tensor.h"
#include "core/thread_tuner.h"

namespace atelier {

OptimizerKind optimizer_from_name(const std::string& name) {
  if (name == "lbfgs") return OptimizerKind::Lbfgs;
  if (name == "adam") return OptimizerKind::Adam;
  throw Error("unknown optimizer '" + name + "': use lbfgs or adam");
}

double optimize_image(at::Tensor& x, const std::function<at::Tensor(const at::Tensor&)>& loss_fn,
                      const OptimizeSettings& settings, const Progress& progress,
                      const IterationCallback& on_iteration) {
  auto autograd = [&](const at::Tensor& image) -> LossAndGradient {
    image.mutable_grad() = at::Tensor();  // a fresh gradient, as zero_grad() leaves it
    at::Tensor loss = loss_fn(image);
    loss.backward();
    return {loss.detach(), image.grad()};
  };
  return optimize_image_with_gradient(x, autograd, settings, progress, on_iteration);
}

double optimize_image_with_gradient(at::Tensor& x, const LossAndGradientFn& fn, const OptimizeSettings& settings,
                                    const Progress& progress, const IterationCallback& on_iteration) {
  x.set_requires_grad(true);
  std::unique_ptr<torch::optim::Optimizer> opt;
  if (settings.kind == OptimizerKind::Lbfgs) {
    auto options = torch::optim::LBFGSOptions(1.0).max_iter(1).history_size(settings.history);
    options.tolerance_grad(0).tolerance_change(0);
    if (settings.line_search) options.line_search_fn("strong_wolfe");
    opt = std::make_unique<torch::optim::LBFGS>(std::vector<at::Tensor>{x}, options);
  } else {
    opt = std::make_unique<torch::optim::Adam>(std::vector<at::Tensor>{x},
                                               torch::optim::AdamOptions(settings.learning_rate));
  }
  double last = NAN;
  // The last evaluation: torch's L-BFGS, stepped one iteration at a time, starts each iteration by evaluating the
  // point the previous line search accepted, which that search has usually just evaluated.
  struct Evaluation {
    at::Tensor x, loss, grad;
  } cached;
  const bool reuse = settings.kind == OptimizerKind::Lbfgs && settings.fixed_objective;
  ThreadTuner threads;  // every evaluation has the same size: one thread where that is faster
  auto closure = [&]() -> at::Tensor {
    progress.check_cancel();
    if (reuse && cached.x.defined() && at::equal(cached.x, x.detach())) {
      x.mutable_grad() = cached.grad.clone();
      return cached.loss;
    }
    LossAndGradient value = threads.run([&] { return fn(x); });
    x.mutable_grad() = value.gradient;
    if (reuse) cached = {x.detach().clone(), value.loss, value.gradient.detach().clone()};
    return value.loss;
  };
  for (int i = 1; i <= settings.iterations; ++i) {
    progress.check_cancel();
    if (progress.finishing()) break;  // "stop and keep": x is the result so far
    at::Tensor loss = opt->step(closure);
    last = loss.item<double>();
    if (!std::isfinite(last))
      throw Error("the optimisation diverged (loss is " + std::to_string(last) +
                  "); lower the learning rate or the style/TV weights, or use L-BFGS");
    if (on_iteration) on_iteration(i, last);
    offer_snapshot(progress, x);
    progress.report(static_cast<double>(i) / settings.iterations, "iteration " + std::to_string(i) + "/" +
                                                                      std::to_string(settings.iterations) + ", loss " +
                                                                      std::to_string(last));
  }
  x.set_requires_grad(false);
  return last;
}

}  // namespace atelier
