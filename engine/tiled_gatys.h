#pragma once
// Gatys' loss of an image too large for one network pass, and its gradient, evaluated tile by tile with memory set
// by the tile: the same value and gradient as GatysLoss on the whole image, to float precision where a tile's
// context covers the network's receptive field (engine/feature_tiles.h). Pass 1 (no gradients) sums each style
// layer's Gram over the tiles' cores, which gives the whole image's style loss and its gradient with respect to
// each Gram. Pass 2 runs each tile forward and backward on a surrogate whose gradient is the whole image's: that
// Gram gradient (a constant) against the tile's own Gram sum, plus the tile's share of the content loss.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

#include "core/optimize.h"
#include "core/progress.h"
#include "core/tiling.h"
#include "engine/gatys.h"

namespace atelier {

class FeatureNetwork;

class TiledGatysLoss {
 public:
  // content: [1,3,H,W] in [0,1], host memory (undefined: no content term, size from `height`, `width`).
  // grams: the style targets. tile_size: the longest side of a tile's region; context: pixels each side of a
  // core (both rounded up to the network's alignment).
  TiledGatysLoss(FeatureNetwork& net, const at::Tensor& content, std::vector<at::Tensor> grams,
                 const GatysSettings& settings, int64_t tile_size, int64_t context, int64_t height = 0,
                 int64_t width = 0);

  // image: [1,3,H,W] on the host. Progress: "tile 3/12" per pass; checks cancel before every tile.
  LossAndGradient operator()(const at::Tensor& image, const Progress& progress = Progress()) const;

  size_t tiles() const { return phases_.front().plan.size(); }

 private:
  struct Phase {
    TilePlan plan;
    std::vector<std::vector<at::Tensor>> content_cores;  // [tile][content layer], host memory
    std::vector<double> content_norms;  // per content layer: the target's squared sum over the whole view
  };
  FeatureNetwork& net_;
  GatysSettings settings_;
  GatysLayers layers_;
  std::vector<at::Tensor> grams_;
  std::vector<int64_t> style_strides_, content_strides_;
  std::vector<Phase> phases_;
};

// gatys_optimize for an image of any size: the whole image is optimised at once (in host memory; L-BFGS's
// history shortened to fit `optimizer_bytes`), each evaluation tile by tile. content: host memory.
at::Tensor gatys_optimize_tiled(FeatureNetwork& net, const at::Tensor& content, const GatysSettings& settings,
                                int64_t tile_size, int64_t context, double optimizer_bytes, const Progress& progress);

}  // namespace atelier
