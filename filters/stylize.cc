#include "filters/stylize.h"

#include <ATen/ATen.h>
#include <c10/util/Exception.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "core/color.h"
#include "core/error.h"
#include "core/guided_upsample.h"
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
  p.push_back(start_param("The optimisation"));
  p.back().used_when = {kOptimize};
  p.push_back(number_param("size", "Working si_ze",
                           "Optimise method: long side in pixels the optimisation works at (0 = the layer's size); "
                           "the result is scaled to the layer's size",
                           ParamType::Int, 0, 8192, 384, "Quality", 0));
  p.back().used_when = {kOptimize};
  p.push_back(arbitrary[1]);  // fit steps, in the Quality group
  p.push_back(number_param("iterations", "Iteratio_ns",
                           "Optimisation steps at each scale: more gives a cleaner result and takes longer",
                           ParamType::Int, 1, 5000, 360, "Quality", 0));
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
  p.push_back(choice_param("upscale", "Enlarge",
                           "How a result painted smaller than the layer is enlarged to the layer's size: with the "
                           "layer's own fine detail brought back wherever the painting follows the layer's shapes "
                           "(sharp), or smoothly (soft, only what was painted at the working size)",
                           {{"detail", "With the layer's detail"}, {"smooth", "Smooth"}}, "detail", "Quality"));
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

enum class StylizeMethod { Optimize, Instant, Arbitrary };

// Stylize's values, each read once (stylize_options).
struct StylizeOptions {
  StylizeMethod method = StylizeMethod::Optimize;
  std::string instant_network;  // Instant: the fast-style network's nick
  StyleSources styles;          // Optimise, Arbitrary
  StyleRegions regions;         // Arbitrary
  StyleBalance balance;         // Optimise, Arbitrary
  double style_amount = 1;      // Arbitrary
  int fit_steps = 0;            // Arbitrary
  double style_scale = 1;
  ColorPreservation colors = ColorPreservation::Off;
  // Optimise:
  StartFrom start = StartFrom::StyleColours;
  int size = 0;  // the working long side (0 = the layer's)
  StylizeSchedule schedule;
  bool full_resolution = false;
  bool upscale_with_detail = true;
  OptimizerKind optimizer = OptimizerKind::Lbfgs;
  double learning_rate = 0;
  std::string network;
  std::optional<c10::Device> device;  // the device parameter's, when this machine has it (plans before a run)
  uint64_t seed = 0;
};

StylizeMethod method_of(const std::string& nick) {
  if (nick == "feed-forward") return StylizeMethod::Instant;
  if (nick == "arbitrary") return StylizeMethod::Arbitrary;
  return StylizeMethod::Optimize;
}

StylizeOptions stylize_options(const ParamValues& v) {
  StylizeOptions o;
  o.method = method_of(v.get_text("method"));
  o.instant_network = v.get_text("fast-model");
  o.styles = style_sources(v);
  o.regions = style_regions(v);
  o.balance = style_balance(v);
  o.style_amount = v.get_double("style-amount");
  o.fit_steps = v.get_int("fit-steps");
  o.style_scale = v.get_double("style-scale");
  o.colors = color_preservation(v);
  o.start = start_from(v);
  o.size = v.get_int("size");
  o.schedule = stylize_schedule(v);
  o.full_resolution = v.get_bool("full-resolution");
  o.upscale_with_detail = v.get_text("upscale") == "detail";
  o.optimizer = optimizer_from_name(v.get_text("optimizer"));
  o.learning_rate = v.get_double("learning-rate");
  o.network = v.get_text("network");
  o.device = available_device(v.get_text("device"));
  o.seed = static_cast<uint64_t>(v.get_int("seed"));
  return o;
}

// The enlargement with the layer's detail (guided_upsample): windows of 5x5 working pixels; below a luminance
// deviation of about 0.03 in a window, the layer's detail fades out (flat areas keep the painted texture alone).
constexpr int kDetailRadius = 2;
constexpr double kDetailEpsilon = 1e-3;
// Its cost at the layer's size, over the plain enlargement's: the photo, its luminance, the enlarged slopes and
// detail in float32 (measured at 4000x3000 on two cores: 520 MB more at the peak, 0.85 s more).
constexpr double kDetailMegabytesPerMegapixel = 50, kDetailSecondsPerMegapixel = 0.1;

// Iterations of each level of the full-resolution pass: detail refined from the level below.
constexpr int kFullResolutionIterations = 30;
// Peak host memory per working pixel of an L-BFGS run on InceptionV3 with phase averaging: ~1.4 KB of
// activations and gradients per pixel per phase (measured at 1024 px) plus the L-BFGS history.
constexpr uint64_t kBytesPerWorkingPixel = 3600;

// The full-resolution pass: levels from twice the working size up to the layer's size.
PyramidRequest full_resolution_request(int width, int height, int work_long_side, bool phase_average,
                                       const StylizeOptions& o) {
  PyramidRequest request;
  request.width = width;
  request.height = height;
  request.first_long_side = 2 * work_long_side;
  request.coarsest_iterations = request.finest_iterations = kFullResolutionIterations;
  request.phase_average = phase_average;
  request.device = o.device;
  return request;
}

// The Instant method: a feed-forward network of the library (bundled, imported or trained), tiled for large
// images.
Image run_instant(const Image& input, const StylizeOptions& o, const RunContext& ctx) {
  const auto net = load_instant_network(o.instant_network, ctx);
  return instant_stylize(input, *net, o.style_scale, o.colors, ctx.progress);
}

// The Arbitrary method: any style image through Magenta's network, fitted to the layer.
// The fit moves only the network's 100-number style embedding, not pixels: at Optimise's weights it traded the
// photo's edges for the style's statistics (edge correlation 0.15-0.35 on the quality harness's seven pairs); 30
// times the content weight, with the paintings' palette, keeps 0.28-0.45 and comes closer to the paintings on
// five of them (docs/benchmarks.md).
constexpr double kArbitraryContentWeightScale = 30;

Image run_arbitrary(const Image& input, const StylizeOptions& o, const RunContext& ctx) {
  GatysSettings balance;
  o.balance.apply(balance);
  ArbitraryRequest request;
  request.amount = o.style_amount;
  request.style_scale = o.style_scale;
  request.colors = o.colors;
  request.fit_steps = o.fit_steps;
  request.style_weight = balance.style_weight;
  request.content_weight = balance.content_weight * kArbitraryContentWeightScale;
  request.tv_weight = balance.tv_weight;
  if (!ctx.cache_dir.empty()) request.fit_cache_dir = ctx.cache_dir + "/arbitrary-fits";
  request.on_fit_reused = ctx.on_cached_work;
  request.fit_layer = ctx.original;
  std::vector<StyleImage> styles = read_styles(o.styles, ctx);
  read_style_regions(styles, o.regions, ctx);
  return arbitrary_stylize(input, styles, request, ctx);
}

// The Optimise method: Gatys et al. with any number of weighted styles.
Image run_optimize(const Image& input, const StylizeOptions& o, const RunContext& ctx) {
  const std::vector<StyleImage> styles = read_styles(o.styles, ctx);
  const Progress& progress = ctx.progress;
  const c10::Device device = ctx.device;
  progress.report(0, "loading the feature network");
  auto net = load_feature_network(o.network, *ctx.library, device);
  progress.check_cancel();

  at::Tensor content = image_rgb_to_tensor(input, device);
  if (o.size > 0) content = resize_long_side(content, o.size);
  // Tiny or thin layers work larger and are scaled back; the second pixel phase sees one pixel less.
  const bool phase_average = net->name() == "inception_v3";
  content = ensure_min_side(content, net->min_input_size() + (phase_average ? 1 : 0));
  if (device.is_cpu())
    require_memory(static_cast<uint64_t>(content.size(2) * content.size(3)) * kBytesPerWorkingPixel,
                   "stylising at " + std::to_string(content.size(3)) + "x" + std::to_string(content.size(2)),
                   "lower the working size (size), use a GPU, or use Large Tiled Style for the full resolution");

  StylizeOptimize request;
  GatysSettings& g = request.base;
  o.balance.apply(g);
  g.random_init = o.start == StartFrom::Random;
  g.phase_average = phase_average;
  g.seed = o.seed;
  g.optimizer.kind = o.optimizer;
  g.optimizer.learning_rate = o.learning_rate;
  request.schedule = o.schedule;
  request.style_scale = o.style_scale;
  request.colors = o.colors;
  if (o.start == StartFrom::StyleColours) request.start = content_in_style_colours(content, styles);

  const bool full_resolution =
      o.full_resolution && std::max(input.width, input.height) > std::max(content.size(2), content.size(3));
  at::Tensor result = stylize_optimize(*net, content, styles, request, progress.sub(0.02, full_resolution ? 0.3 : 1.0));
  if (full_resolution) {
    // The working-size result starts a pyramid up to the layer's size (Large Tiled Style's engine).
    const PyramidPlan plan = plan_style_pyramid(full_resolution_request(
        input.width, input.height, static_cast<int>(std::max(result.size(2), result.size(3))), phase_average, o));
    progress.report(0.3, "full resolution: " + plan.describe());
    PyramidRun run;
    run.base = g;
    run.base.style_layers = net->default_style_layers();
    run.style_scale = o.style_scale;
    run.colors = o.colors;
    run.start = result.cpu();
    content = image_rgb_to_tensor(input, at::kCPU, at::kHalf);
    result = run_style_pyramid(*net, content, styles, plan, run, progress.sub(0.3, 1.0));
  }
  if (o.colors == ColorPreservation::Luminance) result = transfer_luminance(result, content.to(result.device()));
  if (o.upscale_with_detail && result.size(2) < input.height && result.size(3) < input.width) {
    progress.report(0.99, "enlarging with the layer's detail");
    result = guided_upsample(result, image_rgb_to_tensor(input, result.device()), kDetailRadius, kDetailEpsilon);
  }
  return tensor_to_image(resize(result, input.height, input.width));
}

Image run_stylize(const Image& input, const ParamValues& v, const RunContext& ctx) {
  const StylizeOptions o = stylize_options(v);
  switch (o.method) {
    case StylizeMethod::Instant: return run_instant(input, o, ctx);
    case StylizeMethod::Arbitrary: return run_arbitrary(input, o, ctx);
    case StylizeMethod::Optimize: break;
  }
  return run_optimize(input, o, ctx);
}

// Costs on two CPU cores with InceptionV3 (docs/benchmarks.md). Optimise: each iteration is one loss evaluation
// and the optimiser's own work, together kEvaluationsPerIteration evaluations (measured: 200 iterations at
// 384x288 px took 178.7 s, estimated 183.4 s) at MachineSpeed's cost for the scale's
// size on the development machine (estimate_cost scales it to the user's), plus loading the network and each
// scale's style targets. Instant and Arbitrary load their network (kPaintingSetupSeconds) and paint in one pass
// over images up to kWholeImagePixels (Instant: 1024x768 in 1.3-1.8 s), else in tiled passes at about twice the
// cost per pixel with memory bounded by the 512 px tiles (Arbitrary: 4000x3000 in 22-27 s). Their figures are in
// terms of MachineSpeed's development figures, which the evaluations on the development machine now beat by about
// a third (OpenBLAS on one thread; the painting passes did not get faster: docs/benchmarks.md).
constexpr double kWholeSecondsPerMegapixel = 1.8, kTiledSecondsPerMegapixel = 2.3, kPaintingSetupSeconds = 0.4;
constexpr double kEvaluationsPerIteration = 1.1, kLoadSeconds = 2.0, kScaleSetupSeconds = 0.5;
constexpr int kInceptionSmallestSide = 76;  // InceptionV3's 75 px and the second phase's pixel

// Arbitrary: each style's fit step at kFitLongSide (measured: 20 steps in 3.5-5.0 s at 1024x768) and loading
// InceptionV3 and reading the style, then Instant's pass; in the development figures' terms, as above.
constexpr double kFitStepSeconds = 0.31, kArbitraryLoadSeconds = 0.2;

size_t style_count(const StyleSources& styles) {
  if (!styles.listed.empty()) return styles.listed.size();
  return styles.second.empty() ? 1 : 2;
}

CostEstimate stylize_cost(const ParamValues& v, int width, int height) {
  const StylizeOptions o = stylize_options(v);
  if (o.method != StylizeMethod::Optimize) {
    const double scale = 1.0 / o.style_scale;
    const int w = static_cast<int>(std::lround(width * scale)), h = static_cast<int>(std::lround(height * scale));
    const bool whole = static_cast<int64_t>(w) * h <= kWholeImagePixels;
    CostEstimate e = iterative_cost(w, h, 0, 1, whole ? kWholeSecondsPerMegapixel : kTiledSecondsPerMegapixel,
                                    whole ? kWholeImageBytesPerPixel : 0.0);
    e.megabytes += 600.0;
    e.seconds += kPaintingSetupSeconds;
    if (o.method == StylizeMethod::Arbitrary) {
      e.prepared_seconds = kFitStepSeconds * o.fit_steps * style_count(o.styles);
      e.seconds += kArbitraryLoadSeconds + e.prepared_seconds;
    }
    return e;
  }
  CostEstimate e = iterative_cost(width, height, o.size, o.schedule.iterations, 0, 3600.0);
  const MachineSpeed development;
  e.seconds = kLoadSeconds;
  for (const PyramidPlan::Level& l : stylize_plan(e.width, e.height, o.schedule, kInceptionSmallestSide).levels)
    e.seconds += kScaleSetupSeconds +
                 l.iterations * kEvaluationsPerIteration * development.evaluation_seconds(l.width * l.height / 1e6);
  if (o.upscale_with_detail && !o.full_resolution && width > e.width && height > e.height) {
    const double layer_megapixels = width * static_cast<double>(height) / 1e6;
    e.seconds += kDetailSecondsPerMegapixel * layer_megapixels;
    e.megabytes += kDetailMegabytesPerMegapixel * layer_megapixels;
  }
  if (o.full_resolution && std::max(width, height) > std::max(e.width, e.height)) {
    e.seconds +=
        plan_style_pyramid(full_resolution_request(width, height, std::max(e.width, e.height), true, o)).seconds;
  }
  return e;
}

// What Arbitrary's fit depends on besides the layer (fit_key's inputs, as the options name them): the styles, the
// balance, the steps and the device.
std::string arbitrary_fit_inputs(const StylizeOptions& o) {
  std::ostringstream inputs;
  inputs << o.styles.first.layer << '\n' << o.styles.first.file << '\n' << o.styles.second << '\n' << o.styles.blend;
  for (const std::string& style : o.styles.listed) inputs << "\nstyle " << style;
  for (const double weight : o.styles.weights) inputs << "\nweight " << weight;
  inputs << '\n'
         << o.balance.strength << ' ' << o.balance.content << ' ' << o.balance.smoothness << ' ' << o.fit_steps << ' '
         << (o.device ? o.device->str() : std::string("unavailable"));
  return inputs.str();
}

// Instant is live; Optimise runs when asked, a short look (kPreviewIterations at one scale) at the preview's size.
// Arbitrary is live too: its fit is made on the whole layer (RunContext::original) and kept, so the first preview
// takes the fit's seconds and prepares the run, and later ones (another amount, scale or colours) reuse it.
constexpr int kPreviewIterations = 40;
PreviewPlan stylize_preview(const ParamValues& v) {
  const StylizeOptions o = stylize_options(v);
  PreviewPlan plan{o.method != StylizeMethod::Optimize, v};
  if (o.method == StylizeMethod::Arbitrary && o.fit_steps > 0) plan.prepares = arbitrary_fit_inputs(o);
  if (o.method != StylizeMethod::Optimize) return plan;
  plan.values.set_int("iterations", std::min(o.schedule.iterations, kPreviewIterations));
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
      .run = run_stylize,
      .estimate = stylize_cost,
      .out_of_memory_advice = "lower the working size (size) or use a larger style scale, or process a selection",
      .preview = stylize_preview};
  return f;
}

}  // namespace atelier
