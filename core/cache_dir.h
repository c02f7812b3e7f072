#pragma once
// Where the programs keep what a later run may reuse (torch-free header).
#include <string>

namespace atelier {

// $XDG_CACHE_HOME/neural-atelier, else ~/.cache/neural-atelier (/tmp/.cache/neural-atelier without a home).
std::string user_cache_dir();

}  // namespace atelier
