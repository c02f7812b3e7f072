#include "filters/stylize_arbitrary.h"

#include <ATen/ATen.h>

#include <cmath>

#include "core/error.h"
#include "core/image_tensor.h"
#include "core/training.h"
#include "filters/instant_style.h"
#include "filters/style_training.h"
#include "models/arbitrary_style.h"
#include "models/feature_network.h"
#include "models/model_library.h"
#include "models/transform_net.h"

namespace atelier {
namespace {

constexpr const char* kModel = "arbitrary-style/magenta";
// Adam on the embedding: big steps first (the read embedding is far from the fitted one), decaying fivefold.
constexpr double kFitLearningRate = 0.05, kFitFinalLearningRate = 0.01;

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
  train_parameters(
      {embedding},
      [&](int iteration) {
        const at::Tensor painted = model.differentiable_network(embedding)->forward(content);
        return objective.loss(content, painted, iteration % 2).total;
      },
      train, progress);
  return embedding.detach();
}

namespace {

ArbitraryStyle load_arbitrary_style(const RunContext& ctx, const std::shared_ptr<FeatureNetwork>& inception) {
  ModelLibrary library(ctx.library->dir());
  if (!library.installed(kModel))
    install_model(library, kModel, [&](const std::string& line) { ctx.progress.report(0, line); });
  return ArbitraryStyle(library.path(kModel), inception, ctx.device);
}

}  // namespace

std::vector<ParamSpec> arbitrary_params(const std::vector<ParamCondition>& used_when) {
  std::vector<ParamSpec> p;
  p.push_back(number_param("style-amount", "Style amount",
                           "How much of the style: 0 = the layer's own look, 1 = the full style (the style's "
                           "description blended with the layer's own)",
                           ParamType::Double, 0, 1, 1, "Style"));
  p.push_back(number_param("fit-steps", "Fitting steps",
                           "Arbitrary method: steps that refine how the network paints each style, fitted on the "
                           "layer at 256 px (about 0.7 s each on two CPU cores); 0 = instant, as the network reads "
                           "the style (weaker)",
                           ParamType::Int, 0, 500, kDefaultFitSteps, "Quality", 0));
  for (ParamSpec& s : p) s.used_when = used_when;
  return p;
}

Image arbitrary_stylize(const Image& input, const std::vector<StyleImage>& styles, const ArbitraryRequest& request,
                        const RunContext& ctx) {
  if (styles.empty()) throw Error("no style image: choose a style image (--style FILE / style-image)");
  double total = 0;
  for (const StyleImage& s : styles) total += s.weight;
  if (!(total > 0) || !std::isfinite(total))
    throw Error("the style weights add up to " + std::to_string(total) + "; give at least one style a weight above 0");
  ctx.progress.report(0, "loading the arbitrary-style network");
  const std::shared_ptr<FeatureNetwork> inception = load_feature_network("inception_v3", *ctx.library, ctx.device);
  const ArbitraryStyle model = load_arbitrary_style(ctx, inception);
  ctx.progress.check_cancel();

  // The layer as the fit sees it: its long side at kFitLongSide, at least InceptionV3's minimum (and the second
  // pixel phase's pixel) on the short side.
  const at::Tensor layer = image_rgb_to_tensor(input, ctx.device);
  const at::Tensor content = ensure_min_side(resize_long_side(layer, kFitLongSide), inception->min_input_size() + 1);
  const double fitting = request.fit_steps > 0 ? 0.85 : 0.05;  // share of the progress until the painting
  at::Tensor embedding = at::zeros({ArbitraryStyle::kEmbeddingSize}, at::TensorOptions(ctx.device));
  for (size_t i = 0; i < styles.size(); ++i) {
    const StyleImage& s = styles[i];
    if (s.weight == 0) continue;
    const Progress part = ctx.progress.sub(fitting * i / styles.size(), fitting * (i + 1) / styles.size());
    part.report(0, styles.size() > 1 ? "reading style " + std::to_string(i + 1) : std::string("reading the style"));
    const at::Tensor style = image_rgb_to_tensor(s.image, ctx.device);
    at::Tensor e = model.embed(style);
    if (request.fit_steps > 0) e = fit_embedding(model, *inception, content, style, e, request, part);
    embedding = embedding + e * (s.weight / total);
    ctx.progress.check_cancel();
  }
  // Ghiasi et al.'s strength control: the style's embedding moved toward the layer's own.
  if (request.amount < 1.0) embedding = embedding * request.amount + model.embed(layer) * (1.0 - request.amount);
  const auto net = model.network(embedding);
  return instant_stylize(input, *net, request.style_scale, request.preserve_colors, ctx.progress.sub(fitting, 1.0));
}

}  // namespace atelier
