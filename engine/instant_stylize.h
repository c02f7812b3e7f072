#pragma once
// A feed-forward style network on a whole image (Stylize's Instant and Arbitrary methods, Stylize Frames) and the
// colour preservation after it.
#include <vector>

#include "core/image.h"
#include "core/progress.h"
#include "engine/style_image.h"

namespace atelier {

class TransformNet;

// The network on `input` (feedforward_stylize), then the colours: Luminance keeps the input's lightness;
// Histogram recolours the network's palette to the input's (the style lives in the network, so instead of
// recolouring the style image first, as Optimise does, the result is recoloured).
// region_weights: FeedforwardOptions::region_weights, for a network conditioned per region.
Image instant_stylize(const Image& input, const TransformNet& net, double style_scale, ColorPreservation colors,
                      const Progress& progress, std::vector<std::vector<float>> region_weights = {});

}  // namespace atelier
