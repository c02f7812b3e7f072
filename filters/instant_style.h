#pragma once
// Stylize's Instant method, shared with Stylize Frames: a feed-forward style network of the model library
// (bundled, imported or trained) and the colour preservation after it.
#include <memory>
#include <string>
#include <vector>

#include "filters/filter.h"

namespace atelier {

class TransformNet;

// fast-model: the network, used when `used_when` holds.
ParamSpec instant_network_param(std::vector<ParamCondition> used_when);

// The library's fast-style/NICK on ctx's device, installed first when it is a bundled one not installed yet. The
// library is read afresh: the style may have been trained since the host opened it.
std::shared_ptr<TransformNet> load_instant_network(const std::string& nick, const RunContext& ctx);

// The network on `input` (feedforward_stylize), then preserve_colors: luminance keeps the input's lightness;
// histogram recolours the network's palette to the input's (the style lives in the network, so instead of
// recolouring the style image first, as Optimise does, the result is recoloured).
// region_weights: FeedforwardOptions::region_weights, for a network conditioned per region.
Image instant_stylize(const Image& input, const TransformNet& net, double style_scale,
                      const std::string& preserve_colors, const Progress& progress,
                      std::vector<std::vector<float>> region_weights = {});

}  // namespace atelier
