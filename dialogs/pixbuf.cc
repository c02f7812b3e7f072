#include "dialogs/pixbuf.h"

#include <algorithm>
#include <cmath>

namespace atelier::dialogs {

GdkPixbuf* pixbuf_from_image(const Image& image) {
  if (image.empty()) return nullptr;
  GdkPixbuf* pixbuf = gdk_pixbuf_new(GDK_COLORSPACE_RGB, TRUE, 8, image.width, image.height);
  if (!pixbuf) return nullptr;
  guchar* pixels = gdk_pixbuf_get_pixels(pixbuf);
  const int stride = gdk_pixbuf_get_rowstride(pixbuf);
  for (int y = 0; y < image.height; ++y)
    for (int x = 0; x < image.width; ++x) {
      const float* p = image.pixel(x, y);
      guchar* q = pixels + static_cast<size_t>(y) * stride + static_cast<size_t>(x) * 4;
      for (int c = 0; c < 4; ++c) q[c] = static_cast<guchar>(std::lround(std::clamp(p[c], 0.f, 1.f) * 255.f));
    }
  return pixbuf;
}

}  // namespace atelier::dialogs
