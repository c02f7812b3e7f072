#pragma once
// What the style-transfer filters (Stylize's Optimise method, Large Tiled Style) share: the parameters naming the
// style images and balancing style against content and keeping colours, and reading their values for the engine
// (engine/style_image.h).
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

// The styles: the command line's repeated --style / --style-weight, else style-image / style-image-2 /
// style-blend (loads the files; clear errors if unreadable or none is given).
std::vector<StyleImage> styles_from_params(const ParamValues& values, const RunContext& ctx);

// Sets the style, content and smoothness weights of `settings` from style_balance_params' values.
void apply_style_balance(const ParamValues& values, GatysSettings& settings);

}  // namespace atelier
