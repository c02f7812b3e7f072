#include "core/process_setup.h"

#include "core/blas_threads.h"
#include "core/memory.h"

namespace atelier {

void set_up_process() {
  set_up_tensor_memory();
  use_single_threaded_blas();
}

}  // namespace atelier
