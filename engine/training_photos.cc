#include "engine/training_photos.h"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "core/error.h"
#include "core/image_io.h"
#include "engine/style_training.h"

namespace atelier {
namespace {

namespace fs = std::filesystem;

// The photos trained on when no folder is given (in kDefaultTrainingPhotoDir), without darknet's painting
// (scream.jpg).
const char* const kDefaultPhotos[] = {"dog.jpg", "eagle.jpg", "giraffe.jpg", "horses.jpg", "kite.jpg", "person.jpg"};
// A folder's photos beyond this many are not read (sorted by name): more adds little for the iterations a CPU
// affords and costs memory.
constexpr size_t kMaxPhotos = 400;

bool is_image_file(const fs::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  for (const char* e : {".jpg", ".jpeg", ".png", ".bmp", ".tga", ".ppm", ".pgm", ".pnm", ".gif", ".psd"})
    if (ext == e) return true;
  return false;
}

}  // namespace

std::vector<std::string> training_photo_files(const std::string& folder) {
  std::vector<std::string> files;
  if (folder.empty()) {
    for (const char* name : kDefaultPhotos) {
      const fs::path p = fs::path(kDefaultTrainingPhotoDir) / name;
      if (fs::is_regular_file(p)) files.push_back(p.string());
    }
    if (files.empty())
      throw Error("no photos folder was given and the default photos (" + std::string(kDefaultTrainingPhotoDir) +
                  ", Debian's darknet package) are not installed; choose a folder of photos");
    return files;
  }
  std::error_code ec;
  if (!fs::is_directory(folder, ec))
    throw Error("the photos folder '" + folder + "' does not exist or is not a folder; choose a folder of photos");
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec))
    if (it->is_regular_file(ec) && is_image_file(it->path())) files.push_back(it->path().string());
  if (ec) throw Error("cannot read the photos folder '" + folder + "': " + ec.message());
  std::sort(files.begin(), files.end());
  if (files.size() > kMaxPhotos) files.resize(kMaxPhotos);
  if (files.empty())
    throw Error("the photos folder '" + folder +
                "' holds no images (JPEG, PNG, BMP, TGA, PNM, GIF); choose a folder "
                "of photos");
  return files;
}

std::vector<at::Tensor> read_training_photos(const std::vector<std::string>& files, int64_t size,
                                             const Progress& progress) {
  std::vector<at::Tensor> photos;
  size_t skipped = 0;
  for (size_t i = 0; i < files.size(); ++i) {
    progress.check_cancel();
    progress.report(static_cast<double>(i) / files.size(),
                    "reading photos (" + std::to_string(i + 1) + "/" + std::to_string(files.size()) + ")");
    try {
      const std::vector<at::Tensor> one = prepare_training_photos({load_image(files[i])}, size);
      photos.push_back(one.front());
    } catch (const Cancelled&) {
      throw;
    } catch (const Error&) {
      ++skipped;
    }
  }
  if (photos.empty())
    throw Error("none of the " + std::to_string(files.size()) + " images in '" +
                fs::path(files.front()).parent_path().string() +
                "' could be read; choose a folder of JPEG or PNG photos");
  progress.report(1, "read " + std::to_string(photos.size()) + " photos" +
                         (skipped > 0 ? " (skipped " + std::to_string(skipped) + " unreadable image(s))" : ""));
  return photos;
}

}  // namespace atelier
