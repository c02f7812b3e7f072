#pragma once
// Compute device selection: CUDA when available, else CPU; overridable by name or ATELIER_DEVICE.
#include <c10/core/Device.h>

#include <cstdint>
#include <string>

namespace atelier {

// name: "auto" (default: $ATELIER_DEVICE if set, else cuda if available, else cpu), "cpu", "cuda", "cuda:N".
// Throws atelier::Error if "cuda" is asked for but unavailable (with the reason).
c10::Device select_device(const std::string& name = "auto");
bool cuda_available();
// Why cuda_available() is false, as advice (no CUDA in this LibTorch, cuDNN missing, no GPU or driver); "" when true.
std::string cuda_unavailable_reason();
std::string device_description(const c10::Device& d);  // "CPU (2 threads)", "the GPU (cuda:0)"

// Free memory on a device, 0 when unknown: the host's available memory for the CPU, the GPU's free memory
// (cudaMemGetInfo) for CUDA.
uint64_t device_free_memory_bytes(const c10::Device& d);

}  // namespace atelier
