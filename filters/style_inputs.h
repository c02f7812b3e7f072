#pragma once
// What the style-transfer filters (Stylize, Stylize Frames, Large Tiled Style, Train Instant Style) share: the
// parameters naming the style images and balancing style against content and keeping colours, their values read
// into typed structs, and the styles read for the engine (engine/style_image.h).
#include <string>
#include <vector>

#include "engine/gatys.h"
#include "engine/style_image.h"
#include "filters/filter.h"

namespace atelier {

// style-image, style-image-2, style-blend (GIMP and CLI) and the CLI's repeatable style / style-weight, each used
// when `used_when` holds.
std::vector<ParamSpec> style_image_params(const std::vector<ParamCondition>& used_when);
// style-strength (group "Style"), content-weight and tv-weight (group "Content").
std::vector<ParamSpec> style_balance_params(const std::vector<ParamCondition>& used_when);
// preserve-colors: off | luminance | histogram.
ParamSpec preserve_colors_param();
// preserve-colors' value.
ColorPreservation color_preservation(const ParamValues& values);

// init: where an optimisation starts (Stylize's Optimise method, Large Tiled Style's first level).
ParamSpec start_param(const std::string& what_starts);
enum class StartFrom { Content, StyleColours, Random };
// init's value; StyleColours only with preserve-colors off (kept colours and a start in the painting's disagree):
// Content otherwise.
StartFrom start_from(const ParamValues& values);

// The styles style_image_params' values name, before any is read.
struct StyleSources {
  std::vector<std::string> listed;  // the command line's repeated --style, in order
  std::vector<double> weights;      // its --style-weight values, in order
  LayerOrFile first;                // style-layer, else style-image
  std::string second;               // style-image-2
  double blend = 0.5;               // style-blend: the second style's share
};
StyleSources style_sources(const ParamValues& values);

// The styles: the listed ones with their weights (1 where none is given), else the first and second blended.
// Loads the files; clear errors if unreadable, for more weights than styles, or when none is given.
std::vector<StyleImage> read_styles(const StyleSources& sources, const RunContext& ctx);

// style_balance_params' values as the user sees them (1 = the tuned balance).
struct StyleBalance {
  double strength = 1, content = 1, smoothness = 1;
  // The style, content and smoothness weights of `settings`.
  void apply(GatysSettings& settings) const;
};
StyleBalance style_balance(const ParamValues& values);

}  // namespace atelier
