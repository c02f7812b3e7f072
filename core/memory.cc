#include "core/memory.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>

#include "core/error.h"
#include "core/numbers.h"
#include "core/tensor_block_cache.h"

namespace atelier {

uint64_t available_memory_bytes() {
  std::ifstream f("/proc/meminfo");
  std::string key;
  uint64_t kb = 0;
  std::string unit;
  while (f >> key >> kb >> unit)
    if (key == "MemAvailable:") return kb * 1024;
  return 0;
}

namespace {

// A "Key:   123 kB" line of /proc/self/status, in bytes.
uint64_t status_bytes(const std::string& wanted) {
  std::ifstream f("/proc/self/status");
  std::string key;
  while (f >> key) {
    if (key == wanted) {
      uint64_t kb = 0;
      f >> kb;
      return kb * 1024;
    }
    f.ignore(1 << 16, '\n');
  }
  return 0;
}

}  // namespace

uint64_t current_resident_bytes() {
  return status_bytes("VmRSS:");
}
uint64_t peak_resident_bytes() {
  return status_bytes("VmHWM:");
}

void reset_peak_resident() {
  std::ofstream("/proc/self/clear_refs") << "5";
}

void release_freed_memory() {
  release_cached_tensor_blocks();
#if defined(__GLIBC__)
  malloc_trim(0);
#endif
}

void set_up_tensor_memory() {
  setenv("THP_MEM_ALLOC_ENABLE", "1", 0);
  constexpr uint64_t kMaxKept = uint64_t{2} << 30;
  const uint64_t available = available_memory_bytes();
  uint64_t limit = available == 0 ? kMaxKept / 4 : std::min(kMaxKept, available / 4);
  if (const char* mb = std::getenv("ATELIER_TENSOR_CACHE_MB"); mb && *mb) {
    const std::optional<long long> value = parse_int(mb);
    if (value && *value >= 0 && *value <= (1LL << 40))
      limit = static_cast<uint64_t>(*value) << 20;
    else  // before anything else runs: stderr is all there is to say it with
      std::fprintf(stderr,
                   "ATELIER_TENSOR_CACHE_MB is '%s', not a whole number of megabytes (0 = keep none); "
                   "keeping the default\n",
                   mb);
  }
  if (limit > 0) cache_large_tensor_blocks(limit);
}

void require_memory(uint64_t needed, const std::string& what, const std::string& advice) {
  const uint64_t available = available_memory_bytes();
  if (available == 0 || needed <= available) return;
  throw OutOfMemory(what + " needs about " + format_fixed(needed / 1e9, 1) + " GB of memory but only " +
                    format_fixed(available / 1e9, 1) + " GB is available; " + advice);
}

}  // namespace atelier
