// safetensors weight files (the model library's format; users import and download them).
#include <cstddef>
#include <cstdint>

#include "core/error.h"
#include "core/safetensors.h"
#include "fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  atelier::fuzz::MemoryFile file(data, size);
  if (!file.ok()) return 0;
  try {
    atelier::Metadata meta;
    const atelier::TensorMap weights = atelier::load_safetensors(file.path(), &meta);
    atelier::require_finite_weights(weights, file.path());
  } catch (const atelier::Error&) {
  }
  return 0;
}
