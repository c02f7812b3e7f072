#pragma once
// Pixels between GIMP drawables and atelier::Image through GEGL, as non-premultiplied sRGB "R'G'B'A float".
#include <libgimp/gimp.h>

#include "core/image.h"

namespace atelier::plugin {

struct Region {
  gint x = 0, y = 0, width = 0, height = 0;  // drawable coordinates
};

// Reads a region of the drawable, clamped to [0,1] (GRAY drawables come back as RGB with grey values).
Image read_region(GimpDrawable* drawable, const Region& region);
// Writes the image to the top-left corner of the drawable (values clamped to [0,1]).
void write_image(GimpDrawable* drawable, const Image& image);

}  // namespace atelier::plugin
