#pragma once
// Gatys et al. image optimisation on feature-network activations: style transfer (content + Gram style + total
// variation) and, with no content, texture synthesis.
#include <ATen/core/Tensor.h>

#include <string>
#include <vector>

#include "core/optimize.h"
#include "core/progress.h"

namespace atelier {

class FeatureNetwork;

struct StyleTarget {
  at::Tensor image;      // [1,3,h,w] in [0,1], already at the scale it should be seen
  double weight = 1.0;   // blend weight among several styles (normalised)
};

struct GatysSettings {
  std::vector<std::string> style_layers;    // empty = network defaults
  std::vector<std::string> content_layers;  // empty = network defaults
  double style_weight = 100.0;
  double content_weight = 1.0;
  double tv_weight = 3e-3;
  OptimizeSettings optimizer;
  bool random_init = false;  // else start from the content image
  at::Tensor init;           // defined: start from this image ([1,3,H,W] of content's size) instead
  // Defined: the style targets (style_grams() for the style layers), shared by several runs (the tiles of a large
  // image); `styles` is then not used.
  std::vector<at::Tensor> grams;
  // Average the losses over two pixel phases (offset 0 and 1): removes the grid a strided first layer (InceptionV3)
  // leaves, at twice the cost per iteration.
  bool phase_average = false;
  uint64_t seed = 0;
};

// Gram targets of the blended styles, per style layer ([1,C,C] each). tile > 0 bounds the memory: a style image
// with a side longer than `tile` is seen tile by tile (with context, only the cores' features counting) and each
// layer's Gram is the position-weighted mean of the tiles' Grams.
std::vector<at::Tensor> style_grams(FeatureNetwork& net, const std::vector<std::string>& layers,
                                    const std::vector<StyleTarget>& styles, int tile = 0);

// Optimises an image of content's size (or of `size` when content is undefined: texture synthesis).
// content: [1,3,H,W] in [0,1] on the network's device. Returns [1,3,H,W] clamped to [0,1].
at::Tensor gatys_optimize(FeatureNetwork& net, const at::Tensor& content, const std::vector<StyleTarget>& styles,
                          const GatysSettings& settings, const Progress& progress,
                          const IterationCallback& on_iteration = {}, std::pair<int64_t, int64_t> size = {0, 0});

}  // namespace atelier
