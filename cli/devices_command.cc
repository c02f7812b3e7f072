// atelier devices: where filters can compute here, and why the GPU cannot when it cannot.
#include <torch/cuda.h>

#include <cstdio>

#include "cli/commands.h"
#include "core/cpu_kernels.h"
#include "core/device.h"
#include "core/error.h"

namespace atelier::cli {

int devices_command(const Args& args) {
  if (!args.empty() && (args[0] == "--help" || args[0] == "-h")) {
    std::printf(
        "usage: atelier devices\n\nLists the devices filters can compute on (--device cpu|cuda|cuda:N|auto); for CUDA "
        "it says why it is not usable when it is not.\n");
    return 0;
  }
  if (!args.empty()) throw Error("devices takes no arguments (got '" + args[0] + "')");
  std::printf("cpu     %s\n", device_description(c10::Device(c10::kCPU)).c_str());
  if (cpu_kernel_choice().limited) std::printf("        %s\n", cpu_kernel_choice().reason.c_str());
  if (!cuda_available()) {
    std::printf("cuda    not usable: %s\n", cuda_unavailable_reason().c_str());
  } else {
    for (int i = 0; i < static_cast<int>(torch::cuda::device_count()); ++i) {
      const c10::Device d(c10::kCUDA, static_cast<c10::DeviceIndex>(i));
      std::printf("%-7s %s, %.1f GB free\n", d.str().c_str(), device_description(d).c_str(),
                  device_free_memory_bytes(d) / 1e9);
    }
  }
  std::printf("auto    %s\n", select_device("auto").str().c_str());  // ATELIER_DEVICE counts
  return 0;
}

}  // namespace atelier::cli
