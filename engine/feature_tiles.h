#pragma once
// A feature network's maps computed tile by tile. A layer of total stride s maps position j of a region that
// starts at pixel r0 (a multiple of s) to position j + r0 / s of the whole image's map, whose receptive field
// starts at pixel (j + r0 / s) x s. A position belongs to the tile whose core contains that pixel, so the tiles'
// core positions partition the whole image's map; with regions reaching past every core by the network's
// receptive field (Border::Clip), they hold the whole image's values.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/tiling.h"

namespace atelier {

class FeatureNetwork;

// Each layer's total stride (input pixels per map position), measured on two input sizes.
std::vector<int64_t> layer_strides(FeatureNetwork& net, const std::vector<std::string>& layers);

// The multiple of pixels tile cores and regions must start on for these strides (at least 32).
int64_t feature_tile_alignment(const std::vector<int64_t>& strides);

// The positions of `features` ([N,C,h,w], computed on tile.region) that belong to the tile's core.
at::Tensor core_features(const at::Tensor& features, const Tile& tile, int64_t stride);

// Adds each layer's Gram sum over the tile's core positions (gram_sum) to `sums` and their number to `positions`
// (layers without core positions are left as they are). features: extract()'s output for the tile's region.
void add_core_gram_sums(const std::map<std::string, at::Tensor>& features, const std::vector<std::string>& layers,
                        const std::vector<int64_t>& strides, const Tile& tile, std::vector<at::Tensor>& sums,
                        std::vector<double>& positions);

}  // namespace atelier
