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

std::pair<uint64_t, uint64_t> gimp_pattern_size(const std::vector<unsigned char>& bytes) {
  if (!is_gimp_pattern(bytes)) return {0, 0};
  return {number_at(bytes, 8), number_at(bytes, 12)};
}

Image decode_gimp_pattern(const std::vector<unsigned char>& bytes, const std::string& path) {
  const std::string what = "cannot read GIMP pattern '" + path + "': ";
  if (!is_gimp_pattern(bytes)) throw Error(what + "it is not a GIMP pattern file");
  const uint64_t header = number_at(bytes, 0), version = number_at(bytes, 4), width = number_at(bytes, 8),
                 height = number_at(bytes, 12), channels = number_at(bytes, 16);
  if (version != 1) throw Error(what + "version " + std::to_string(version) + " is not known (only version 1 is)");
  if (header < kFixedHeader || header > bytes.size()) throw Error(what + "its header is damaged");
  if (width == 0 || height == 0 || width > kMaxSide || height > kMaxSide)
    throw Error(what + "it declares " + std::to_string(width) + "x" + std::to_string(height) +
                " pixels; the file is damaged");
  if (channels < 1 || channels > 4)
    throw Error(what + "it declares " + std::to_string(channels) + " bytes per pixel (1 to 4 are known)");
  const uint64_t pixels = width * height;
  if (bytes.size() - header < pixels * channels)
    throw Error(what + "the file ends before its pixels do; it is truncated");
  Image img(static_cast<int>(width), static_cast<int>(height));
  const unsigned char* p = bytes.data() + header;
  for (uint64_t i = 0; i < pixels; ++i, p += channels) {
    float* out = &img.rgba[i * 4];
    const bool grey = channels <= 2;
    for (int c = 0; c < 3; ++c) out[c] = p[grey ? 0 : c] / 255.f;
    out[3] = channels == 2 || channels == 4 ? p[channels - 1] / 255.f : 1.f;
  }
  return img;
}

}  // namespace atelier
