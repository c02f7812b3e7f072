#pragma once
// The layer tables of the transform networks: the fast-style network (ml5.js), shared by the network
// (models/transform_net.cc) and the importer of TensorFlow variables (models/fast_style_import.cc), and Magenta's
// arbitrary-style transformer (models/arbitrary_style.h), which has the same 16 normalised layers at the same
// resolutions.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <vector>

namespace atelier::transform_net_layout {

// One conv + instance normalisation, in the order of ml5's StyleTransfer (and of the TF variables: layer i owns
// Variable_{3i} = filter, +1 = instance-norm shift, +2 = instance-norm scale).
struct LayerSpec {
  const char* name;
  int64_t kernel, in, out, stride;
  bool transposed, relu;
  int64_t in_scale, scale;  // input / output resolution = full resolution / scale
  // Magenta's transformer: a depthwise then a pointwise convolution ("depthwise", "pointwise") instead of one
  // filter ("weight"); the input first scaled up by nearest neighbour when in_scale > scale.
  bool separable = false;
  // Normalised with fixed (batch-norm) statistics, "norm_mean" and "norm_var", instead of the image's own.
  bool batch_norm = false;
};
inline constexpr size_t kLayers = 16;
inline constexpr LayerSpec kSpecs[kLayers] = {
    {"conv1", 9, 3, 32, 1, false, true, 1, 1},
    {"conv2", 3, 32, 64, 2, false, true, 1, 2},
    {"conv3", 3, 64, 128, 2, false, true, 2, 4},
    {"res1.conv1", 3, 128, 128, 1, false, true, 4, 4},
    {"res1.conv2", 3, 128, 128, 1, false, false, 4, 4},
    {"res2.conv1", 3, 128, 128, 1, false, true, 4, 4},
    {"res2.conv2", 3, 128, 128, 1, false, false, 4, 4},
    {"res3.conv1", 3, 128, 128, 1, false, true, 4, 4},
    {"res3.conv2", 3, 128, 128, 1, false, false, 4, 4},
    {"res4.conv1", 3, 128, 128, 1, false, true, 4, 4},
    {"res4.conv2", 3, 128, 128, 1, false, false, 4, 4},
    {"res5.conv1", 3, 128, 128, 1, false, true, 4, 4},
    {"res5.conv2", 3, 128, 128, 1, false, false, 4, 4},
    {"up1", 3, 128, 64, 2, true, true, 4, 2},
    {"up2", 3, 64, 32, 2, true, true, 2, 1},
    {"conv_out", 9, 32, 3, 1, false, false, 1, 1},
};
// Magenta's arbitrary-style transformer in the depthwise-separable version of reiinakano's TensorFlow.js port:
// conv 9x9/32, 3x3/64 s2, 3x3/128 s2 with batch normalisation; five residual blocks of separable 3x3/128; nearest
// x2 + separable 3x3/64, nearest x2 + separable 3x3/32, separable 9x9/3; conditional instance normalisation
// (scale and shift given by the style) after each of those. Zero padding of (kernel - 1) / 2 on every side.
inline constexpr LayerSpec kSeparableSpecs[kLayers] = {
    {"conv1", 9, 3, 32, 1, false, true, 1, 1, false, true},   {"conv2", 3, 32, 64, 2, false, true, 1, 2, false, true},
    {"conv3", 3, 64, 128, 2, false, true, 2, 4, false, true}, {"res1.conv1", 3, 128, 128, 1, false, true, 4, 4, true},
    {"res1.conv2", 3, 128, 128, 1, false, false, 4, 4, true}, {"res2.conv1", 3, 128, 128, 1, false, true, 4, 4, true},
    {"res2.conv2", 3, 128, 128, 1, false, false, 4, 4, true}, {"res3.conv1", 3, 128, 128, 1, false, true, 4, 4, true},
    {"res3.conv2", 3, 128, 128, 1, false, false, 4, 4, true}, {"res4.conv1", 3, 128, 128, 1, false, true, 4, 4, true},
    {"res4.conv2", 3, 128, 128, 1, false, false, 4, 4, true}, {"res5.conv1", 3, 128, 128, 1, false, true, 4, 4, true},
    {"res5.conv2", 3, 128, 128, 1, false, false, 4, 4, true}, {"up1", 3, 128, 64, 1, false, true, 4, 2, true},
    {"up2", 3, 64, 32, 1, false, true, 2, 1, true},           {"conv_out", 9, 32, 3, 1, false, false, 1, 1, true},
};

// What else differs between the two networks.
struct Architecture {
  const char* id;  // the safetensors "architecture" entry
  const LayerSpec* specs;
  double epsilon;      // of the instance normalisation (batch norm: kBatchNormEpsilon)
  double input_scale;  // the network's input is RGB in [0, input_scale]
  bool tf_same;        // TF "SAME" padding (asymmetric for stride 2 on even sizes); else symmetric zero padding
  bool sigmoid;        // output sigmoid(x) in [0,1]; else (150 tanh(x) + 127.5) / 255, clamped
};
inline constexpr double kBatchNormEpsilon = 1e-3;
inline constexpr Architecture kFastStyle{"johnson-transform-net-ml5", kSpecs, 1e-3, 255.0, true, false};
inline constexpr Architecture kMagentaSeparable{"magenta-arbitrary-separable", kSeparableSpecs, 1e-5, 1.0, false, true};

// The tensors of each layer, stored as "<layer>.<part>".
inline constexpr const char* kPartNames[3] = {"weight", "norm_shift", "norm_scale"};

// TF's filter shape: conv2d [k,k,in,out]; conv2d_transpose [k,k,out,in] (for the transposed layer's in/out).
inline std::vector<int64_t> tf_shape(const LayerSpec& s, size_t part) {
  if (part > 0) return {s.out};
  return s.transposed ? std::vector<int64_t>{s.kernel, s.kernel, s.out, s.in}
                      : std::vector<int64_t>{s.kernel, s.kernel, s.in, s.out};
}
// Ours (PyTorch's): conv2d [out,in,k,k]; conv_transpose2d [in,out,k,k]. Both are TF's permuted by (3,2,0,1).
inline std::vector<int64_t> torch_shape(const LayerSpec& s, size_t part) {
  if (part > 0) return {s.out};
  return s.transposed ? std::vector<int64_t>{s.in, s.out, s.kernel, s.kernel}
                      : std::vector<int64_t>{s.out, s.in, s.kernel, s.kernel};
}

// "[9,9,3,32]" for messages.
inline std::string shape_str(at::IntArrayRef shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? "," : "") + std::to_string(shape[i]);
  return s + "]";
}

}  // namespace atelier::transform_net_layout
