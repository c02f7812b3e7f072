#include "core/gimp_pattern.h"

#include <cstdint>
#include <cstring>

#include "core/error.h"

namespace atelier {
namespace {

constexpr size_t kFixedHeader = 24;  // five big-endian 32-bit numbers and the magic; the name follows
// GIMP writes patterns far smaller; a larger declared size is a damaged file, refused before allocating.
constexpr uint64_t kMaxSide = 1 << 14;

uint64_t number_at(const std::vector<unsigned char>& b, size_t at) {
  return (uint64_t{b[at]} << 24) | (uint64_t{b[at + 1]} << 16) | (uint64_t{b[at + 2]} << 8) | b[at + 3];
}

}  // namespace

bool is_gimp_pattern(const std::vector<unsigned char>& bytes) {
  return bytes.size() >= kFixedHeader && std::memcmp(bytes.data() + 20, "GPAT", 4) == 0;
}

GimpPatternHeader read_gimp_pattern_header(const std::vector<unsigned char>& bytes, const std::string& path) {
  const std::string what = "cannot read GIMP pattern '" + path + "': ";
  if (!is_gimp_pattern(bytes)) throw Error(what + "it is not a GIMP pattern file");
  const GimpPatternHeader h{number_at(bytes, 0), number_at(bytes, 8), number_at(bytes, 12), number_at(bytes, 16)};
  const uint64_t version = number_at(bytes, 4);
  if (version != 1) throw Error(what + "version " + std::to_string(version) + " is not known (only version 1 is)");
  if (h.header_bytes < kFixedHeader || h.header_bytes > bytes.size()) throw Error(what + "its header is damaged");
  if (h.width == 0 || h.height == 0 || h.width > kMaxSide || h.height > kMaxSide)
    throw Error(what + "it declares " + std::to_string(h.width) + "x" + std::to_string(h.height) +
                " pixels; the file is damaged");
  if (h.channels < 1 || h.channels > 4)
    throw Error(what + "it declares " + std::to_string(h.channels) + " bytes per pixel (1 to 4 are known)");
  if (bytes.size() - h.header_bytes < h.width * h.height * h.channels)
    throw Error(what + "the file ends before its pixels do; it is truncated");
  return h;
}

Image decode_gimp_pattern(const std::vector<unsigned char>& bytes, const GimpPatternHeader& h) {
  Image img(static_cast<int>(h.width), static_cast<int>(h.height));
  const bool grey = h.channels <= 2, alpha = h.channels == 2 || h.channels == 4;
  const unsigned char* p = bytes.data() + h.header_bytes;
  for (uint64_t i = 0; i < h.width * h.height; ++i, p += h.channels) {
    float* out = &img.rgba[i * 4];
    for (int c = 0; c < 3; ++c) out[c] = p[grey ? 0 : c] / 255.f;
    out[3] = alpha ? p[h.channels - 1] / 255.f : 1.f;
  }
  return img;
}

}  // namespace atelier
