#pragma once
// A minimal read-only ZIP reader for PyTorch's zip checkpoints: stored (uncompressed) entries, ZIP64 aware.
// Torch-free.
#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

namespace atelier {

class ZipReader {
 public:
  struct Entry {
    std::string name;
    uint16_t method = 0;  // 0 = stored; anything else cannot be read
    uint64_t size = 0;    // uncompressed == compressed for stored entries
    uint64_t local_header_offset = 0;
  };

  // Reads the central directory. Throws atelier::Error for anything malformed; messages other than "cannot open"
  // leave naming the file to the caller.
  explicit ZipReader(const std::string& path);

  const std::string& path() const { return path_; }
  const std::vector<Entry>& entries() const { return entries_; }
  const Entry* find(const std::string& name) const;  // nullptr if absent

  // Copies a stored entry's bytes (exactly entry.size of them) to dst / into a string.
  void read(const Entry& entry, void* dst) const;
  std::string read(const Entry& entry) const;

 private:
  uint64_t data_offset(const Entry& entry) const;
  void read_at(uint64_t offset, void* dst, uint64_t n, const char* what) const;

  std::string path_;
  mutable std::ifstream file_;
  uint64_t file_size_ = 0;
  std::vector<Entry> entries_;
};

}  // namespace atelier
