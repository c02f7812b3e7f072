#include "core/memory.h"

#include <cstdio>
#include <fstream>
#include <sstream>

#include "core/error.h"

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

void require_memory(uint64_t needed, const std::string& what, const std::string& advice) {
  const uint64_t available = available_memory_bytes();
  if (available == 0 || needed <= available) return;
  char buf[160];
  std::snprintf(buf, sizeof buf, " needs about %.1f GB of memory but only %.1f GB is available; ", needed / 1e9,
                available / 1e9);
  throw OutOfMemory(what + buf + advice);
}

}  // namespace atelier
