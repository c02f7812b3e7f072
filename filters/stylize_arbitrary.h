#pragma once
// Stylize's Arbitrary method's parameters and networks (the painting itself: engine/arbitrary_stylize.h).
#include <string>
#include <vector>

#include "engine/arbitrary_stylize.h"
#include "filters/filter.h"
#include "filters/style_inputs.h"

namespace atelier {

// style-amount (0 = the layer's own look, 1 = the full style) and fit-steps, used when `used_when` holds.
std::vector<ParamSpec> arbitrary_params(const std::vector<ParamCondition>& used_when);

// Where each style paints: style-channel and style-channel-2 (GIMP: channels of the image) and the command line's
// repeatable style-mask (grey images of the input's size, one per --style in order), used when `used_when` holds.
std::vector<ParamSpec> style_region_params(const std::vector<ParamCondition>& used_when);
// style_region_params' values.
struct StyleRegions {
  std::vector<std::string> masks;  // the command line's --style-mask, in order ("" = everywhere)
  std::string channel, channel_2;  // style-channel, style-channel-2 ("" = none)
};
StyleRegions style_regions(const ParamValues& values);
// Sets each style's mask (StyleImage::mask), reading channels and files through ctx. Throws atelier::Error for
// more masks than styles or a region for a second style that is not given.
void read_style_regions(std::vector<StyleImage>& styles, const StyleRegions& regions, const RunContext& ctx);

// Default fit-steps: on tubingen x starry night the style loss falls from 0.26 to 0.07 in 10 steps and to 0.05 in
// 30; by eye (dog x starry night) 12 steps give the painting's palette and strokes with the subject readable, 40
// paint over more of it. The embedding InceptionV3 reads alone paints every style alike (nsfwjs' network is not
// the one Magenta's bottleneck was trained with).
inline constexpr int kDefaultFitSteps = 20;

// engine/arbitrary_stylize.h's arbitrary_stylize with the networks of ctx's library on ctx's device (Magenta's
// network read where the program keeps it unless the library has its own copy). Throws atelier::Error as
// check_arbitrary_styles, and with what to do for a missing InceptionV3.
Image arbitrary_stylize(const Image& input, const std::vector<StyleImage>& styles, const ArbitraryRequest& request,
                        const RunContext& ctx);

}  // namespace atelier
