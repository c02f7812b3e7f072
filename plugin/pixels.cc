#include "plugin/pixels.h"

#include <algorithm>

#include <gegl.h>

namespace atelier::plugin {

Image read_region(GimpDrawable* drawable, const Region& r) {
  Image image(r.width, r.height);
  GeglBuffer* buffer = gimp_drawable_get_buffer(drawable);
  gegl_buffer_get(buffer, GEGL_RECTANGLE(r.x, r.y, r.width, r.height), 1.0, babl_format("R'G'B'A float"),
                  image.rgba.data(), GEGL_AUTO_ROWSTRIDE, GEGL_ABYSS_NONE);
  g_object_unref(buffer);
  return image;
}

void write_image(GimpDrawable* drawable, const Image& image) {
  std::vector<float> clamped(image.rgba.size());
  std::transform(image.rgba.begin(), image.rgba.end(), clamped.begin(),
                 [](float v) { return v > 0.f ? (v < 1.f ? v : 1.f) : 0.f; });  // NaN -> 0
  GeglBuffer* buffer = gimp_drawable_get_buffer(drawable);
  gegl_buffer_set(buffer, GEGL_RECTANGLE(0, 0, image.width, image.height), 0, babl_format("R'G'B'A float"),
                  clamped.data(), GEGL_AUTO_ROWSTRIDE);
  g_object_unref(buffer);  // flushes the tiles to the core
}

}  // namespace atelier::plugin
