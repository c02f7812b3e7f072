#pragma once
// The per-user model library: a directory of weight files plus a manifest of known models (torch-free).
#include <functional>
#include <string>
#include <vector>

namespace atelier {

struct ModelInfo {
  std::string name;         // "inception_v3", "vgg19", "fast-style/wave", ...
  std::string kind;         // "feature" | "fast-style" | "texture-net"
  std::string description;
  std::string source;       // where it comes from ("npm:nsfwjs@4.4.0", a URL, "imported from ...")
  std::string licence;
  std::string file;         // file name inside the library directory
  std::string sha256;       // of `file` after installation ("" = not pinned)
  bool installable = false;  // `atelier models install NAME` can produce it
};

class ModelLibrary {
 public:
  // dir: "" = default_dir().
  explicit ModelLibrary(std::string dir = "");
  // $ATELIER_MODELS_DIR, else $XDG_DATA_HOME/neural-atelier/models, else ~/.local/share/neural-atelier/models.
  static std::string default_dir();

  const std::string& dir() const { return dir_; }
  // Built-in manifest entries plus models imported into this library.
  std::vector<ModelInfo> known() const;
  const ModelInfo& info(const std::string& name) const;  // throws atelier::Error for unknown names
  bool installed(const std::string& name) const;
  // Path of an installed model's weights; throws atelier::Error with the exact install command if missing.
  std::string path(const std::string& name) const;

 private:
  std::string dir_;
  std::vector<ModelInfo> known_;
};

}  // namespace atelier
