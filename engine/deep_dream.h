#pragma once
// DeepDream (Mordvintsev et al.; google/deepdream, torch-inception's neural_dream): gradient ascent on the input
// image to amplify what chosen layers of a feature network see, over an image pyramid (octaves).
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/progress.h"

namespace atelier {

class FeatureNetwork;

using LayerDoses = std::vector<std::pair<std::string, double>>;

struct DreamSettings {
  // Layer name and dose: a positive dose amplifies what the layer sees, a negative one suppresses it, 0 ignores it.
  LayerDoses layers;
  double step_size = 0.01;  // per step, on the gradient normalised by its mean absolute value
  int iterations = 20;      // steps per octave
  int octaves = 4;          // pyramid levels (coarse octaves smaller than the network's minimum are skipped)
  double octave_scale = 1.4;
  int jitter = 8;  // random roll of the image by up to this many pixels each step (rolled back afterwards)
  uint64_t seed = 0;
};

// rgb01: [1,3,H,W] RGB in [0,1], at least network.min_input_size() on each side (any device; the result is on the
// same device). Loss = sum over layers of dose * mean(activation^2). Deterministic for a seed; all doses 0 returns
// the input unchanged. Reports progress and checks for cancellation every step (throws Cancelled).
// Throws atelier::Error for unknown layers, bad settings or a too small image.
at::Tensor deep_dream(FeatureNetwork& network, const at::Tensor& rgb01, const DreamSettings& settings,
                      const Progress& progress = {});

// sum over layers of dose * mean(activation^2) for an image, without gradients (what deep_dream increases).
double dream_objective(FeatureNetwork& network, const at::Tensor& rgb01, const LayerDoses& layers);

// Throws atelier::Error naming the unknown layer and listing `valid` ones if any layer of `doses` is not in it.
void check_layer_names(const LayerDoses& doses, const std::vector<std::string>& valid, const std::string& network);

// Octave sizes (h, w), from the coarsest to the full size, each octave_scale times the previous; octaves whose
// shorter side would fall below min_side are left out.
std::vector<std::pair<int64_t, int64_t>> octave_sizes(int64_t h, int64_t w, int octaves, double octave_scale,
                                                      int64_t min_side);

}  // namespace atelier
