#pragma once
// Feed-forward style transfer: the image transformation network of Johnson et al. (2016) in the variant of
// lengstrom/fast-style-transfer, as run by ml5.js's StyleTransfer (conv 9x9/32, 3x3/64 s2, 3x3/128 s2, five
// residual blocks, two 3x3 stride-2 transposed convs, conv 9x9/3; instance normalisation with learned shift and
// scale after every conv, TF "SAME" padding, output 150 tanh(x) + 127.5 on 0..255 RGB).
#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/training.h"

namespace atelier {

namespace transform_net_layout {
struct Architecture;
}

// Instance-normalisation moments of the network's normalisation layers (one per conv), so that the tiles of a
// large image can be normalised with the statistics of the whole image. mean/var[layer]: [N,C,1,1] float, or
// undefined where not known.
struct NormStats {
  std::vector<at::Tensor> mean, var;
};

// Running sums of the pre-normalisation activations of normalisation layers over the tiles' core regions
// (which partition the image), giving the whole image's NormStats.
class MomentSums {
 public:
  void add(size_t layer, const at::Tensor& region);  // region: [N,C,h,w]
  NormStats stats() const;                           // undefined entries for layers nothing was added for

 private:
  std::vector<at::Tensor> sum_, sum_sq_;  // [N,C,1,1] double
  std::vector<double> count_;
};

// Where each of the K conditionings of a network conditioned per region (TransformNet::condition with [K,C]) paints:
// per-pixel weights [1,K,H,W] at full resolution (H and W multiples of 4) that add up to 1 at every pixel, kept
// also averaged to 1/2 and 1/4, the resolutions of the network's layers. Blending the conditionings pixel by pixel
// is blending the styles' embeddings there (the conditioning is affine in the embedding).
class RegionWeights {
 public:
  explicit RegionWeights(const at::Tensor& weights);
  int64_t count() const { return levels_[0].size(1); }
  // The weights at 1/scale resolution (scale 1, 2 or 4): h x w from row y0 and column x0 of that resolution.
  at::Tensor at(int64_t scale, int64_t y0, int64_t x0, int64_t h, int64_t w) const;

 private:
  at::Tensor levels_[3];
};

// Core region of a tile in the tile's own full-resolution coordinates; all four bounds multiples of 4.
struct TileCore {
  int64_t y0 = 0, y1 = 0, x0 = 0, x1 = 0;
};

// A torch::nn::Module: parameters() are the 16 layers' filters and instance-norm shifts and scales, named as in
// the weight files ("conv1.weight", "res1.conv2.norm_scale", ...); it can be trained (forward() is differentiable
// and nothing here switches autograd off: callers that only infer set c10::InferenceMode themselves).
class TransformNet : public torch::nn::Module {
 public:
  // Layers (each a conv followed by instance normalisation): 0-2 down-sampling (full, 1/2, 1/4 resolution),
  // 3-12 five residual blocks (1/4), 13-15 up-sampling and output (1/2, full, full).
  static constexpr size_t kNormLayers = 16;
  static constexpr size_t kFirstResidual = 3, kFirstUp = 13;
  // Sizes the network maps exactly onto themselves (two stride-2 stages); stylize() pads other sizes.
  static constexpr int64_t kSizeMultiple = 4;

  // A freshly initialised fast-style network (for training), on the CPU.
  TransformNet();
  // A freshly initialised network of another architecture (transform_net_layout::kMagentaSeparable).
  explicit TransformNet(const transform_net_layout::Architecture& architecture);
  // weights: named tensors as written by import_fast_style() (or weights()). Throws atelier::Error for missing
  // tensors or wrong shapes, naming `source` (the file they came from).
  TransformNet(const std::map<std::string, at::Tensor>& weights, const std::string& source, at::Device device);
  TransformNet(const transform_net_layout::Architecture& architecture, const std::map<std::string, at::Tensor>& weights,
               const std::string& source, at::Device device);

  // The parameters by name, on the CPU, as save_safetensors() writes them and the constructor reads them.
  std::map<std::string, at::Tensor> weights() const;

  // rgb01: [N,3,H,W] RGB in [0,1], any size >= 1x1, on the network's device. Returns the stylised image, same
  // size, in [0,1]. Sizes not a multiple of 4 are padded (mirrored) and cropped back. Differentiable.
  at::Tensor forward(const at::Tensor& rgb01) const;
  // forward() for an input on any device: the result comes back on the input's device.
  at::Tensor stylize(const at::Tensor& rgb01) const;

  // A part of the network, for processing large images piecewise (height and width multiples of 4 at full
  // resolution).
  struct Run {
    size_t first = 0;  // 0, kFirstResidual or kFirstUp
    size_t last = kNormLayers - 1;
    const NormStats* fixed = nullptr;  // normalise with these instead of the input's own statistics; a layer
                                       // whose entry is undefined must be `last` and is returned un-normalised
    NormStats* record = nullptr;       // without `fixed`: receives the statistics used
    MomentSums* sums = nullptr;        // receives the pre-normalisation activations inside `core`
    TileCore core;
    // For a network conditioned per region: the regions' weights, and where x's top-left pixel lies in their
    // full-resolution frame.
    const RegionWeights* regions = nullptr;
    int64_t y0 = 0, x0 = 0;
  };
  // x: the RGB image in [0,1] when first == 0, else the activation entering layer `first` (as returned by a run
  // ending at first - 1). Returns layer `last`'s activation (RGB in [0,1] for the last layer), on x's device.
  at::Tensor run(const at::Tensor& x, const Run& how) const;
  // Layer `layer`'s convolution alone (TF "SAME" padding) on the network's device; returns on x's device.
  at::Tensor convolve(size_t layer, const at::Tensor& x) const;
  // Normalises (and rectifies, where the network does) layer `layer`'s pre-normalisation output `pre`, the whole
  // image at that layer's resolution (regions: as in Run, for a network conditioned per region).
  at::Tensor activate(size_t layer, const at::Tensor& pre, const NormStats& stats,
                      const RegionWeights* regions = nullptr) const;
  // Whether layer `layer` normalises with fixed statistics of its own (batch normalisation) rather than the
  // image's: its entries in NormStats are ignored, and tiles need no pass to measure them.
  bool fixed_statistics(size_t layer) const;

  at::Device device() const;

  // Replaces the scale and shift ([C]) that layer `layer` applies after normalising by tensors computed elsewhere
  // (Magenta's style conditioning), which may carry gradients back to what they were computed from. weights() and
  // the registered parameters keep the values the network was made with. [K,C]: one per region; every run then
  // needs the regions' weights (Run::regions).
  void condition(size_t layer, const at::Tensor& scale, const at::Tensor& shift);
  // The number of regions the network is conditioned for (1 unless condition() gave several).
  int64_t regions() const;

 private:
  class Layer;
  at::Tensor layer_conv(const Layer& layer, const at::Tensor& x) const;
  double epsilon(size_t layer) const;
  // y (normalised) times layer `layer`'s scale plus its shift: per channel, or blended per pixel from the regions'.
  at::Tensor affine(size_t layer, const at::Tensor& y, const RegionWeights* regions, int64_t y0, int64_t x0) const;
  // y normalised with mean and var ([N or 1,C,1,1]), then affine(): in one pass over y when per channel.
  at::Tensor normalized(size_t layer, const at::Tensor& y, const at::Tensor& mean, const at::Tensor& var,
                        const RegionWeights* regions, int64_t y0, int64_t x0) const;
  const transform_net_layout::Architecture& architecture_;
  std::vector<std::shared_ptr<Layer>> layers_;
};

// Pads [N,C,H,W] at the bottom and right (mirrored, or repeated for tiny images) to multiples of `multiple`.
at::Tensor pad_to_multiple(const at::Tensor& x, int64_t multiple);

// Converts a fast-style network saved as TensorFlow variables (ml5.js / lengstrom format: manifest.json plus one
// raw little-endian float32 file per variable, Variable ... Variable_47) into a safetensors file with metadata
// kind=fast-style. Throws atelier::Error for a missing manifest, missing or short variable files and networks of
// another architecture.
void import_fast_style(const std::string& tf_variables_dir, const std::string& out_safetensors);

// Writes a network (trained here) as import_fast_style() does, with `metadata` (what it was trained on) added to the
// file's kind, architecture and format entries.
void save_transform_net(const std::string& path, const TransformNet& net,
                        const std::map<std::string, std::string>& metadata);

// Loads a network written by import_fast_style() or save_transform_net() onto `device`, in eval mode.
std::shared_ptr<TransformNet> load_transform_net(const std::string& safetensors, at::Device device);

// A stopped training of a network: its weights, Adam's state and the iterations done, with what the trainer
// records about the training (`metadata`, its recipe), in one safetensors file; resuming from it continues exactly.
struct TransformNetCheckpoint {
  std::unique_ptr<TransformNet> net;  // on the CPU
  AdamState adam;
  int iteration = 0;
  std::map<std::string, std::string> metadata;  // the trainer's entries, and this format's own
};
void save_transform_net_checkpoint(const std::string& path, const TransformNet& net, const AdamState& adam,
                                   int iteration, const std::map<std::string, std::string>& metadata);
// Throws atelier::Error naming the file when it is not such a checkpoint or is incomplete.
TransformNetCheckpoint load_transform_net_checkpoint(const std::string& path);

}  // namespace atelier
