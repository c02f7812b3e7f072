#pragma once
// Helpers for the libFuzzer targets: the loaders under test take file paths, so each input becomes an anonymous
// in-memory file reachable as /proc/self/fd/N (no disk writes, nothing left behind).
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/error.h"

namespace atelier::fuzz {

class MemoryFile {
 public:
  MemoryFile(const uint8_t* data, size_t size) : fd_(memfd_create("atelier-fuzz", 0)) {
    size_t done = 0;
    while (fd_ >= 0 && done < size) {
      const ssize_t n = ::write(fd_, data + done, size - done);
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
  }
  ~MemoryFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  MemoryFile(const MemoryFile&) = delete;
  MemoryFile& operator=(const MemoryFile&) = delete;
  bool ok() const { return fd_ >= 0; }
  std::string path() const { return "/proc/self/fd/" + std::to_string(fd_); }

 private:
  int fd_;
};

// Runs load(path) on the input as a file; the errors a loader reports for bad input are expected.
template <class Load>
void load_from_memory(const uint8_t* data, size_t size, Load load) {
  MemoryFile file(data, size);
  if (!file.ok()) return;
  try {
    load(file.path());
  } catch (const atelier::Error&) {
  }
}

}  // namespace atelier::fuzz
