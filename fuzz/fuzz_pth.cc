// PyTorch checkpoints (.pth): the zip reader, the legacy format and the allow-list pickle reader.
#include <cstddef>
#include <cstdint>

#include "core/error.h"
#include "fuzz/fuzz_input.h"
#include "models/pth_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  atelier::fuzz::MemoryFile file(data, size);
  if (!file.ok()) return 0;
  try {
    atelier::load_pth_state_dict(file.path());
  } catch (const atelier::Error&) {
  }
  return 0;
}
