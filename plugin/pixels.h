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
// The region scaled down (by GEGL) so that its longer side is at most long_side: a preview's input, read without
// reading the whole region.
Image read_region_scaled(GimpDrawable* drawable, const Region& region, int long_side);
// A channel (a mask: values as stored, not colour-converted) over a region given in image coordinates, as an
// image of grey levels with opaque alpha; scaled as read_region_scaled does when long_side > 0.
Image read_channel_region(GimpDrawable* channel, const Region& region, int long_side);
// Writes the image to the top-left corner of the drawable (values clamped to [0,1]).
void write_image(GimpDrawable* drawable, const Image& image);

}  // namespace atelier::plugin
