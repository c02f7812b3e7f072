#include "filters/stylize_frames.h"

#include <ATen/ATen.h>

#include <memory>
#include <string>
#include <vector>

#include "core/color.h"
#include "core/error.h"
#include "core/image_tensor.h"
#include "engine/feedforward_stylize.h"
#include "engine/frame_stylize.h"
#include "engine/gatys.h"
#include "engine/instant_stylize.h"
#include "filters/instant_style.h"
#include "filters/machine_speed.h"
#include "filters/style_inputs.h"
#include "models/feature_network.h"
#include "models/model_library.h"
#include "models/transform_net.h"

namespace atelier {
namespace {

const ParamCondition kOptimize{"method", {"optimize"}};
const ParamCondition kInstant{"method", {"feed-forward"}};
// Instant's blend weight per unit of temporal-weight: at the default 1 the warping error of consecutive frames is
// 0.20-0.48 of independent frames' on opencv-doc's clips, the style no weaker (docs/benchmarks.md); with 2 it was
// 0.32-0.57. (temporal_target() also masks pixels whose inputs the flow does not explain, where trails would show.)
constexpr double kInstantBlendScale = 4.0;
// The first frame starts from the photo, the others from the previous result carried over: it gets this many
// times the iterations.
constexpr int kFirstFrameIterations = 2;

std::vector<ParamSpec> make_params() {
  std::vector<ParamSpec> p = command_line_io_params(
      "frames",
      "Folder of pictures (sorted by name) or video file whose frames are stylised (command line only; in GIMP: the "
      "image's layers, bottom first)");
  p.back().help =
      "Where the stylised frames go: a new (or empty) folder, written as frame-00001.png, ..., or a video file "
      "(.avi, .mp4, .mkv, .webm; the input video's frame rate, 12 frames per second for pictures)";
  p.push_back(method_param(
      "Optimise: Gatys et al. with a temporal term, any style image, about a minute a frame. "
      "Instant: a feed-forward network made consistent by the flow, about a second a frame",
      {{"optimize", "Optimise (any style image)"}, {"feed-forward", "Instant (pretrained network)"}}, "Style"));
  p.push_back(instant_network_param({kInstant}));
  for (ParamSpec& spec : style_image_params({kOptimize})) p.push_back(std::move(spec));
  std::vector<ParamSpec> balance = style_balance_params({kOptimize});
  p.push_back(balance[0]);
  p.push_back(number_param("style-scale", "Style sc_ale",
                           "Size of the style's brush strokes: the style is seen at this multiple of the working size",
                           ParamType::Double, 0.1, 4, 1, "Style"));
  p.push_back(preserve_colors_param());
  p.push_back(number_param("temporal-weight", "_Flicker reduction",
                           "How strongly each frame keeps the previous result where the motion is known: 0 = every "
                           "frame on its own, from its photo (flickers), higher = steadier, with trails where the "
                           "flow is wrong",
                           ParamType::Double, 0, 100, 1, "Frames"));
  p.push_back(number_param("max-frames", "Frames", "Stylise only the first N frames (0 = all)", ParamType::Int, 0,
                           100000, 0, "Frames", 0));
  p.back().scope = kCli;
  p.push_back(balance[1]);
  p.push_back(balance[2]);
  p.push_back(number_param("size", "Working si_ze",
                           "Long side in pixels the motion between frames is measured at (0 = the frames' size); "
                           "Optimise also stylises at this size and scales the results to the frames' size (Instant "
                           "stylises each frame at its own size)",
                           ParamType::Int, 0, 8192, 320, "Quality", 0));
  p.push_back(number_param("iterations", "Iteratio_ns",
                           "Optimisation steps per frame (a frame that starts from the photo, the first or every one "
                           "at flicker reduction 0, gets twice as many)",
                           ParamType::Int, 1, 5000, 60, "Quality", 0));
  p.back().used_when = {kOptimize};
  p.push_back(feature_network_param("Network", "Feature network; auto = VGG-19 when installed, else InceptionV3"));
  p.back().used_when = {kOptimize};
  p.push_back(device_param("De_vice"));
  p.push_back(seed_param("Seed", "Random seed (same seed and settings give the same result)"));
  p.back().used_when = {kOptimize};
  return p;
}

// Stylize Frames' values, each read once (frames_options).
struct FramesOptions {
  bool instant = false;         // the method: Instant, else Optimise
  std::string instant_network;  // Instant: the fast-style network's nick
  StyleSources styles;          // Optimise
  StyleBalance balance;         // Optimise
  double style_scale = 1;
  ColorPreservation colors = ColorPreservation::Off;
  double temporal_weight = 1;
  int max_frames = 0;  // 0 = all
  int size = 0;        // the long side the flow is measured at (Optimise: also stylised at)
  int iterations = 0;  // Optimise
  std::string network;
  uint64_t seed = 0;
};

FramesOptions frames_options(const ParamValues& v) {
  FramesOptions o;
  o.instant = v.get_text("method") == "feed-forward";
  o.instant_network = v.get_text("fast-model");
  o.styles = style_sources(v);
  o.balance = style_balance(v);
  o.style_scale = v.get_double("style-scale");
  o.colors = color_preservation(v);
  o.temporal_weight = v.get_double("temporal-weight");
  o.max_frames = v.get_int("max-frames");
  o.size = v.get_int("size");
  o.iterations = v.get_int("iterations");
  o.network = v.get_text("network");
  o.seed = static_cast<uint64_t>(v.get_int("seed"));
  return o;
}

// Optimise: one Gatys optimisation per frame, the style targets computed once for the clip, each frame after the
// first starting from the previous result carried over and held to it by the temporal term.
FrameStylizer optimize_stylizer(const FramesOptions& o, const RunContext& ctx) {
  struct State {
    std::unique_ptr<FeatureNetwork> net;
    std::vector<StyleImage> styles;
    GatysSettings settings;
    ColorPreservation colors = ColorPreservation::Off;
    double style_scale = 1, temporal_weight = 1;
    int iterations = 0;
  };
  auto s = std::make_shared<State>();
  s->styles = read_styles(o.styles, ctx);
  if (s->styles.empty()) throw Error("no style image: choose a style image (--style FILE / style-image)");
  ctx.progress.report(0, "loading the feature network");
  s->net = load_feature_network(o.network, *ctx.library, ctx.device);
  o.balance.apply(s->settings);
  s->settings.phase_average = s->net->name() == "inception_v3";
  s->settings.seed = o.seed;
  s->settings.optimizer.line_search = false;  // as Stylize: one evaluation per iteration (docs/benchmarks.md)
  s->settings.style_layers = s->net->default_style_layers();
  s->colors = o.colors;
  s->style_scale = o.style_scale;
  s->temporal_weight = o.temporal_weight;
  s->iterations = o.iterations;
  const c10::Device device = ctx.device;
  return [s, device](const Image& frame, const TemporalTarget* target, const Progress& progress) {
    FeatureNetwork& net = *s->net;
    at::Tensor content = image_rgb_to_tensor(frame, device);
    const int64_t h = content.size(2), w = content.size(3);
    // Small frames work larger (the network's smallest input, one more pixel for the second phase).
    content = ensure_min_side(content, net.min_input_size() + (s->settings.phase_average ? 1 : 0));
    const int64_t wh = content.size(2), ww = content.size(3);
    GatysSettings g = s->settings;
    if (g.grams.empty()) {  // the first frame: the style targets at the working size, for the whole clip
      progress.report(0, "computing style targets");
      const int64_t side = std::llround(static_cast<double>(std::max(wh, ww)) * s->style_scale);
      s->settings.grams = style_grams(net, g.style_layers, style_targets(s->styles, net, side, s->colors, content));
      g.grams = s->settings.grams;
    }
    g.optimizer.iterations = target ? s->iterations : kFirstFrameIterations * s->iterations;
    if (target) {
      const at::Tensor picture = resize(image_rgb_to_tensor(target->picture, device), wh, ww);
      const at::Tensor reliable = resize(
          at::from_blob(const_cast<float*>(target->reliable.data()), {1, 1, h, w}, at::kFloat).to(device), wh, ww);
      g.init = picture;
      if (s->temporal_weight > 0)
        g.extra_loss = [picture, reliable, weight = s->temporal_weight](const at::Tensor& image) {
          return temporal_loss(image, picture, reliable, weight);
        };
    }
    at::Tensor result = gatys_optimize(net, content, {}, g, progress);
    if (s->colors == ColorPreservation::Luminance) result = transfer_luminance(result, content);
    return tensor_to_image(resize(result, h, w).clamp(0, 1).cpu());
  };
}

// Instant: the network on each frame, then the exact minimum of closeness to the network's output and, where the
// flow is reliable, to the previous result carried over (blend_toward).
FrameStylizer instant_stylizer(const FramesOptions& o, const RunContext& ctx) {
  std::shared_ptr<const TransformNet> net = load_instant_network(o.instant_network, ctx);
  const double scale = o.style_scale, weight = kInstantBlendScale * o.temporal_weight;
  const ColorPreservation colors = o.colors;
  return [net, scale, weight, colors](const Image& frame, const TemporalTarget* target, const Progress& progress) {
    const Image out = instant_stylize(frame, *net, scale, colors, progress);
    return target && weight > 0 ? blend_toward(out, *target, weight) : out;
  };
}

FrameStylizer make_stylizer(const FramesOptions& o, const RunContext& ctx) {
  return o.instant ? instant_stylizer(o, ctx) : optimize_stylizer(o, ctx);
}

FramesRun frames_run(const FramesOptions& o) {
  FramesRun run;
  run.long_side = o.size;
  run.max_frames = o.max_frames;
  run.temporal = o.temporal_weight > 0;
  run.full_size = o.instant;
  // Optimise: a frame that starts from the photo gets twice the iterations (all of them without consistency).
  run.first_frame_cost = o.instant || !run.temporal ? 1.0 : kFirstFrameIterations;
  return run;
}

// Stylises the clip as the values say; returns the number of frames put.
int run_frames(FrameSequence& frames, const ParamValues& v, const RunContext& ctx) {
  const FramesOptions o = frames_options(v);
  return stylize_frames(frames, make_stylizer(o, ctx), frames_run(o), ctx.progress);
}

// One picture: the first frame of a clip of one (the dialog's preview, a single image on the command line).
class OneFrame : public FrameSequence {
 public:
  explicit OneFrame(const Image& input) : input_(input) {}
  int count() const override { return 1; }
  Image frame(int) override { return input_; }
  void put(int, const Image& result) override { result_ = result; }
  Image take() { return std::move(result_); }

 private:
  const Image& input_;
  Image result_;
};

// Per frame, on two CPU cores (the dialog multiplies by the frames). Instant: the network at the frame's size and
// the flow at the working size, 3 s per megapixel of frame (measured 0.2 s a frame at 320x240, docs/benchmarks.md;
// more than Stylize's one pass per megapixel, which at such sizes is mostly fixed costs).
// Optimise: Stylize's cost of an iteration at the working size (one evaluation and the optimiser's own work),
// the first frame's extra iterations spread over a clip of a few dozen frames; measured 45 s a frame at 320x240
// with 60 iterations.
constexpr double kInstantSecondsPerMegapixel = 3.0, kEvaluationsPerIteration = 1.1, kFirstFrameShare = 0.05;
CostEstimate frames_cost(const ParamValues& v, int width, int height) {
  const FramesOptions o = frames_options(v);
  if (o.instant) {
    CostEstimate e = iterative_cost(width, height, 0, 1, kInstantSecondsPerMegapixel, kWholeImageBytesPerPixel);
    e.megabytes += 600.0;
    return e;
  }
  CostEstimate e = iterative_cost(width, height, o.size, o.iterations, 0, 3600.0);
  const MachineSpeed development;
  e.seconds = e.iterations * (1 + kFirstFrameShare) * kEvaluationsPerIteration *
              development.evaluation_seconds(e.width * e.height / 1e6);
  return e;
}

constexpr int kPreviewIterations = 30;
PreviewPlan frames_preview(const ParamValues& v) {
  const FramesOptions o = frames_options(v);
  PreviewPlan plan{o.instant, v};
  plan.values.set_int("iterations", std::min(o.iterations, kPreviewIterations) / kFirstFrameIterations);
  plan.values.set_int("size", 0);
  return plan;
}

}  // namespace

const Filter& stylize_frames_filter() {
  static const Filter f{
      .name = "stylize-frames",
      .menu_label = "Stylize _Frames...",
      .title = "Neural Stylize Frames",
      .blurb = "Stylise every frame of an animation without flicker (Ruder et al. video style transfer)",
      .help =
          "Each layer of the image is a frame (bottom first, as GIMP's animations). Every frame is stylised "
          "and held to the previous result where the optical flow between the frames can be trusted, so the "
          "texture moves with the picture instead of flickering. The result is a new image with one layer per "
          "frame, names and timing kept; the original image is not changed.",
      .params = make_params(),
      .run =
          [](const Image& input, const ParamValues& v, const RunContext& ctx) {
            OneFrame one(input);
            run_frames(one, v, ctx);
            return one.take();
          },
      .estimate = frames_cost,
      .out_of_memory_advice = "lower the working size (size)",
      .preview = frames_preview,
      .run_frames = run_frames};
  return f;
}

}  // namespace atelier
