// `atelier bench --quality`: how strongly and how crisply Stylize (or Large Tiled Style) paints, judged by measures
// that none of its methods optimises, beside a reference picture of the same pair (e.g. the classic VGG-19 result).
#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "bench/benchmarks.h"
#include "bench/random_vgg19.h"
#include "core/error.h"
#include "core/image_io.h"
#include "core/image_statistics.h"
#include "core/image_tensor.h"
#include "core/losses/losses.h"
#include "filters/cost.h"
#include "filters/filter.h"
#include "filters/machine_speed.h"
#include "filters/stylize.h"
#include "models/feature_network.h"
#include "models/mobilenet_v2.h"
#include "models/model_library.h"
#include "models/vgg19.h"

namespace atelier {
namespace {

using Clock = std::chrono::steady_clock;

// "PHOTO:PAINTING[:REFERENCE]".
struct Triple {
  std::string photo, painting, reference;
};

Triple parse_triple(const std::string& text) {
  Triple t;
  const size_t a = text.find(':');
  if (a == std::string::npos) throw Error("--quality expects PHOTO:PAINTING[:REFERENCE] triples, got '" + text + "'");
  t.photo = text.substr(0, a);
  const size_t b = text.find(':', a + 1);
  t.painting = text.substr(a + 1, b == std::string::npos ? std::string::npos : b - a - 1);
  if (b != std::string::npos) t.reference = text.substr(b + 1);
  for (const std::string& f : {t.photo, t.painting, t.reference})
    if (!f.empty() && !std::filesystem::is_regular_file(f)) throw Error("--quality: no such file '" + f + "'");
  return t;
}

// "NAME" or "NAME:key=value;key=value": the filter's values by their names; the key `filter` names the filter
// (Stylize, else any filter that paints a layer in a style image's style: Large Tiled Style).
struct Config {
  std::string name;
  const Filter* filter = &stylize_filter();
  std::vector<std::pair<std::string, std::string>> values;
};

const Filter& style_filter_named(const std::string& config, const std::string& name) {
  for (const Filter* f : all_filters()) {
    if (cli_command(*f) != name && f->name != name) continue;
    const bool paints_a_layer =
        !f->run_frames &&
        std::any_of(f->params.begin(), f->params.end(), [](const ParamSpec& p) { return p.name == "style-image"; });
    if (!paints_a_layer) break;
    return *f;
  }
  throw Error("--config " + config + ": filter=" + name +
              " is not a filter that paints a layer in a style image's style (stylize, large-style)");
}

Config parse_config(const std::string& text) {
  Config c;
  const size_t colon = text.find(':');
  c.name = text.substr(0, colon);
  if (c.name.empty()) throw Error("--config expects NAME[:KEY=VALUE;...], got '" + text + "'");
  if (colon == std::string::npos) return c;
  const std::string rest = text.substr(colon + 1);
  for (size_t start = 0; start <= rest.size();) {
    const size_t end = std::min(rest.find(';', start), rest.size());
    const std::string item = rest.substr(start, end - start);
    start = end + 1;
    if (item.empty()) continue;
    const size_t eq = item.find('=');
    if (eq == std::string::npos || eq == 0)
      throw Error("--config " + c.name + ": expected KEY=VALUE, got '" + item + "'");
    if (item.substr(0, eq) == "filter")
      c.filter = &style_filter_named(c.name, item.substr(eq + 1));
    else
      c.values.emplace_back(item.substr(0, eq), item.substr(eq + 1));
  }
  return c;
}

// The filter's values for one configuration (throws atelier::Error naming an unknown key or a bad value).
ParamValues values_of(const Config& config, const std::string& painting, const std::string& device) {
  ParamValues v(config.filter->params);
  v.set_text("device", device);
  v.set_text("style-image", painting);
  for (const auto& [key, value] : config.values) {
    try {
      v.set_from_string(key, value);
    } catch (const Error& e) {
      throw Error("--config " + config.name + ": " + e.what());
    }
  }
  return v;
}

// The configurations, each checked before any work.
std::vector<Config> configs_of(const BenchOptions& o) {
  std::vector<Config> configs;
  for (const std::string& text : o.quality_configs) configs.push_back(parse_config(text));
  if (configs.empty()) configs = {parse_config("default"), parse_config("arbitrary:method=arbitrary")};
  for (const Config& c : configs) values_of(c, "", o.device);
  return configs;
}

// A referee: a feature network no filter optimises with, whose Gram matrices at several depths judge how far a
// result's texture is from the painting's.
class Referee {
 public:
  Referee(std::unique_ptr<FeatureNetwork> net, std::vector<std::string> layers)
      : net_(std::move(net)), layers_(std::move(layers)) {}

  // The Gram matrices of an image [1,3,H,W], one per layer.
  std::vector<at::Tensor> grams(const at::Tensor& image) {
    c10::InferenceMode guard;
    const auto features = net_->extract(image.to(net_->device()), layers_);
    std::vector<at::Tensor> out;
    for (const std::string& layer : layers_) out.push_back(gram_matrix(features.at(layer)));
    return out;
  }

  // Mean over the layers of ||G_a - G_target|| / ||G_target||.
  double distance(const at::Tensor& a, const std::vector<at::Tensor>& target) {
    const std::vector<at::Tensor> ga = grams(a);
    double sum = 0;
    for (size_t i = 0; i < ga.size(); ++i) sum += ((ga[i] - target[i]).norm() / target[i].norm()).item<double>();
    return sum / static_cast<double>(ga.size());
  }

 private:
  std::unique_ptr<FeatureNetwork> net_;
  std::vector<std::string> layers_;
};

// A VGG-19 with random weights: random convolutional features describe textures well enough to synthesise them
// (Ustyuzhaninov et al. 2017, "What does it take to generate natural textures?").
Referee random_vgg19_referee() {
  return Referee(load_vgg19(random_vgg19(std::filesystem::temp_directory_path().string()), at::kCPU),
                 {"relu1_1", "relu2_1", "relu3_1", "relu4_1"});
}

// nsfwjs' MobileNetV2, trained on photographs like the network Stylize paints with, but another architecture.
Referee mobilenet_v2_referee(const ModelLibrary& library) {
  auto net = load_mobilenet_v2(library.path("mobilenet_v2"), at::kCPU);
  std::vector<std::string> layers = net->default_style_layers();
  return Referee(std::move(net), std::move(layers));
}

// The two referees and the painting's Gram matrices on each (computed once per pair).
struct Referees {
  Referee& vgg;
  Referee& mobilenet;
  std::vector<at::Tensor> vgg_painting, mobilenet_painting;
};

struct Measures {
  double texture = 0, colour = 0, referee = 0, mobilenet = 0, edges = 0, detail = 0;
};

// The picture's distances to the painting: the filter bank's, the colours' and both referees'.
Measures distances_to_painting(const at::Tensor& image, const at::Tensor& painting, Referees& referees) {
  Measures d;
  d.texture = filter_bank_texture_distance(image, painting);
  d.colour = colour_histogram_distance(image, painting);
  d.referee = referees.vgg.distance(image, referees.vgg_painting);
  d.mobilenet = referees.mobilenet.distance(image, referees.mobilenet_painting);
  return d;
}

// photo_distances: the photo's own distances_to_painting, which the result's are divided by.
Measures measure(const at::Tensor& result, const at::Tensor& photo, const at::Tensor& painting, Referees& referees,
                 const Measures& photo_distances) {
  Measures m = distances_to_painting(result, painting, referees);
  m.texture /= photo_distances.texture;
  m.colour /= photo_distances.colour;
  m.referee /= photo_distances.referee;
  m.mobilenet /= photo_distances.mobilenet;
  m.edges = gradient_correlation(result, photo);
  m.detail = high_frequency_ratio(result, photo);
  return m;
}

// seconds and estimate: the run's time and the dialog's estimate of it (0 for the reference).
void print(int pair, const Triple& t, const std::string& config, const Image& out, double seconds, double estimate,
           const Measures& m, const std::string& saved) {
  std::printf(
      "{\"impl\": \"atelier-cpp\", \"benchmark\": \"quality\", \"pair\": %d, \"photo\": \"%s\", \"painting\": "
      "\"%s\", \"config\": \"%s\", \"width\": %d, \"height\": %d, \"seconds\": %.1f, \"estimate_seconds\": %.1f, "
      "\"texture_ratio\": %.3f, \"colour_ratio\": %.3f, \"referee_ratio\": %.3f, \"mobilenet_ratio\": %.3f, "
      "\"edge_correlation\": %.3f, \"high_frequency_ratio\": %.3f, \"image\": \"%s\"}\n",
      pair, t.photo.c_str(), t.painting.c_str(), config.c_str(), out.width, out.height, seconds, estimate, m.texture,
      m.colour, m.referee, m.mobilenet, m.edges, m.detail, saved.c_str());
  std::fflush(stdout);
}

}  // namespace

void run_quality_benchmarks(const BenchOptions& o) {
  std::vector<Triple> triples;
  for (const std::string& text : o.quality_pairs) triples.push_back(parse_triple(text));
  const std::vector<Config> configs = configs_of(o);
  Referee vgg = random_vgg19_referee();
  Referee mobilenet = mobilenet_v2_referee(ModelLibrary());
  // This machine's speed, as the dialog scales its estimates by it.
  const MachineSpeed speed = report_machine_speed(ModelLibrary().dir());
  if (!o.output_dir.empty()) std::filesystem::create_directories(o.output_dir);
  int index = 0;
  for (const Triple& t : triples) {
    ++index;
    const std::string prefix = o.output_dir + "/pair" + std::to_string(index) + "-";
    const Image reference = t.reference.empty() ? Image{} : load_image(t.reference);
    Image content = load_image(t.photo);
    content = reference.empty()
                  ? resize_long_side(content, o.quality_size)
                  : tensor_to_image(resize(image_rgb_to_tensor(content), reference.height, reference.width));
    // The painting as the result is judged against: its long side the result's (the texture statistics depend on
    // the scale of the strokes).
    const Image painting = resize_long_side(load_image(t.painting), std::max(content.width, content.height));
    const at::Tensor photo = image_rgb_to_tensor(content), style = image_rgb_to_tensor(painting);
    Referees referees{vgg, mobilenet, vgg.grams(style), mobilenet.grams(style)};
    const Measures own = distances_to_painting(photo, style, referees);
    if (!o.output_dir.empty()) {
      save_image(prefix + "photo.jpg", content);
      save_image(prefix + "painting.jpg", painting);
    }
    Measures by_reference;
    if (!reference.empty()) {
      by_reference = measure(image_rgb_to_tensor(reference), photo, style, referees, own);
      if (!o.output_dir.empty()) save_image(prefix + "reference.jpg", reference);
      print(index, t, "reference", reference, 0, 0, by_reference, o.output_dir.empty() ? "" : prefix + "reference.jpg");
    }
    for (const Config& config : configs) {
      const ParamValues v = values_of(config, t.painting, o.device);
      const auto t0 = Clock::now();
      const Image out = run_filter(*config.filter, content, v, RunContext{});
      const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
      const std::string saved = o.output_dir.empty() ? "" : prefix + config.name + ".jpg";
      if (!saved.empty()) save_image(saved, out);
      const Measures m = measure(image_rgb_to_tensor(out), photo, style, referees, own);
      const double estimate = estimate_cost(*config.filter, v, content.width, content.height, speed).seconds;
      print(index, t, config.name, out, seconds, estimate, m, saved);
      if (reference.empty()) continue;
      // The goals of docs/quality.md: the style distances at most twice the reference's, the edges at least its.
      std::printf(
          "{\"impl\": \"atelier-cpp\", \"benchmark\": \"quality_vs_reference\", \"pair\": %d, \"config\": \"%s\", "
          "\"texture_over_reference\": %.2f, \"referee_over_reference\": %.2f, \"mobilenet_over_reference\": %.2f, "
          "\"colour_over_reference\": %.2f, \"edge_over_reference\": %.2f, \"detail_over_reference\": %.2f}\n",
          index, config.name.c_str(), m.texture / by_reference.texture, m.referee / by_reference.referee,
          m.mobilenet / by_reference.mobilenet, m.colour / by_reference.colour, m.edges / by_reference.edges,
          m.detail / by_reference.detail);
      std::fflush(stdout);
    }
  }
}

}  // namespace atelier
