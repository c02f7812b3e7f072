#include "core/cuda_library.h"

#include <torch/version.h>

#include <dlfcn.h>

namespace atelier {
namespace {

bool mentions(const std::string& text, const char* what) {
  return text.find(what) != std::string::npos;
}

CudaLibrary load_cuda_library() {
  // Debian's soname first (libtorch_cuda.so.2.6), then the plain name of a LibTorch tree (-Dtorch_dir, a wheel).
  const std::string versioned =
      "libtorch_cuda.so." + std::to_string(TORCH_VERSION_MAJOR) + "." + std::to_string(TORCH_VERSION_MINOR);
  CudaLibrary result;
  std::string first_error;
  for (const std::string& name : {versioned, std::string("libtorch_cuda.so")}) {
    // Never closed: LibTorch registers its CUDA kernels and allocator for the life of the process.
    if (dlopen(name.c_str(), RTLD_NOW | RTLD_GLOBAL)) {
      result.loaded = true;
      return result;
    }
    const char* error = dlerror();
    if (first_error.empty() && error) first_error = error;
  }
  result.problem = cuda_library_problem(versioned, first_error);
  return result;
}

}  // namespace

std::string cuda_library_problem(const std::string& library, const std::string& loader_error) {
  // "libtorch_cuda.so.2.6: cannot open shared object file": the library itself is missing (the CPU LibTorch).
  if (loader_error.empty() || loader_error.rfind(library + ":", 0) == 0)
    return "this LibTorch has no CUDA (Debian's libtorch2.6); for an NVIDIA GPU install libtorch-cuda-2.6 from "
           "Debian's contrib (README: \"The GPU\")";
  std::string advice = "the CUDA LibTorch (libtorch-cuda-2.6) is installed but cannot be loaded (" + loader_error + ")";
  if (mentions(loader_error, "libcudnn"))
    advice +=
        ": NVIDIA's cuDNN is missing; 'sudo dpkg-reconfigure nvidia-cudnn' downloads it once you accept "
        "NVIDIA's licence";
  else if (mentions(loader_error, "libcuda.so"))
    advice += ": the NVIDIA driver's library is missing; install the NVIDIA driver (nvidia-driver, non-free)";
  return advice;
}

const CudaLibrary& cuda_library() {
  static const CudaLibrary library = load_cuda_library();
  return library;
}

namespace {
// Loaded while the program starts: the libraries it links are initialised by then, none of its own code has run.
[[maybe_unused]] const CudaLibrary& loaded_at_start = cuda_library();
}  // namespace

}  // namespace atelier
