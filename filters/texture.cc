#include "filters/texture.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <tuple>

#include "core/error.h"
#include "core/image_tensor.h"
#include "core/numbers.h"
#include "core/safetensors.h"
#include "core/sha256.h"
#include "engine/texture_synthesis.h"
#include "models/feature_network.h"
#include "models/model_library.h"
#include "models/texture_generator.h"

namespace atelier {
namespace {

constexpr ModelKind kModelKind = ModelKind::TextureNet;
constexpr const char* kNewModel = "new";

const std::vector<ChoiceOption> kMethods = {{"optimize", "Optimise (no training)"},
                                            {"generator", "Texture network (train once)"}};
const std::vector<ChoiceOption> kLosses = {{"gram", "Gram matrices"}, {"sliced", "Sliced Wasserstein"}};

std::vector<ParamSpec> make_params() {
  std::vector<ParamSpec> p = command_line_io_params(
      "source", "Texture image to learn from (command line only; in GIMP: the active layer or its selection)");
  p[0].cli_aliases = {"input"};
  p.push_back(layer_param("source-layer", "So_urce layer",
                          "A layer of any open image to learn the texture from instead of the active layer (none: "
                          "the active layer, or its selection)",
                          "Source", "source-file", false));
  p.push_back(text_param("source-file", "Source _file",
                         "An image file to learn the texture from instead of the active layer (empty: the active "
                         "layer, or its selection)",
                         ParamType::File, "", "Source", kGimp));
  p.push_back(number_param("scale", "Sc_ale",
                           "Size of the texture's motifs in the result: the source is seen at this multiple of its "
                           "size (sources are first limited to 1024 px)",
                           ParamType::Double, 0.1, 4, 1, "Source"));
  p.push_back(number_param("size", "Size",
                           "Side of a square result in pixels (0: --width and --height, else the source's size)",
                           ParamType::Int, 0, 16384, 0, "Output", 0));
  p.back().scope = kCli;
  for (const auto& [key, label, what] : {std::tuple{"width", "_Width", "Width"}, {"height", "H_eight", "Height"}}) {
    p.push_back(number_param(
        key, label, std::string(what) + " of the result in pixels (0: the canvas's; command line: the source's)",
        ParamType::Int, 0, 16384, 0, "Output", 0));
  }
  p.push_back(text_param("tileable", "_Tileable",
                         "The result repeats without a seam: its left edge continues its right one, its top its bottom",
                         ParamType::Bool, "", "Output"));
  p.push_back(
      method_param("optimize: shapes a new image from noise (no training; minutes per image); generator: a "
                   "Texture Network trained once on the source, then any size in seconds",
                   kMethods, "Method"));
  p.push_back(choice_param("loss", "Loss",
                           "Texture statistics to match: Gram matrices (classic, fast) or sliced Wasserstein "
                           "(whole feature distributions: truer contrast; about three times slower)",
                           kLosses, "gram", "Method"));
  p.push_back(number_param("octaves", "Octaves",
                           "Sizes worked at, coarse to fine, each twice the one before: more octaves lay out larger "
                           "structures",
                           ParamType::Int, 1, 5, 3, "Method", 0));
  p.back().used_when = {{"method", {"optimize"}}};
  p.push_back(number_param("iterations", "_Iterations",
                           "L-BFGS iterations at the coarsest octave; each finer one starts from it and gets half",
                           ParamType::Int, 1, 2000, 100, "Method", 0));
  p.back().used_when = {{"method", {"optimize"}}};
  ParamSpec model = with_leading_choice(
      library_network_param(
          "model", "_Generator",
          "A generator trained before (model library, kind texture-net), or new to train one on this source",
          kModelKind, kNewModel, "Method"),
      {kNewModel, "Train a new one"});
  model.used_when = {{"method", {"generator"}}};
  p.push_back(std::move(model));
  const std::vector<ParamCondition> training = {{"method", {"generator"}}, {"model", {kNewModel}}};
  p.push_back(number_param("train-iterations", "Training iteratio_ns", "Training steps of a new generator",
                           ParamType::Int, 10, 20000, 600, "Method", 0));
  p.back().used_when = training;
  p.push_back(number_param("train-size", "Sample si_ze",
                           "Side in pixels of the samples a new generator trains on; larger learns larger structures, "
                           "more slowly",
                           ParamType::Int, 64, 1024, 192, "Method", 0));
  p.back().used_when = training;
  p.push_back(text_param("save-model", "Sa_ve as",
                         "Name under which a new generator is saved in the model library for reuse (empty: "
                         "texture-<first digits of the source's checksum>)",
                         ParamType::String, "", "Method"));
  p.back().used_when = training;
  p.push_back(feature_network_param("Networ_k", "Feature network; auto = VGG-19 when installed, else InceptionV3"));
  p.push_back(device_param("_Device"));
  p.push_back(seed_param("Seed", "Seed of the noise: other seeds give other samples of the same texture"));
  p.push_back(layer_name_param("La_yer name", "Texture"));
  return p;
}

// Texture Synthesize's values, each read once (texture_options).
struct TextureOptions {
  LayerOrFile source;  // source-layer, else source-file ("": the input)
  double scale = 1;    // the source seen at this multiple of its size
  int size = 0, width = 0, height = 0;
  bool tileable = false;
  bool generator = false;  // the method: a Texture Network, else Optimise
  TextureLossKind loss = TextureLossKind::Gram;
  std::string loss_nick;            // as the generator's metadata records it
  int octaves = 0, iterations = 0;  // Optimise
  std::string model;                // generator: a trained one's nick, or kNewModel
  int train_iterations = 0, train_size = 0;
  std::string save_model;  // a new generator's name ("": from the source's checksum)
  std::string network;
  uint64_t seed = 0;

  bool training() const { return generator && model == kNewModel; }
};

TextureOptions texture_options(const ParamValues& v) {
  TextureOptions o;
  o.source = read_layer_or_file(v, "source-layer");
  o.scale = v.get_double("scale");
  o.size = v.get_int("size");
  o.width = v.get_int("width");
  o.height = v.get_int("height");
  o.tileable = v.get_bool("tileable");
  o.generator = v.get_text("method") == "generator";
  o.loss_nick = v.get_text("loss");
  o.loss = texture_loss_from_name(o.loss_nick);
  o.octaves = v.get_int("octaves");
  o.iterations = v.get_int("iterations");
  o.model = v.get_text("model");
  o.train_iterations = v.get_int("train-iterations");
  o.train_size = v.get_int("train-size");
  o.save_model = v.get_text("save-model");
  o.network = v.get_text("network");
  o.seed = static_cast<uint64_t>(v.get_int("seed"));
  return o;
}

std::pair<int, int> texture_size(const TextureOptions& o, int canvas_width, int canvas_height) {
  if (o.size > 0) return {o.size, o.size};
  return {o.width > 0 ? o.width : canvas_width, o.height > 0 ? o.height : canvas_height};
}

// A name of the model library: letters, digits, '_', '-' and '.'.
std::string checked_model_name(const std::string& name) {
  if (!valid_model_name(name))
    throw Error("generator name '" + name + "' may only use letters, digits, '_', '-' and '.' (save-model)");
  return name;
}

Image source_image(const Image& input, const TextureOptions& o, const RunContext& ctx) {
  const std::string chosen = o.source.chosen();
  Image source = chosen.empty() ? input : ctx.read_image(chosen);
  if (source.empty())
    throw Error(
        "no source texture: give one with --source FILE (in GIMP: select a layer, or choose a source "
        "file), or sample a trained generator with --method generator --model NAME");
  return source;
}

std::unique_ptr<FeatureNetwork> load_network(const TextureOptions& o, const RunContext& ctx) {
  ctx.progress.report(0, "loading the feature network");
  return load_feature_network(o.network, *ctx.library, ctx.device);
}

Image sample_generator(TextureGeneratorImpl& generator, const RunContext& ctx, uint64_t seed) {
  ctx.progress.report(0.97, "sampling " + std::to_string(ctx.result_width) + "x" + std::to_string(ctx.result_height));
  torch::NoGradGuard no_grad;
  return tensor_to_image(generator.sample(1, ctx.result_height, ctx.result_width, seed).cpu());
}

Image run_trained(const TextureOptions& o, const RunContext& ctx) {
  const std::string name = model_name(kModelKind, o.model);
  // The library read afresh: the generator may have been trained since the host opened it.
  TextureGenerator generator = load_texture_generator(ModelLibrary(ctx.library->dir()).path(name));
  if (o.tileable && !generator->config().tileable)
    throw Error("the generator '" + o.model +
                "' was trained without Tileable, so its samples have "
                "seams; train a new one with Tileable on");
  generator->to(ctx.device);
  return sample_generator(*generator, ctx, o.seed);
}

// Trains a generator on the source, saves it in the model library (so that it is listed for reuse) and samples it.
Image run_training(const Image& source, const TextureOptions& o, const RunContext& ctx) {
  const std::string source_sha256 = sha256_pixels(source);
  const std::string name =
      checked_model_name(o.save_model.empty() ? "texture-" + source_sha256.substr(0, 8) : o.save_model);
  std::unique_ptr<FeatureNetwork> net = load_network(o, ctx);
  TextureTrainSettings s;
  s.generator.tileable = o.tileable;
  s.iterations = o.train_iterations;
  s.sample_size = o.train_size;
  s.loss = o.loss;
  s.seed = o.seed;
  c10::InferenceMode no_inference(false);
  const at::Tensor src = texture_source(source, o.scale, ctx.device);
  TextureGenerator generator = train_texture_generator(*net, src, s, ctx.progress.sub(0.05, 0.95));

  ModelInfo info;
  info.name = model_name(kModelKind, name);
  info.kind = kModelKind;
  info.description = "Texture network: " + name;
  info.source = "trained by atelier texture";
  info.licence = "yours (trained on your image)";
  ModelLibrary library(ctx.library->dir());
  add_trained_model(library, info, [&](const std::string& path) {
    save_texture_generator(path, *generator,
                           {{"source.sha256", source_sha256},
                            {"source.size", std::to_string(source.width) + "x" + std::to_string(source.height)},
                            {"network", net->name()},
                            {"loss", o.loss_nick},
                            {"scale", format_double(o.scale)},  // a dot whatever the locale
                            {"train.iterations", std::to_string(s.iterations)},
                            {"train.size", std::to_string(s.sample_size)},
                            {"seed", std::to_string(s.seed)}});
  });
  ctx.progress.report(0.95, "saved the generator as '" + name + "' (reuse it with model " + name + ")");
  return sample_generator(*generator, ctx, s.seed);
}

Image run_optimize(const Image& source, const TextureOptions& o, const RunContext& ctx) {
  std::unique_ptr<FeatureNetwork> net = load_network(o, ctx);
  TextureOptimizeSettings s;
  s.width = ctx.result_width;
  s.height = ctx.result_height;
  s.octaves = o.octaves;
  s.iterations = o.iterations;
  s.loss = o.loss;
  s.periodic = o.tileable;
  s.seed = o.seed;
  c10::InferenceMode no_inference(false);
  const at::Tensor src = texture_source(source, o.scale, ctx.device);
  return tensor_to_image(optimize_texture(*net, src, s, ctx.progress.sub(0.05, 1.0)).cpu());
}

Image run_texture(const Image& input, const ParamValues& v, const RunContext& ctx) {
  const TextureOptions o = texture_options(v);
  if (o.generator && !o.training()) return run_trained(o, ctx);
  const Image source = source_image(input, o, ctx);
  if (o.generator) return run_training(source, o, ctx);
  return run_optimize(source, o, ctx);
}

// Costs on two CPU cores with InceptionV3 (docs/benchmarks.md).
CostEstimate texture_cost(const ParamValues& v, int width, int height) {
  const TextureOptions o = texture_options(v);
  const auto [w, h] = texture_size(o, width, height);
  if (o.generator) {
    const int side = o.train_size;
    CostEstimate e = iterative_cost(side, side, 0, o.training() ? o.train_iterations : 0, 2 * 14.0, 3000.0);
    e.seconds += 1.5 * w * h / 1e6;  // sampling
    e.width = w;
    e.height = h;
    return e;
  }
  // The finest octave gets iterations / 2^(octaves-1) at the full size; each coarser one twice as many at a
  // quarter of the pixels. Tileable results are seen with 32 px of wrapped context on each side.
  const double per_iteration = o.loss == TextureLossKind::Sliced ? 42.0 : 14.0;  // seconds per megapixel
  const int margin = o.tileable ? 64 : 0;
  double finest_equivalent = 0;
  for (int l = 0; l < o.octaves; ++l)
    finest_equivalent += std::max(std::min(o.iterations, 10), o.iterations >> l) / std::pow(4.0, o.octaves - 1 - l);
  CostEstimate e =
      iterative_cost(w + margin, h + margin, 0, static_cast<int>(std::ceil(finest_equivalent)), per_iteration, 3600.0);
  e.width = w;
  e.height = h;
  e.iterations = o.iterations;
  return e;
}

}  // namespace

const Filter& texture_filter() {
  static const Filter f{
      .name = "texture-synthesize",
      .menu_label = "_Texture Synthesize...",
      .title = "Neural Texture Synthesize",
      .blurb = "Make a new layer of any size with the texture of the active layer (or its selection, or a file)",
      .help =
          "Optimises a new image from noise whose deep-feature statistics match the source texture's, or trains "
          "a small Texture Network once and samples it at any size in seconds. Tileable results repeat without "
          "a seam.",
      .params = make_params(),
      .run = run_texture,
      .estimate = texture_cost,
      .out_of_memory_advice =
          "make the result smaller (width, height), lower the training size, or use the generator method, "
          "which samples large sizes in little memory",
      .cli_name = "texture",
      .result_size = [](const ParamValues& v, int canvas_width, int canvas_height) {
        return texture_size(texture_options(v), canvas_width, canvas_height);
      }};
  return f;
}

}  // namespace atelier
