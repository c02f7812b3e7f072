#pragma once
// atelier::Image (float RGBA, straight alpha, sRGB) as a GdkPixbuf for GTK widgets.
#include <gdk-pixbuf/gdk-pixbuf.h>

#include "core/image.h"

namespace atelier::dialogs {

// A new pixbuf (the caller owns the reference; g_object_unref it), 8-bit RGBA; nullptr for an empty image.
GdkPixbuf* pixbuf_from_image(const Image& image);

}  // namespace atelier::dialogs
