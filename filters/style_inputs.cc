#include "filters/style_inputs.h"

#include "core/error.h"
#include "core/numbers.h"

namespace atelier {
namespace {

// Internal weight scales that make the user-facing defaults (1.0) the tuned balance for InceptionV3.
constexpr double kStyleWeightScale = 100.0;
// (Measured on tubingen/scream at 256 px: 0.3 had no visible effect, 10-50 softens InceptionV3's stride-2 grid.)
constexpr double kTvWeightScale = 10;

ParamSpec with_condition(ParamSpec s, const std::vector<ParamCondition>& used_when) {
  s.used_when = used_when;
  return s;
}

}  // namespace

std::vector<ParamSpec> style_image_params(const std::vector<ParamCondition>& used_when) {
  std::vector<ParamSpec> p;
  p.push_back(text_param("style-image", "Style _image", "Painting or picture whose style is transferred",
                         ParamType::File, "", "Style"));
  p.push_back(layer_param("style-layer", "Style la_yer",
                          "A layer of any open image as the style instead of a file (none: the style image)", "Style",
                          "style-image", true));
  p.push_back(text_param("style-image-2", "Second style ima_ge (optional)",
                         "A second style blended with the first (leave empty for one style)", ParamType::File, "",
                         "Style"));
  p.push_back(number_param("style-blend", "Second style _blend",
                           "Share of the second style: 0 = only the first, 1 = only the second", ParamType::Double, 0,
                           1, 0.5, "Style"));
  // The command line takes any number of styles instead of style-image / style-image-2 / style-blend.
  p.push_back(text_param("style", "Style", "style image; repeat to blend several styles (replaces --style-image)",
                         ParamType::File, "", "Style", kCli));
  p.back().repeatable = true;
  p.push_back(number_param("style-weight", "Style weight", "blend weight of the corresponding --style (default 1)",
                           ParamType::Double, 0, 1e6, 1, "Style"));
  p.back().scope = kCli;
  p.back().repeatable = true;
  for (ParamSpec& s : p) s = with_condition(std::move(s), used_when);
  return p;
}

std::vector<ParamSpec> style_balance_params(const std::vector<ParamCondition>& used_when) {
  return {with_condition(number_param("style-strength", "Style s_trength",
                                      "How strongly the style is imposed relative to the content (1 = balanced)",
                                      ParamType::Double, 0.01, 100, 1, "Style"),
                         used_when),
          with_condition(number_param("content-weight", "Content _weight",
                                      "How much of the layer's structure is kept (higher = more faithful)",
                                      ParamType::Double, 0, 100, 1, "Content"),
                         used_when),
          with_condition(number_param("tv-weight", "Smoothn_ess",
                                      "Total-variation weight: higher gives smoother, less noisy results",
                                      ParamType::Double, 0, 100, 1, "Content"),
                         used_when)};
}

ParamSpec preserve_colors_param() {
  return choice_param("preserve-colors", "_Preserve colours",
                      "Keep the layer's colours: off, luminance (style only changes lightness), histogram (style image "
                      "recoloured to the layer's palette first)",
                      {{"off", "Off"}, {"luminance", "Luminance only"}, {"histogram", "Match histogram"}}, "off",
                      "Style");
}

ColorPreservation color_preservation(const ParamValues& v) {
  const std::string& text = v.get_text("preserve-colors");
  if (text == "luminance") return ColorPreservation::Luminance;
  if (text == "histogram") return ColorPreservation::Histogram;
  return ColorPreservation::Off;
}

ParamSpec start_param(const std::string& what_starts) {
  return choice_param(
      "init", "Start _from",
      what_starts +
          " starts from the content image in the style's colours (its colour distribution matched to "
          "the style image's: the result takes the painting's palette; with Preserve colours on, from "
          "the content image itself), from the content image, or from noise",
      {{"style-colors", "Content in the style's colours"}, {"content", "Content image"}, {"random", "Random noise"}},
      "style-colors", "Content");
}

StartFrom start_from(const ParamValues& v) {
  const std::string& text = v.get_text("init");
  if (text == "random") return StartFrom::Random;
  if (text == "style-colors" && color_preservation(v) == ColorPreservation::Off) return StartFrom::StyleColours;
  return StartFrom::Content;
}

StyleSources style_sources(const ParamValues& v) {
  StyleSources s;
  s.listed = v.get_list("style");
  for (const std::string& w : v.get_list("style-weight")) s.weights.push_back(*parse_double(w));  // checked when set
  s.first = read_layer_or_file(v, "style-layer");
  s.second = v.get_text("style-image-2");
  s.blend = v.get_double("style-blend");
  return s;
}

std::vector<StyleImage> read_styles(const StyleSources& s, const RunContext& ctx) {
  std::vector<StyleImage> styles;
  if (!s.listed.empty() || !s.weights.empty()) {
    if (s.weights.size() > s.listed.size())
      throw Error("more --style-weight values (" + std::to_string(s.weights.size()) + ") than styles (" +
                  std::to_string(s.listed.size()) + ")");
    for (size_t i = 0; i < s.listed.size(); ++i)
      styles.push_back({ctx.read_image(s.listed[i]), i < s.weights.size() ? s.weights[i] : 1.0});
    return styles;
  }
  const std::string first = s.first.chosen();
  if (first.empty())
    throw Error(
        "no style image: choose a style image or a style layer (style-image, style-layer; --style FILE "
        "on the command line)");
  styles.push_back({ctx.read_image(first), s.second.empty() ? 1.0 : 1.0 - s.blend});
  if (!s.second.empty()) styles.push_back({ctx.read_image(s.second), s.blend});
  return styles;
}

StyleBalance style_balance(const ParamValues& v) {
  return {v.get_double("style-strength"), v.get_double("content-weight"), v.get_double("tv-weight")};
}

void StyleBalance::apply(GatysSettings& g) const {
  g.style_weight = kStyleWeightScale * strength;
  g.content_weight = content;
  g.tv_weight = kTvWeightScale * smoothness;
}

}  // namespace atelier
