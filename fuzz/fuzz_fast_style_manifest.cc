// manifest.json of a fast-style network folder (atelier models import fast-style DIR).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/error.h"
#include "models/transform_net.h"

namespace {

// One scratch folder per process, removed at exit.
struct Folder {
  std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("atelier-fuzz-manifest-" + std::to_string(::getpid()));
  Folder() { std::filesystem::create_directories(path); }
  ~Folder() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

const std::filesystem::path& folder() {
  static const Folder dir;
  return dir.path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  {
    std::ofstream manifest(folder() / "manifest.json", std::ios::binary | std::ios::trunc);
    manifest.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  try {
    atelier::import_fast_style(folder().string(), (folder() / "out.safetensors").string());
  } catch (const atelier::Error&) {
  }
  return 0;
}
