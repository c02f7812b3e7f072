#pragma once
// The photos a style network learns from (Train Instant Style): the images of a folder, or the photographs of
// Debian's darknet package when none is given, read at the training size.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/progress.h"

namespace atelier {

// Where the photos trained on when no folder is given are: the photographs of Debian's darknet package (the demo's
// package).
inline constexpr const char* kDefaultTrainingPhotoDir = "/usr/share/darknet/data";

// The image files of `folder` (JPEG, PNG, BMP, TGA, PNM, GIF, PSD; sorted by name, at most 400: more adds little
// for the iterations a CPU affords and costs memory); "" = darknet's photos. Throws atelier::Error saying what to
// choose for a missing or empty folder, or when darknet's photos are not installed.
std::vector<std::string> training_photo_files(const std::string& folder);

// The photos, scaled for training (prepare_training_photos); unreadable files are skipped and counted in the
// progress message. Throws atelier::Error when none can be read.
std::vector<at::Tensor> read_training_photos(const std::vector<std::string>& files, int64_t size,
                                             const Progress& progress);

}  // namespace atelier
