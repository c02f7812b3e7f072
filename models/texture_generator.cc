#include "models/texture_generator.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <cmath>
#include <optional>

#include "core/error.h"
#include "core/numbers.h"
#include "core/safetensors.h"

namespace atelier {
namespace {

constexpr double kLeakySlope = 0.2;
constexpr const char* kKind = "texture-net";

int64_t ceil_div(int64_t a, int64_t b) {
  return (a + b - 1) / b;
}

// Same-size padding. Circular padding makes every layer see the image as a torus, so samples tile. Otherwise
// mirrored (zero padding would darken the borders); replicated where a side is too short to mirror.
at::Tensor pad(const at::Tensor& x, int64_t p, bool circular) {
  if (p == 0) return x;
  if (circular) return at::pad(x, {p, p, p, p}, "circular");
  const bool mirrorable = x.size(2) > p && x.size(3) > p;
  return at::pad(x, {p, p, p, p}, mirrorable ? "reflect" : "replicate");
}

const TextureGeneratorConfig& checked(const TextureGeneratorConfig& c) {
  auto require = [](bool ok, const std::string& what) {
    if (!ok) throw Error("texture generator: " + what);
  };
  require(c.scales >= 1 && c.scales <= 10, "scales must be 1..10, got " + std::to_string(c.scales));
  require(c.channels >= 1 && c.channels <= 256, "channels must be 1..256, got " + std::to_string(c.channels));
  require(c.noise_channels >= 1 && c.noise_channels <= 64,
          "noise channels must be 1..64, got " + std::to_string(c.noise_channels));
  return c;
}

}  // namespace

// Three convolutions (3x3, 3x3, 1x1), each followed by instance normalisation (learned scale and shift) and a
// LeakyReLU. The convolutions have no bias: the normalisation's shift replaces it.
class TextureGeneratorImpl::Block : public torch::nn::Module {
 public:
  Block(int64_t in, int64_t out, bool circular) : circular_(circular) {
    const int64_t kernels[] = {3, 3, 1};
    for (int i = 0; i < 3; ++i) {
      const std::string n = std::to_string(i + 1);
      convs_.push_back(register_module(
          "conv" + n, torch::nn::Conv2d(torch::nn::Conv2dOptions(i == 0 ? in : out, out, kernels[i]).bias(false))));
      norms_.push_back(
          register_module("norm" + n, torch::nn::InstanceNorm2d(torch::nn::InstanceNorm2dOptions(out).affine(true))));
    }
  }

  // Step by step, so that each activation is freed as soon as the next exists (memory when sampling large images).
  at::Tensor forward(at::Tensor x) {
    for (size_t i = 0; i < convs_.size(); ++i) {
      x = pad(x, convs_[i]->options.kernel_size()->front() / 2, circular_);
      x = convs_[i]->forward(x);
      x = norms_[i]->forward(x);
      // In place where autograd does not need the input (sampling); training keeps the out-of-place op.
      x = at::GradMode::is_enabled() ? at::leaky_relu(x, kLeakySlope) : at::leaky_relu_(x, kLeakySlope);
    }
    return x;
  }

 private:
  bool circular_;
  std::vector<torch::nn::Conv2d> convs_;
  std::vector<torch::nn::InstanceNorm2d> norms_;
};

TextureGeneratorImpl::TextureGeneratorImpl(const TextureGeneratorConfig& config) : config_(checked(config)) {
  const int64_t c = config_.channels;
  for (int k = 0; k < config_.scales; ++k) {
    noise_blocks_.push_back(register_module("noise" + std::to_string(k),
                                            std::make_shared<Block>(config_.noise_channels, c, config_.tileable)));
    // The running result (c*k channels) joined with this scale's block output (c channels).
    if (k > 0)
      join_blocks_.push_back(register_module("join" + std::to_string(k),
                                             std::make_shared<Block>(c * (k + 1), c * (k + 1), config_.tileable)));
  }
  const int64_t features = c * config_.scales;
  auto to_rgb = register_module("to_rgb", std::make_shared<torch::nn::Module>());  // a 1x1 conv with bias
  to_rgb_weight_ = to_rgb->register_parameter("weight", torch::empty({3, features, 1, 1}));
  to_rgb_bias_ = to_rgb->register_parameter("bias", torch::zeros({3}));
  // PyTorch's default bound for a conv layer, and no bias. The features entering here are normalised and rectified
  // (second moment ~0.5), so an untrained generator's logits spread about +-0.4 around 0: mid-grey noise, far from
  // saturation.
  torch::NoGradGuard no_grad;
  const double bound = 1.0 / std::sqrt(static_cast<double>(features));
  torch::nn::init::uniform_(to_rgb_weight_, -bound, bound);
}

const TextureGeneratorConfig& TextureGeneratorImpl::config() const {
  return config_;
}

std::vector<at::Tensor> TextureGeneratorImpl::make_noise(int64_t n, int64_t height, int64_t width,
                                                         uint64_t seed) const {
  if (n < 1 || height < 1 || width < 1)
    throw Error("texture generator: cannot sample " + std::to_string(n) + " images of " + std::to_string(width) + "x" +
                std::to_string(height) + " pixels; the count and both sides must be at least 1");
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  std::vector<at::Tensor> noise;
  for (int k = config_.scales - 1; k >= 0; --k) {
    const int64_t f = int64_t{1} << k;
    noise.push_back(at::rand({n, config_.noise_channels, ceil_div(height, f), ceil_div(width, f)}, gen,
                             at::TensorOptions(at::kFloat))
                        .to(device()));
  }
  return noise;
}

at::Tensor TextureGeneratorImpl::forward(const std::vector<at::Tensor>& noise) {
  if (noise.size() != static_cast<size_t>(config_.scales))
    throw Error("texture generator: got noise at " + std::to_string(noise.size()) + " scales, expected " +
                std::to_string(config_.scales) + " (use make_noise)");
  for (const at::Tensor& z : noise)
    if (!z.defined() || z.dim() != 4 || z.size(0) != noise[0].size(0) || z.size(1) != config_.noise_channels)
      throw Error("texture generator: noise of shape " +
                  (z.defined() ? c10::str(z.sizes()) : std::string("(undefined)")) + " does not fit; expected [" +
                  std::to_string(noise[0].size(0)) + "," + std::to_string(config_.noise_channels) + ",H,W]");
  at::Tensor x = noise_blocks_[0]->forward(noise[0]);
  for (size_t k = 1; k < noise.size(); ++k) {
    const at::Tensor& z = noise[k];
    at::Tensor joined;
    {
      // Nearest upsampling to exactly this scale's size (not 2x and crop): one period of a tileable coarse result
      // maps onto one period of the finer one.
      at::Tensor up = at::upsample_nearest2d(x, {z.size(2), z.size(3)});
      joined = at::cat({up, noise_blocks_[k]->forward(z)}, 1);
    }
    x = join_blocks_[k - 1]->forward(std::move(joined));
  }
  // Sigmoid rather than a clamp: bounded to [0,1] yet never flat, so pixels pushed out of range still get
  // gradients and training does not stall on saturated (dead) pixels. (0.5 + 0.5 tanh is the same map rescaled.)
  return at::sigmoid(at::conv2d(x, to_rgb_weight_, to_rgb_bias_));
}

at::Tensor TextureGeneratorImpl::sample(int64_t n, int64_t height, int64_t width, uint64_t seed) {
  return forward(make_noise(n, height, width, seed));
}

std::map<std::string, at::Tensor> TextureGeneratorImpl::weights() const {
  std::map<std::string, at::Tensor> out;
  for (const auto& p : named_parameters()) out[p.key()] = p.value().detach().to(at::kCPU).contiguous();
  for (const auto& b : named_buffers()) out[b.key()] = b.value().detach().to(at::kCPU).contiguous();
  return out;
}

at::Device TextureGeneratorImpl::device() const {
  return to_rgb_weight_.device();
}

// ---- files ----

namespace {

int config_int(const Metadata& meta, const std::string& key, const std::string& path) {
  auto it = meta.find(key);
  const auto value = it == meta.end() ? std::nullopt : parse_int(it->second);
  if (!value || *value < 0 || *value > 1'000'000)
    throw Error("texture network '" + path + "': metadata '" + key + "' is " +
                (it == meta.end() ? std::string("missing") : "'" + it->second + "', not a count") +
                "; the file is damaged, train the texture again");
  return static_cast<int>(*value);
}

TextureGeneratorConfig config_from(const Metadata& meta, const std::string& path) {
  TextureGeneratorConfig c;
  c.scales = config_int(meta, "atelier.scales", path);
  c.channels = config_int(meta, "atelier.channels", path);
  c.noise_channels = config_int(meta, "atelier.noise_channels", path);
  auto tileable = meta.find("atelier.tileable");
  if (tileable == meta.end() || (tileable->second != "true" && tileable->second != "false"))
    throw Error("texture network '" + path +
                "': metadata 'atelier.tileable' is missing or not true/false; the file is damaged, train the "
                "texture again");
  c.tileable = tileable->second == "true";
  return c;
}

void copy_weights(TextureGeneratorImpl& generator, const TensorMap& weights, const std::string& path) {
  torch::NoGradGuard no_grad;
  std::map<std::string, at::Tensor> wanted;
  for (const auto& p : generator.named_parameters()) wanted[p.key()] = p.value();
  for (const auto& b : generator.named_buffers()) wanted[b.key()] = b.value();
  const std::string damaged = "; the file is damaged or was written by another version, train the texture again";
  for (const auto& [name, tensor] : weights)
    if (!wanted.count(name))
      throw Error("texture network '" + path + "' holds tensor '" + name + "' that its configuration has no place for" +
                  damaged);
  for (auto& [name, target] : wanted) {
    auto it = weights.find(name);
    if (it == weights.end()) throw Error("texture network '" + path + "' lacks tensor '" + name + "'" + damaged);
    if (it->second.sizes() != target.sizes())
      throw Error("texture network '" + path + "': tensor '" + name + "' has shape " + c10::str(it->second.sizes()) +
                  ", its configuration needs " + c10::str(target.sizes()) + damaged);
    target.copy_(it->second);
  }
}

}  // namespace

void save_texture_generator(const std::string& path, TextureGeneratorImpl& generator, const Metadata& extra) {
  const TextureGeneratorConfig& c = generator.config();
  Metadata meta = extra;
  meta["atelier.kind"] = kKind;
  meta["atelier.scales"] = std::to_string(c.scales);
  meta["atelier.channels"] = std::to_string(c.channels);
  meta["atelier.noise_channels"] = std::to_string(c.noise_channels);
  meta["atelier.tileable"] = c.tileable ? "true" : "false";
  save_safetensors(path, generator.weights(), meta);
}

TextureGenerator load_texture_generator(const std::string& path, Metadata* metadata) {
  Metadata meta;
  TensorMap weights = load_safetensors(path, &meta);
  auto kind = meta.find("atelier.kind");
  if (kind == meta.end() || kind->second != kKind)
    throw Error(
        "'" + path + "' is not a texture network (" +
        (kind == meta.end() ? std::string("its metadata has no atelier.kind") : "it holds a '" + kind->second + "'") +
        "); choose a file saved by Texture Synthesize");
  const TextureGeneratorConfig config = config_from(meta, path);
  require_finite_weights(weights, path);
  std::optional<TextureGenerator> generator;
  try {
    generator.emplace(config);
  } catch (const Error& e) {
    throw Error("texture network '" + path + "': " + e.what() + "; the file is damaged, train the texture again");
  }
  copy_weights(**generator, weights, path);
  if (metadata) *metadata = std::move(meta);
  return *generator;
}

}  // namespace atelier
