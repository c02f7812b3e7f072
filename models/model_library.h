#pragma once
// The per-user model library: a directory of weight files plus a manifest of known models (torch-free).
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/progress.h"

namespace atelier {

// A run needs a model that is not installed: the message says how to install it; hosts may offer to (GIMP's
// model manager).
struct ModelMissing : Error {
  ModelMissing(std::string model_name, const std::string& message) : Error(message), model(std::move(model_name)) {}
  std::string model;
};

// What a model of the library is. Its name in the library's index and in model names is kind_name().
enum class ModelKind { Feature, FastStyle, ArbitraryStyle, TextureNet };
const char* kind_name(ModelKind kind);  // "feature", "fast-style", "arbitrary-style", "texture-net"
std::optional<ModelKind> kind_from_name(const std::string& name);
// A model's name in the library: "KIND/NICK" ("fast-style/wave", "texture-net/bricks"); a feature network's nick
// is its name ("inception_v3").
std::string model_name(ModelKind kind, const std::string& nick);

struct ModelInfo {
  std::string name;  // "inception_v3", "vgg19", "fast-style/wave", ...: model_name()
  ModelKind kind = ModelKind::Feature;
  std::string description;
  std::string source;  // where it comes from ("npm:nsfwjs@4.4.0", a URL, "imported from ...")
  std::string licence;
  std::string file;          // file name inside the library directory
  std::string sha256;        // of `file` after installation ("" = not pinned)
  bool installable = false;  // `atelier models install NAME` can produce it
};

class ModelLibrary {
 public:
  // dir: "" = default_dir().
  explicit ModelLibrary(std::string dir = "");
  // $ATELIER_MODELS_DIR, else $XDG_DATA_HOME/neural-atelier/models, else ~/.local/share/neural-atelier/models.
  static std::string default_dir();
  // The models this program knows how to obtain: feature networks (inception_v3, vgg19; mobilenet_v2, the quality
  // benchmark's referee), the nine bundled styles and the arbitrary-style network.
  static const std::vector<ModelInfo>& builtin();

  const std::string& dir() const { return dir_; }
  // Built-in manifest entries plus models imported into this library.
  std::vector<ModelInfo> known() const;
  const ModelInfo& info(const std::string& name) const;  // throws atelier::Error for unknown names
  // Whether the library holds the model's file (bundled networks are usable without: see path()).
  bool installed(const std::string& name) const;
  // Path of a model's weights for a run: the library's file, else, for a network that ships with the program, its
  // bundled file, read in place (bundled_file()); throws ModelMissing with the exact install command otherwise.
  std::string path(const std::string& name) const;
  // Where a model's weights live once installed (dir()/info(name).file).
  std::string file_path(const std::string& name) const;
  // Where a stopped training of model `name` keeps its state until resumed (filters/train_style.cc).
  std::string checkpoint_path(const std::string& name) const { return dir_ + "/" + name + ".checkpoint.safetensors"; }
  // How to get a model that is not installed, as a user-facing sentence.
  std::string how_to_install(const std::string& name) const;

  // Records an imported model (or the SHA-256 of an imported built-in one) in the library's index
  // (dir()/index.json) so that known() lists it; replaces an entry of the same name.
  void record_import(const ModelInfo& info);
  // Drops a model's entry from the index: an imported or trained model leaves known(); a built-in one stays
  // known with its built-in description.
  void forget(const std::string& name);

 private:
  void read_index();
  void write_index(const std::string& skip_name, const ModelInfo* add);
  std::string dir_;
  std::vector<ModelInfo> known_;
};

// ---- installing, verifying, importing (models/model_install.cc) -----------------------------------------

// Where a network that ships with the program (the nine styles, the arbitrary-style network) is in this
// installation; "" for other models, or when this installation lacks the file.
std::string bundled_file(const ModelInfo& info);

using LogFn = std::function<void(const std::string& line)>;

// Whether `name` can name a model of the library (and its file there): letters, digits, '_', '-' and '.', not
// empty and not starting with '.'.
bool valid_model_name(const std::string& name);

enum class VerifyStatus { Ok, Missing, Mismatch, NotPinned };
struct Verification {
  VerifyStatus status = VerifyStatus::Missing;
  std::string expected, actual;  // SHA-256 hex digests
};
Verification verify_model(const ModelLibrary& library, const std::string& name);

// What Progress::report's fraction is while a step of unknown length runs (fetching with npm, converting).
constexpr double kUnknownFraction = -1;

// Installs a built-in model into the library (inception_v3: npm pack nsfwjs@4.4.0 + conversion with node;
// vgg19: download torchvision's weights). Does nothing but say so when it is installed and verified.
// Throws atelier::Error saying what failed and what to do (missing npm/node, no network, checksum mismatch).
// progress: the download's fraction (or kUnknownFraction) and what it does now; its cancel flag stops the
// helper programs and throws Cancelled, leaving the library as it was.
void install_model(ModelLibrary& library, const std::string& name, const LogFn& log, const Progress& progress = {});

// Deletes an installed model's weights (and a trained style's checkpoint). Built-in models stay listed, to be
// installed again; imported and trained ones leave the library. Throws atelier::Error when it is not installed
// or cannot be deleted.
void remove_model(ModelLibrary& library, const std::string& name, const LogFn& log);

// Adds a model this program trained (Texture Synthesize's generators, Train Instant Style's networks) to the
// library: `write` saves the weights to the path it is given, which becomes dir()/info.file (default: the name
// plus ".safetensors", its folder made) only once written; then the file's SHA-256 and `info` are recorded in the
// index, replacing an entry of the same name. Returns the file's path. A `write` that throws leaves the library
// as it was.
std::string add_trained_model(ModelLibrary& library, ModelInfo info,
                              const std::function<void(const std::string& path)>& write);

// Imports weights the user has: kind "vgg19" (torchvision .pth file) or "fast-style" (a TF variables directory
// with manifest.json, stored as fast-style/NAME). Returns the model's name in the library.
std::string import_model(ModelLibrary& library, const std::string& kind, const std::string& source,
                         const std::string& name, const LogFn& log);

}  // namespace atelier
