#pragma once
// LibTorch's CUDA part, loaded at run time.
//
// Debian ships LibTorch 2.6 twice with one ABI for the CPU libraries: libtorch2.6 (main, CPU only) and
// libtorch-cuda-2.6 (contrib), whose libtorch_cuda.so adds CUDA to the process when it is loaded. The programs link
// only the CPU libraries and load libtorch_cuda.so while they start, so that one binary (one package) runs with
// either LibTorch, and a CUDA LibTorch that cannot be loaded (NVIDIA's cuDNN not installed, no libcuda) leaves the
// CPU working and says why instead of keeping the program from starting.
#include <string>

namespace atelier {

struct CudaLibrary {
  bool loaded = false;
  std::string problem;  // why it is not loaded, as advice for the user; empty when loaded
};

// The result of loading libtorch_cuda.so, once per process, before the program's own code runs (LibTorch answers its
// first question about CUDA, which torch::manual_seed asks too, once for the rest of the process).
const CudaLibrary& cuda_library();

// What the loader said for a library that did not load, turned into advice (tested without a CUDA LibTorch).
std::string cuda_library_problem(const std::string& library, const std::string& loader_error);

}  // namespace atelier
