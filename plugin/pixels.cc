#include "plugin/pixels.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <gegl.h>

namespace atelier::plugin {
namespace {

void clamp01(std::vector<float>& values) {
  for (float& v : values) v = v > 0.f ? (v < 1.f ? v : 1.f) : 0.f;  // also NaN -> 0
}

}  // namespace

Image read_region(GimpDrawable* drawable, const Region& r) {
  Image image(r.width, r.height);
  GeglBuffer* buffer = gimp_drawable_get_buffer(drawable);
  gegl_buffer_get(buffer, GEGL_RECTANGLE(r.x, r.y, r.width, r.height), 1.0, babl_format("R'G'B'A float"),
                  image.rgba.data(), GEGL_AUTO_ROWSTRIDE, GEGL_ABYSS_NONE);
  g_object_unref(buffer);
  clamp01(image.rgba);  // float images may hold values outside [0,1]; the engine expects [0,1]
  return image;
}

Image read_region_scaled(GimpDrawable* drawable, const Region& r, int long_side) {
  const double scale = std::min(1.0, static_cast<double>(long_side) / std::max(r.width, r.height));
  if (scale >= 1.0) return read_region(drawable, r);
  Image image(std::max(1, static_cast<int>(std::lround(r.width * scale))),
              std::max(1, static_cast<int>(std::lround(r.height * scale))));
  GeglBuffer* buffer = gimp_drawable_get_buffer(drawable);
  gegl_buffer_get(buffer,
                  GEGL_RECTANGLE(static_cast<int>(std::floor(r.x * scale)), static_cast<int>(std::floor(r.y * scale)),
                                 image.width, image.height),
                  scale, babl_format("R'G'B'A float"), image.rgba.data(), GEGL_AUTO_ROWSTRIDE, GEGL_ABYSS_NONE);
  g_object_unref(buffer);
  clamp01(image.rgba);
  return image;
}

Image read_channel_region(GimpDrawable* channel, const Region& r, int long_side) {
  const double scale =
      long_side > 0 ? std::min(1.0, static_cast<double>(long_side) / std::max(r.width, r.height)) : 1.0;
  const int w = scale >= 1.0 ? r.width : std::max(1, static_cast<int>(std::lround(r.width * scale)));
  const int h = scale >= 1.0 ? r.height : std::max(1, static_cast<int>(std::lround(r.height * scale)));
  std::vector<float> grey(static_cast<size_t>(w) * h);
  GeglBuffer* buffer = gimp_drawable_get_buffer(channel);
  const int x = scale >= 1.0 ? r.x : static_cast<int>(std::floor(r.x * scale));
  const int y = scale >= 1.0 ? r.y : static_cast<int>(std::floor(r.y * scale));
  gegl_buffer_get(buffer, GEGL_RECTANGLE(x, y, w, h), std::min(scale, 1.0), babl_format("Y float"), grey.data(),
                  GEGL_AUTO_ROWSTRIDE, GEGL_ABYSS_NONE);
  g_object_unref(buffer);
  clamp01(grey);
  Image image(w, h);
  for (size_t i = 0; i < grey.size(); ++i) {
    float* p = &image.rgba[i * 4];
    p[0] = p[1] = p[2] = grey[i];
    p[3] = 1.f;
  }
  return image;
}

void write_image(GimpDrawable* drawable, const Image& image) {
  std::vector<float> clamped = image.rgba;
  clamp01(clamped);
  GeglBuffer* buffer = gimp_drawable_get_buffer(drawable);
  gegl_buffer_set(buffer, GEGL_RECTANGLE(0, 0, image.width, image.height), 0, babl_format("R'G'B'A float"),
                  clamped.data(), GEGL_AUTO_ROWSTRIDE);
  g_object_unref(buffer);  // flushes the tiles to the core
}

}  // namespace atelier::plugin
