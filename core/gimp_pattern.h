#pragma once
// GIMP's pattern files (.pat: the textures of GIMP's Patterns dialog), read as images: style images and texture
// sources on the command line (inside GIMP, GIMP's own loader reads them). stb_image does not read them and no
// Debian library does outside GIMP itself; the format is small: a big-endian header (header size, version, width,
// height, bytes per pixel, the magic "GPAT", a name) and then the 8-bit pixels, grey, grey + alpha, RGB or RGBA.
#include <cstdint>
#include <string>
#include <vector>

#include "core/image.h"

namespace atelier {

// Whether `bytes` begin like a GIMP pattern (the magic "GPAT" after the five header numbers).
bool is_gimp_pattern(const std::vector<unsigned char>& bytes);

struct GimpPatternHeader {
  uint64_t header_bytes = 0, width = 0, height = 0, channels = 0;
};

// The header of a GIMP pattern, checked against the file (check its size against memory before decoding). Throws
// atelier::Error naming `path` for a header that does not add up or pixels that are missing.
GimpPatternHeader read_gimp_pattern_header(const std::vector<unsigned char>& bytes, const std::string& path);

// The pattern's pixels (`header`: read_gimp_pattern_header's of the same bytes).
Image decode_gimp_pattern(const std::vector<unsigned char>& bytes, const GimpPatternHeader& header);

}  // namespace atelier
