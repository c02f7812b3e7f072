// The filter list of the test plug-in binary `neural-atelier-test` (installed only into the tests' throwaway
// GIMP profile): one fast, deterministic filter with a parameter of every type, so the plug-in's mechanics
// (arguments, pixels, layers, masks, undo, errors, cancel) are tested independently of the neural filters.
#include <chrono>
#include <thread>

#include "core/error.h"
#include "core/image_io.h"
#include "filters/filter.h"
#include "models/model_library.h"
#include "plugin/plugin_filters.h"

namespace atelier::plugin {
namespace {

std::vector<ParamSpec> tint_params() {
  std::vector<ParamSpec> p;
  auto add = [&p](ParamSpec s) { p.push_back(std::move(s)); };
  ParamSpec s;
  s = {};
  s.name = "style-image", s.label = "St_yle image", s.help = "Tint with this image's mean colour.";
  s.type = ParamType::File, s.group = "Style";
  add(s);
  s = {};
  s.name = "color", s.label = "_Colour", s.help = "Tint colour when there is no style image.";
  s.type = ParamType::Choice, s.default_text = "red", s.group = "Style";
  s.choices = {{"red", "Red"}, {"green", "Green"}, {"blue", "Blue"}};
  add(s);
  s = {};
  s.name = "strength", s.label = "S_trength", s.help = "0 keeps the layer, 1 is the pure tint.";
  s.type = ParamType::Double, s.min = 0, s.max = 1, s.default_number = 0.5, s.group = "Effect";
  add(s);
  s = {};
  s.name = "iterations", s.label = "_Iterations", s.help = "Each one takes 20 ms (for progress and cancel).";
  s.type = ParamType::Int, s.min = 1, s.max = 1000, s.default_number = 3, s.group = "Effect";
  add(s);
  s = {};
  s.name = "invert", s.label = "In_vert first", s.help = "Invert the colours before tinting.";
  s.type = ParamType::Bool, s.default_bool = false, s.group = "Effect";
  add(s);
  s = {};
  s.name = "layer-name", s.label = "New layer _name", s.help = "Name of the new layer.";
  s.type = ParamType::String, s.default_text = "Test tint", s.scope = kGimp, s.group = "Output";
  s.role = ParamRole::kLayerName;
  add(s);
  s = {};
  s.name = "output", s.label = "_Output", s.help = "CLI only: must not become a GIMP argument.";
  s.type = ParamType::String, s.scope = kCli;
  add(s);
  return p;
}

Image tint(const Image& input, const ParamValues& v, const RunContext& ctx) {
  float color[3] = {0, 0, 0};
  if (!v.get_text("style-image").empty()) {
    Image style = ctx.read_image(v.get_text("style-image"));
    for (size_t i = 0; i < style.rgba.size(); i += 4)
      for (int c = 0; c < 3; ++c) color[c] += style.rgba[i + c];
    for (float& c : color) c /= static_cast<float>(style.rgba.size() / 4);
  } else {
    color[v.choice_index("color")] = 1.f;
  }
  // The tint grows with the iterations done, so that "Stop and Keep" gives a visibly partial result (and the
  // progress window a changing picture); a full run is the full strength.
  const float strength = static_cast<float>(v.get_double("strength"));
  auto tinted = [&](float s) {
    Image out = input;
    for (size_t i = 0; i < out.rgba.size(); i += 4)
      for (int c = 0; c < 3; ++c) {
        float x = v.get_bool("invert") ? 1.f - out.rgba[i + c] : out.rgba[i + c];
        out.rgba[i + c] = (1 - s) * x + s * color[c];
      }
    return out;
  };
  const int iterations = v.get_int("iterations");
  int done = 0;
  while (done < iterations && !ctx.progress.finishing()) {
    ctx.progress.check_cancel();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ++done;
    if (const SnapshotSink* sink = ctx.progress.snapshot_due()) sink->show(tinted(strength * done / iterations));
    ctx.progress.report(static_cast<double>(done) / iterations, "iteration " + std::to_string(done));
  }
  return tinted(strength * done / iterations);
}

std::vector<ParamSpec> needs_model_params() {
  ParamSpec s;
  s.name = "model", s.label = "_Model", s.help = "The model of the library that the run needs.";
  s.type = ParamType::String, s.default_text = "fast-style/mathura", s.scope = kGimp;
  return {s};
}

// Fails with ModelMissing like a neural filter whose network is not installed, so that the offer of the model
// manager can be tested (tests/gimp/models.sh offer); with the model there, inverts the layer.
Image needs_model(const Image& input, const ParamValues& v, const RunContext& ctx) {
  // Installed, not merely bundled: the offer is tested with a bundled network the library has no copy of.
  const ModelLibrary library(ctx.library->dir());
  const std::string& model = v.get_text("model");
  if (!library.installed(model))
    throw ModelMissing(model, "model '" + model + "' is not installed; " + library.how_to_install(model));
  Image out = input;
  for (size_t i = 0; i < out.rgba.size(); i += 4)
    for (int c = 0; c < 3; ++c) out.rgba[i + c] = 1.f - out.rgba[i + c];
  return out;
}

}  // namespace

const std::vector<const Filter*>& plugin_filters() {
  static const Filter filter{"test-tint", "Test _Tint...", "Test Tint", "Tints the layer (test filter)",
                             "",          tint_params(),   tint,        {}};
  static const Filter needs{"test-needs-model",
                            "Test _Needs Model...",
                            "Test Needs Model",
                            "Inverts the layer once a model is installed (test filter)",
                            "",
                            needs_model_params(),
                            needs_model,
                            {}};
  static const std::vector<const Filter*> filters = {&filter, &needs};
  return filters;
}

bool registers_model_manager() {
  return false;
}

}  // namespace atelier::plugin
