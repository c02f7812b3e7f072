// Image files given as content or style images (headers and decoders: PNG, JPEG, BMP, GIF, TGA, PSD, HDR, PNM).
#include <cstddef>
#include <cstdint>

#include "core/image_io.h"
#include "fuzz/fuzz_input.h"
#include "stb_image.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Headers declaring huge images are legitimate (load_image decodes what fits in memory) but make each run
  // allocate gigabytes: decode up to 1 megapixel; larger ones still go through the header checks.
  int w = 0, h = 0, n = 0;
  if (stbi_info_from_memory(data, static_cast<int>(size), &w, &h, &n) && static_cast<double>(w) * h > 1e6) return 0;
  atelier::fuzz::load_from_memory(data, size, [](const std::string& path) { atelier::load_image(path); });
  return 0;
}
