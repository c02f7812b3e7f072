#pragma once
// The layer table of the fast-style transform network, shared by the network (models/transform_net.cc) and the
// importer of TensorFlow variables (models/fast_style_import.cc).
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
