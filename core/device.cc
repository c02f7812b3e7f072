#include "core/device.h"

#include <ATen/Context.h>
#include <ATen/Parallel.h>
#include <torch/cuda.h>

#include <dlfcn.h>

#include <cstdlib>

#include "core/cpu_kernels.h"
#include "core/cuda_library.h"
#include "core/error.h"
#include "core/memory.h"

namespace atelier {
namespace {

// The CUDA runtime's own words for why it sees no device ("no CUDA-capable device is detected", "CUDA driver
// version is insufficient for CUDA runtime version"). Looked up by name: CPU LibTorch has no CUDA headers.
std::string cuda_runtime_says() {
  using GetDeviceCount = int (*)(int*);
  using GetErrorString = const char* (*)(int);
  const auto count = reinterpret_cast<GetDeviceCount>(dlsym(RTLD_DEFAULT, "cudaGetDeviceCount"));
  const auto text = reinterpret_cast<GetErrorString>(dlsym(RTLD_DEFAULT, "cudaGetErrorString"));
  int n = 0;
  const int status = count ? count(&n) : -1;
  if (status == 0 || !text) return n > 0 ? "" : "no device";
  const char* said = text(status);
  return said ? said : "error " + std::to_string(status);
}

}  // namespace

bool cuda_available() {
  return cuda_library().loaded && torch::cuda::is_available();
}

std::string cuda_unavailable_reason() {
  if (!cuda_library().loaded) return cuda_library().problem;
  if (torch::cuda::is_available()) return "";
  const std::string said = cuda_runtime_says();
  return "no GPU: the CUDA LibTorch finds no usable NVIDIA GPU" + (said.empty() ? "" : " (" + said + ")") +
         "; an NVIDIA card needs the NVIDIA driver (nvidia-driver, non-free), and 'nvidia-smi' should list it";
}

c10::Device select_device(const std::string& requested) {
  std::string name = requested.empty() ? "auto" : requested;
  if (name == "auto") {
    const char* env = std::getenv("ATELIER_DEVICE");
    if (env && *env && std::string(env) != "auto") name = env;
  }
  if (name == "auto") return cuda_available() ? c10::Device(c10::kCUDA, 0) : c10::Device(c10::kCPU);
  if (name == "cpu") return c10::Device(c10::kCPU);
  if (name.rfind("cuda", 0) == 0) {
    if (!cuda_available())
      throw Error("device '" + name + "' was requested but CUDA is not usable: " + cuda_unavailable_reason() +
                  ". Choose the CPU (--device cpu) or Automatic.");
    c10::Device d(name == "cuda" ? std::string("cuda:0") : name);
    if (d.index() >= static_cast<int>(torch::cuda::device_count()))
      throw Error("device '" + name + "' does not exist: " + std::to_string(torch::cuda::device_count()) +
                  " CUDA device(s) found");
    return d;
  }
  throw Error("unknown device '" + name + "': use auto, cpu, cuda or cuda:N");
}

namespace {
// oneDNN's kernels are chosen while the program starts, before any of its own code runs (as core/cuda_library.cc
// loads CUDA); here, because every program that computes links this file.
[[maybe_unused]] const CpuKernelChoice& kernels_chosen_at_start = cpu_kernel_choice();
}  // namespace

std::string device_description(const c10::Device& d) {
  if (d.is_cpu()) return "CPU (" + std::to_string(at::get_num_threads()) + " threads)";
  return "the GPU (" + d.str() + ")";
}

uint64_t device_free_memory_bytes(const c10::Device& d) {
  if (d.is_cpu()) return available_memory_bytes();
  if (!d.is_cuda() || !cuda_available()) return 0;
  // The CUDA runtime is in the process whenever LibTorch has CUDA (libtorch_cuda needs it), but this project
  // builds against any LibTorch, CPU-only ones without CUDA headers included: its functions are looked up by name.
  using GetDevice = int (*)(int*);
  using SetDevice = int (*)(int);
  using MemGetInfo = int (*)(size_t*, size_t*);
  const auto get_device = reinterpret_cast<GetDevice>(dlsym(RTLD_DEFAULT, "cudaGetDevice"));
  const auto set_device = reinterpret_cast<SetDevice>(dlsym(RTLD_DEFAULT, "cudaSetDevice"));
  const auto mem_get_info = reinterpret_cast<MemGetInfo>(dlsym(RTLD_DEFAULT, "cudaMemGetInfo"));
  if (!get_device || !set_device || !mem_get_info) return 0;
  int previous = 0;
  if (get_device(&previous) != 0) return 0;
  const int index = d.has_index() ? d.index() : previous;
  size_t free = 0, total = 0;
  const bool ok = set_device(index) == 0 && mem_get_info(&free, &total) == 0;
  set_device(previous);
  return ok ? free : 0;
}

}  // namespace atelier
