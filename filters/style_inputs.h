#pragma once
// What the style-transfer filters (Stylize's Optimise method, Large Tiled Style) share: the parameters naming the
// style images and balancing style against content, and turning their values into optimisation targets.
#include <ATen/core/Tensor.h>

#include <vector>

#include "filters/filter.h"
#include "filters/gatys.h"

namespace atelier {

class FeatureNetwork;

// style-image, style-image-2, style-blend (GIMP and CLI) and the CLI's repeatable style / style-weight, each used
// when `used_when` holds.
std::vector<ParamSpec> style_image_params(const std::vector<ParamCondition>& used_when);
// style-strength (group "Style"), content-weight and tv-weight (group "Content").
std::vector<ParamSpec> style_balance_params(const std::vector<ParamCondition>& used_when);
// preserve-colors: off | luminance | histogram.
ParamSpec preserve_colors_param();

struct StyleImage {
  Image image;
  double weight = 1.0;
  // Where the style paints (Stylize's Arbitrary method): grey levels of the layer's size, 1 = the full style,
  // 0 = not there (the alpha multiplies them); empty = everywhere.
  Image mask{};
};

// The styles: the command line's repeated --style / --style-weight, else style-image / style-image-2 /
// style-blend (loads the files; clear errors if unreadable or none is given).
std::vector<StyleImage> styles_from_params(const ParamValues& values, const RunContext& ctx);

// The styles as targets seen at `long_side` pixels (at least the network's minimum), on the network's device;
// with preserve-colors = histogram each is first recoloured to `content`'s palette.
std::vector<StyleTarget> style_targets(const std::vector<StyleImage>& styles, const FeatureNetwork& net,
                                       int64_t long_side, const std::string& preserve_colors,
                                       const at::Tensor& content);

// Sets the style, content and smoothness weights of `settings` from style_balance_params' values.
void apply_style_balance(const ParamValues& values, GatysSettings& settings);

}  // namespace atelier
