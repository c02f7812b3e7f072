#include "models/model_library.h"

#include <unistd.h>
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.h"
#include "core/json_checked.h"

namespace fs = std::filesystem;

namespace atelier {
namespace {

constexpr const char* kIndexFile = "index.json";

ModelInfo from_json(const Json& v) {
  ModelInfo m;
  auto str = [&](const char* key) {
    const Json& s = json::get(v, key);
    return s.is_string() ? json::string(s) : std::string();
  };
  m.name = str("name");
  m.kind = kind_from_name(str("kind")).value_or(ModelKind::Feature);
  m.description = str("description");
  m.source = str("source");
  m.licence = str("licence");
  m.file = str("file");
  m.sha256 = str("sha256");
  return m;
}

Json to_json(const ModelInfo& m) {
  return {{"name", m.name},     {"kind", kind_name(m.kind)}, {"description", m.description},
          {"source", m.source}, {"licence", m.licence},      {"file", m.file},
          {"sha256", m.sha256}};
}

// A library-relative file name must stay inside the library.
bool safe_relative(const std::string& f) {
  if (f.empty() || f[0] == '/') return false;
  for (const auto& part : fs::path(f))
    if (part == "..") return false;
  return true;
}

}  // namespace

const char* kind_name(ModelKind kind) {
  switch (kind) {
    case ModelKind::Feature: return "feature";
    case ModelKind::FastStyle: return "fast-style";
    case ModelKind::ArbitraryStyle: return "arbitrary-style";
    case ModelKind::TextureNet: return "texture-net";
  }
  return "feature";
}

std::optional<ModelKind> kind_from_name(const std::string& name) {
  for (ModelKind k : {ModelKind::Feature, ModelKind::FastStyle, ModelKind::ArbitraryStyle, ModelKind::TextureNet})
    if (name == kind_name(k)) return k;
  return std::nullopt;
}

std::string model_name(ModelKind kind, const std::string& nick) {
  return kind == ModelKind::Feature ? nick : std::string(kind_name(kind)) + "/" + nick;
}

const std::vector<ModelInfo>& ModelLibrary::builtin() {
  static const std::vector<ModelInfo> models = {
      {"inception_v3", ModelKind::Feature,
       "InceptionV3 (ImageNet, fine-tuned for NSFW classification by nsfwjs): style, texture, DeepDream",
       "npm:nsfwjs@4.4.0", "MIT", "inception_v3.safetensors",
       // SHA-256 of models/convert/nsfwjs_to_safetensors.js' output (deterministic).
       "7101fa47d73a164c1ce964550e80323bcca2f743ee0aea9d18e933644e266ee7", true},
      {"vgg19", ModelKind::Feature, "VGG-19 (ImageNet), the network of Gatys et al.'s style transfer",
       "https://download.pytorch.org/models/vgg19-dcbb9e9d.pth",
       "BSD-3-Clause (torchvision); weights by the Oxford VGG group, CC BY 4.0", "vgg19.safetensors", "", true},
      {"fast-style/la_muse", ModelKind::FastStyle, "Feed-forward style network: La Muse (Picasso)",
       "bundled with Neural Atelier (ml5.js / lengstrom fast-style-transfer)", "MIT", "fast-style/la_muse.safetensors",
       "655c1dd106d09519d65510e05a32d595af6204430d4c1aec72d15010ef4ec34c", true},
      {"fast-style/mathura", ModelKind::FastStyle, "Feed-forward style network: Mathura (Indian relief art)",
       "bundled with Neural Atelier (ml5.js / lengstrom fast-style-transfer)", "MIT", "fast-style/mathura.safetensors",
       "84473c1b969c6c23b66dda80745c2ade697f7a39c3ed9d5f29cfe7469ff5df25", true},
      {"fast-style/matilde_perez", ModelKind::FastStyle, "Feed-forward style network: Matilde Perez (kinetic art)",
       "bundled with Neural Atelier (ml5.js / lengstrom fast-style-transfer)", "MIT",
       "fast-style/matilde_perez.safetensors", "249637b96ef0b341a410cd08ce99f8339e1cfdcfda79c0e9da8599202dbec879",
       true},
      {"fast-style/matta", ModelKind::FastStyle, "Feed-forward style network: Roberto Matta",
       "bundled with Neural Atelier (ml5.js / lengstrom fast-style-transfer)", "MIT", "fast-style/matta.safetensors",
       "a031a3fdccc74d59a3bdeb9b664709b97bb46d1eb07a5f6b9d584e50a8e50a60", true},
      {"fast-style/rain_princess", ModelKind::FastStyle, "Feed-forward style network: Rain Princess (Afremov)",
       "bundled with Neural Atelier (ml5.js / lengstrom fast-style-transfer)", "MIT",
       "fast-style/rain_princess.safetensors", "4423a02827aeb299e30ee4aeb6224f68369b06610afd9c2e36c9cf0ca847d19f",
       true},
      {"fast-style/scream", ModelKind::FastStyle, "Feed-forward style network: The Scream (Munch)",
       "bundled with Neural Atelier (ml5.js / lengstrom fast-style-transfer)", "MIT", "fast-style/scream.safetensors",
       "6519d2d082eb427cfd394f51a52ff5de6be4a931e11e1a3df2605aab39d7282b", true},
      {"fast-style/udnie", ModelKind::FastStyle, "Feed-forward style network: Udnie (Picabia)",
       "bundled with Neural Atelier (ml5.js / lengstrom fast-style-transfer)", "MIT", "fast-style/udnie.safetensors",
       "198014d431b49161a2db23767e343b7a9c0c9c91dbd380c7a099b014a50bb5f2", true},
      {"fast-style/wave", ModelKind::FastStyle, "Feed-forward style network: The Great Wave (Hokusai)",
       "bundled with Neural Atelier (ml5.js / lengstrom fast-style-transfer)", "MIT", "fast-style/wave.safetensors",
       "469d8853ec0e901cb5e0c21840f76cc884418bebc87062e99efe829f20e788e5", true},
      {"fast-style/wreck", ModelKind::FastStyle, "Feed-forward style network: The Shipwreck of the Minotaur (Turner)",
       "bundled with Neural Atelier (ml5.js / lengstrom fast-style-transfer)", "MIT", "fast-style/wreck.safetensors",
       "ab1d04311b3f0a5d50ace0667411a264fa9d592648fec8376bbab8649cc9a502", true},
      {"arbitrary-style/magenta", ModelKind::ArbitraryStyle,
       "Arbitrary style transfer (Magenta, Ghiasi et al. 2017): any style image, instantly",
       "bundled with Neural Atelier (reiinakano/arbitrary-image-stylization-tfjs, separable transformer)", "Apache-2.0",
       "arbitrary-style/magenta_separable.safetensors",
       "19aa012da0e94a7b870eb4fd5ced30e585f0c8663f37ee6ddaa3c4a49fea5df9", true},
      // Last: no filter paints with it, so the model manager lists it after the networks that do.
      {"mobilenet_v2", ModelKind::Feature,
       "MobileNetV2 (ImageNet, fine-tuned for NSFW classification by nsfwjs): the referee of the quality benchmark; "
       "no filter paints with it",
       "npm:nsfwjs@4.4.0", "MIT", "mobilenet_v2.safetensors",
       // SHA-256 of models/convert/nsfwjs_to_safetensors.js' output (deterministic).
       "5cfab1dc7c3c810c3bbfba0f72e1c976906c2d045390c86d8b6c79d4473d795d", true},
  };
  return models;
}

std::string ModelLibrary::default_dir() {
  if (const char* d = std::getenv("ATELIER_MODELS_DIR"); d && *d) return d;
  if (const char* x = std::getenv("XDG_DATA_HOME"); x && *x) return std::string(x) + "/neural-atelier/models";
  const char* home = std::getenv("HOME");
  if (!home || !*home)
    throw Error("cannot find the model library: set ATELIER_MODELS_DIR (or HOME) to a writable directory");
  return std::string(home) + "/.local/share/neural-atelier/models";
}

ModelLibrary::ModelLibrary(std::string dir) : dir_(dir.empty() ? default_dir() : std::move(dir)) {
  known_ = builtin();
  read_index();
}

void ModelLibrary::read_index() {
  const std::string path = dir_ + "/" + kIndexFile;
  std::ifstream f(path);
  if (!f) return;
  std::stringstream ss;
  ss << f.rdbuf();
  try {
    const Json index = json::parse(ss.str());
    for (const auto& v : json::array(json::at(index, "models"), "models")) {
      ModelInfo m = from_json(v);
      const Json& kind = json::get(v, "kind");
      if (m.name.empty() || !safe_relative(m.file) || !kind.is_string() || !kind_from_name(json::string(kind)))
        continue;
      auto it = std::find_if(known_.begin(), known_.end(), [&](const ModelInfo& k) { return k.name == m.name; });
      if (it == known_.end()) {
        known_.push_back(m);
      } else {
        // An imported copy of a built-in model: its own checksum and origin, the built-in description.
        it->sha256 = m.sha256;
        if (!m.source.empty()) it->source = m.source;
      }
    }
  } catch (const Error& e) {
    throw Error("the model library index '" + path + "' is corrupt (" + e.what() +
                "); delete it and import the models again");
  }
}

std::vector<ModelInfo> ModelLibrary::known() const {
  return known_;
}

const ModelInfo& ModelLibrary::info(const std::string& name) const {
  for (const auto& m : known_)
    if (m.name == name) return m;
  std::string names;
  for (const auto& m : known_) names += (names.empty() ? "" : ", ") + m.name;
  throw Error("unknown model '" + name + "'; known models: " + names + " (see 'atelier models list')");
}

std::string ModelLibrary::file_path(const std::string& name) const {
  return dir_ + "/" + info(name).file;
}

bool ModelLibrary::installed(const std::string& name) const {
  std::error_code ec;
  return fs::is_regular_file(file_path(name), ec);
}

std::string ModelLibrary::how_to_install(const std::string& name) const {
  const ModelInfo& m = info(name);
  if (m.name == "vgg19")
    return "run 'atelier models install vgg19' (needs internet access), or, if you have torchvision's "
           "vgg19-dcbb9e9d.pth, 'atelier models import vgg19 /path/to/vgg19-dcbb9e9d.pth'";
  if (m.installable) return "run 'atelier models install " + m.name + "'";
  if (m.kind == ModelKind::FastStyle)
    return "import it again with 'atelier models import fast-style DIR --name " + m.name.substr(m.name.find('/') + 1) +
           "'";
  if (m.kind == ModelKind::TextureNet) return "it was trained on this computer: train it again (method generator)";
  return "import it again with 'atelier models import'";
}

std::string ModelLibrary::path(const std::string& name) const {
  const std::string p = file_path(name);
  if (installed(name)) return p;
  const std::string bundled = bundled_file(info(name));
  if (!bundled.empty()) return bundled;
  throw ModelMissing(name, "model '" + name + "' is not installed (no " + p + "); " + how_to_install(name));
}

void ModelLibrary::write_index(const std::string& skip_name, const ModelInfo* add) {
  Json entries = Json::array();
  const std::string path = dir_ + "/" + kIndexFile;
  {
    std::ifstream f(path);
    if (f) {
      std::stringstream ss;
      ss << f.rdbuf();
      try {
        const Json old_index = json::parse(ss.str());
        for (const auto& v : json::array(json::at(old_index, "models"), "models"))
          if (json::get(v, "name") != skip_name) entries.push_back(v);
      } catch (const Error&) {
        // A corrupt index is replaced; the models it listed can be imported again.
      }
    }
  }
  if (add) entries.push_back(to_json(*add));
  const Json index = {{"models", std::move(entries)}};
  std::error_code ec;
  fs::create_directories(dir_, ec);
  const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  {
    std::ofstream o(tmp, std::ios::trunc);
    o << json::dump(index, 2) << "\n";
    if (!o) throw Error("cannot write the model library index '" + tmp + "'; is " + dir_ + " writable?");
  }
  fs::rename(tmp, path, ec);
  if (ec) throw Error("cannot replace '" + path + "': " + ec.message());
}

void ModelLibrary::record_import(const ModelInfo& info) {
  if (!safe_relative(info.file)) throw Error("model file name '" + info.file + "' must stay inside the library");
  write_index(info.name, &info);
  bool found = false;
  for (auto& m : known_)
    if (m.name == info.name) {
      const auto& b = builtin();
      const bool pinned =
          std::any_of(b.begin(), b.end(), [&](const ModelInfo& x) { return x.name == info.name && !x.sha256.empty(); });
      if (!pinned) m.sha256 = info.sha256;
      m.source = info.source;
      found = true;
    }
  if (!found) known_.push_back(info);
}

void ModelLibrary::forget(const std::string& name) {
  write_index(name, nullptr);
  const auto& b = builtin();
  const auto built_in = std::find_if(b.begin(), b.end(), [&](const ModelInfo& x) { return x.name == name; });
  for (auto it = known_.begin(); it != known_.end(); ++it)
    if (it->name == name) {
      if (built_in != b.end())
        *it = *built_in;
      else
        known_.erase(it);
      return;
    }
}

bool valid_model_name(const std::string& name) {
  if (name.empty() || name[0] == '.') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
  });
}

}  // namespace atelier
