#pragma once
// SHA-256 (FIPS 180-4) for verifying downloaded and converted model files (torch-free).
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/image.h"

namespace atelier {

class Sha256 {
 public:
  Sha256();
  void update(const void* data, size_t size);
  // Lower-case hex digest; the object must not be updated afterwards.
  std::string hex_digest();

 private:
  void block(const uint8_t* p);
  uint32_t h_[8];
  uint8_t buf_[64];
  size_t buf_len_ = 0;
  uint64_t total_ = 0;
};

std::string sha256_hex(const std::string& data);
// Hex digest of an image's pixels (its float RGBA values): the identity of a source or style image in a model's
// metadata, whatever file or layer it came from.
std::string sha256_pixels(const Image& image);
// Hex digest of a file's contents; throws atelier::Error if it cannot be read.
std::string sha256_file(const std::string& path);

}  // namespace atelier
