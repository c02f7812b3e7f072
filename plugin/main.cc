#include <libgimp/gimp.h>

#include "core/blas_threads.h"
#include "core/memory.h"
#include "plugin/plug_in.h"

// GIMP_MAIN's main(), with LibTorch's memory set up before anything allocates, and OpenBLAS kept on the calling
// thread for the whole process (core/blas_threads.h): the dialog's speed measurement, its preview and the run each
// compute on their own thread.
int main(int argc, char* argv[]) {
  atelier::set_up_tensor_memory();
  atelier::use_single_threaded_blas();
  return gimp_main(ATELIER_TYPE_PLUG_IN, argc, argv);
}
