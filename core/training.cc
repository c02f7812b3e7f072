#include "core/training.h"

#include <ATen/ATen.h>
#include <torch/optim/adam.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <memory>
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
  if (s.first_iteration < 1 || s.first_iteration > s.iterations)
    throw Error("training: cannot resume at iteration " + std::to_string(s.first_iteration) + " of " +
                std::to_string(s.iterations));
  if (s.resume && (s.resume->exp_avg.size() != parameters.size() || s.resume->exp_avg_sq.size() != parameters.size()))
    throw Error("training: the checkpoint's optimizer state does not fit the network (" +
                std::to_string(s.resume->exp_avg.size()) + " tensors for " + std::to_string(parameters.size()) +
                " parameters)");
}

// Adam's per-parameter state, in the parameters' order.
AdamState save_adam(torch::optim::Adam& adam, const std::vector<at::Tensor>& parameters) {
  AdamState out;
  for (const at::Tensor& p : parameters) {
    auto it = adam.state().find(p.unsafeGetTensorImpl());
    if (it == adam.state().end()) {  // no step taken yet for this parameter
      out.exp_avg.push_back(at::zeros_like(p, at::kCPU));
      out.exp_avg_sq.push_back(at::zeros_like(p, at::kCPU));
      continue;
    }
    const auto& st = static_cast<const torch::optim::AdamParamState&>(*it->second);
    out.step = std::max(out.step, st.step());
    out.exp_avg.push_back(st.exp_avg().detach().to(at::kCPU).clone());
    out.exp_avg_sq.push_back(st.exp_avg_sq().detach().to(at::kCPU).clone());
  }
  return out;
}

void restore_adam(torch::optim::Adam& adam, const std::vector<at::Tensor>& parameters, const AdamState& saved) {
  if (saved.step <= 0) return;
  for (size_t i = 0; i < parameters.size(); ++i) {
    const at::Tensor& p = parameters[i];
    if (saved.exp_avg[i].sizes() != p.sizes() || saved.exp_avg_sq[i].sizes() != p.sizes())
      throw Error("training: the checkpoint's optimizer state does not fit the network's parameter " +
                  std::to_string(i));
    auto st = std::make_unique<torch::optim::AdamParamState>();
    st->step(saved.step);
    st->exp_avg(saved.exp_avg[i].to(p.device(), p.scalar_type()).clone());
    st->exp_avg_sq(saved.exp_avg_sq[i].to(p.device(), p.scalar_type()).clone());
    adam.state()[p.unsafeGetTensorImpl()] = std::move(st);
  }
}

// ", 3 min left" from the pace of the iterations done so far in this run.
std::string time_left(std::chrono::steady_clock::time_point start, int done, int remaining) {
  if (done < 2 || remaining <= 0) return "";
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double left = elapsed / done * remaining;
  if (left < 90) return ", " + std::to_string(static_cast<int>(std::ceil(left))) + " s left";
  if (left < 5400) return ", " + std::to_string(static_cast<int>(std::lround(left / 60))) + " min left";
  return ", " + format_double(std::round(left / 360) / 10) + " h left";
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
  if (settings.resume) restore_adam(adam, parameters, *settings.resume);
  const std::string of_n = "/" + std::to_string(settings.iterations);
  const auto start = std::chrono::steady_clock::now();
  double last_finite = NAN;
  int bad_in_a_row = 0;
  for (int i = settings.first_iteration; i <= settings.iterations; ++i) {
    if (progress.cancelled()) {
      if (settings.checkpoint && i > settings.first_iteration) settings.checkpoint(i - 1, save_adam(adam, parameters));
      throw Cancelled();
    }
    if (progress.finishing() && i > settings.first_iteration) {  // "stop and keep": the parameters as they are
      if (settings.checkpoint) settings.checkpoint(i - 1, save_adam(adam, parameters));
      break;
    }
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
    if (settings.checkpoint &&
        ((settings.checkpoint_every > 0 && i % settings.checkpoint_every == 0) || i == settings.iterations))
      settings.checkpoint(i, save_adam(adam, parameters));
    progress.report(static_cast<double>(i) / settings.iterations,
                    "iteration " + std::to_string(i) + of_n + ", loss " + loss_text(value) +
                        (finite ? "" : " (step skipped)") +
                        time_left(start, i - settings.first_iteration + 1, settings.iterations - i));
  }
  if (!std::isfinite(last_finite))
    throw Error("training diverged (loss is not a number) in all " +
                std::to_string(settings.iterations - settings.first_iteration + 1) +
                " iterations; lower the learning rate or the loss weights");
  return last_finite;
}

}  // namespace atelier
