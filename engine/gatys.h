#pragma once
// Gatys et al. image optimisation on feature-network activations: style transfer (content + Gram style + total
// variation) and, with no content, texture synthesis.
#include <ATen/core/Tensor.h>

#include <functional>
#include <string>
#include <vector>

#include "core/optimize.h"
#include "core/progress.h"

namespace atelier {

class FeatureNetwork;

struct StyleTarget {
  at::Tensor image;     // [1,3,h,w] in [0,1], already at the scale it should be seen
  double weight = 1.0;  // blend weight among several styles (normalised)
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
  // leaves.
  bool phase_average = false;
  // The two phases go through the network as one batch of two images (one pass: a third less time on two CPU
  // cores, docs/benchmarks.md) rather than one after the other (the same loss; kept as the benchmarks' reference).
  bool batch_phases = true;
  uint64_t seed = 0;
  // Set: one more term of the loss, of the image being optimised (Stylize Frames' temporal consistency). Only
  // gatys_optimize() on a whole image applies it; pyramids and tiles must leave it unset.
  std::function<at::Tensor(const at::Tensor& image)> extra_loss{};
};

// Gram targets of the blended styles, per style layer ([1,C,C] each). tile > 0 bounds the memory: a style image
// with a side longer than `tile` is seen tile by tile (with context, only the cores' features counting) and each
// layer's Gram is the position-weighted mean of the tiles' Grams.
std::vector<at::Tensor> style_grams(FeatureNetwork& net, const std::vector<std::string>& layers,
                                    const std::vector<StyleTarget>& styles, int tile = 0);

// Each phase is the image seen from a different pixel offset, both one pixel smaller on each axis (0: without the
// last row and column; 1: without the first ones); one phase: the image itself.
int phase_count(const GatysSettings& settings);
at::Tensor phase_view(const at::Tensor& image, int phase, int phases = 2);
// Both phases of a two-phase setting as one batch [2,C,H-1,W-1]; one phase: the image itself.
at::Tensor phase_batch(const at::Tensor& image, int phases);

// The layers a run uses: the settings' or the network's defaults; no content layers without content.
struct GatysLayers {
  std::vector<std::string> style, content, all;
};
GatysLayers gatys_layers(FeatureNetwork& net, const GatysSettings& settings, bool has_content);

// The loss gatys_optimize minimises, for images of content's size: per phase, each style layer's gram_loss
// (weight style_weight / layers / phases) and each content layer's content_loss (content_weight / layers /
// phases), plus tv_weight x tv_loss. content undefined: texture synthesis (no content term).
class GatysLoss {
 public:
  GatysLoss(FeatureNetwork& net, const at::Tensor& content, std::vector<at::Tensor> grams,
            const GatysSettings& settings);
  at::Tensor operator()(const at::Tensor& image) const;

 private:
  FeatureNetwork& net_;
  GatysSettings settings_;
  GatysLayers layers_;
  std::vector<at::Tensor> grams_;
  // [phase][content layer]; batched phases: [0][content layer], both phases in the batch.
  std::vector<std::vector<at::Tensor>> content_targets_;
  // The losses' constant denominators, computed once: 1 / (||T||^2 + eps) per style layer, and per content target
  // and batch item.
  std::vector<double> gram_scales_;
  std::vector<std::vector<std::vector<double>>> content_scales_;
};

// Throws atelier::Error when an h x w image is smaller than the network accepts.
void require_network_size(FeatureNetwork& net, int64_t h, int64_t w);

// The optimisation's first image: settings.init, else noise (random_init or no content), else the content; h x w,
// on `device`.
at::Tensor gatys_start_image(const at::Tensor& content, const GatysSettings& settings, int64_t h, int64_t w,
                             c10::Device device);

// Optimises an image of content's size (or of `size` when content is undefined: texture synthesis).
// content: [1,3,H,W] in [0,1] on the network's device. Returns [1,3,H,W] clamped to [0,1].
at::Tensor gatys_optimize(FeatureNetwork& net, const at::Tensor& content, const std::vector<StyleTarget>& styles,
                          const GatysSettings& settings, const Progress& progress,
                          const IterationCallback& on_iteration = {}, std::pair<int64_t, int64_t> size = {0, 0});

}  // namespace atelier
