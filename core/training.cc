#include "core/training.h"

#include <ATen/ATen.h>
#include <torch/optim/adam.h>

#include <charconv>
#include <cmath>
#include <string>

#include "core/error.h"
#include "core/numbers.h"

namespace atelier {
namespace {

constexpr int kMaxBadStepsInARow = 5;

void check_settings(const std::vector<at::Tensor>& parameters, const TrainSettings& s) {
  if (parameters.empty()) throw Error("training: no parameters to train");
  if (s.iterations < 1) throw Error("training: iterations must be at least 1, got " + std::to_string(s.iterations));
  if (!(s.learning_rate > 0) || !(s.final_learning_rate > 0) || !std::isfinite(s.learning_rate) ||
      !std::isfinite(s.final_learning_rate))
    throw Error("training: learning rates must be positive, got " + format_double(s.learning_rate) + " and " +
                format_double(s.final_learning_rate));
  if (!(s.max_gradient_norm >= 0)) throw Error("training: the maximum gradient norm must be 0 (off) or positive");
}

// learning_rate at iteration 1, final_learning_rate at iteration N, geometric in between.
double learning_rate_at(const TrainSettings& s, int iteration) {
  if (s.iterations <= 1) return s.learning_rate;
  const double t = static_cast<double>(iteration - 1) / (s.iterations - 1);
  return s.learning_rate * std::pow(s.final_learning_rate / s.learning_rate, t);
}

void set_learning_rate(torch::optim::Adam& adam, double lr) {
  for (auto& group : adam.param_groups()) static_cast<torch::optim::AdamOptions&>(group.options()).lr(lr);
}

// The global L2 norm of the gradients (NaN or infinite when any gradient is); scales them down to max_norm when
// larger and max_norm > 0.
double clip_gradients(const std::vector<at::Tensor>& parameters, double max_norm) {
  std::vector<at::Tensor> norms;
  for (const at::Tensor& p : parameters)
    if (p.grad().defined()) norms.push_back(p.grad().detach().to(at::kDouble).norm().to(at::kCPU));
  if (norms.empty()) return 0.0;
  const double total = at::stack(norms).norm().item<double>();
  if (max_norm > 0 && std::isfinite(total) && total > max_norm)
    for (const at::Tensor& p : parameters)
      if (p.grad().defined()) p.grad().detach().mul_(max_norm / total);
  return total;
}

// "0.0123457": six significant digits, always with a dot (std::to_string follows the user's locale).
std::string loss_text(double loss) {
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, loss, std::chars_format::general, 6);
  return ec == std::errc() ? std::string(buf, end) : format_double(loss);
}

}  // namespace

double train_parameters(const std::vector<at::Tensor>& parameters, const std::function<at::Tensor(int)>& loss_fn,
                        const TrainSettings& settings, const Progress& progress,
                        const IterationCallback& on_iteration) {
  check_settings(parameters, settings);
  at::AutoGradMode grad_on(true);
  torch::optim::Adam adam(parameters, torch::optim::AdamOptions(settings.learning_rate));
  const std::string of_n = "/" + std::to_string(settings.iterations);
  double last_finite = NAN;
  int bad_in_a_row = 0;
  for (int i = 1; i <= settings.iterations; ++i) {
    progress.check_cancel();
    set_learning_rate(adam, learning_rate_at(settings, i));
    adam.zero_grad();
    at::Tensor loss = loss_fn(i);
    if (!loss.defined() || loss.numel() != 1 || !loss.requires_grad())
      throw Error("training: the loss must be a scalar that depends on the parameters being trained");
    const double value = loss.item<double>();
    bool finite = std::isfinite(value);
    if (finite) {
      loss.backward();
      finite = std::isfinite(clip_gradients(parameters, settings.max_gradient_norm));
    }
    loss = at::Tensor();  // frees the graph before the step
    if (finite) {
      adam.step();
      last_finite = value;
      bad_in_a_row = 0;
    } else if (++bad_in_a_row >= kMaxBadStepsInARow) {
      throw Error("training diverged (loss is not a number) after " + std::to_string(i) +
                  " iterations; lower the learning rate or the loss weights");
    }
    if (on_iteration) on_iteration(i, value);
    progress.report(
        static_cast<double>(i) / settings.iterations,
        "iteration " + std::to_string(i) + of_n + ", loss " + loss_text(value) + (finite ? "" : " (step skipped)"));
  }
  if (!std::isfinite(last_finite))
    throw Error("training diverged (loss is not a number) in all " + std::to_string(settings.iterations) +
                " iterations; lower the learning rate or the loss weights");
  return last_finite;
}

}  // namespace atelier
