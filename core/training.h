#pragma once
// Training loop for feed-forward networks (texture generators, ...): minimises a loss over network parameters with
// Adam, a geometrically decaying learning rate and gradient-norm clipping, skipping steps that went non-finite.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <functional>
#include <vector>

#include "core/optimize.h"
#include "core/progress.h"

namespace atelier {

// Adam's state, kept in a checkpoint so that a resumed training continues exactly where it stopped.
struct AdamState {
  int64_t step = 0;                             // Adam's step count (for its bias correction)
  std::vector<at::Tensor> exp_avg, exp_avg_sq;  // one per parameter, in the parameters' order (CPU)
};

// A training run's state after `iteration` completed iterations (the parameters themselves are the caller's).
using CheckpointFn = std::function<void(int iteration, const AdamState& adam)>;

struct TrainSettings {
  int iterations = 1000;
  double learning_rate = 0.01;         // Adam
  double final_learning_rate = 0.001;  // decays geometrically from learning_rate to this over the iterations
  double max_gradient_norm = 1.0;      // global gradient-norm clipping; 0 = off
  // Resuming: the iterations before first_iteration were done by an earlier run that left `resume` (Adam's state
  // then; null = fresh moments). The learning rate continues its schedule.
  int first_iteration = 1;
  const AdamState* resume = nullptr;
  // Called every checkpoint_every iterations (0 = never), after the last one, and when cancelled or stopped early
  // (before Cancelled propagates or the run returns, when at least one iteration was done in this run).
  int checkpoint_every = 0;
  CheckpointFn checkpoint;
};

// Minimises loss_fn(iteration) (iteration 1..N; the function draws its own batch and returns a scalar that depends
// on the parameters) over `parameters` (leaf tensors requiring gradients, updated in place) with Adam. Reports
// progress every iteration ("iteration i/N, loss L, 3 min left") and throws Cancelled when the progress's cancel
// flag is set. When the progress's finish flag ("stop and keep") is set after at least one iteration of this run,
// it returns with the parameters as they are.
// A step whose loss or gradients are not finite is skipped (the parameters stay as they were); after 5 such steps
// in a row, or when no step at all was finite, it throws atelier::Error ("training diverged ..."). Returns the last
// finite loss. on_iteration (may be empty) gets (iteration, loss) after every iteration, skipped ones included
// (with their non-finite loss). Throws atelier::Error for settings out of range or a loss that is not a scalar
// depending on the parameters, and for a resume state that does not fit the parameters.
double train_parameters(const std::vector<at::Tensor>& parameters, const std::function<at::Tensor(int)>& loss_fn,
                        const TrainSettings& settings, const Progress& progress,
                        const IterationCallback& on_iteration = {});

}  // namespace atelier
