#include "filters/dream.h"

#include <torch/torch.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <tuple>

#include "core/color.h"
#include "core/error.h"
#include "core/image_tensor.h"
#include "core/numbers.h"
#include "engine/deep_dream.h"
#include "models/feature_network.h"
#include "models/model_library.h"

namespace atelier {
namespace {

constexpr double kDefaultDepth = 0.33;
// At the full dream (1) a painting's subject is lost under motifs; half keeps it recognisable while clearly
// dreaming (tried on a held-out painting and a photo: docs/gimp-plugin.md).
constexpr double kDefaultStrength = 0.5;

std::string trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

std::vector<ParamSpec> make_params() {
  std::vector<ParamSpec> p =
      command_line_io_params("input", "Image to dream on (command line only; in GIMP: the active layer)");
  p.push_back(text_param("layers", "La_yers",
                         "Network layers to dream on with a dose each, e.g. \"mixed3:1, mixed4:0.5\": a positive dose "
                         "amplifies what the layer sees, a negative one suppresses it; empty lets Depth choose",
                         ParamType::String, "", "Layers"));
  p.push_back(number_param("depth", "_Depth",
                           "Used when Layers is empty: 0 dreams on shallow layers (strokes, textures), 1 on deep ones "
                           "(eyes, animals, buildings); the default uses the network's recommended layers",
                           ParamType::Double, 0, 1, kDefaultDepth, "Layers"));
  p.back().used_when = {{"layers", {""}}};
  p.push_back(number_param("strength", "S_trength",
                           "How much of the dream is added to the layer: 1 adds all of it (every motif at full "
                           "contrast), lower values keep more of the picture",
                           ParamType::Double, 0, 1, kDefaultStrength, "Dream", 2));
  p.push_back(number_param("step-size", "Ste_p size",
                           "How far each step moves the pixels; larger dreams faster and harsher", ParamType::Double,
                           0.0005, 0.2, 0.01, "Dream", 4));
  p.push_back(
      number_param("iterations", "_Iterations", "Gradient steps per octave", ParamType::Int, 1, 1000, 20, "Dream", 0));
  p.push_back(number_param("octaves", "Oct_aves",
                           "Number of image scales dreamed on, coarse to fine; more octaves give larger motifs",
                           ParamType::Int, 1, 12, 4, "Dream", 0));
  p.push_back(number_param("octave-scale", "Octave _factor", "Size ratio between one octave and the next",
                           ParamType::Double, 1.05, 3, 1.4, "Dream"));
  p.push_back(number_param("jitter", "_Jitter",
                           "Random shift in pixels applied before each step and undone after it; hides grid artefacts",
                           ParamType::Int, 0, 64, 8, "Dream", 0));
  p.push_back(text_param("keep-colors", "_Keep colours",
                         "Keep the original colours and take only the lightness of the dream", ParamType::Bool, "",
                         "Dream"));
  p.push_back(
      number_param("size", "Working si_ze",
                   "Long side in pixels to dream at (0 = the layer's size); the change is scaled to the layer's "
                   "size and added to it. Larger is slower and gives relatively smaller motifs",
                   ParamType::Int, 0, 8192, 512, "Quality", 0));
  p.push_back(feature_network_param(
      "Net_work", "Feature network; auto = InceptionV3 (the classic DeepDream look) when installed, else VGG-19"));
  p.push_back(device_param("De_vice"));
  p.push_back(seed_param("S_eed", "Seed of the random jitter (same seed and settings give the same result)"));
  p.push_back(layer_name_param("Layer _name", "Neural Dream"));
  return p;
}

// (h, w) to dream at: the long side set to `size` (0 = unchanged), then enlarged if the short side is below the
// network's minimum.
std::pair<int64_t, int64_t> work_size(int64_t h, int64_t w, int size, int64_t min_side) {
  if (size > 0) std::tie(h, w) = fit_long_side(h, w, size);
  const int64_t short_side = std::min(h, w);
  if (short_side < min_side) {
    const double f = static_cast<double>(min_side) / short_side;
    h = std::max<int64_t>(min_side, static_cast<int64_t>(std::ceil(h * f)));
    w = std::max<int64_t>(min_side, static_cast<int64_t>(std::ceil(w * f)));
  }
  return {h, w};
}

// Neural Dream's values, each read once (dream_options).
struct DreamOptions {
  std::string layers;  // "layer:dose, ..." (parse_layer_doses); empty: depth chooses
  double depth = kDefaultDepth;
  double strength = kDefaultStrength;
  double step_size = 0;
  int iterations = 0, octaves = 0;
  double octave_scale = 0;
  int jitter = 0;
  bool keep_colors = false;
  int size = 0;  // the long side dreamed at (0 = the layer's)
  std::string network;
  uint64_t seed = 0;
};

DreamOptions dream_options(const ParamValues& v) {
  DreamOptions o;
  o.layers = v.get_text("layers");
  o.depth = v.get_double("depth");
  o.strength = v.get_double("strength");
  o.step_size = v.get_double("step-size");
  o.iterations = v.get_int("iterations");
  o.octaves = v.get_int("octaves");
  o.octave_scale = v.get_double("octave-scale");
  o.jitter = v.get_int("jitter");
  o.keep_colors = v.get_bool("keep-colors");
  o.size = v.get_int("size");
  o.network = v.get_text("network");
  o.seed = static_cast<uint64_t>(v.get_int("seed"));
  return o;
}

Image run_dream(const Image& input, const ParamValues& v, const RunContext& ctx) {
  const DreamOptions o = dream_options(v);
  LayerDoses doses = parse_layer_doses(o.layers);  // before the slow model load: fail fast
  const Progress& progress = ctx.progress;
  progress.report(0, "loading the feature network");
  const c10::Device device = ctx.device;
  const ModelLibrary& library = *ctx.library;
  std::string network_name = o.network;
  if (network_name == "auto" && library.installed("inception_v3")) network_name = "inception_v3";
  std::unique_ptr<FeatureNetwork> network = load_feature_network(network_name, library, device);

  DreamSettings s;
  s.layers = std::move(doses);
  if (s.layers.empty()) {
    s.layers = std::abs(o.depth - kDefaultDepth) < 1e-9 ? network->default_dream_layers()
                                                        : layers_for_depth(network->layer_names(), o.depth);
  }
  check_layer_names(s.layers, network->layer_names(), network->name());
  s.step_size = o.step_size;
  s.iterations = o.iterations;
  s.octaves = o.octaves;
  s.octave_scale = o.octave_scale;
  s.jitter = o.jitter;
  s.seed = o.seed;

  c10::InferenceMode no_inference(false);
  const at::Tensor original = image_rgb_to_tensor(input, device);
  const int64_t h = original.size(2), w = original.size(3);
  const auto [wh, ww] = work_size(h, w, o.size, network->min_input_size());
  const at::Tensor work = resize(original, wh, ww);
  const at::Tensor dreamed = deep_dream(*network, work, s, progress.sub(0.05, 0.98));
  // Adding the upscaled change (rather than upscaling the dream) keeps the input's full-resolution detail.
  const at::Tensor change = resize(dreamed - work, h, w);
  at::Tensor result = (original + change * o.strength).clamp(0, 1);
  if (o.keep_colors) result = transfer_luminance(result, original);
  return tensor_to_image(result);
}

}  // namespace

std::vector<std::pair<std::string, double>> parse_layer_doses(const std::string& text) {
  std::vector<std::pair<std::string, double>> out;
  std::set<std::string> seen;
  std::string item;
  auto flush = [&] {
    const std::string entry = trim(item);
    item.clear();
    if (entry.empty()) return;
    const size_t colon = entry.find(':');
    const std::string name = trim(entry.substr(0, colon));
    if (name.empty())
      throw Error("layer dose '" + entry + "' has no layer name; write it as layer:dose, e.g. mixed3:1");
    double dose = 1.0;
    if (colon != std::string::npos) {
      const std::string value = trim(entry.substr(colon + 1));
      const std::optional<double> parsed = parse_double(value);
      if (!parsed)
        throw Error("dose of layer " + name + " must be a number, got '" + value + "' (write it as " + name + ":0.5)");
      dose = *parsed;
    }
    if (!seen.insert(name).second)
      throw Error("layer " + name + " is listed twice in '" + text + "'; give each layer once with its total dose");
    out.emplace_back(name, dose);
  };
  // Spaces around the colon belong to the entry ("mixed3 : 1"); other spaces separate entries like commas.
  const std::string compact = std::regex_replace(text, std::regex("\\s*:\\s*"), ":");
  for (char c : compact) {
    if (c == ',' || c == ';' || std::isspace(static_cast<unsigned char>(c)))
      flush();
    else
      item += c;
  }
  flush();
  return out;
}

std::vector<std::pair<std::string, double>> layers_for_depth(const std::vector<std::string>& layer_names,
                                                             double depth) {
  if (layer_names.empty()) throw Error("the feature network lists no layers to dream on");
  std::vector<std::string> candidates;
  for (const char* pattern : {"mixed[0-9]+", "relu[0-9]+_[0-9]+"}) {
    const std::regex re(pattern);
    for (const auto& n : layer_names)
      if (std::regex_match(n, re)) candidates.push_back(n);
    if (!candidates.empty()) break;
  }
  if (candidates.empty()) candidates = layer_names;
  const double p = std::clamp(depth, 0.0, 1.0) * static_cast<double>(candidates.size() - 1);
  const size_t i = static_cast<size_t>(std::floor(p));
  const double f = p - static_cast<double>(i);
  if (f < 1e-6 || i + 1 >= candidates.size()) return {{candidates[i], 1.0}};
  if (f > 1 - 1e-6) return {{candidates[i + 1], 1.0}};
  const double lo = 1 - f, hi = f, top = std::max(lo, hi);
  return {{candidates[i], lo / top}, {candidates[i + 1], hi / top}};
}

namespace {

// 370 ms per step at 512x512 on two CPU cores (docs/benchmarks.md); the smaller octaves cost about half a full
// one each.
CostEstimate dream_cost(const ParamValues& v, int width, int height) {
  const DreamOptions o = dream_options(v);
  const int steps = o.iterations * (1 + o.octaves) / 2;
  return iterative_cost(width, height, o.size, std::max(steps, o.iterations), 1.4, 1900.0);
}

// Live: the dream at the preview's size is a few seconds on a CPU (docs/benchmarks.md).
PreviewPlan dream_preview(const ParamValues& v) {
  return {true, v};
}

}  // namespace

const Filter& dream_filter() {
  static const Filter f{
      .name = "dream",
      .menu_label = "Neural _Dream...",
      .title = "Neural Dream",
      .blurb = "Amplify the patterns a neural network sees in the layer (DeepDream)",
      .help =
          "Repeatedly changes the image so that the chosen layers of a pretrained network respond more "
          "strongly to it, over several scales (octaves): shallow layers paint strokes and textures, "
          "deep layers eyes, animals and buildings. A negative dose suppresses what a layer sees.",
      .params = make_params(),
      .run = run_dream,
      .estimate = dream_cost,
      .out_of_memory_advice = "use a smaller working size (size), fewer layers, or process a selection",
      .preview = dream_preview};
  return f;
}

}  // namespace atelier
