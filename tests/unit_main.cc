#include <gtest/gtest.h>

#include "core/blas_threads.h"
#include "core/memory.h"

// gtest's main(), with LibTorch's memory and the BLAS set up as the programs set them up (cli/main.cc,
// plugin/main.cc and plugin/run.cc).
int main(int argc, char** argv) {
  atelier::set_up_tensor_memory();
  atelier::use_single_threaded_blas();
  testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
