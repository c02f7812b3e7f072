#include "models/transform_net.h"

#include <torch/torch.h>

#include "core/cpu_kernels.h"
#include "core/error.h"
#include "core/numbers.h"
#include "core/safetensors.h"
#include "models/transform_net_layout.h"

namespace atelier {
namespace {

using namespace transform_net_layout;
static_assert(kLayers == TransformNet::kNormLayers);

void check_rgb(const at::Tensor& x, const char* what) {
  if (!x.defined() || x.dim() != 4 || x.size(1) != 3 || x.size(2) < 1 || x.size(3) < 1)
    throw Error(std::string(what) + ": expected an RGB batch [N,3,H,W], got " +
                (x.defined() ? shape_str(x.sizes()) : std::string("an undefined tensor")));
}

// Painting on the CPU, the network runs on channels-last activations (NHWC in memory): oneDNN's convolutions take
// them as they are, where NCHW activations are reordered to its blocked layout and back around every convolution.
// At 1024x768 the full-resolution layers run two to five times faster (docs/benchmarks.md). Training stays in
// NCHW: with the backward pass, channels-last measured 15-20 % slower at 512 px.
at::Tensor working_layout(const at::Tensor& x) {
  const bool painting = x.device().is_cpu() && x.dim() == 4 && !at::GradMode::is_enabled();
  return painting ? x.contiguous(at::MemoryFormat::ChannelsLast) : x;
}

// ReLU, in place where no gradient needs its input.
at::Tensor relu_unless_training(at::Tensor y) {
  return at::GradMode::is_enabled() ? at::relu(y) : y.relu_();
}

}  // namespace

// ---- MomentSums ----

void MomentSums::add(size_t layer, const at::Tensor& region) {
  if (sum_.size() < TransformNet::kNormLayers) {
    sum_.resize(TransformNet::kNormLayers);
    sum_sq_.resize(TransformNet::kNormLayers);
    count_.assign(TransformNet::kNormLayers, 0.0);
  }
  TORCH_CHECK(layer < TransformNet::kNormLayers, "MomentSums: layer out of range");
  at::Tensor r = region.to(at::kDouble);
  at::Tensor s = r.sum({2, 3}, true), sq = r.square().sum({2, 3}, true);
  sum_[layer] = sum_[layer].defined() ? sum_[layer] + s : s;
  sum_sq_[layer] = sum_sq_[layer].defined() ? sum_sq_[layer] + sq : sq;
  count_[layer] += static_cast<double>(region.size(2) * region.size(3));
}

NormStats MomentSums::stats() const {
  NormStats st;
  st.mean.resize(TransformNet::kNormLayers);
  st.var.resize(TransformNet::kNormLayers);
  for (size_t i = 0; i < sum_.size(); ++i) {
    if (!sum_[i].defined() || count_[i] <= 0) continue;
    at::Tensor mean = sum_[i] / count_[i];
    st.mean[i] = mean.to(at::kFloat);
    st.var[i] = (sum_sq_[i] / count_[i] - mean.square()).clamp_min(0).to(at::kFloat);
  }
  return st;
}

// ---- RegionWeights ----

RegionWeights::RegionWeights(const at::Tensor& weights) {
  if (!weights.defined() || weights.dim() != 4 || weights.size(0) != 1 || weights.size(1) < 1 ||
      weights.size(2) % TransformNet::kSizeMultiple || weights.size(3) % TransformNet::kSizeMultiple)
    throw Error("region weights: expected [1,K,H,W] with H and W multiples of 4, got " +
                (weights.defined() ? shape_str(weights.sizes()) : std::string("an undefined tensor")));
  levels_[0] = weights.to(at::kFloat);
  levels_[1] = at::avg_pool2d(levels_[0], 2);
  levels_[2] = at::avg_pool2d(levels_[1], 2);
}

at::Tensor RegionWeights::at(int64_t scale, int64_t y0, int64_t x0, int64_t h, int64_t w) const {
  const int level = scale == 1 ? 0 : scale == 2 ? 1 : scale == 4 ? 2 : -1;
  TORCH_CHECK(level >= 0, "RegionWeights: no level for scale ", scale);
  const at::Tensor& l = levels_[level];
  if (y0 < 0 || x0 < 0 || y0 + h > l.size(2) || x0 + w > l.size(3))
    throw Error("region weights: a tile reaches outside the regions' frame");
  return l.slice(2, y0, y0 + h).slice(3, x0, x0 + w);
}

// ---- TransformNet ----

// One conv (or depthwise + pointwise conv) + normalisation; its tensors are registered as weight (or depthwise and
// pointwise), norm_shift and norm_scale (kPartNames), and for batch normalisation the buffers norm_mean, norm_var.
class TransformNet::Layer : public torch::nn::Module {
 public:
  explicit Layer(const LayerSpec& s) : spec(s) {
    if (s.separable) {
      depthwise = register_parameter("depthwise", torch::empty({s.in, 1, s.kernel, s.kernel}));
      pointwise = register_parameter("pointwise", torch::empty({s.out, s.in, 1, 1}));
    } else {
      weight = register_parameter(kPartNames[0], torch::empty(torch_shape(s, 0)));
    }
    shift = register_parameter(kPartNames[1], torch::zeros({s.out}));
    scale = register_parameter(kPartNames[2], torch::ones({s.out}));
    if (s.batch_norm) {
      mean = register_buffer("norm_mean", torch::zeros({s.out}));
      var = register_buffer("norm_var", torch::ones({s.out}));
    }
    // Fresh filters as PyTorch initialises its conv layers.
    torch::NoGradGuard no_grad;
    for (at::Tensor& w : {std::ref(weight), std::ref(depthwise), std::ref(pointwise)})
      if (w.defined()) torch::nn::init::kaiming_uniform_(w, std::sqrt(5.0));
  }
  const LayerSpec& spec;
  at::Tensor weight, depthwise, pointwise, shift, scale;  // shift/scale: [C]
  at::Tensor mean, var;                                   // batch normalisation's: [C]
};

TransformNet::TransformNet() : TransformNet(kFastStyle) {}

TransformNet::TransformNet(const Architecture& architecture) : architecture_(architecture) {
  std::map<std::string, std::shared_ptr<torch::nn::Module>> blocks;  // "res1" ... holding conv1, conv2
  for (size_t i = 0; i < kLayers; ++i) {
    const LayerSpec& s = architecture.specs[i];
    auto layer = std::make_shared<Layer>(s);
    const std::string name = s.name;
    const size_t dot = name.find('.');
    if (dot == std::string::npos) {
      register_module(name, layer);
    } else {
      auto& block = blocks[name.substr(0, dot)];
      if (!block) block = register_module(name.substr(0, dot), std::make_shared<torch::nn::Module>());
      block->register_module(name.substr(dot + 1), layer);
    }
    layers_.push_back(layer);
  }
}

TransformNet::TransformNet(const std::map<std::string, at::Tensor>& weights, const std::string& source,
                           at::Device device)
    : TransformNet(kFastStyle, weights, source, device) {}

TransformNet::TransformNet(const Architecture& architecture, const std::map<std::string, at::Tensor>& weights,
                           const std::string& source, at::Device device)
    : TransformNet(architecture) {
  torch::NoGradGuard no_grad;
  auto fill = [&](const std::string& key, at::Tensor& value) {
    auto it = weights.find(key);
    if (it == weights.end())
      throw Error("'" + source + "' lacks tensor '" + key + "': it is not a " +
                  (&architecture == &kFastStyle
                       ? std::string("fast-style network; import one with `atelier models import fast-style DIR`")
                       : std::string(architecture.id) + " network"));
    if (it->second.sizes() != value.sizes())
      throw Error("'" + source + "': tensor '" + key + "' has shape " + shape_str(it->second.sizes()) + ", expected " +
                  shape_str(value.sizes()) + "; re-import the network");
    value.copy_(it->second);
  };
  for (auto& p : named_parameters()) fill(p.key(), p.value());
  for (auto& b : named_buffers()) fill(b.key(), b.value());
  to(device);
}

std::map<std::string, at::Tensor> TransformNet::weights() const {
  std::map<std::string, at::Tensor> out;
  for (const auto& p : named_parameters()) out[p.key()] = p.value().detach().to(at::kCPU).contiguous();
  for (const auto& b : named_buffers()) out[b.key()] = b.value().detach().to(at::kCPU).contiguous();
  return out;
}

at::Device TransformNet::device() const {
  return layers_.front()->shift.device();
}

void TransformNet::condition(size_t layer, const at::Tensor& scale, const at::Tensor& shift) {
  TORCH_CHECK(layer < kNormLayers && scale.sizes() == shift.sizes() && scale.dim() >= 1 && scale.dim() <= 2 &&
                  scale.size(-1) == layers_[layer]->spec.out,
              "TransformNet::condition: wrong layer or sizes");
  layers_[layer]->scale = scale.dim() == 2 && scale.size(0) > 1 ? scale : scale.reshape({-1});
  layers_[layer]->shift = shift.dim() == 2 && shift.size(0) > 1 ? shift : shift.reshape({-1});
}

int64_t TransformNet::regions() const {
  int64_t k = 1;
  for (const auto& l : layers_) k = std::max<int64_t>(k, l->scale.dim() == 2 ? l->scale.size(0) : 1);
  return k;
}

at::Tensor TransformNet::affine(size_t layer, const at::Tensor& y, const RegionWeights* regions, int64_t y0,
                                int64_t x0) const {
  const Layer& l = *layers_[layer];
  const at::Device d = y.device();
  if (l.scale.dim() == 1) return y * l.scale.to(d).view({1, -1, 1, 1}) + l.shift.to(d).view({1, -1, 1, 1});
  if (!regions || regions->count() != l.scale.size(0))
    throw Error("TransformNet: the network paints " + std::to_string(l.scale.size(0)) +
                " regions; give the weights of as many (Run::regions)");
  const int64_t s = l.spec.scale;
  const at::Tensor w = regions->at(s, y0 / s, x0 / s, y.size(2), y.size(3)).to(d);  // [1,K,h,w]
  return y * at::einsum("nkhw,kc->nchw", {w, l.scale.to(d)}) + at::einsum("nkhw,kc->nchw", {w, l.shift.to(d)});
}

at::Tensor TransformNet::normalized(size_t layer, const at::Tensor& y, const at::Tensor& mean, const at::Tensor& var,
                                    const RegionWeights* regions, int64_t y0, int64_t x0) const {
  const Layer& l = *layers_[layer];
  const at::Device d = y.device();
  const at::Tensor inverse_deviation = at::rsqrt(var.to(d) + epsilon(layer));
  if (l.scale.dim() == 2) return affine(layer, (y - mean.to(d)) * inverse_deviation, regions, y0, x0);
  // Per channel: y * a + b with the factors folded first, one pass over y instead of four.
  const at::Tensor a = l.scale.to(d).view({1, -1, 1, 1}) * inverse_deviation;
  return at::addcmul(l.shift.to(d).view({1, -1, 1, 1}) - mean.to(d) * a, y, a);
}

double TransformNet::epsilon(size_t layer) const {
  return fixed_statistics(layer) ? kBatchNormEpsilon : architecture_.epsilon;
}

bool TransformNet::fixed_statistics(size_t layer) const {
  return layer < kNormLayers && layers_[layer]->spec.batch_norm;
}

namespace {

bool in_residual(size_t i) {
  return i >= TransformNet::kFirstResidual && i < TransformNet::kFirstUp;
}
bool starts_block(size_t i) {
  return in_residual(i) && (i - TransformNet::kFirstResidual) % 2 == 0;
}
bool ends_block(size_t i) {
  return in_residual(i) && (i - TransformNet::kFirstResidual) % 2 == 1;
}

// TF conv2d_transpose (3x3, stride 2, SAME: the full transposed convolution minus its last row and column) as a
// 2x2 convolution to four times the channels, one per output pixel phase, then a pixel shuffle: the same sums,
// and on oneDNN a third faster than its transposed convolution (docs/benchmarks.md). Output pixel 2y+a takes tap a
// of input row y and, for a = 0, tap 2 of row y-1 (likewise for columns).
at::Tensor upsample_conv(const at::Tensor& weight, const at::Tensor& x) {
  const int64_t in = weight.size(0), out = weight.size(1);
  const at::Tensor none = at::zeros({out, in}, weight.options());
  auto tap = [&](int64_t a, int64_t d) { return a + 2 * (1 - d); };  // kernel index for phase a, input offset d-1
  std::vector<at::Tensor> phases;
  for (int64_t a = 0; a < 2; ++a)
    for (int64_t b = 0; b < 2; ++b) {
      std::vector<at::Tensor> rows;
      for (int64_t dy = 0; dy < 2; ++dy) {
        std::vector<at::Tensor> cols;
        for (int64_t dx = 0; dx < 2; ++dx) {
          const int64_t ky = tap(a, dy), kx = tap(b, dx);
          cols.push_back(ky > 2 || kx > 2 ? none : weight.select(2, ky).select(2, kx).t());
        }
        rows.push_back(at::stack(cols, 2));  // [out, in, 2]
      }
      phases.push_back(at::stack(rows, 2));  // [out, in, 2, 2]
    }
  const at::Tensor w = at::stack(phases, 1).reshape({out * 4, in, 2, 2});
  return at::pixel_shuffle(at::conv2d(at::constant_pad_nd(x, {1, 0, 1, 0}), w), 2);
}

// A stride-1 convolution to 3 channels with a large kernel (the 9x9 output layer) as a 1xk convolution to 3k
// channels, one per kernel row, whose rows are then added with their vertical shifts: the same sums, and a third
// faster on oneDNN, which handles 3 output channels poorly.
at::Tensor few_channel_conv(const at::Tensor& weight, const at::Tensor& x) {
  const int64_t out = weight.size(0), in = weight.size(1), k = weight.size(2), h = x.size(2), w = x.size(3);
  const at::Tensor rows = weight.permute({0, 2, 1, 3}).reshape({out * k, in, 1, k});
  const at::Tensor y =
      at::constant_pad_nd(conv2d_with_input_gradient(x, rows, at::IntArrayRef{1, 1}, at::IntArrayRef{0, (k - 1) / 2}),
                          {0, 0, (k - 1) / 2, (k - 1) / 2})
          .view({x.size(0), out, k, h + k - 1, w});
  at::Tensor sum = y.select(2, 0).narrow(2, 0, h);
  for (int64_t r = 1; r < k; ++r) sum = sum + y.select(2, r).narrow(2, r, h);
  return sum;
}

at::Tensor dense_conv(const LayerSpec& s, bool tf_same, const at::Tensor& weight, const at::Tensor& x) {
  if (s.transposed) return upsample_conv(weight, x);
  if (s.stride == 1 && s.out <= 4 && s.kernel > 3) return few_channel_conv(weight, x);
  if (s.stride == 1 || !tf_same) return conv2d_with_input_gradient(x, weight, s.stride, (s.kernel - 1) / 2);
  // TF SAME padding with stride 2 is asymmetric for even sizes: the extra row/column goes at the end.
  auto pads = [&](int64_t n) {
    const int64_t total = std::max<int64_t>((n + s.stride - 1) / s.stride * s.stride - s.stride + s.kernel - n, 0);
    return std::pair<int64_t, int64_t>{total / 2, total - total / 2};
  };
  auto [top, bottom] = pads(x.size(2));
  auto [left, right] = pads(x.size(3));
  return at::conv2d(at::constant_pad_nd(x, {left, right, top, bottom}), weight, {}, s.stride);
}

// Magenta's layers: nearest-neighbour x2 where the layer scales up (TF's ResizeNearestNeighbor without aligned
// corners repeats each pixel), then a depthwise and a pointwise convolution.
at::Tensor separable_conv(const LayerSpec& s, const at::Tensor& depthwise, const at::Tensor& pointwise,
                          const at::Tensor& x) {
  at::Tensor in = x;
  if (s.in_scale > s.scale) in = at::upsample_nearest2d(x, {x.size(2) * 2, x.size(3) * 2});
  return at::conv2d(at::conv2d(in, depthwise, {}, 1, (s.kernel - 1) / 2, 1, s.in), pointwise);
}

// Elements of a separable layer's depthwise result above which, without gradients, it is computed in bands of
// rows: the scaled-up input and the depthwise result (at up2, four and two times the output's size) then exist
// one band at a time, in the processor's cache, instead of as fresh memory the size of the layer.
constexpr int64_t kBandElements = int64_t{4} << 20;

// separable_conv(s, ..., x) band by band: each band's rows of the output from the rows of the input they reach
// (its convolution zero-pads at the band's edges; the rows that saw that padding inside the image are dropped).
at::Tensor banded_separable_conv(const LayerSpec& s, const at::Tensor& depthwise, const at::Tensor& pointwise,
                                 const at::Tensor& x) {
  const int64_t up = s.in_scale > s.scale ? 2 : 1, reach = (s.kernel - 1) / 2;
  const int64_t height = x.size(2) * up, width = x.size(3) * up;
  const int64_t band = std::max<int64_t>(8, kBandElements / (s.in * width));
  const int64_t pad = reach, stride = 1, dilation = 1;
  at::Tensor out = at::empty({x.size(0), s.out, height, width}, x.options().memory_format(x.suggest_memory_format()));
  for (int64_t r0 = 0; r0 < height; r0 += band) {
    const int64_t r1 = std::min(height, r0 + band);
    const int64_t a = std::max<int64_t>(0, r0 - reach), b = std::min(height, r1 + reach);  // the input rows reached
    at::Tensor in = x.slice(2, a / up, (b + up - 1) / up);
    if (up > 1) in = at::upsample_nearest2d(in, {in.size(2) * 2, width}).slice(2, a % 2, a % 2 + (b - a));
    const at::Tensor d =
        at::conv2d(in, depthwise, {}, stride, pad, dilation, s.in).slice(2, r0 - a, r0 - a + (r1 - r0));
    out.slice(2, r0, r1).copy_(at::conv2d(d, pointwise));
  }
  return out;
}

}  // namespace

at::Tensor TransformNet::layer_conv(const Layer& l, const at::Tensor& x) const {
  if (!l.spec.separable) return dense_conv(l.spec, architecture_.tf_same, l.weight, x);
  const int64_t depthwise_elements = x.size(1) * x.size(2) * x.size(3) * (l.spec.in_scale > l.spec.scale ? 4 : 1);
  if (!at::GradMode::is_enabled() && x.size(0) == 1 && depthwise_elements > 2 * kBandElements)
    return banded_separable_conv(l.spec, l.depthwise, l.pointwise, x);
  return separable_conv(l.spec, l.depthwise, l.pointwise, x);
}

at::Tensor TransformNet::convolve(size_t layer, const at::Tensor& x) const {
  if (layer >= kNormLayers || !x.defined() || x.dim() != 4 || x.size(1) != layers_[layer]->spec.in)
    throw Error("TransformNet::convolve: the input does not fit layer " + std::to_string(layer));
  return layer_conv(*layers_[layer], working_layout(x.to(device(), at::kFloat))).contiguous().to(x.device());
}

at::Tensor TransformNet::activate(size_t layer, const at::Tensor& pre, const NormStats& stats,
                                  const RegionWeights* regions) const {
  TORCH_CHECK(layer < kNormLayers &&
                  (fixed_statistics(layer) || (stats.mean.size() == kNormLayers && stats.mean[layer].defined())),
              "TransformNet::activate: no statistics for layer ", layer);
  const Layer& l = *layers_[layer];
  const bool fixed = fixed_statistics(layer);
  const at::Tensor mean = fixed ? l.mean.view({1, -1, 1, 1}) : stats.mean[layer];
  const at::Tensor var = fixed ? l.var.view({1, -1, 1, 1}) : stats.var[layer];
  const at::Tensor y = normalized(layer, pre, mean, var, regions, 0, 0);
  return l.spec.relu ? relu_unless_training(y) : y;
}

at::Tensor TransformNet::run(const at::Tensor& input, const Run& how) const {
  if (how.first != 0 && how.first != kFirstResidual && how.first != kFirstUp)
    throw Error("TransformNet::run: can only start at layer 0, 3 or 13");
  if (how.last < how.first || how.last >= kNormLayers) throw Error("TransformNet::run: bad layer range");
  if (how.fixed && (how.fixed->mean.size() != kNormLayers || how.fixed->var.size() != kNormLayers))
    throw Error("TransformNet::run: statistics for " + std::to_string(how.fixed->mean.size()) +
                " layers given, expected " + std::to_string(kNormLayers));
  if (how.first == 0) check_rgb(input, "fast-style network input");
  if (!input.defined() || input.dim() != 4 || input.size(1) != layers_[how.first]->spec.in)
    throw Error("TransformNet::run: the input does not fit layer " + std::to_string(how.first));
  const int64_t full_h = input.size(2) * layers_[how.first]->spec.in_scale;
  const int64_t full_w = input.size(3) * layers_[how.first]->spec.in_scale;
  if (full_h % kSizeMultiple || full_w % kSizeMultiple)
    throw Error("fast-style tile is " + std::to_string(full_w) + "x" + std::to_string(full_h) +
                "; tiles must be multiples of 4 pixels (pad with pad_to_multiple)");
  if (how.sums) {
    const TileCore& c = how.core;
    const bool ok = c.y0 >= 0 && c.y0 < c.y1 && c.y1 <= full_h && c.x0 >= 0 && c.x0 < c.x1 && c.x1 <= full_w &&
                    c.y0 % kSizeMultiple == 0 && c.y1 % kSizeMultiple == 0 && c.x0 % kSizeMultiple == 0 &&
                    c.x1 % kSizeMultiple == 0;
    if (!ok) throw Error("fast-style tile: core region outside the tile or not aligned to 4 pixels");
  }
  if (how.record) {
    how.record->mean.resize(kNormLayers);
    how.record->var.resize(kNormLayers);
  }
  const at::Device dev = device();
  {
    at::Tensor x = working_layout(input.to(dev, at::kFloat));
    if (how.first == 0 && architecture_.input_scale != 1.0) x = x * architecture_.input_scale;
    at::Tensor block_in;
    for (size_t i = how.first; i <= how.last; ++i) {
      const Layer& l = *layers_[i];
      const LayerSpec& s = l.spec;
      if (starts_block(i)) block_in = x;
      at::Tensor y = layer_conv(l, x);
      if (how.sums) {
        const TileCore& c = how.core;
        how.sums->add(i, y.slice(2, c.y0 / s.scale, c.y1 / s.scale).slice(3, c.x0 / s.scale, c.x1 / s.scale));
      }
      if (!how.fixed && !how.record && !how.sums) {
        // The whole image's own statistics: LibTorch's fused instance normalisation, about four times faster than
        // the separate steps below (docs/benchmarks.md); ReLU in place where no gradient needs the input. Scales
        // and shifts per region are applied after it. For one image, batch normalisation with the batch's
        // statistics is the same sums, and unlike instance_norm keeps the channels-last layout.
        const bool regional = l.scale.dim() == 2;
        const at::Tensor scale = regional ? at::Tensor() : l.scale, shift = regional ? at::Tensor() : l.shift;
        if (s.batch_norm)
          y = at::batch_norm(y, scale, shift, l.mean, l.var, false, 0.0, kBatchNormEpsilon, false);
        else if (y.size(0) == 1)
          y = at::batch_norm(y, scale, shift, {}, {}, true, 0.0, architecture_.epsilon, false);
        else
          y = at::instance_norm(y, scale, shift, {}, {}, true, 0.0, architecture_.epsilon, false);
        if (regional) y = affine(i, y, how.regions, how.y0, how.x0);
        if (s.relu) y = relu_unless_training(y);
        x = ends_block(i) ? y + block_in : y;
        continue;
      }
      at::Tensor mean, var;
      if (how.fixed && i == how.last && !how.fixed->mean[i].defined()) return y.contiguous().to(input.device());
      if (s.batch_norm) {
        mean = l.mean.view({1, -1, 1, 1});
        var = l.var.view({1, -1, 1, 1});
      } else if (how.fixed) {
        mean = how.fixed->mean[i];
        var = how.fixed->var[i];
        if (!mean.defined()) throw Error("TransformNet::run: no statistics for layer " + std::to_string(i));
        mean = mean.to(dev);
        var = var.to(dev);
      } else {
        mean = y.mean({2, 3}, true);
        var = (y - mean).square().mean({2, 3}, true);  // biased, as tf.moments
        if (how.record) {
          how.record->mean[i] = mean;
          how.record->var[i] = var;
        }
      }
      y = normalized(i, y, mean, var, how.regions, how.y0, how.x0);
      if (s.relu) y = relu_unless_training(y);
      x = ends_block(i) ? y + block_in : y;
    }
    if (how.last == kNormLayers - 1)
      x = architecture_.sigmoid ? at::sigmoid(x) : (at::tanh(x) * 150.0 + 127.5).clamp(0, 255) / 255.0;
    return x.contiguous().to(input.device());
  }
}

at::Tensor TransformNet::forward(const at::Tensor& rgb01) const {
  check_rgb(rgb01, "fast-style network input");
  const int64_t h = rgb01.size(2), w = rgb01.size(3);
  return run(pad_to_multiple(rgb01, kSizeMultiple), Run{}).slice(2, 0, h).slice(3, 0, w);
}

at::Tensor TransformNet::stylize(const at::Tensor& rgb01) const {
  return forward(rgb01.to(device())).to(rgb01.device());
}

at::Tensor pad_to_multiple(const at::Tensor& x, int64_t multiple) {
  const int64_t h = x.size(-2), w = x.size(-1);
  const int64_t ph = (multiple - h % multiple) % multiple, pw = (multiple - w % multiple) % multiple;
  if (ph == 0 && pw == 0) return x;
  return at::pad(x, {0, pw, 0, ph}, ph < h && pw < w ? "reflect" : "replicate");
}

// ---- save and load ----

void save_transform_net(const std::string& path, const TransformNet& net,
                        const std::map<std::string, std::string>& metadata) {
  Metadata meta = metadata;
  meta["kind"] = "fast-style";
  meta["architecture"] = "johnson-transform-net-ml5";
  meta["format"] = "atelier-transform-net-1";
  save_safetensors(path, net.weights(), meta);
}

std::shared_ptr<TransformNet> load_transform_net(const std::string& safetensors, at::Device device) {
  Metadata meta;
  TensorMap weights = load_safetensors(safetensors, &meta);
  require_finite_weights(weights, safetensors);
  auto kind = meta.find("kind");
  if (kind != meta.end() && kind->second != "fast-style")
    throw Error("'" + safetensors + "' holds a '" + kind->second + "' model, not a fast-style network");
  auto net = std::make_shared<TransformNet>(weights, safetensors, device);
  net->eval();
  return net;
}

namespace {

constexpr const char* kCheckpointKind = "fast-style-checkpoint";

int64_t checkpoint_number(const Metadata& meta, const std::string& key, const std::string& path) {
  auto it = meta.find(key);
  const std::optional<double> v = it == meta.end() ? std::nullopt : parse_double(it->second);
  if (!v) throw Error("the training checkpoint '" + path + "' lacks its '" + key + "'");
  return static_cast<int64_t>(*v);
}

}  // namespace

void save_transform_net_checkpoint(const std::string& path, const TransformNet& net, const AdamState& adam,
                                   int iteration, const std::map<std::string, std::string>& metadata) {
  TensorMap tensors = net.weights();
  for (size_t i = 0; i < adam.exp_avg.size(); ++i) {
    tensors["adam.exp_avg." + std::to_string(i)] = adam.exp_avg[i];
    tensors["adam.exp_avg_sq." + std::to_string(i)] = adam.exp_avg_sq[i];
  }
  Metadata meta = metadata;
  meta["kind"] = kCheckpointKind;
  meta["iteration"] = std::to_string(iteration);
  meta["adam.step"] = std::to_string(adam.step);
  save_safetensors(path, tensors, meta);
}

TransformNetCheckpoint load_transform_net_checkpoint(const std::string& path) {
  TransformNetCheckpoint c;
  TensorMap tensors = load_safetensors(path, &c.metadata);
  if (c.metadata["kind"] != kCheckpointKind) throw Error("'" + path + "' is not a training checkpoint");
  c.iteration = static_cast<int>(checkpoint_number(c.metadata, "iteration", path));
  c.adam.step = checkpoint_number(c.metadata, "adam.step", path);
  c.net = std::make_unique<TransformNet>(tensors, path, at::kCPU);
  for (size_t i = 0; i < c.net->parameters().size(); ++i) {
    auto avg = tensors.find("adam.exp_avg." + std::to_string(i));
    auto sq = tensors.find("adam.exp_avg_sq." + std::to_string(i));
    if (avg == tensors.end() || sq == tensors.end())
      throw Error("the training checkpoint '" + path + "' is incomplete");
    c.adam.exp_avg.push_back(avg->second);
    c.adam.exp_avg_sq.push_back(sq->second);
  }
  return c;
}

}  // namespace atelier
