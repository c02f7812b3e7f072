#pragma once
// Neural Dream: DeepDream with per-layer doses (torch-free header; the algorithm is in engine/deep_dream.h).
#include <string>
#include <utility>
#include <vector>

#include "filters/filter.h"

namespace atelier {

// Parameters (GIMP argument / Script-Fu keyword / CLI flag):
//   layers, depth, step-size, iterations, octaves, octave-scale, jitter, seed, keep-colors,
//   network (auto|inception_v3|vgg19), device (auto|cpu|cuda), size, layer-name (GIMP only),
//   input/output (CLI only).
const Filter& dream_filter();

// "mixed3:1.0, mixed4:-0.5" -> {{"mixed3", 1}, {"mixed4", -0.5}}. Pairs are separated by commas, semicolons or
// spaces; a layer without ":dose" gets dose 1; "" gives an empty list. Throws atelier::Error for malformed text
// (e.g. "dose of layer mixed3 must be a number") and for layers listed twice. Layer names are checked against a
// network by check_layer_names() (engine/deep_dream.h).
std::vector<std::pair<std::string, double>> parse_layer_doses(const std::string& text);

// The "don't care" choice of layers: depth 0 dreams on the network's shallowest dream layer, 1 on its deepest; in
// between it blends the two neighbouring layers (the nearer one at dose 1). `layer_names` is the network's list
// from input to output; when it has InceptionV3 block outputs (mixedN) or ReLU layers (reluN_M), only those are
// used, else every layer.
std::vector<std::pair<std::string, double>> layers_for_depth(const std::vector<std::string>& layer_names, double depth);

}  // namespace atelier
