#include <gtest/gtest.h>

#include "core/process_setup.h"

// gtest's main(), with LibTorch's memory and the BLAS set up as the programs set them up.
int main(int argc, char** argv) {
  atelier::set_up_process();
  testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
