// PyTorch checkpoints (.pth): the zip reader, the legacy format and the allow-list pickle reader.
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_input.h"
#include "models/pth_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  atelier::fuzz::load_from_memory(data, size, [](const std::string& path) { atelier::load_pth_state_dict(path); });
  return 0;
}
