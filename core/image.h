#pragma once
// A plain RGBA float image: straight (non-premultiplied) alpha, sRGB-encoded values in [0,1], row-major,
// interleaved. The exchange format between GIMP/GEGL, files and the engine (torch-free header).
#include <cstddef>
#include <vector>

namespace atelier {

struct Image {
  int width = 0;
  int height = 0;
  std::vector<float> rgba;  // width * height * 4

  Image() = default;
  Image(int w, int h) : width(w), height(h), rgba(static_cast<size_t>(w) * h * 4, 0.f) {}
  bool empty() const { return width <= 0 || height <= 0; }
  float* pixel(int x, int y) { return &rgba[(static_cast<size_t>(y) * width + x) * 4]; }
  const float* pixel(int x, int y) const { return &rgba[(static_cast<size_t>(y) * width + x) * 4]; }
};

}  // namespace atelier
