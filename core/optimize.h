#pragma once
// Image optimisation loop: minimises loss(x) over the pixels x with L-BFGS or Adam for a fixed iteration budget,
// reporting progress and checking the cancel flag every iteration. A raised finish flag ("stop and keep") ends it
// before the next iteration; an image x ([1,3,H,W] in [0,1]) is offered to the host as the work in progress.
#include <ATen/core/Tensor.h>

#include <functional>
#include <string>

#include "core/progress.h"

namespace atelier {

enum class OptimizerKind { Lbfgs, Adam };
OptimizerKind optimizer_from_name(const std::string& name);  // "lbfgs" | "adam"

struct OptimizeSettings {
  OptimizerKind kind = OptimizerKind::Lbfgs;
  int iterations = 300;
  double learning_rate = 0.02;  // Adam; L-BFGS steps 1 (scaled by its curvature estimate)
  int history = 50;             // L-BFGS memory
  // L-BFGS: a strong-Wolfe line search (the default), or the step its curvature estimate proposes, taken as is (one
  // evaluation per iteration, as neural-style-pt does).
  bool line_search = true;
  // loss_fn is one fixed function of x: an L-BFGS iteration then reuses the loss and gradient its line search
  // last computed at the point it accepted, instead of evaluating that point again (a third to a half of all
  // evaluations, same result). false: the loss may change between iterations (on_iteration redraws random
  // directions), so every iteration starts with a fresh evaluation.
  bool fixed_objective = true;
};

// Called after each iteration with (iteration 1..N, loss).
using IterationCallback = std::function<void(int, double)>;

// x: leaf tensor, optimised in place (requires_grad is set here). loss_fn computes the scalar loss of x
// (gradients are computed here); it must give the same result for the same x within an iteration. Returns the
// final loss.
double optimize_image(at::Tensor& x, const std::function<at::Tensor(const at::Tensor&)>& loss_fn,
                      const OptimizeSettings& settings, const Progress& progress,
                      const IterationCallback& on_iteration = {});

// The same for a loss whose gradient the caller computes (e.g. tile by tile, in bounded memory): fn returns the
// loss (a scalar tensor) and its gradient (x's shape and device) at x.
struct LossAndGradient {
  at::Tensor loss, gradient;
};
using LossAndGradientFn = std::function<LossAndGradient(const at::Tensor& x)>;
double optimize_image_with_gradient(at::Tensor& x, const LossAndGradientFn& fn, const OptimizeSettings& settings,
                                    const Progress& progress, const IterationCallback& on_iteration = {});

}  // namespace atelier
