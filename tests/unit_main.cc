#include <gtest/gtest.h>

#include "core/memory.h"

// gtest's main(), with LibTorch's memory set up as the programs set it up (cli/main.cc, plugin/main.cc).
int main(int argc, char** argv) {
  atelier::set_up_tensor_memory();
  testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
