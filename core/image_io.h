#pragma once
// Reading and writing image files for the CLI, tests and style images (PNG, JPEG, BMP, TGA, ...).
#include <string>

#include "core/image.h"

namespace atelier {

// Throws atelier::Error naming the file and the reason (missing, unreadable, not an image).
Image load_image(const std::string& path);
// PNG, 8-bit RGBA (or RGB when fully opaque). Throws atelier::Error on failure.
void save_png(const std::string& path, const Image& image);

}  // namespace atelier
