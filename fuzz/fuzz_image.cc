// Image files given as content or style images (headers and decoders: PNG, JPEG, BMP, GIF, TGA, PSD, HDR, PNM).
#include <cstddef>
#include <cstdint>

#include "core/error.h"
#include "core/image_io.h"
#include "fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  atelier::fuzz::MemoryFile file(data, size);
  if (!file.ok()) return 0;
  try {
    atelier::load_image(file.path());
  } catch (const atelier::Error&) {
  }
  return 0;
}
