#include "core/cpu_kernels.h"

#include <ATen/ATen.h>
#include <ATen/core/grad_mode.h>

#include <cstdlib>

namespace atelier {
namespace {

CpuKernelChoice choose_cpu_kernels() {
  CpuKernelChoice choice;
  const char* chosen = std::getenv("ONEDNN_MAX_CPU_ISA");
  if (chosen && *chosen) return choice;
  __builtin_cpu_init();
  if (!__builtin_cpu_is("amd") || !__builtin_cpu_supports("avx512f")) return choice;
  // oneDNN reads the variable when it first chooses a kernel, which is later than this.
  setenv("ONEDNN_MAX_CPU_ISA", "AVX2", 0);
  choice.limited = true;
  choice.reason =
      "oneDNN kept on its AVX2 kernels: its AVX-512 convolution gradients are wrong on AMD CPUs "
      "(core/cpu_kernels.h); ONEDNN_MAX_CPU_ISA overrides this";
  return choice;
}

}  // namespace

const CpuKernelChoice& cpu_kernel_choice() {
  static const CpuKernelChoice choice = choose_cpu_kernels();
  return choice;
}

at::Tensor conv2d_with_input_gradient(const at::Tensor& x, const at::Tensor& weight, at::IntArrayRef stride,
                                      at::IntArrayRef padding) {
  constexpr int64_t kBlock = 16;
  const int64_t out = weight.size(0);
  const bool affected = x.device().is_cpu() && at::GradMode::is_enabled() && x.requires_grad() && out % kBlock != 0 &&
                        weight.size(2) * weight.size(3) > 1;
  if (!affected) return at::conv2d(x, weight, {}, stride, padding);
  const at::Tensor filled = at::constant_pad_nd(weight, {0, 0, 0, 0, 0, 0, 0, kBlock - out % kBlock});
  return at::conv2d(x, filled, {}, stride, padding).narrow(1, 0, out);
}

}  // namespace atelier
