#pragma once
// A ZIP archive opened for reading (PyTorch checkpoints), on libzip. Entry sizes come from the archive and are
// checked against what the entry's compressed bytes can hold before anything is allocated for them, so a damaged
// or hostile archive of a few kilobytes cannot make its reader allocate gigabytes.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

extern "C" {
typedef struct zip zip_t;
}

namespace atelier {

class ZipArchive {
 public:
  // Throws atelier::Error "damaged ZIP archive (why); ..." for anything libzip cannot open as a consistent archive.
  explicit ZipArchive(const std::string& path);
  ~ZipArchive();
  ZipArchive(const ZipArchive&) = delete;
  ZipArchive& operator=(const ZipArchive&) = delete;

  // The entries' names, as stored (no character-set conversion), in the archive's order.
  std::vector<std::string> names() const;
  bool has(const std::string& name) const;
  // The entry's uncompressed size; throws for an entry that cannot be that large (a stored entry whose sizes
  // differ, a deflated one beyond deflate's largest ratio, or a compression method other than these two).
  uint64_t size(const std::string& name) const;
  // Exactly the entry's `n` = size(name) bytes into dst, its checksum verified.
  void read(const std::string& name, void* dst, uint64_t n) const;
  std::string read(const std::string& name) const;

 private:
  int64_t index(const std::string& name) const;
  std::unique_ptr<zip_t, void (*)(zip_t*)> zip_;
  uint64_t file_size_ = 0;
};

}  // namespace atelier
