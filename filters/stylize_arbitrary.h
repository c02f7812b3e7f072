#pragma once
// Stylize's Arbitrary method: any style image, in one pass of Magenta's arbitrary-style network at the layer's
// resolution (models/arbitrary_style.h), with a style amount and several styles blended.
#include <ATen/core/Tensor.h>

#include <string>
#include <vector>

#include "filters/filter.h"
#include "filters/style_inputs.h"

namespace atelier {

class ArbitraryStyle;
class FeatureNetwork;

// style-amount (0 = the layer's own look, 1 = the full style) and fit-steps, used when `used_when` holds.
std::vector<ParamSpec> arbitrary_params(const std::vector<ParamCondition>& used_when);

// Where each style paints: style-channel and style-channel-2 (GIMP: channels of the image) and the command line's
// repeatable style-mask (grey images of the input's size, one per --style in order), used when `used_when` holds.
std::vector<ParamSpec> style_region_params(const std::vector<ParamCondition>& used_when);
// Sets each style's mask (StyleImage::mask) from style_region_params' values, reading channels and files through
// ctx. Throws atelier::Error for more masks than styles or a region for a second style that is not given.
void read_style_regions(std::vector<StyleImage>& styles, const ParamValues& values, const RunContext& ctx);

// The long side at which a style's embedding is fitted to the layer.
inline constexpr int64_t kFitLongSide = 256;
// Default fit-steps: on tubingen x starry night the style loss falls from 0.26 to 0.07 in 10 steps and to 0.05 in
// 30; by eye (dog x starry night) 12 steps give the painting's palette and strokes with the subject readable, 40
// paint over more of it. The embedding InceptionV3 reads alone paints every style alike (nsfwjs' network is not
// the one Magenta's bottleneck was trained with).
inline constexpr int kDefaultFitSteps = 20;

struct ArbitraryRequest {
  double amount = 1.0;       // style-amount
  double style_scale = 1.0;  // the layer is painted at its size divided by this
  std::string preserve_colors = "off";
  // fit-steps: Adam steps refining each style's embedding on the layer scaled to kFitLongSide, with the Gatys
  // losses weighted as below (Stylize's style-strength, content-weight, tv-weight); 0 = the embedding as
  // InceptionV3 reads it.
  int fit_steps = 0;
  double style_weight = 100, content_weight = 1, tv_weight = 10;
};

// Refines a style's embedding (`start`, as ArbitraryStyle::embed reads it) with request.fit_steps Adam steps so
// that the network paints `content` (the layer at kFitLongSide, [1,3,h,w] on the model's device) in `style` as
// Stylize's Optimise method would judge it (StyleTrainingObjective: the Gram, content and smoothness losses on
// InceptionV3, weighted as the request says).
at::Tensor fit_embedding(const ArbitraryStyle& model, FeatureNetwork& inception, const at::Tensor& content,
                         const at::Tensor& style, const at::Tensor& start, const ArbitraryRequest& request,
                         const Progress& progress);

// Paints `input` in the blend of `styles` (weights need not sum to 1; they must not sum to 0): each style's
// embedding read (and fitted), blended by weight, moved toward the layer's own by `amount`, then one pass of the
// network over the layer at its resolution, tiled when large. Styles with a mask paint where it says: the
// network's normalisation takes each pixel's scale and shift from the styles there, blended by mask times weight
// (so the statistics change region by region, soft where the masks are); pixels that no style covers keep the
// layer's own (partly covered ones are mixed). Loads the network (installing the bundled one the first time) and
// InceptionV3 from ctx's library. Throws atelier::Error with what to do for a missing InceptionV3, no styles,
// weights summing to 0 or a mask of another size than the layer; Cancelled when cancelled.
Image arbitrary_stylize(const Image& input, const std::vector<StyleImage>& styles, const ArbitraryRequest& request,
                        const RunContext& ctx);

}  // namespace atelier
