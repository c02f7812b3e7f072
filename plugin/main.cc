#include <libgimp/gimp.h>

#include "core/process_setup.h"
#include "plugin/plug_in.h"

// GIMP_MAIN's main(), set up before anything allocates (core/process_setup.h). The dialog's speed measurement, its
// preview and the run each compute on their own thread; OpenBLAS stays on the calling thread in every one of them.
int main(int argc, char* argv[]) {
  atelier::set_up_process();
  return gimp_main(ATELIER_TYPE_PLUG_IN, argc, argv);
}
