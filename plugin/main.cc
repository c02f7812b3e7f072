#include <libgimp/gimp.h>

#include "core/memory.h"
#include "plugin/plug_in.h"

// GIMP_MAIN's main(), with LibTorch's memory set up before anything allocates.
int main(int argc, char* argv[]) {
  atelier::use_huge_pages_for_tensors();
  return gimp_main(ATELIER_TYPE_PLUG_IN, argc, argv);
}
