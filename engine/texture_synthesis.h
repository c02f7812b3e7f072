#pragma once
// Texture synthesis from one source texture on a feature network: the texture loss (Gram or sliced Wasserstein,
// optionally periodic so that results tile), direct optimisation coarse to fine (Gatys et al. 2015), and training
// a Texture Network generator (Ulyanov et al. 2016) that afterwards samples any size in one pass.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/image.h"
#include "core/progress.h"
#include "models/texture_generator.h"

namespace atelier {

class FeatureNetwork;

enum class TextureLossKind { Gram, Sliced };
TextureLossKind texture_loss_from_name(const std::string& name);  // "gram" | "sliced"

// How far images are from the source texture's statistics, per layer of the feature network.
class TextureObjective {
 public:
  // source: [1,3,h,w] in [0,1], at the scale its features should appear. periodic: images are seen as tiles that
  // repeat (circular padding before the network, only their own positions counting), so that the loss also
  // judges the wrap-around seams.
  TextureObjective(FeatureNetwork& net, const at::Tensor& source, std::vector<std::string> layers, TextureLossKind kind,
                   bool periodic);
  // images: [N,3,H,W] in [0,1] on the network's device. The sliced loss projects on random directions drawn from
  // `seed` (draw new ones every step: the expected loss then covers all directions).
  at::Tensor loss(const at::Tensor& images, uint64_t seed) const;
  // The per-layer features of images as the loss sees them (periodic: without the padding).
  std::vector<at::Tensor> features(const at::Tensor& images) const;

 private:
  FeatureNetwork& net_;
  std::vector<std::string> layers_;
  TextureLossKind kind_;
  bool periodic_;
  std::vector<at::Tensor> targets_;  // Gram: [1,C,C] per layer; sliced: the source's features [1,C,h,w]
};

// A source image as the losses see it: RGB, its long side limited to 1024 px (its statistics are what matters,
// and the network's memory grows with its area), then scaled by `scale` (the motif size), on `device`.
at::Tensor texture_source(const Image& source, double scale, at::Device device);

// Bilinear resize of a periodic image ([N,C,H,W]): neighbours wrap around the edges, so the result still tiles.
at::Tensor resize_periodic(const at::Tensor& x, int64_t height, int64_t width);

struct TextureOptimizeSettings {
  int64_t width = 256, height = 256;
  int octaves = 3;       // levels coarse to fine, each twice the size of the one before
  int iterations = 100;  // L-BFGS iterations at the coarsest level; each finer one gets half (at least 10)
  TextureLossKind loss = TextureLossKind::Sliced;
  bool periodic = false;            // the result tiles without a seam
  std::vector<std::string> layers;  // empty = the network's default style layers
  uint64_t seed = 0;                // of the starting noise (and the sliced loss's directions)
};

// Synthesises a texture from noise, coarse to fine: each level sees the source scaled as the level is (so
// structures larger than the network's receptive field are laid out at the coarse levels) and starts from the
// level below. source: [1,3,h,w] in [0,1] at the scale of the full-size result. Returns [1,3,H,W] in [0,1] on the
// network's device. Progress: "level 2/3: iteration i/N, loss L".
at::Tensor optimize_texture(FeatureNetwork& net, const at::Tensor& source, const TextureOptimizeSettings& settings,
                            const Progress& progress);

struct TextureTrainSettings {
  TextureGeneratorConfig generator;
  int iterations = 600;
  int batch = 2;
  int64_t sample_size = 192;  // side of the square samples trained on
  double learning_rate = 0.02;
  TextureLossKind loss = TextureLossKind::Sliced;
  std::vector<std::string> layers;  // empty = the network's default style layers
  uint64_t seed = 0;
};

// Trains a generator from scratch against the source's texture statistics (periodic when the generator is
// tileable). Progress: "training: iteration i/N, loss L". Throws Cancelled, or atelier::Error when training
// diverges.
TextureGenerator train_texture_generator(FeatureNetwork& net, const at::Tensor& source,
                                         const TextureTrainSettings& settings, const Progress& progress);

}  // namespace atelier
