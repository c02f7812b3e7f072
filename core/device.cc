#include "core/device.h"

#include <ATen/Context.h>
#include <ATen/Parallel.h>
#include <torch/cuda.h>

#include <cstdlib>

#include "core/error.h"

namespace atelier {

bool cuda_available() { return torch::cuda::is_available(); }

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
      throw Error("device '" + name +
                  "' was requested but CUDA is not available (this build's LibTorch has no CUDA, or no GPU/driver "
                  "was found); use --device cpu");
    c10::Device d(name == "cuda" ? std::string("cuda:0") : name);
    if (d.index() >= static_cast<int>(torch::cuda::device_count()))
      throw Error("device '" + name + "' does not exist: " + std::to_string(torch::cuda::device_count()) +
                  " CUDA device(s) found");
    return d;
  }
  throw Error("unknown device '" + name + "': use auto, cpu, cuda or cuda:N");
}

std::string device_description(const c10::Device& d) {
  if (d.is_cpu()) return "CPU (" + std::to_string(at::get_num_threads()) + " threads)";
  return d.str();
}

}  // namespace atelier
