// Minimal placeholder until the model library lands (replaced on merge of the inception branch).
#include "models/model_library.h"

#include <cstdlib>
#include <filesystem>

#include "core/error.h"

namespace atelier {

ModelLibrary::ModelLibrary(std::string dir) : dir_(dir.empty() ? default_dir() : std::move(dir)) {}

std::string ModelLibrary::default_dir() {
  if (const char* e = std::getenv("ATELIER_MODELS_DIR"); e && *e) return e;
  if (const char* x = std::getenv("XDG_DATA_HOME"); x && *x) return std::string(x) + "/neural-atelier/models";
  const char* home = std::getenv("HOME");
  return std::string(home ? home : ".") + "/.local/share/neural-atelier/models";
}

std::vector<ModelInfo> ModelLibrary::known() const { return known_; }
const ModelInfo& ModelLibrary::info(const std::string& name) const { throw Error("unknown model '" + name + "'"); }
bool ModelLibrary::installed(const std::string& name) const {
  return std::filesystem::exists(dir_ + "/" + name + ".safetensors");
}
std::string ModelLibrary::path(const std::string& name) const {
  if (!installed(name))
    throw Error("model '" + name + "' is not installed; run: atelier models install " + name);
  return dir_ + "/" + name + ".safetensors";
}

}  // namespace atelier
