#include "engine/deep_dream.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <set>

#include "core/error.h"
#include "core/image_tensor.h"
#include "core/numbers.h"
#include "models/feature_network.h"

namespace atelier {
namespace {

// Layers that contribute (dose != 0) and their names, in the caller's order.
LayerDoses active_layers(const LayerDoses& doses) {
  LayerDoses out;
  for (const auto& d : doses)
    if (d.second != 0) out.push_back(d);
  return out;
}

std::vector<std::string> names_of(const LayerDoses& doses) {
  std::vector<std::string> names;
  for (const auto& d : doses) names.push_back(d.first);
  return names;
}

at::Tensor objective(FeatureNetwork& network, const at::Tensor& image, const LayerDoses& active) {
  std::map<std::string, at::Tensor> features = network.extract(image, names_of(active));
  at::Tensor loss = at::zeros({}, image.options());
  for (const auto& [name, dose] : active) {
    auto it = features.find(name);
    if (it == features.end())
      throw Error("feature network " + network.name() + " returned no activation for layer " + name);
    loss = loss + dose * it->second.pow(2).mean();
  }
  return loss;
}

void check_settings(const DreamSettings& s) {
  if (s.iterations < 0) throw Error("dream: iterations must be 0 or more, got " + std::to_string(s.iterations));
  if (s.octaves < 1) throw Error("dream: octaves must be at least 1, got " + std::to_string(s.octaves));
  if (s.octaves > 1 && !(s.octave_scale > 1))
    throw Error("dream: octave scale must be greater than 1, got " + std::to_string(s.octave_scale));
  if (!std::isfinite(s.step_size)) throw Error("dream: the step size must be a finite number");
  if (s.jitter < 0) throw Error("dream: jitter must be 0 or more pixels, got " + std::to_string(s.jitter));
  for (const auto& [name, dose] : s.layers)
    if (!std::isfinite(dose)) throw Error("dream: the dose of layer " + name + " must be a finite number");
}

}  // namespace

void check_layer_names(const LayerDoses& doses, const std::vector<std::string>& valid, const std::string& network) {
  const std::set<std::string> known(valid.begin(), valid.end());
  for (const auto& d : doses) {
    if (known.count(d.first)) continue;
    std::string list;
    for (const auto& v : valid) list += (list.empty() ? "" : ", ") + v;
    throw Error("unknown layer '" + d.first + "' for network " + network + "; valid layers are: " + list);
  }
}

std::vector<std::pair<int64_t, int64_t>> octave_sizes(int64_t h, int64_t w, int octaves, double octave_scale,
                                                      int64_t min_side) {
  std::vector<std::pair<int64_t, int64_t>> sizes;
  for (int k = octaves - 1; k >= 0; --k) {
    const double f = std::pow(octave_scale, -k);
    const int64_t oh = k == 0 ? h : std::max<int64_t>(1, std::llround(h * f));
    const int64_t ow = k == 0 ? w : std::max<int64_t>(1, std::llround(w * f));
    if (std::min(oh, ow) < min_side) continue;
    sizes.emplace_back(oh, ow);
  }
  return sizes;
}

double dream_objective(FeatureNetwork& network, const at::Tensor& rgb01, const LayerDoses& layers) {
  check_layer_names(layers, network.layer_names(), network.name());
  const LayerDoses active = active_layers(layers);
  if (active.empty()) return 0;
  torch::NoGradGuard no_grad;
  return objective(network, rgb01.to(network.device(), at::kFloat), active).item<double>();
}

at::Tensor deep_dream(FeatureNetwork& network, const at::Tensor& rgb01, const DreamSettings& settings,
                      const Progress& progress) {
  if (!rgb01.defined() || rgb01.dim() != 4 || rgb01.size(0) != 1 || rgb01.size(1) != 3)
    throw Error("dream: the image must be an RGB tensor [1,3,H,W]");
  check_settings(settings);
  if (settings.layers.empty()) throw Error("dream: no layers to dream on; give at least one layer:dose pair");
  check_layer_names(settings.layers, network.layer_names(), network.name());

  const int64_t h = rgb01.size(2), w = rgb01.size(3);
  const int64_t min_side = network.min_input_size();
  if (std::min(h, w) < min_side)
    throw Error("dream: the image is " + std::to_string(w) + "x" + std::to_string(h) + " pixels but network " +
                network.name() + " needs at least " + std::to_string(min_side) +
                " on each side; work at a larger size");

  const LayerDoses active = active_layers(settings.layers);
  if (active.empty() || settings.iterations == 0 || settings.step_size == 0) {
    progress.report(1.0);
    return rgb01.clone();
  }

  // The caller may be in inference or no-grad mode; the image gradient needs autograd.
  c10::InferenceMode no_inference(false);
  torch::AutoGradMode grad_mode(true);

  auto sizes = octave_sizes(h, w, settings.octaves, settings.octave_scale, min_side);
  if (static_cast<int>(sizes.size()) < settings.octaves) {
    // The smallest octaves would fall below the network's minimum: spread all of them between that minimum and
    // the working size instead of silently dropping some.
    const double room = static_cast<double>(std::min(h, w)) / static_cast<double>(min_side);
    const double scale = std::pow(room, 1.0 / std::max(1, settings.octaves - 1));
    if (scale > 1.01) sizes = octave_sizes(h, w, settings.octaves, scale * (1 - 1e-9), min_side);
    progress.report(0, sizes.size() == static_cast<size_t>(settings.octaves)
                           ? "octave scale lowered to " + format_fixed(scale, 2) + " so that " +
                                 std::to_string(settings.octaves) + " octaves fit above the network's minimum of " +
                                 std::to_string(min_side) + " px"
                           : "only " + std::to_string(sizes.size()) + " octave(s) fit at " + std::to_string(w) + "x" +
                                 std::to_string(h) + " px; use a larger size for more");
  }
  const at::Tensor original = rgb01.detach().to(network.device(), at::kFloat);
  std::mt19937_64 rng(settings.seed);
  std::uniform_int_distribution<int64_t> shift(-settings.jitter, settings.jitter);

  const double total_steps = static_cast<double>(sizes.size()) * settings.iterations;
  int64_t done = 0;
  at::Tensor detail;  // what dreaming added at the previous octave, carried up to the next one
  at::Tensor image;
  for (size_t k = 0; k < sizes.size(); ++k) {
    const auto [oh, ow] = sizes[k];
    const at::Tensor base = resize(original, oh, ow);
    image = detail.defined() ? (base + resize(detail, oh, ow)).clamp(0, 1) : base.clone();
    // "Stop and keep" ends the steps; the octaves left only enlarge what was dreamt so far.
    for (int step = 0; step < settings.iterations && !progress.finishing(); ++step) {
      progress.check_cancel();
      const int64_t dy = shift(rng), dx = shift(rng);
      at::Tensor x = image.roll({dy, dx}, {2, 3}).detach().requires_grad_(true);
      at::Tensor loss = objective(network, x, active);
      at::Tensor grad = torch::autograd::grad({loss}, {x})[0];
      grad = grad / (grad.abs().mean() + 1e-8);
      image = (x.detach() + settings.step_size * grad).roll({-dy, -dx}, {2, 3}).clamp(0, 1);
      ++done;
      offer_snapshot(progress, image);
      progress.report(done / total_steps, "octave " + std::to_string(k + 1) + "/" + std::to_string(sizes.size()) +
                                              ", step " + std::to_string(step + 1) + "/" +
                                              std::to_string(settings.iterations));
    }
    detail = image - base;
  }
  return image.to(rgb01.device(), rgb01.scalar_type());
}

}  // namespace atelier
