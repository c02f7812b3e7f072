#pragma once
// Reading and writing image files for the CLI, tests and style images (PNG, JPEG, BMP, TGA, GIMP patterns, ...).
#include <string>
#include <vector>

#include "core/image.h"

namespace atelier {

// Throws atelier::Error naming the file and the reason (missing, unreadable, not an image, too large for memory).
Image load_image(const std::string& path);

// The image as a viewer shows it for an EXIF orientation (1..8; other values: unchanged). load_image applies the
// file's own orientation, so that portrait photos from phones come out upright.
Image apply_exif_orientation(const Image& image, int orientation);

// The formats save_image writes, chosen by the file name's extension (case-insensitive).
enum class ImageFormat { Png, Jpeg, Bmp, Tga };
// Throws atelier::Error for an extension that names no format save_image writes.
ImageFormat output_format(const std::string& path);

// Everything about an output path that can be checked before minutes of computation: a known extension, a
// folder that exists and is writable, not a folder itself, and not the same file as any of `inputs` (the user's
// photo must never be overwritten by its own result). Throws atelier::Error saying what to change.
void check_output_path(const std::string& path, const std::vector<std::string>& inputs = {});

// The part of that check every output shares: the folder `path` goes into exists and is writable. Throws
// atelier::Error naming `path` and the folder.
void check_parent_folder_writable(const std::string& path);

// Writes the image in the format output_format(path) names (8 bits per channel; PNG keeps alpha, JPEG and BMP
// are composited over white), atomically: a temporary file in the same folder renamed over `path`, so that a
// failure never leaves half a file. Throws atelier::Error on failure.
void save_image(const std::string& path, const Image& image);
// PNG whatever the extension (tests and tools that write scratch files).
void save_png(const std::string& path, const Image& image);

}  // namespace atelier
