#pragma once
// Texture Networks (Ulyanov et al. 2016, with the instance normalisation of "Improved Texture Networks"): a small
// feed-forward generator that turns noise at several scales into a texture sample in one pass. It is trained once
// per source texture (against a texture loss computed elsewhere); afterwards a sample of any size comes from noise.
//
// Architecture: noise at scales 1/2^(K-1) ... 1, coarsest first. Every scale's noise goes through a block of three
// convolutions (3x3, 3x3, 1x1; each followed by instance normalisation with learned scale and shift and a
// LeakyReLU). The running result, starting with the coarsest block's, is upsampled (nearest) to the next scale's
// exact size, concatenated with that scale's block output and passed through another such block on the joined
// channels (channels * (k+1) at scale k). A final 1x1 convolution and a sigmoid give RGB in [0,1].
#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/safetensors.h"

namespace atelier {

struct TextureGeneratorConfig {
  int scales = 5;    // noise scales: 1/16 ... 1
  int channels = 8;  // conv channels per scale block (the joined blocks grow by this per scale)
  int noise_channels = 3;
  bool tileable = false;  // circular padding everywhere: samples wrap around without a seam
};

class TextureGeneratorImpl : public torch::nn::Module {
 public:
  // A freshly initialised generator on the CPU. Throws atelier::Error for a config out of range (scales 1..10,
  // channels 1..256, noise_channels 1..64).
  explicit TextureGeneratorImpl(const TextureGeneratorConfig& config);
  const TextureGeneratorConfig& config() const;

  // Noise for n samples of height x width (any sizes >= 1; not required to be multiples of 2^(scales-1)), one
  // tensor per scale, coarsest first: [n, noise_channels, ceil(height/2^k), ceil(width/2^k)] for k = scales-1 ... 0.
  // Drawn on the CPU from `seed` (same seed = same noise) and moved to the module's device.
  std::vector<at::Tensor> make_noise(int64_t n, int64_t height, int64_t width, uint64_t seed) const;
  // noise: as make_noise() returns it (on the module's device). Returns [n,3,height,width] RGB in [0,1], the size of
  // the finest noise. Differentiable. Throws atelier::Error for noise that does not fit the config.
  at::Tensor forward(const std::vector<at::Tensor>& noise);
  // make_noise + forward (the caller decides about NoGradGuard).
  at::Tensor sample(int64_t n, int64_t height, int64_t width, uint64_t seed);

  std::map<std::string, at::Tensor> weights() const;  // named parameters and buffers (CPU, contiguous), for saving
  at::Device device() const;

 private:
  class Block;
  TextureGeneratorConfig config_;
  std::vector<std::shared_ptr<Block>> noise_blocks_;  // per scale, coarsest first
  std::vector<std::shared_ptr<Block>> join_blocks_;   // per scale but the coarsest
  at::Tensor to_rgb_weight_, to_rgb_bias_;
};
TORCH_MODULE(TextureGenerator);

// Saves weights + the config (and `extra` metadata, e.g. source hash, settings) as safetensors; metadata key
// "atelier.kind" = "texture-net", the config under "atelier.scales", "atelier.channels", "atelier.noise_channels"
// and "atelier.tileable" (these keys override any of the same name in `extra`).
void save_texture_generator(const std::string& path, TextureGeneratorImpl& generator, const Metadata& extra = {});

// Loads a generator saved by save_texture_generator (on the CPU). Throws atelier::Error naming the file when it is
// not a texture-net file or its weights do not fit the config. `metadata` receives all stored metadata.
TextureGenerator load_texture_generator(const std::string& path, Metadata* metadata = nullptr);

}  // namespace atelier
