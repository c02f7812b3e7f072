#include <libgimp/gimp.h>

#include "core/memory.h"
#include "plugin/plug_in.h"

// GIMP_MAIN's main(), with LibTorch's memory set up before anything allocates.
int main(int argc, char* argv[]) {
  atelier::set_up_tensor_memory();
  return gimp_main(ATELIER_TYPE_PLUG_IN, argc, argv);
}
