#include "core/cache_dir.h"

#include <cstdlib>
#include <filesystem>

namespace atelier {

std::string user_cache_dir() {
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  const char* home = std::getenv("HOME");
  const std::filesystem::path base =
      xdg && *xdg ? std::filesystem::path(xdg) : std::filesystem::path(home && *home ? home : "/tmp") / ".cache";
  return (base / "neural-atelier").string();
}

}  // namespace atelier
