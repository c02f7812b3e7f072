#include "engine/arbitrary_stylize.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <string_view>

#include "core/color.h"
#include "core/disk_tensor_cache.h"
#include "core/error.h"
#include "core/image_tensor.h"
#include "core/sha256.h"
#include "core/training.h"
#include "engine/instant_stylize.h"
#include "engine/style_image.h"
#include "engine/style_training.h"
#include "models/arbitrary_style.h"
#include "models/feature_network.h"
#include "models/transform_net.h"

namespace atelier {
namespace {

// Adam on the embedding: big steps first (the read embedding is far from the fitted one), decaying fivefold.
constexpr double kFitLearningRate = 0.05, kFitFinalLearningRate = 0.01;

// Fitted embeddings kept: 100 floats each, for the last styles and layers an artist worked on.
constexpr size_t kKeptFits = 200;
// Changes with anything that changes a fit's result for the same inputs (the optimiser, its rates, the losses).
constexpr std::string_view kFitVersion = "arbitrary-fit-1";

// The digest of everything fit_embedding's result depends on, besides the networks' weights (pinned by the model
// library's checksums) and the program (kFitVersion).
std::string fit_key(const at::Tensor& content, const at::Tensor& style, const at::Tensor& start,
                    const ArbitraryRequest& request) {
  Sha256 digest;
  const auto add_tensor = [&digest](const at::Tensor& t) {
    const at::Tensor c = t.detach().to(at::kCPU, at::kFloat).contiguous();
    for (const int64_t size : c.sizes()) digest.update(&size, sizeof size);
    digest.update(c.data_ptr<float>(), static_cast<size_t>(c.numel()) * sizeof(float));
  };
  digest.update(kFitVersion.data(), kFitVersion.size());
  const std::string device = content.device().str();
  digest.update(device.data(), device.size());
  const double numbers[] = {static_cast<double>(request.fit_steps), request.style_weight, request.content_weight,
                            request.tv_weight, static_cast<double>(kFitLongSide)};
  digest.update(numbers, sizeof numbers);
  add_tensor(content);
  add_tensor(resize_long_side(style, kFitLongSide));
  add_tensor(start);
  return digest.hex_digest();
}

// A mask's weight at every pixel: its grey level (the mean of R, G and B) times its alpha.
std::vector<float> mask_weights(const Image& mask) {
  std::vector<float> out(static_cast<size_t>(mask.width) * mask.height);
  for (size_t i = 0; i < out.size(); ++i) {
    const float* p = &mask.rgba[i * 4];
    out[i] = std::clamp((p[0] + p[1] + p[2]) / 3.f * p[3], 0.f, 1.f);
  }
  return out;
}

// Where each style paints, as FeedforwardOptions::region_weights (mask times weight), and how much of each pixel
// the styles cover together (the rest keeps the layer's own pixels).
struct StyleRegions {
  std::vector<std::vector<float>> weights;
  std::vector<float> coverage;
};

StyleRegions style_regions(const std::vector<const StyleImage*>& used, const Image& input) {
  const size_t pixels = static_cast<size_t>(input.width) * input.height;
  StyleRegions r;
  r.coverage.assign(pixels, 0.f);
  for (const StyleImage* s : used) {
    std::vector<float> m = s->mask.empty() ? std::vector<float>(pixels, 1.f) : mask_weights(s->mask);
    for (size_t i = 0; i < pixels; ++i) {
      r.coverage[i] = std::min(1.f, r.coverage[i] + m[i]);
      m[i] *= static_cast<float>(s->weight);
    }
    r.weights.push_back(std::move(m));
  }
  return r;
}

// `styled` where the styles cover the layer, `input` where they do not, mixed in between; the input's alpha.
Image cover(const Image& styled, const Image& input, const std::vector<float>& coverage) {
  Image out = input;
  for (size_t i = 0; i < coverage.size(); ++i)
    for (int c = 0; c < 3; ++c)
      out.rgba[i * 4 + c] = coverage[i] * styled.rgba[i * 4 + c] + (1.f - coverage[i]) * input.rgba[i * 4 + c];
  return out;
}

// The painted layer recoloured, `amount` of the way, to the colour distribution of the styles' blend: the network
// paints most styles in much the same tones, and the paintings' own palettes brought its results closer to them on
// the quality harness (docs/benchmarks.md). The mapping is fitted on a copy of at most 1024 px.
void take_style_palette(Image& painted, const std::vector<const StyleImage*>& styles, double amount) {
  constexpr int64_t kSampleLongSide = 1024;
  const bool large = std::max(painted.width, painted.height) > kSampleLongSide;
  const at::Tensor sample = image_rgb_to_tensor(large ? resize_long_side(painted, kSampleLongSide) : painted);
  ColourDistributionMatch(sample, style_palette(styles)).apply(painted, amount);
}

// With regions: each style's palette where it paints. Style k's mapping is fitted on the pixels where it has at
// least half the weight, and applied in proportion to its share of each pixel's weight.
void take_style_palettes(Image& painted, const std::vector<const StyleImage*>& used,
                         const std::vector<std::vector<float>>& weights, double amount) {
  constexpr size_t kMaxSamplePixels = size_t{1} << 20;
  const size_t pixels = static_cast<size_t>(painted.width) * painted.height;
  std::vector<float> total(pixels, 0.f);
  for (const std::vector<float>& w : weights)
    for (size_t i = 0; i < pixels; ++i) total[i] += w[i];
  const auto share = [&](size_t k, size_t i) { return total[i] > 0 ? weights[k][i] / total[i] : 0.f; };
  const at::Tensor painted_pixels = image_rgb_to_tensor(painted).reshape({3, -1});
  Image out = painted;
  for (size_t k = 0; k < used.size(); ++k) {
    std::vector<int64_t> where;
    for (size_t i = 0; i < pixels; ++i)
      if (share(k, i) >= 0.5f) where.push_back(static_cast<int64_t>(i));
    if (where.empty()) continue;  // nowhere its own: its share keeps the network's colours
    const size_t stride = (where.size() + kMaxSamplePixels - 1) / kMaxSamplePixels;
    const at::Tensor index = at::from_blob(where.data(), {static_cast<int64_t>(where.size())}, at::kLong)
                                 .slice(0, 0, static_cast<int64_t>(where.size()), static_cast<int64_t>(stride));
    const at::Tensor sample = painted_pixels.index_select(1, index).view({1, 3, 1, -1});
    Image recoloured = painted;
    ColourDistributionMatch(sample, style_palette({used[k]})).apply(recoloured, amount);
    for (size_t i = 0; i < pixels; ++i) {
      const float s = share(k, i);
      for (int c = 0; c < 3; ++c) out.rgba[i * 4 + c] += s * (recoloured.rgba[i * 4 + c] - painted.rgba[i * 4 + c]);
    }
  }
  painted = std::move(out);
}

}  // namespace

at::Tensor fit_embedding(const ArbitraryStyle& model, FeatureNetwork& inception, const at::Tensor& content,
                         const at::Tensor& style, const at::Tensor& start, const ArbitraryRequest& request,
                         const Progress& progress) {
  StyleTrainSettings settings;
  settings.style_weight = request.style_weight;
  settings.content_weight = request.content_weight;
  settings.tv_weight = request.tv_weight;
  const StyleTrainingObjective objective(inception, resize_long_side(style, kFitLongSide), settings);
  at::Tensor embedding = start.detach().clone().requires_grad_(true);
  TrainSettings train;
  train.iterations = request.fit_steps;
  train.learning_rate = kFitLearningRate;
  train.final_learning_rate = kFitFinalLearningRate;
  train.max_gradient_norm = 0;
  const auto net = model.network(start);
  // The layer is the same at every step: its features at both pixel phases are taken once.
  const StyleTrainingObjective::ContentTargets targets[2] = {objective.content_targets(content, 0),
                                                             objective.content_targets(content, 1)};
  train_parameters(
      {embedding},
      [&](int iteration) {
        model.condition(*net, embedding);
        const int phase = iteration % 2;
        return objective.loss(targets[phase], net->forward(content), phase).total;
      },
      train, progress);
  return embedding.detach();
}

double check_arbitrary_styles(const Image& input, const std::vector<StyleImage>& styles) {
  if (styles.empty()) throw Error("no style image was given");
  double total = 0;
  for (size_t i = 0; i < styles.size(); ++i) {
    const StyleImage& s = styles[i];
    total += s.weight;
    if (s.mask.empty()) continue;
    if (s.mask.width != input.width || s.mask.height != input.height)
      throw Error("the region of style " + std::to_string(i + 1) + " is " + std::to_string(s.mask.width) + "x" +
                  std::to_string(s.mask.height) + " pixels and the layer " + std::to_string(input.width) + "x" +
                  std::to_string(input.height) +
                  ": a region must have the layer's size (in GIMP: a channel of the same image; on the command "
                  "line: a grey image of the input's size)");
  }
  if (!(total > 0) || !std::isfinite(total))
    throw Error("the style weights add up to " + std::to_string(total) + "; give at least one style a weight above 0");
  return total;
}

Image arbitrary_stylize(const Image& input, const std::vector<StyleImage>& styles, const ArbitraryRequest& request,
                        const ArbitraryStyle& model, FeatureNetwork& inception, const Progress& progress) {
  const double total = check_arbitrary_styles(input, styles);
  const bool regional = std::any_of(styles.begin(), styles.end(), [](const StyleImage& s) { return !s.mask.empty(); });
  const at::Tensor layer = image_rgb_to_tensor(input, inception.device());
  // The layer as the fit sees it (made only for a fit): its long side at kFitLongSide, at least InceptionV3's
  // minimum (and the second pixel phase's pixel) on the short side.
  at::Tensor content;
  if (request.fit_steps > 0) {
    const at::Tensor fitted = request.fit_layer ? image_rgb_to_tensor(*request.fit_layer, inception.device()) : layer;
    content = ensure_min_side(resize_long_side(fitted, kFitLongSide), inception.min_input_size() + 1);
  }
  const double fitting = request.fit_steps > 0 ? 0.85 : 0.05;  // share of the progress until the painting
  // Ghiasi et al.'s strength control: each style's embedding moved toward the layer's own.
  const at::Tensor own = request.amount < 1.0 ? model.embed(layer) : at::Tensor();
  const DiskTensorCache fits(request.fit_cache_dir, kKeptFits);
  std::vector<at::Tensor> embeddings;
  std::vector<const StyleImage*> used;
  for (size_t i = 0; i < styles.size(); ++i) {
    const StyleImage& s = styles[i];
    if (s.weight == 0) continue;
    const Progress part = progress.sub(fitting * i / styles.size(), fitting * (i + 1) / styles.size());
    part.report(0, styles.size() > 1 ? "reading style " + std::to_string(i + 1) : std::string("reading the style"));
    const at::Tensor style = image_rgb_to_tensor(s.image, inception.device());
    at::Tensor e = model.embed(style);
    if (request.fit_steps > 0) {
      const std::string key = fit_key(content, style, e, request);
      if (const std::optional<at::Tensor> kept = fits.find(key); kept && kept->sizes() == e.sizes()) {
        e = kept->to(e.device());
        part.report(1, "the style's fit to this layer kept from an earlier run");
        if (request.on_fit_reused) request.on_fit_reused();
      } else {
        e = fit_embedding(model, inception, content, style, e, request, part);
        if (!part.finishing()) fits.keep(key, e);  // "stop and keep" may have cut the fit short
      }
    }
    if (own.defined()) e = e * request.amount + own * (1.0 - request.amount);
    embeddings.push_back(e);
    used.push_back(&s);
    progress.check_cancel();
  }
  const Progress painting = progress.sub(fitting, 1.0);
  if (!regional) {
    at::Tensor blended = at::zeros({ArbitraryStyle::kEmbeddingSize}, at::TensorOptions(inception.device()));
    for (size_t k = 0; k < used.size(); ++k) blended = blended + embeddings[k] * (used[k]->weight / total);
    Image painted = instant_stylize(input, *model.network(blended), request.style_scale, request.colors, painting);
    if (request.colors == ColorPreservation::Off) take_style_palette(painted, used, request.amount);
    return painted;
  }
  StyleRegions regions = style_regions(used, input);
  const auto net = model.regional_network(embeddings);
  // One style: no regions inside the network.
  std::vector<std::vector<float>> inside = used.size() == 1 ? std::vector<std::vector<float>>{} : regions.weights;
  Image styled = instant_stylize(input, *net, request.style_scale, request.colors, painting, std::move(inside));
  if (request.colors == ColorPreservation::Off) take_style_palettes(styled, used, regions.weights, request.amount);
  return cover(styled, input, regions.coverage);
}

}  // namespace atelier
