#include "core/blas_threads.h"

#include <dlfcn.h>

namespace atelier {

void use_single_threaded_blas() {
  // Looked up, not linked: the BLAS is whatever libblas.so.3 the system chose (OpenBLAS, BLIS, the reference one).
  using SetThreads = void (*)(int);
  if (auto set = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) set(1);
}

}  // namespace atelier
