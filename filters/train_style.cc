#include "filters/train_style.h"

#include <c10/core/InferenceMode.h>
#include <torch/torch.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <filesystem>
#include <memory>
#include <string>

#include "core/error.h"
#include "core/image_tensor.h"
#include "core/numbers.h"
#include "core/safetensors.h"
#include "core/sha256.h"
#include "engine/feedforward_stylize.h"
#include "engine/style_training.h"
#include "engine/training_photos.h"
#include "filters/style_inputs.h"
#include "models/feature_network.h"
#include "models/model_library.h"
#include "models/transform_net.h"

namespace atelier {
namespace {

namespace fs = std::filesystem;

constexpr ModelKind kKind = ModelKind::FastStyle;
constexpr int kCheckpointEvery = 25;
constexpr const char* kNewNetwork = "new";
// A network learns to minimise the weighted losses over all photos far more completely than Optimise's few hundred
// steps from the content image do, so Optimise's style weight would wash the photos' structure out: at this share
// of it, a network trained on darknet's photos for scream.jpg keeps a held-out photo's content features as close as
// the bundled scream network does, and comes as close to the style's Gram statistics (tests/test_style_training.cc).
constexpr double kTrainingStyleShare = 0.05;
// A bundled network to start from: it already keeps a photo's structure, which a new network takes thousands of
// iterations to learn (measured at 128 px: 150 iterations from wave keep more structure than 450 from scratch).
constexpr const char* kDefaultStart = "wave";

struct Preset {
  ChoiceOption option;
  int iterations;
};
const Preset kPresets[] = {{{"quick", "Quick (300 iterations)"}, 300},
                           {{"normal", "Normal (1000 iterations)"}, 1000},
                           {{"thorough", "Thorough (4000)"}, 4000}};

std::vector<ChoiceOption> preset_choices() {
  std::vector<ChoiceOption> out;
  for (const Preset& p : kPresets) out.push_back(p.option);
  return out;
}

// The iterations to train: the iterations parameter when set, else its preset's.
int training_iterations(int iterations, const std::string& preset) {
  if (iterations > 0) return iterations;
  for (const Preset& p : kPresets)
    if (p.option.nick == preset) return p.iterations;
  throw Error("unknown training preset '" + preset + "'");
}

std::vector<ParamSpec> make_params() {
  std::vector<ParamSpec> p = command_line_io_params(
      "content",
      "Photo to preview the new style on, written to --output (command line only; optional; in GIMP: the "
      "active layer)");
  p.push_back(text_param("style", "Style _image", "The painting or picture whose style the new network learns",
                         ParamType::File, "", "Style"));
  p.push_back(layer_param("style-layer", "Style la_yer",
                          "A layer of any open image to learn the style from instead of a file", "Style", "style",
                          true));
  for (ParamSpec& s : style_balance_params({})) p.push_back(std::move(s));
  p.push_back(text_param("photos", "_Photos folder",
                         "Folder of photos to learn from (JPEG, PNG, ...; the more varied the better; empty: the "
                         "photos of Debian's darknet package in " +
                             std::string(kDefaultTrainingPhotoDir) + ")",
                         ParamType::File, "", "Training"));
  p.back().folder = true;
  p.push_back(choice_param("training", "Trainin_g",
                           "How long to train: quick for a first look, thorough for the cleanest result (see the "
                           "README for times)",
                           preset_choices(), "normal", "Training"));
  p.push_back(number_param("iterations", "Iteratio_ns", "Training steps (0: the Training preset's number)",
                           ParamType::Int, 0, 100000, 0, "Training", 0));
  p.push_back(number_param("size", "Training si_ze",
                           "Side in pixels of the photo crops trained on; larger learns larger brush strokes, more "
                           "slowly",
                           ParamType::Int, 96, 1024, 256, "Training", 0));
  p.push_back(text_param("output-model", "Style na_me",
                         "Name of the new style in the model library, as Stylize's Instant method lists it (letters, "
                         "digits, '-', '_', '.'; empty: the style file's name)",
                         ParamType::String, "", "Training"));
  p.push_back(text_param("resume", "Res_ume",
                         "Continue the stopped training of this style name (cancelling keeps a checkpoint), with the "
                         "settings and photos it started with (other photos when a folder is given); only the "
                         "iterations may change",
                         ParamType::Bool, "", "Training"));
  p.push_back(with_leading_choice(
      library_network_param("start-from", "Start _from",
                            "new: a network with random weights; or a style network of the library, whose learnt way "
                            "of keeping a photo's structure makes training several times shorter (its own style "
                            "fades as the new one is learnt)",
                            kKind, kDefaultStart, "Training"),
      {kNewNetwork, "A new network"}));
  p.push_back(feature_network_param("Networ_k",
                                    "Feature network whose features define content and style; auto = "
                                    "VGG-19 when installed, else InceptionV3"));
  p.push_back(device_param("_Device"));
  p.push_back(seed_param("Seed", "Seed of the crops drawn from the photos and of the network's first weights"));
  p.push_back(layer_name_param("Pre_view layer name", "Instant style"));
  return p;
}

// Train Instant Style's values, each read once (train_style_options).
struct TrainStyleOptions {
  LayerOrFile style;  // style-layer, else style
  StyleBalance balance;
  std::string photos;        // the photos folder ("" = the default photos)
  int iterations = 0;        // the iterations parameter, else the Training preset's
  int size = 0;              // the crops' side
  std::string output_model;  // the new style's name ("": from the style file or its checksum)
  bool resume = false;
  std::string start_from;  // a style network's nick, or kNewNetwork
  std::string network;
  uint64_t seed = 0;
};

TrainStyleOptions train_style_options(const ParamValues& v) {
  TrainStyleOptions o;
  o.style = read_layer_or_file(v, "style-layer");
  o.balance = style_balance(v);
  o.photos = v.get_text("photos");
  o.iterations = training_iterations(v.get_int("iterations"), v.get_text("training"));
  o.size = v.get_int("size");
  o.output_model = v.get_text("output-model");
  o.resume = v.get_bool("resume");
  o.start_from = v.get_text("start-from");
  o.network = v.get_text("network");
  o.seed = static_cast<uint64_t>(v.get_int("seed"));
  return o;
}

// A model name from a file name: its stem with other characters than letters, digits, '-', '_' and '.' made '-'.
std::string name_from_file(const std::string& path) {
  std::string stem = fs::path(path).stem().string();
  for (char& c : stem)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') c = '-';
  while (!stem.empty() && stem.front() == '.') stem.erase(stem.begin());
  return stem;
}

std::string model_name(const TrainStyleOptions& o, const std::string& style_sha256) {
  std::string name = o.output_model;
  if (name.empty()) name = name_from_file(o.style.file);
  if (name.empty()) name = "style-" + style_sha256.substr(0, 8);
  if (!valid_model_name(name))
    throw Error("style name '" + name + "' may only use letters, digits, '_', '-' and '.' (output-model)");
  return name;
}

Image style_image(const TrainStyleOptions& o, const RunContext& ctx) {
  const std::string chosen = o.style.chosen();
  if (chosen.empty())
    throw Error(
        "no style image: choose the picture whose style to learn (--style FILE; in GIMP: a style image or "
        "style layer)");
  Image style = ctx.read_image(chosen);
  if (style.empty()) throw Error("the style image is empty");
  return style;
}

// "2026-12-01T04:10:00Z".
std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

// What a checkpoint or a finished style records about its training.
struct Recipe {
  std::string style_sha256, network, start_from;
  std::string photos;  // the photos folder ("" = the default photos)
  int64_t size = 256;
  StyleBalance balance;
  uint64_t seed = 0;

  Metadata metadata() const {
    return {{"style.sha256", style_sha256},
            {"network", network},
            {"start-from", start_from},
            {"photos", photos},
            {"train.size", std::to_string(size)},
            {"style-strength", format_double(balance.strength)},  // a dot whatever the locale
            {"content-weight", format_double(balance.content)},
            {"tv-weight", format_double(balance.smoothness)},
            {"seed", std::to_string(seed)}};
  }
};

const std::string& metadata_text(const Metadata& m, const std::string& key, const std::string& file) {
  auto it = m.find(key);
  if (it == m.end())
    throw Error("the checkpoint '" + file + "' lacks its '" + key + "'; start the training anew (resume off)");
  return it->second;
}

double metadata_number(const Metadata& m, const std::string& key, const std::string& file) {
  const std::optional<double> v = parse_double(metadata_text(m, key, file));
  if (!v) throw Error("the checkpoint '" + file + "' lacks its '" + key + "'; start the training anew (resume off)");
  return *v;
}

Recipe recipe_from(const Metadata& m, const std::string& file) {
  Recipe r;
  r.style_sha256 = metadata_text(m, "style.sha256", file);
  r.network = metadata_text(m, "network", file);
  r.start_from = m.count("start-from") ? m.at("start-from") : "";
  r.photos = m.count("photos") ? m.at("photos") : "";
  r.size = static_cast<int64_t>(metadata_number(m, "train.size", file));
  r.balance.strength = metadata_number(m, "style-strength", file);
  r.balance.content = metadata_number(m, "content-weight", file);
  r.balance.smoothness = metadata_number(m, "tv-weight", file);
  r.seed = static_cast<uint64_t>(metadata_number(m, "seed", file));
  return r;
}

// A stopped training (models/transform_net.h's checkpoint) with its recipe; what is wrong with the file is said
// with what to do.
struct Checkpoint {
  std::unique_ptr<TransformNet> net;
  AdamState adam;
  int iteration = 0;
  Recipe recipe;
};

Checkpoint load_checkpoint(const std::string& path) {
  TransformNetCheckpoint saved;
  try {
    saved = load_transform_net_checkpoint(path);
  } catch (const Error& e) {
    throw Error(std::string(e.what()) + "; start the training anew (resume off)");
  }
  return {std::move(saved.net), std::move(saved.adam), saved.iteration, recipe_from(saved.metadata, path)};
}

Recipe recipe_from_options(const TrainStyleOptions& o, const std::string& style_sha256, const std::string& network) {
  Recipe r;
  r.style_sha256 = style_sha256;
  r.network = network;
  r.start_from = o.start_from;
  r.photos = o.photos.empty() ? "" : fs::absolute(o.photos).lexically_normal().string();
  r.size = o.size;
  r.balance = o.balance;
  r.seed = o.seed;
  return r;
}

// Stylise's weights for the recipe's style strength, content weight and smoothness.
void apply_recipe(const Recipe& r, StyleTrainSettings& s) {
  GatysSettings g;
  r.balance.apply(g);
  s.style_weight = g.style_weight * kTrainingStyleShare;
  s.content_weight = g.content_weight;
  s.tv_weight = g.tv_weight;
  s.size = r.size;
  s.seed = r.seed;
}

// Refuses a name the library already has, unless resuming the stopped training of that name (a training stopped
// with "stop and keep" is both a saved style and a checkpoint: resuming it replaces the style), and resuming
// without a stopped training.
void check_training_name(const ModelLibrary& library, const std::string& name, bool resume) {
  const std::string model = model_name(kKind, name);
  const bool stopped = fs::exists(library.checkpoint_path(model));
  bool known = false;
  for (const ModelInfo& m : library.known()) known = known || m.name == model;
  if (known && !(resume && stopped))
    throw Error("the model library already has a style named '" + name + "'; choose another name (output-model)" +
                (resume ? " (only a stopped training can be resumed)" : ""));
  if (resume && !stopped)
    throw Error("there is no stopped training named '" + name +
                "' to resume; turn resume off to start it, or give the name of the training that was stopped");
}

// A new training's first network, on the CPU: a style of the library (start-from; bundled ones read where the
// program keeps them) or, for "new", random weights from `seed`.
std::unique_ptr<TransformNet> starting_network(const ModelLibrary& library, const std::string& start_from,
                                               uint64_t seed, const Progress& progress) {
  if (start_from == kNewNetwork) {
    torch::manual_seed(seed);
    return std::make_unique<TransformNet>();
  }
  const std::string from = model_name(kKind, start_from);
  progress.report(0, "loading " + from);
  return std::make_unique<TransformNet>(load_safetensors(library.path(from)), library.path(from), at::kCPU);
}

// The photos' files (photo discovery: engine/training_photos.h), its errors naming the parameter.
std::vector<std::string> photo_files(const std::string& folder) {
  try {
    return training_photo_files(folder);
  } catch (const Error& e) {
    throw Error(std::string(e.what()) + " (photos; --photos DIR on the command line)");
  }
}

// Saves the network as the library's fast-style/NAME with what it was trained on and how long.
void save_trained_style(ModelLibrary& library, const std::string& name, const TransformNet& net, const Recipe& recipe,
                        int iterations, const Image& style) {
  Metadata meta = recipe.metadata();
  meta["train.iterations"] = std::to_string(iterations);
  meta["style.size"] = std::to_string(style.width) + "x" + std::to_string(style.height);
  meta["trained"] = "atelier train-style";
  meta["date"] = utc_now();
  ModelInfo info;
  info.name = model_name(kKind, name);
  info.kind = kKind;
  info.description = "Trained style: " + name;
  info.source = "trained by atelier train-style";
  info.licence = "yours (trained on your images)";
  add_trained_model(library, info, [&](const std::string& path) { save_transform_net(path, net, meta); });
}

Image run_train_style(const Image& input, const ParamValues& v, const RunContext& ctx) {
  const TrainStyleOptions o = train_style_options(v);
  const Progress& progress = ctx.progress;
  const Image style = style_image(o, ctx);
  const std::string style_sha256 = sha256_pixels(style);
  const std::string name = model_name(o, style_sha256);
  const std::string model = model_name(kKind, name);
  ModelLibrary library(ctx.library->dir());
  const std::string checkpoint_path = library.checkpoint_path(model);
  const bool resume = o.resume;
  check_training_name(library, name, resume);

  c10::InferenceMode no_inference(false);
  Checkpoint start;
  Recipe recipe;
  if (resume) {
    start = load_checkpoint(checkpoint_path);
    recipe = start.recipe;
    if (recipe.style_sha256 != style_sha256)
      throw Error("the stopped training '" + name +
                  "' learnt another style image; choose the same style image to resume it, or turn resume off");
  }
  // Checked before minutes of work. A resumed training keeps learning from its own photos unless others are given.
  const std::string photos_folder = resume && o.photos.empty() ? recipe.photos : o.photos;
  const std::vector<std::string> photo_list = photo_files(photos_folder);
  progress.report(0, "loading the feature network");
  std::unique_ptr<FeatureNetwork> features =
      load_feature_network(resume ? recipe.network : o.network, *ctx.library, ctx.device);
  if (!resume) recipe = recipe_from_options(o, style_sha256, features->name());

  StyleTrainSettings s;
  apply_recipe(recipe, s);
  s.iterations = o.iterations;
  const std::vector<at::Tensor> photos = read_training_photos(photo_list, s.size, progress.sub(0.0, 0.03));
  const at::Tensor style_tensor =
      resize_long_side(image_rgb_to_tensor(style), training_style_long_side(s.size)).to(ctx.device);

  std::unique_ptr<TransformNet> net =
      start.net ? std::move(start.net) : starting_network(library, o.start_from, recipe.seed, progress);
  net->to(ctx.device);
  std::error_code ec;
  fs::create_directories(fs::path(checkpoint_path).parent_path(), ec);
  int saved = 0;  // the iteration of the last checkpoint written in this run
  if (start.iteration < s.iterations) {
    s.first_iteration = start.iteration + 1;
    s.resume = resume ? &start.adam : nullptr;
    s.checkpoint_every = kCheckpointEvery;
    s.checkpoint = [&](int iteration, const AdamState& adam) {
      if (iteration >= s.iterations) return;
      save_transform_net_checkpoint(checkpoint_path, *net, adam, iteration, recipe.metadata());
      saved = iteration;
    };
    const Progress training = progress.sub(0.03, 0.97).prefixed("training '" + name + "'");
    try {
      train_style_network(*net, *features, style_tensor, photos, s, training);
    } catch (const Cancelled&) {
      if (saved > 0)
        progress.report(0.97, "stopped after iteration " + std::to_string(saved) +
                                  "; its checkpoint is kept: resume with the same name and resume on");
      throw;
    }
  }

  // "Stop and keep": the network as trained so far is saved; its checkpoint stays, so training can resume.
  const bool stopped_early = progress.finishing() && saved > 0 && saved < s.iterations;
  save_trained_style(library, name, *net, recipe, stopped_early ? saved : std::max(s.iterations, start.iteration),
                     style);
  if (stopped_early)
    progress.report(0.97, "stopped after iteration " + std::to_string(saved) + ": saved the style as '" + name +
                              "' as trained so far; resume with the same name and resume on to train on");
  else
    fs::remove(checkpoint_path, ec);
  if (!stopped_early)
    progress.report(0.97, "saved the style as '" + name + "' (Stylize, Instant method: " + name + ")");
  if (input.empty()) return Image();
  c10::InferenceMode inference;
  return feedforward_stylize(input, *net, 1.0, progress.sub(0.97, 1.0).prefixed("preview"));
}

// Costs on two CPU cores with InceptionV3 at the default settings (docs/benchmarks.md): seconds per training
// iteration grow with the crop's area.
CostEstimate train_style_cost(const ParamValues& v, int width, int height) {
  const TrainStyleOptions o = train_style_options(v);
  CostEstimate e = iterative_cost(o.size, o.size, 0, o.iterations, 13.5, 1500.0);
  e.seconds += 3.0 * width * height / 1e6;  // the preview (Stylize's Instant)
  return e;
}

}  // namespace

const Filter& train_style_filter() {
  static const Filter f{
      .name = "train-style",
      .menu_label = "Train _Instant Style...",
      .title = "Neural Train Instant Style",
      .blurb = "Train a fast style network on your own style image, for Stylize's Instant method",
      .help =
          "Trains a feed-forward network to repaint any photo in the style of one image, learning from a folder "
          "of photos (minutes to hours; a GPU is much faster). The network is saved in the model library under "
          "its name and Stylize's Instant method applies it in seconds. The new layer previews it on the active "
          "layer.",
      .params = make_params(),
      .run = run_train_style,
      .estimate = train_style_cost,
      .out_of_memory_advice = "lower the training size (size)",
      .makes_model = true};
  return f;
}

}  // namespace atelier
