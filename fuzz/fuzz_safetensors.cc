// safetensors weight files (the model library's format; users import and download them).
#include <cstddef>
#include <cstdint>

#include "core/safetensors.h"
#include "fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  atelier::fuzz::load_from_memory(data, size, [](const std::string& path) {
    atelier::Metadata meta;
    atelier::require_finite_weights(atelier::load_safetensors(path, &meta), path);
  });
  return 0;
}
