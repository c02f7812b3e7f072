#pragma once
// Which of oneDNN's CPU kernels the process may use, and convolutions whose input gradients are right.
//
// Debian's oneDNN 3.7 (measured on an AMD EPYC with AVX-512, 2026-12-04) returns wrong input gradients from its jit
// convolution backward-data kernels when the output channels are not a multiple of the kernel's channel block (8 for
// AVX2, 16 for AVX-512) and the filter is larger than 1x1: relative errors of 0.4 to 1 against a double-precision
// reference, NaN at times; the forward and weight-gradient kernels are right. With AVX-512 that hits 8- and
// 24-channel layers too (MobileNetV2, the tests' small networks), so on AMD CPUs, where AVX-512 runs at AVX2's width
// anyway, oneDNN is kept on its AVX2 kernels; fewer channels than 8 (a network's RGB output) go through
// conv2d_with_input_gradient.
#include <ATen/core/Tensor.h>

#include <string>

namespace atelier {

struct CpuKernelChoice {
  bool limited = false;  // oneDNN was kept below AVX-512
  std::string reason;    // why (for `atelier devices`), empty when not limited
};

// Made once per process while it starts, before any oneDNN kernel is chosen: sets ONEDNN_MAX_CPU_ISA=AVX2 on an AMD
// CPU with AVX-512 unless the environment already names an instruction set (the user's choice is kept).
const CpuKernelChoice& cpu_kernel_choice();

// at::conv2d (no bias), with a right input gradient on the CPU: when autograd will want x's gradient and the output
// channels are not a multiple of 16 (with a filter larger than 1x1), the filters are completed by zero filters to a
// multiple of 16 and the extra output channels dropped; otherwise at::conv2d itself.
at::Tensor conv2d_with_input_gradient(const at::Tensor& x, const at::Tensor& weight, at::IntArrayRef stride,
                                      at::IntArrayRef padding);

}  // namespace atelier
