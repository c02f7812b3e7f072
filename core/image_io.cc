#include "core/image_io.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <vector>

#include "core/error.h"

#define STB_IMAGE_IMPLEMENTATION
#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STBI_FAILURE_USERMSG
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "stb_image.h"
#include "stb_image_write.h"
#pragma GCC diagnostic pop

namespace atelier {

Image load_image(const std::string& path) {
  {
    std::ifstream probe(path, std::ios::binary);
    if (!probe) throw Error("cannot open image '" + path + "': " + std::strerror(errno));
  }
  int w = 0, h = 0, n = 0;
  Image img;
  if (stbi_is_16_bit(path.c_str())) {
    stbi_us* data = stbi_load_16(path.c_str(), &w, &h, &n, 4);
    if (!data) throw Error("cannot read image '" + path + "': " + stbi_failure_reason());
    img = Image(w, h);
    for (size_t i = 0; i < img.rgba.size(); ++i) img.rgba[i] = data[i] / 65535.f;
    stbi_image_free(data);
  } else {
    stbi_uc* data = stbi_load(path.c_str(), &w, &h, &n, 4);
    if (!data)
      throw Error("cannot read image '" + path + "': " + stbi_failure_reason() +
                  " (supported: PNG, JPEG, BMP, TGA, GIF, PSD, HDR, PNM)");
    img = Image(w, h);
    for (size_t i = 0; i < img.rgba.size(); ++i) img.rgba[i] = data[i] / 255.f;
    stbi_image_free(data);
  }
  return img;
}

void save_png(const std::string& path, const Image& image) {
  if (image.empty()) throw Error("cannot save an empty image to '" + path + "'");
  bool opaque = true;
  for (size_t i = 3; i < image.rgba.size(); i += 4) opaque = opaque && image.rgba[i] >= 1.f;
  const int comp = opaque ? 3 : 4;
  std::vector<unsigned char> bytes(static_cast<size_t>(image.width) * image.height * comp);
  size_t k = 0;
  for (size_t i = 0; i < image.rgba.size(); i += 4)
    for (int c = 0; c < comp; ++c)
      bytes[k++] = static_cast<unsigned char>(std::lround(std::clamp(image.rgba[i + c], 0.f, 1.f) * 255.f));
  if (!stbi_write_png(path.c_str(), image.width, image.height, comp, bytes.data(), image.width * comp))
    throw Error("cannot write PNG '" + path + "' (directory missing or not writable?)");
}

}  // namespace atelier
