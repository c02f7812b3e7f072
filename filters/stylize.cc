#include "filters/stylize.h"

#include <ATen/ATen.h>
#include <c10/util/Exception.h>
#include <torch/torch.h>

#include <cmath>

#include "core/color.h"
#include "core/error.h"
#include "core/image_io.h"
#include "core/image_tensor.h"
#include "core/memory.h"
#include "engine/feedforward_stylize.h"
#include "engine/gatys.h"
#include "engine/instant_stylize.h"
#include "engine/style_pyramid.h"
#include "engine/stylize_optimize.h"
#include "filters/instant_style.h"
#include "filters/machine_speed.h"
#include "filters/style_inputs.h"
#include "filters/stylize_arbitrary.h"
#include "models/feature_network.h"
#include "models/model_library.h"
#include "models/transform_net.h"

namespace atelier {
namespace {

const ParamCondition kOptimize{"method", {"optimize"}};
const ParamCondition kInstant{"method", {"feed-forward"}};
const ParamCondition kArbitrary{"method", {"arbitrary"}};
const ParamCondition kStyleImage{"method", {"optimize", "arbitrary"}};
// One scale by default: measured with `atelier bench --stylize` (docs/benchmarks.md), starting from a half-size
// result reached a given loss at the working size later than the working size alone, and painted larger strokes
// over less of the content; more scales are a choice of look.
constexpr int kDefaultScales = 1;

std::vector<ParamSpec> make_params() {
  std::vector<ParamSpec> p =
      command_line_io_params("content", "Image to stylise (command line only; in GIMP: the active layer)");
  p.push_back(method_param(
      "Optimise: Gatys et al., any style image, minutes. Instant: a pretrained feed-forward "
      "network (a bundled or imported style network), seconds. Arbitrary: any style image, read and fitted in "
      "seconds, painted in one pass at the layer's resolution (Ghiasi et al.)",
      {{"optimize", "Optimise (any style image)"},
       {"feed-forward", "Instant (pretrained network)"},
       {"arbitrary", "Arbitrary (any style image, fast)"}},
      "Style"));
  p.push_back(instant_network_param({kInstant}));
  for (ParamSpec& spec : style_image_params({kStyleImage})) p.push_back(std::move(spec));
  std::vector<ParamSpec> balance = style_balance_params({kStyleImage});
  p.push_back(balance[0]);  // style strength, in the Style group
  std::vector<ParamSpec> arbitrary = arbitrary_params({kArbitrary});
  p.push_back(arbitrary[0]);  // style amount, in the Style group
  for (ParamSpec& spec : style_region_params({kArbitrary})) p.push_back(std::move(spec));
  p.push_back(
      number_param("style-scale", "Style sc_ale",
                   "Size of the style's brush strokes: the style image is seen at this multiple of the working size",
                   ParamType::Double, 0.1, 4, 1, "Style"));
  p.push_back(preserve_colors_param());
  p.push_back(balance[1]);  // content weight
  p.push_back(balance[2]);  // smoothness
  p.push_back(choice_param("init", "Start _from", "Start the optimisation from the content image or from noise",
                           {{"content", "Content image"}, {"random", "Random noise"}}, "content", "Content"));
  p.back().used_when = {kOptimize};
  p.push_back(number_param("size", "Working si_ze",
                           "Optimise method: long side in pixels the optimisation works at (0 = the layer's size); "
                           "the result is scaled to the layer's size",
                           ParamType::Int, 0, 8192, 384, "Quality", 0));
  p.back().used_when = {kOptimize};
  p.push_back(arbitrary[1]);  // fit steps, in the Quality group
  p.push_back(number_param("iterations", "Iteratio_ns",
                           "Optimisation steps at each scale: more gives a cleaner result and takes longer",
                           ParamType::Int, 1, 5000, 180, "Quality", 0));
  p.back().used_when = {kOptimize};
  p.push_back(number_param("scales", "Scales",
                           "Coarse to fine: the optimisation goes through this many scales, each half the size of "
                           "the next, ending at the working size; the small scales paint larger shapes and strokes "
                           "(1 = the working size only)",
                           ParamType::Int, 1, 4, kDefaultScales, "Quality", 0));
  p.back().used_when = {kOptimize};
  p.push_back(text_param("full-resolution", "F_ull resolution",
                         "When the layer is larger than the working size, continue at twice the size, level by level "
                         "up to the layer's own size, in tiles where memory requires (Large Tiled Style's engine): "
                         "sharp instead of scaled up, and slower",
                         ParamType::Bool, "", "Quality"));
  p.back().used_when = {kOptimize};
  p.push_back(choice_param("optimizer", "Optimizer", "L-BFGS converges in fewer steps; Adam uses less memory",
                           {{"lbfgs", "L-BFGS"}, {"adam", "Adam"}}, "lbfgs", "Quality"));
  p.back().used_when = {kOptimize};
  p.push_back(number_param("learning-rate", "A_dam learning rate",
                           "Step size of the Adam optimizer (ignored by L-BFGS)", ParamType::Double, 0.0001, 1, 0.02,
                           "Quality", 4));
  p.back().used_when = {kOptimize, {"optimizer", {"adam"}}};
  p.push_back(feature_network_param("Network", "Feature network; auto = VGG-19 when installed, else InceptionV3"));
  p.back().used_when = {kOptimize};
  p.push_back(device_param("De_vice"));
  p.push_back(seed_param("Seed", "Random seed (same seed and settings give the same result)"));
  p.back().used_when = {kOptimize};
  p.push_back(layer_name_param("Output layer name", "Stylized"));
  return p;
}

// Iterations of each level of the full-resolution pass: detail refined from the level below.
constexpr int kFullResolutionIterations = 30;
// Peak host memory per working pixel of an L-BFGS run on InceptionV3 with phase averaging: ~1.4 KB of
// activations and gradients per pixel per phase (measured at 1024 px) plus the L-BFGS history.
constexpr uint64_t kBytesPerWorkingPixel = 3600;

// The full-resolution pass: levels from twice the working size up to the layer's size.
PyramidRequest full_resolution_request(int width, int height, int work_long_side, bool phase_average,
                                       const ParamValues& v) {
  PyramidRequest request;
  request.width = width;
  request.height = height;
  request.first_long_side = 2 * work_long_side;
  request.coarsest_iterations = request.finest_iterations = kFullResolutionIterations;
  request.phase_average = phase_average;
  request.device = available_device(v.get_text("device"));
  return request;
}

// The Instant method: a feed-forward network of the library (bundled, imported or trained), tiled for large
// images.
Image run_instant(const Image& input, const ParamValues& v, const RunContext& ctx) {
  const auto net = load_instant_network(v.get_text("fast-model"), ctx);
  return instant_stylize(input, *net, v.get_double("style-scale"), color_preservation(v), ctx.progress);
}

// The Arbitrary method: any style image through Magenta's network, fitted to the layer.
Image run_arbitrary(const Image& input, const ParamValues& v, const RunContext& ctx) {
  GatysSettings balance;
  apply_style_balance(v, balance);
  ArbitraryRequest request;
  request.amount = v.get_double("style-amount");
  request.style_scale = v.get_double("style-scale");
  request.colors = color_preservation(v);
  request.fit_steps = v.get_int("fit-steps");
  request.style_weight = balance.style_weight;
  request.content_weight = balance.content_weight;
  request.tv_weight = balance.tv_weight;
  std::vector<StyleImage> styles = styles_from_params(v, ctx);
  read_style_regions(styles, v, ctx);
  return arbitrary_stylize(input, styles, request, ctx);
}

// The Optimise method: Gatys et al. with any number of weighted styles.
Image run_optimize(const Image& input, const std::vector<StyleImage>& styles, const ParamValues& v,
                   const RunContext& ctx) {
  if (styles.empty()) throw Error("no style image: choose a style image (--style FILE / style-image)");
  const Progress& progress = ctx.progress;
  const c10::Device device = ctx.device;
  progress.report(0, "loading the feature network");
  auto net = load_feature_network(v.get_text("network"), *ctx.library, device);
  progress.check_cancel();

  at::Tensor content = image_rgb_to_tensor(input, device);
  const int size = v.get_int("size");
  if (size > 0) content = resize_long_side(content, size);
  // Tiny or thin layers work larger and are scaled back; the second pixel phase sees one pixel less.
  const bool phase_average = net->name() == "inception_v3";
  content = ensure_min_side(content, net->min_input_size() + (phase_average ? 1 : 0));
  if (device.is_cpu())
    require_memory(static_cast<uint64_t>(content.size(2) * content.size(3)) * kBytesPerWorkingPixel,
                   "stylising at " + std::to_string(content.size(3)) + "x" + std::to_string(content.size(2)),
                   "lower the working size (size), use a GPU, or use Large Tiled Style for the full resolution");
  const ColorPreservation colors = color_preservation(v);

  StylizeOptimize request;
  GatysSettings& g = request.base;
  apply_style_balance(v, g);
  g.random_init = v.get_text("init") == "random";
  g.phase_average = phase_average;
  g.seed = static_cast<uint64_t>(v.get_int("seed"));
  g.optimizer.kind = optimizer_from_name(v.get_text("optimizer"));
  g.optimizer.learning_rate = v.get_double("learning-rate");
  request.schedule = stylize_schedule(v);
  request.style_scale = v.get_double("style-scale");
  request.colors = colors;

  const bool full_resolution =
      v.get_bool("full-resolution") && std::max(input.width, input.height) > std::max(content.size(2), content.size(3));
  at::Tensor result = stylize_optimize(*net, content, styles, request, progress.sub(0.02, full_resolution ? 0.3 : 1.0));
  if (full_resolution) {
    // The working-size result starts a pyramid up to the layer's size (Large Tiled Style's engine).
    const PyramidPlan plan = plan_style_pyramid(full_resolution_request(
        input.width, input.height, static_cast<int>(std::max(result.size(2), result.size(3))), phase_average, v));
    progress.report(0.3, "full resolution: " + plan.describe());
    PyramidRun run;
    run.base = g;
    run.base.style_layers = net->default_style_layers();
    run.style_scale = v.get_double("style-scale");
    run.colors = colors;
    run.start = result.cpu();
    content = image_rgb_to_tensor(input, at::kCPU, at::kHalf);
    result = run_style_pyramid(*net, content, styles, plan, run, progress.sub(0.3, 1.0));
  }
  if (colors == ColorPreservation::Luminance) result = transfer_luminance(result, content.to(result.device()));
  return tensor_to_image(resize(result, input.height, input.width));
}

// Costs on two CPU cores with InceptionV3 (docs/benchmarks.md). Optimise: each iteration is one loss evaluation
// and the optimiser's own work, together kEvaluationsPerIteration evaluations (measured: 200 iterations at
// 384x288 px took 178.7 s, estimated 183.4 s) at MachineSpeed's cost for the scale's
// size on the development machine (estimate_cost scales it to the user's), plus loading the network and each
// scale's style targets. Instant is one pass over images up to kWholeImagePixels (1024x768 in 2.2 s), else tiled
// passes at about twice the cost with memory bounded by the 512 px tiles.
constexpr double kEvaluationsPerIteration = 1.1, kLoadSeconds = 2.0, kScaleSetupSeconds = 0.5;
constexpr int kInceptionSmallestSide = 76;  // InceptionV3's 75 px and the second phase's pixel

// Arbitrary: each style's fit step at kFitLongSide (measured: 40 steps in 26-29 s on tubingen) and loading
// InceptionV3 and the network, then Instant's pass.
constexpr double kFitStepSeconds = 0.7, kArbitraryLoadSeconds = 1.5;

size_t style_count(const ParamValues& v) {
  if (!v.get_list("style").empty()) return v.get_list("style").size();
  return v.get_text("style-image-2").empty() ? 1 : 2;
}

CostEstimate stylize_cost(const ParamValues& v, int width, int height) {
  const std::string method = v.get_text("method");
  if (method != "optimize") {
    const double scale = 1.0 / v.get_double("style-scale");
    const int w = static_cast<int>(std::lround(width * scale)), h = static_cast<int>(std::lround(height * scale));
    const bool whole = static_cast<int64_t>(w) * h <= kWholeImagePixels;
    CostEstimate e = iterative_cost(w, h, 0, 1, whole ? 3.0 : 6.5, whole ? kWholeImageBytesPerPixel : 0.0);
    e.megabytes += 600.0;
    if (method == "arbitrary")
      e.seconds += kArbitraryLoadSeconds + kFitStepSeconds * v.get_int("fit-steps") * style_count(v);
    return e;
  }
  CostEstimate e = iterative_cost(width, height, v.get_int("size"), v.get_int("iterations"), 0, 3600.0);
  const MachineSpeed development;
  e.seconds = kLoadSeconds;
  for (const PyramidPlan::Level& l :
       stylize_plan(e.width, e.height, stylize_schedule(v), kInceptionSmallestSide).levels)
    e.seconds += kScaleSetupSeconds +
                 l.iterations * kEvaluationsPerIteration * development.evaluation_seconds(l.width * l.height / 1e6);
  if (v.get_bool("full-resolution") && std::max(width, height) > std::max(e.width, e.height)) {
    e.seconds +=
        plan_style_pyramid(full_resolution_request(width, height, std::max(e.width, e.height), true, v)).seconds;
  }
  return e;
}

// Instant is live; Optimise runs when asked, a short look (kPreviewIterations at one scale) at the preview's size.
constexpr int kPreviewIterations = 40;
PreviewPlan stylize_preview(const ParamValues& v) {
  const std::string method = v.get_text("method");
  PreviewPlan plan{method == "feed-forward" || (method == "arbitrary" && v.get_int("fit-steps") == 0), v};
  if (method != "optimize") return plan;
  plan.values.set_int("iterations", std::min(v.get_int("iterations"), kPreviewIterations));
  plan.values.set_int("scales", 1);
  plan.values.set_bool("full-resolution", false);
  return plan;
}

}  // namespace

StylizeSchedule stylize_schedule(const ParamValues& v) {
  const int iterations = v.get_int("iterations");
  return {v.get_int("scales"), iterations, iterations};
}

const Filter& stylize_filter() {
  static const Filter f{
      .name = "stylize",
      .menu_label = "_Stylize...",
      .title = "Neural Stylize",
      .blurb = "Repaint the layer in the style of another image (Gatys et al. neural style transfer)",
      .help =
          "Optimises a new image whose deep features match the layer's content and the style image's textures. "
          "Runs on the GPU when there is one; a few minutes on a CPU at the default size.",
      .params = make_params(),
      .run =
          [](const Image& input, const ParamValues& v, const RunContext& ctx) {
            const std::string method = v.get_text("method");
            if (method == "feed-forward") return run_instant(input, v, ctx);
            if (method == "arbitrary") return run_arbitrary(input, v, ctx);
            return run_optimize(input, styles_from_params(v, ctx), v, ctx);
          },
      .estimate = stylize_cost,
      .out_of_memory_advice = "lower the working size (size) or use a larger style scale, or process a selection",
      .preview = stylize_preview};
  return f;
}

}  // namespace atelier
