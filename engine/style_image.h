#pragma once
// The style images of the style-transfer engines (Optimise, the style pyramid, Arbitrary) and how the layer's
// colours are kept: what the filters hand down, free of parameter values.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

#include "core/image.h"
#include "engine/gatys.h"

namespace atelier {

class FeatureNetwork;

struct StyleImage {
  Image image;
  double weight = 1.0;
  // Where the style paints (Stylize's Arbitrary method): grey levels of the layer's size, 1 = the full style,
  // 0 = not there (the alpha multiplies them); empty = everywhere.
  Image mask{};
};

// How much of the layer's colour a stylised result keeps.
enum class ColorPreservation {
  Off,        // the style's colours
  Luminance,  // the style changes only the lightness
  Histogram,  // the style is recoloured to the layer's palette (before optimising; after a feed-forward network)
};

// The styles as targets seen at `long_side` pixels (at least the network's minimum), on the network's device;
// with ColorPreservation::Histogram each is first recoloured to `content`'s palette.
std::vector<StyleTarget> style_targets(const std::vector<StyleImage>& styles, const FeatureNetwork& net,
                                       int64_t long_side, ColorPreservation colors, const at::Tensor& content);

// `content` ([1,3,H,W] in [0,1], any device) with the colour distribution of the heaviest style
// (match_colour_distribution): where the optimisation starts when it should take the painting's palette.
at::Tensor content_in_style_colours(const at::Tensor& content, const std::vector<StyleImage>& styles);

// The colours of `styles` as one [1,3,1,N] image on the CPU, each style's pixels (seen at most 512 px on the long
// side) taking a share of N proportional to its weight; styles of weight 0 add none. What a result is recoloured to
// when it should take the palette of a blend of paintings. Throws atelier::Error when no style has a weight above 0.
at::Tensor style_palette(const std::vector<const StyleImage*>& styles);

}  // namespace atelier
