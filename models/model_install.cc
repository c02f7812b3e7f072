// Installing built-in models (npm + node for inception_v3 and mobilenet_v2, a download for vgg19), verifying and
// importing.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "core/download.h"
#include "core/error.h"
#include "core/sha256.h"
#include "core/subprocess.h"
#include "core/temp_dir.h"
#include "models/install_paths.h"
#include "models/model_library.h"

#include "models/transform_net.h"
#include "models/vgg19.h"

namespace fs = std::filesystem;

namespace atelier {
namespace {

constexpr const char* kNsfwjsSpec = "nsfwjs@4.4.0";
constexpr const char* kNsfwjsTarball = "nsfwjs-4.4.0.tgz";
// SHA-256 of the registry's tarball (its sha1 is 706017d11e44de0803b73a568819f800a50ae470; npm itself checks the
// registry's sha512 integrity when it downloads).
constexpr const char* kNsfwjsTarballSha256 = "585cd178f3b994337c4d10a87b080d342fc52f8b9bf0085c4d1f345a3a1c5382";
constexpr const char* kConverter = "nsfwjs_to_safetensors.js";
constexpr const char* kVgg19Url = "https://download.pytorch.org/models/vgg19-dcbb9e9d.pth";
constexpr const char* kVgg19ShaPrefix = "dcbb9e9d";  // torchvision names files after their SHA-256

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

bool on_path(const std::string& tool) {
  const char* p = std::getenv("PATH");
  std::stringstream ss(p ? p : "/usr/bin:/bin");
  std::string d;
  while (std::getline(ss, d, ':'))
    if (!d.empty() && ::access((d + "/" + tool).c_str(), X_OK) == 0) return true;
  return false;
}

// Where the converter and the bundled networks are: an installed program (under its prefix) uses its data
// folder first; one run from a build tree (or copied into the user's GIMP by ./run install) uses the sources.
std::vector<std::string> data_dirs(const std::string& source_subdir) {
  const std::string source = std::string(ATELIER_SOURCE_DIR) + "/" + source_subdir;
  std::error_code ec;
  const std::string exe = fs::read_symlink("/proc/self/exe", ec).string();
  const std::string prefix = std::string(ATELIER_PREFIX) + "/";
  if (!ec && exe.rfind(prefix, 0) == 0 && exe.rfind(std::string(ATELIER_SOURCE_DIR) + "/", 0) != 0)
    return {ATELIER_DATA_DIR, source};
  return {source, ATELIER_DATA_DIR};
}

std::string looked_in(const std::vector<std::string>& dirs) {
  std::string out;
  for (const auto& d : dirs) out += (out.empty() ? "" : " and ") + d;
  return out;
}

std::string tail_of(const std::string& path, size_t max_chars = 1500) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  std::string s = ss.str();
  if (s.size() > max_chars) s = "..." + s.substr(s.size() - max_chars);
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// A file in the library's directory that is removed unless committed (renamed over its final name).
class PendingFile {
 public:
  explicit PendingFile(const std::string& final_path)
      : final_(final_path), tmp_(final_path + ".partial-" + std::to_string(::getpid())) {
    std::error_code ec;
    fs::create_directories(fs::path(final_).parent_path(), ec);
    if (ec)
      throw Error("cannot create the model directory " + fs::path(final_).parent_path().string() + ": " + ec.message() +
                  "; set ATELIER_MODELS_DIR to a writable directory");
  }
  ~PendingFile() {
    std::error_code ec;
    if (!committed_) fs::remove(tmp_, ec);
  }
  PendingFile(const PendingFile&) = delete;
  PendingFile& operator=(const PendingFile&) = delete;
  const std::string& path() const { return tmp_; }
  void commit() {
    std::error_code ec;
    fs::rename(tmp_, final_, ec);
    if (ec) throw Error("cannot move " + tmp_ + " to " + final_ + ": " + ec.message());
    committed_ = true;
  }

 private:
  std::string final_, tmp_;
  bool committed_ = false;
};

std::string find_converter() {
  const auto dirs = data_dirs("models/convert");
  for (const std::string& dir : dirs) {
    const std::string p = dir + "/" + kConverter;
    if (fs::is_regular_file(p)) return p;
  }
  throw Error(std::string("the converter ") + kConverter + " is missing (looked in " + looked_in(dirs) +
              "); reinstall Neural Atelier");
}

bool looks_offline(const std::string& log) {
  for (const char* m : {"ENOTFOUND", "EAI_AGAIN", "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ENETUNREACH",
                        "EHOSTUNREACH", "network", "certificate", "CERT_"})
    if (log.find(m) != std::string::npos) return true;
  return false;
}

// name: "inception_v3" or "mobilenet_v2", both converted from the same npm package; title: how messages name it.
void install_nsfwjs_model(ModelLibrary& lib, const std::string& name, const std::string& title, const LogFn& log,
                          const Progress& progress) {
  const ModelInfo& info = lib.info(name);
  for (const char* tool : {"npm", "node", "tar"})
    if (!on_path(tool))
      throw Error(std::string("'") + tool + "' is not installed; installing " + name + " needs Node.js and npm " +
                  "(Debian/Ubuntu packages: nodejs npm)");
  const std::string converter = find_converter();
  TempDir tmp("atelier-install");
  const std::string npm_log = tmp.path() + "/npm.log";
  log(std::string("fetching ") + kNsfwjsSpec + " from the npm registry (25 MB)...");
  progress.report(kUnknownFraction, "fetching the " + title + " weights from the npm registry (25 MB)");
  if (run_shell("cd " + quote(tmp.path()) + " && npm pack --loglevel=error " + kNsfwjsSpec, npm_log, progress) != 0) {
    const std::string out = tail_of(npm_log);
    if (looks_offline(out)) {
      // npm's "request to URL failed, reason: ..." line says it all; the rest is a stack of details.
      std::string said = out;
      if (size_t at = out.find("request to"); at != std::string::npos) said = out.substr(at, out.find('\n', at) - at);
      throw Error("npm could not reach the registry to fetch " + std::string(kNsfwjsSpec) +
                  "; check the network connection (and npm's proxy settings) and try again. npm said: " + said);
    }
    throw Error("'npm pack " + std::string(kNsfwjsSpec) + "' failed:\n" + out);
  }
  const std::string tarball = tmp.path() + "/" + kNsfwjsTarball;
  if (!fs::is_regular_file(tarball)) throw Error("npm pack did not produce " + std::string(kNsfwjsTarball));
  const std::string tar_sha = sha256_file(tarball);
  if (tar_sha != kNsfwjsTarballSha256)
    throw Error(std::string("checksum mismatch for ") + kNsfwjsTarball + ": expected SHA-256 " + kNsfwjsTarballSha256 +
                ", found " + tar_sha + "; the package in the registry is not the one this program was made for");
  if (run_shell("tar xzf " + quote(tarball) + " -C " + quote(tmp.path()), tmp.path() + "/tar.log", progress) != 0)
    throw Error("cannot extract " + std::string(kNsfwjsTarball) + ": " + tail_of(tmp.path() + "/tar.log"));

  log("converting the " + title + " weights...");
  progress.report(kUnknownFraction, "converting the " + title + " weights");
  PendingFile out(lib.file_path(name));
  const std::string conv_log = tmp.path() + "/convert.log";
  const std::string convert =
      "node " + quote(converter) + " " + quote(tmp.path() + "/package") + " " + quote(out.path()) + " " + name;
  if (run_shell(convert, conv_log, progress) != 0)
    throw Error("converting nsfwjs' " + title + " failed:\n" + tail_of(conv_log));
  const std::string sha = sha256_file(out.path());
  if (sha != info.sha256)
    throw Error("checksum mismatch for the converted " + info.file + ": expected SHA-256 " + info.sha256 + ", found " +
                sha + "; the converter (" + converter + ") does not match this program");
  out.commit();
  log("installed " + name + " in " + lib.file_path(name));
}

// The pretrained fast-style networks ship with the program (models/fast-style/, installed to the data dir).
void install_bundled(ModelLibrary& lib, const ModelInfo& info, const LogFn& log) {
  const std::string bundled = bundled_file(info);
  if (bundled.empty())
    throw Error("the bundled network " + info.file + " is missing from this installation (looked in " +
                looked_in(data_dirs("models")) + "); reinstall Neural Atelier");
  PendingFile out(lib.file_path(info.name));
  std::error_code ec;
  fs::copy_file(bundled, out.path(), fs::copy_options::overwrite_existing, ec);
  if (ec) throw Error("cannot copy " + bundled + " into the model library: " + ec.message());
  const std::string sha = sha256_file(out.path());
  if (!info.sha256.empty() && sha != info.sha256)
    throw Error("the bundled network " + bundled + " is corrupt (SHA-256 " + sha + ", expected " + info.sha256 +
                "); reinstall Neural Atelier");
  out.commit();
  log("installed " + info.name + ": " + lib.file_path(info.name));
}

void install_vgg19(ModelLibrary& lib, const LogFn& log, const Progress& progress) {
  const std::string cannot = std::string("this machine cannot download VGG-19 (") + kVgg19Url +
                             "). If you have the file, run 'atelier models import vgg19 /path/to/vgg19-dcbb9e9d.pth'";
  TempDir tmp("atelier-install");
  const std::string pth = tmp.path() + "/vgg19-dcbb9e9d.pth";
  log(std::string("downloading ") + kVgg19Url + " (548 MB)...");
  try {
    download_file(kVgg19Url, pth, "VGG-19", progress);
  } catch (const Cancelled&) {
    throw;
  } catch (const Error& e) {
    throw Error(cannot + ". " + e.what());
  }
  const std::string sha = sha256_file(pth);
  if (sha.rfind(kVgg19ShaPrefix, 0) != 0)
    throw Error("checksum mismatch for the downloaded vgg19-dcbb9e9d.pth (SHA-256 " + sha + " does not start with " +
                kVgg19ShaPrefix + "); try again");
  progress.report(kUnknownFraction, "converting VGG-19");
  import_model(lib, "vgg19", pth, "", log);
}

}  // namespace

std::string bundled_file(const ModelInfo& info) {
  if (!info.installable || (info.kind != ModelKind::FastStyle && info.kind != ModelKind::ArbitraryStyle)) return "";
  for (const std::string& dir : data_dirs("models")) {
    std::error_code ec;
    if (fs::is_regular_file(dir + "/" + info.file, ec)) return dir + "/" + info.file;
  }
  return "";
}

Verification verify_model(const ModelLibrary& library, const std::string& name) {
  Verification v;
  v.expected = library.info(name).sha256;
  if (!library.installed(name)) return v;
  v.actual = sha256_file(library.file_path(name));
  v.status = v.expected.empty()       ? VerifyStatus::NotPinned
             : v.actual == v.expected ? VerifyStatus::Ok
                                      : VerifyStatus::Mismatch;
  return v;
}

void install_model(ModelLibrary& library, const std::string& name, const LogFn& log, const Progress& progress) {
  const ModelInfo& info = library.info(name);
  if (!info.installable)
    throw Error("model '" + name + "' cannot be installed automatically; " + library.how_to_install(name));
  if (library.installed(name)) {
    Verification v = verify_model(library, name);
    if (v.status == VerifyStatus::Ok || v.status == VerifyStatus::NotPinned) {
      log(name + " is already installed" + (v.status == VerifyStatus::Ok ? " and verified" : "") + ": " +
          library.file_path(name));
      return;
    }
    log(name + ": the installed file does not match its checksum; installing it again");
  }
  if (name == "inception_v3") return install_nsfwjs_model(library, name, "InceptionV3", log, progress);
  if (name == "mobilenet_v2") return install_nsfwjs_model(library, name, "MobileNetV2", log, progress);
  if (name == "vgg19") return install_vgg19(library, log, progress);
  if (info.kind == ModelKind::FastStyle || info.kind == ModelKind::ArbitraryStyle)
    return install_bundled(library, info, log);
  throw Error("no installer for model '" + name + "'");
}

void remove_model(ModelLibrary& library, const std::string& name, const LogFn& log) {
  const ModelInfo info = library.info(name);
  if (!library.installed(name)) throw Error("model '" + name + "' is not installed; there is nothing to remove");
  const std::string file = library.file_path(name);
  std::error_code ec;
  fs::remove(file, ec);
  if (ec) throw Error("cannot delete " + file + ": " + ec.message() + "; check the folder's permissions");
  // A trained style's checkpoint lies beside it; without the network it is of no use.
  fs::remove(library.checkpoint_path(name), ec);
  library.forget(name);
  log("removed " + name + " (" + file + ")");
}

std::string add_trained_model(ModelLibrary& library, ModelInfo info,
                              const std::function<void(const std::string& path)>& write) {
  if (info.file.empty()) info.file = info.name + ".safetensors";
  const std::string path = library.dir() + "/" + info.file;
  PendingFile out(path);
  write(out.path());
  info.sha256 = sha256_file(out.path());
  out.commit();
  library.record_import(info);
  return path;
}

std::string import_model(ModelLibrary& library, const std::string& kind, const std::string& source,
                         const std::string& name, const LogFn& log) {
  std::error_code ec;
  const std::string abs_source = fs::absolute(source, ec).string();
  ModelInfo info;
  if (kind == "vgg19") {
    if (!fs::is_regular_file(source))
      throw Error("'" + source + "' is not a file; pass torchvision's vgg19-dcbb9e9d.pth");
    info = library.info("vgg19");
    PendingFile out(library.file_path("vgg19"));
    log("importing " + source + " as vgg19...");
    import_vgg19(source, out.path());
    info.sha256 = sha256_file(out.path());
    out.commit();
  } else if (kind == "fast-style") {
    if (!fs::is_directory(source))
      throw Error("'" + source + "' is not a directory; pass a fast-style model directory (TF variables with " +
                  "manifest.json)");
    std::string n = name.empty() ? fs::path(abs_source).lexically_normal().filename().string() : name;
    if (n.empty()) n = fs::path(abs_source).lexically_normal().parent_path().filename().string();
    if (!valid_model_name(n))
      throw Error("model name '" + n + "' may only use letters, digits, '_', '-' and '.'; pick one with --name");
    info.name = model_name(ModelKind::FastStyle, n);
    info.kind = ModelKind::FastStyle;
    info.description = "fast style transfer network";
    info.licence = "see the model's source";
    info.file = info.name + ".safetensors";
    PendingFile out(library.dir() + "/" + info.file);
    log("importing " + source + " as " + info.name + "...");
    import_fast_style(source, out.path());
    info.sha256 = sha256_file(out.path());
    out.commit();
  } else {
    throw Error("cannot import models of kind '" + kind + "'; use 'vgg19' or 'fast-style'");
  }
  info.source = "imported from " + abs_source;
  library.record_import(info);
  log("imported " + info.name + " into " + library.dir() + "/" + info.file);
  return info.name;
}

}  // namespace atelier
