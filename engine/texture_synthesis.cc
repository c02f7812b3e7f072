#include "engine/texture_synthesis.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "core/color.h"
#include "core/error.h"
#include "core/image_tensor.h"
#include "core/losses/losses.h"
#include "core/optimize.h"
#include "core/training.h"
#include "models/feature_network.h"

namespace atelier {
namespace {

// Wrapped context on each side of a periodic image: a multiple of the networks' total stride (32), so that strided
// layers sample the image's own positions, and large enough for the seams to be judged by several layers.
int64_t periodic_margin(const at::Tensor& images) {
  return std::min<int64_t>(images.size(2), images.size(3)) >= 384 ? 64 : 32;
}

// The rows/columns of a feature map that belong to the image without its margin (at least one).
at::Tensor crop_margin(const at::Tensor& f, int64_t margin, int64_t padded_h, int64_t padded_w) {
  const int64_t my = std::lround(static_cast<double>(margin) * f.size(2) / padded_h);
  const int64_t mx = std::lround(static_cast<double>(margin) * f.size(3) / padded_w);
  const int64_t h = std::max<int64_t>(1, f.size(2) - 2 * my), w = std::max<int64_t>(1, f.size(3) - 2 * mx);
  return f.narrow(2, std::min(my, f.size(2) - h), h).narrow(3, std::min(mx, f.size(3) - w), w);
}

// A periodic image padded by wrapping around; a margin wider than the image wraps several times.
at::Tensor wrap_pad(const at::Tensor& x, int64_t margin) {
  at::Tensor out = x;
  while (margin > 0) {
    const int64_t py = std::min(margin, out.size(2)), px = std::min(margin, out.size(3));
    out =
        torch::nn::functional::pad(out, torch::nn::functional::PadFuncOptions({px, px, py, py}).mode(torch::kCircular));
    margin -= std::min(py, px);
  }
  return out;
}

// Levels of the coarse-to-fine optimisation: (height, width), coarsest first, none with a side below `min_side`
// (but the full size always).
std::vector<std::pair<int64_t, int64_t>> texture_levels(int64_t height, int64_t width, int octaves, int64_t min_side) {
  std::vector<std::pair<int64_t, int64_t>> levels;
  for (int i = octaves - 1; i >= 0; --i) {
    const double f = std::ldexp(1.0, -i);
    const int64_t h = std::lround(height * f), w = std::lround(width * f);
    if (i > 0 && std::min(h, w) < min_side) continue;
    levels.emplace_back(h, w);
  }
  return levels;
}

// Noise around the source's mean colour with its spread per channel: the optimisation starts near the right
// colours. One noise field for all channels: independent ones start with colour speckle that the network's
// features hardly see and the result keeps as bright off-colour spots.
at::Tensor coloured_noise(const at::Tensor& source, int64_t height, int64_t width, uint64_t seed) {
  const at::Tensor s = source.to(torch::kCPU);
  const at::Tensor mean = s.mean({2, 3}, true), spread = s.std(at::IntArrayRef{2, 3}, true, true);
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  const at::Tensor noise = at::randn({1, 1, height, width}, gen, torch::kFloat32);
  return (mean + spread * noise).clamp(0, 1).to(source.device());
}

}  // namespace

TextureLossKind texture_loss_from_name(const std::string& name) {
  if (name == "gram") return TextureLossKind::Gram;
  if (name == "sliced") return TextureLossKind::Sliced;
  throw Error("unknown texture loss '" + name + "' (use gram or sliced)");
}

at::Tensor texture_source(const Image& source, double scale, at::Device device) {
  constexpr int64_t kMaxSourceSide = 1024;
  at::Tensor t = image_rgb_to_tensor(source);
  if (std::max(t.size(2), t.size(3)) > kMaxSourceSide) t = resize_long_side(t, kMaxSourceSide);
  if (std::abs(scale - 1.0) > 1e-9)
    t = resize(t, std::max<int64_t>(1, std::lround(t.size(2) * scale)),
               std::max<int64_t>(1, std::lround(t.size(3) * scale)));
  return t.to(device);
}

at::Tensor resize_periodic(const at::Tensor& x, int64_t height, int64_t width) {
  auto axis = [&](int64_t in, int64_t out) {
    // Source coordinate of each output pixel centre, its two neighbours (wrapping) and the weight of the second.
    const at::Tensor pos = (torch::arange(out, torch::kFloat64) + 0.5) * (static_cast<double>(in) / out) - 0.5;
    const at::Tensor lo = pos.floor();
    const at::Tensor weight = (pos - lo).to(torch::kFloat32).to(x.device());
    const at::Tensor i0 = lo.to(torch::kLong).remainder(in).to(x.device());
    const at::Tensor i1 = (i0 + 1).remainder(in);
    return std::make_tuple(i0, i1, weight);
  };
  const auto [y0, y1, wy] = axis(x.size(2), height);
  const auto [x0, x1, wx] = axis(x.size(3), width);
  const at::Tensor rows = x.index_select(2, y0) * (1 - wy).view({-1, 1}) + x.index_select(2, y1) * wy.view({-1, 1});
  return rows.index_select(3, x0) * (1 - wx) + rows.index_select(3, x1) * wx;
}

TextureObjective::TextureObjective(FeatureNetwork& net, const at::Tensor& source, std::vector<std::string> layers,
                                   TextureLossKind kind, bool periodic)
    : net_(net), layers_(std::move(layers)), kind_(kind), periodic_(periodic) {
  if (layers_.empty()) layers_ = net.default_style_layers();
  torch::NoGradGuard no_grad;
  const at::Tensor s = ensure_min_side(source, net.min_input_size()).to(net.device());
  const auto feats = net.extract(s, layers_);
  for (const std::string& layer : layers_) {
    const at::Tensor& f = feats.at(layer);
    targets_.push_back(kind_ == TextureLossKind::Gram ? gram_matrix(f) : f.to(torch::kFloat32));
  }
  // The sliced loss also matches the pixels' own colour distribution (a 3-channel "layer"): exact colours.
  if (kind_ == TextureLossKind::Sliced) targets_.push_back(s);
}

std::vector<at::Tensor> TextureObjective::features(const at::Tensor& images) const {
  const int64_t margin = periodic_ ? periodic_margin(images) : 0;
  const at::Tensor seen = ensure_min_side(periodic_ ? wrap_pad(images, margin) : images, net_.min_input_size());
  const auto feats = net_.extract(seen, layers_);
  std::vector<at::Tensor> out;
  for (const std::string& layer : layers_) {
    const at::Tensor& f = feats.at(layer);
    out.push_back(periodic_ ? crop_margin(f, margin, seen.size(2), seen.size(3)) : f);
  }
  return out;
}

at::Tensor TextureObjective::loss(const at::Tensor& images, uint64_t seed) const {
  std::vector<at::Tensor> feats = features(images);
  if (kind_ == TextureLossKind::Sliced) feats.push_back(images);
  at::Tensor total = torch::zeros({}, images.options().dtype(torch::kFloat32));
  for (size_t i = 0; i < feats.size(); ++i) {
    if (kind_ == TextureLossKind::Gram) {
      total = total + gram_loss(feats[i], targets_[i]);
    } else {
      const int64_t channels = feats[i].size(1);
      const at::Tensor directions = random_directions(channels, channels, seed * 1000 + i, images.device());
      total = total + sliced_wasserstein_loss(feats[i], targets_[i], directions);
    }
  }
  return total / static_cast<double>(feats.size());
}

at::Tensor optimize_texture(FeatureNetwork& net, const at::Tensor& source, const TextureOptimizeSettings& s,
                            const Progress& progress) {
  if (s.width <= 0 || s.height <= 0) throw Error("the texture's size must be positive");
  const auto levels = texture_levels(s.height, s.width, std::max(1, s.octaves), net.min_input_size());
  at::Tensor x;
  for (size_t l = 0; l < levels.size(); ++l) {
    const auto [h, w] = levels[l];
    const double f = static_cast<double>(w) / s.width;
    const at::Tensor level_source = f < 1 ? resize(source, std::max<int64_t>(1, std::lround(source.size(2) * f)),
                                                   std::max<int64_t>(1, std::lround(source.size(3) * f)))
                                          : source;
    const TextureObjective objective(net, level_source, s.layers, s.loss, s.periodic);
    if (!x.defined())
      x = coloured_noise(source, h, w, s.seed).to(net.device());
    else
      x = (s.periodic ? resize_periodic(x, h, w) : resize(x, h, w)).clamp(0, 1);
    x = x.detach().clone();
    uint64_t step = 0;
    OptimizeSettings opt;
    opt.kind = OptimizerKind::Lbfgs;
    opt.fixed_objective = s.loss == TextureLossKind::Gram;  // the sliced loss draws new directions every iteration
    // Finer levels start from the level below, already laid out: each needs half the iterations of the one before.
    opt.iterations = std::max(std::min(s.iterations, 10), s.iterations >> l);
    const std::string label = "level " + std::to_string(l + 1) + "/" + std::to_string(levels.size());
    // Later levels cost about 4 times the one before: share the progress bar accordingly.
    double before = 0, total = 0;
    for (size_t k = 0; k < levels.size(); ++k) {
      const double cost = static_cast<double>(levels[k].first) * levels[k].second;
      total += cost;
      if (k < l) before += cost;
    }
    const Progress level_progress =
        progress.sub(before / total, (before + static_cast<double>(h) * w) / total).prefixed(label);
    optimize_image(
        x, [&](const at::Tensor& img) { return objective.loss(img, s.seed + step); }, opt, level_progress,
        [&](int, double) { ++step; });
  }
  // The network's features hardly see colour speckle: give the result the source's colour distribution.
  return match_colour_distribution(x.detach().clamp(0, 1), source);
}

TextureGenerator train_texture_generator(FeatureNetwork& net, const at::Tensor& source, const TextureTrainSettings& s,
                                         const Progress& progress) {
  TextureGenerator generator(s.generator);
  generator->to(net.device());
  const TextureObjective objective(net, source, s.layers, s.loss, s.generator.tileable);
  TrainSettings train;
  train.iterations = s.iterations;
  train.learning_rate = s.learning_rate;
  train.final_learning_rate = s.learning_rate / 10;
  auto loss_fn = [&](int iteration) {
    const uint64_t step = s.seed * 1000003ull + static_cast<uint64_t>(iteration);
    const at::Tensor samples = generator->sample(s.batch, s.sample_size, s.sample_size, step);
    return objective.loss(samples, step);
  };
  train_parameters(generator->parameters(), loss_fn, train, progress.prefixed("training"));
  return generator;
}

}  // namespace atelier
