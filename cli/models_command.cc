// atelier models: list, install, verify and import the models of the per-user model library.
#include <cstdio>
#include <filesystem>
#include <string>

#include "cli/commands.h"
#include "core/error.h"
#include "models/model_library.h"

namespace atelier::cli {
namespace {

constexpr const char* kUsage =
    "usage: atelier models [--dir DIR] COMMAND\n"
    "\n"
    "commands:\n"
    "  list                             known models, whether installed, path and size\n"
    "  install [NAME...]                install models (default: inception_v3; needs npm and the network)\n"
    "  verify [NAME...]                 check installed models against their SHA-256 (default: all installed)\n"
    "  remove NAME...                   delete installed models (bundled ones can be installed again)\n"
    "  import vgg19 FILE.pth            import torchvision's vgg19-dcbb9e9d.pth\n"
    "  import fast-style DIR [--name NAME]\n"
    "                                   import a fast-style network (TF variables + manifest.json)\n"
    "\n"
    "The library is DIR, else $ATELIER_MODELS_DIR, else $XDG_DATA_HOME/neural-atelier/models\n"
    "(~/.local/share/neural-atelier/models).\n";

std::string human_size(uintmax_t bytes) {
  char buf[32];
  if (bytes >= (1u << 20))
    std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / (1 << 20));
  else
    std::snprintf(buf, sizeof buf, "%.1f KiB", static_cast<double>(bytes) / 1024);
  return buf;
}

void print_line(const std::string& s) {
  std::printf("%s\n", s.c_str());
  std::fflush(stdout);
}

int list(const ModelLibrary& lib) {
  std::printf("model library: %s\n\n", lib.dir().c_str());
  for (const auto& m : lib.known()) {
    std::error_code ec;
    const bool inst = lib.installed(m.name);
    // A bundled network is read where the program keeps it until the library has a copy.
    const std::string p = inst ? lib.file_path(m.name) : bundled_file(m);
    std::printf("%-22s %-10s %s\n", m.name.c_str(),
                inst         ? "installed"
                : !p.empty() ? "bundled"
                             : "missing",
                m.description.c_str());
    if (!p.empty())
      std::printf("%-22s %s (%s)\n", "", p.c_str(), human_size(std::filesystem::file_size(p, ec)).c_str());
    else
      std::printf("%-22s to get it: %s\n", "", lib.how_to_install(m.name).c_str());
    std::printf("%-22s source: %s; licence: %s\n", "", m.source.c_str(), m.licence.c_str());
  }
  return 0;
}

int verify(const ModelLibrary& lib, Args names) {
  if (names.empty())
    for (const auto& m : lib.known())
      if (lib.installed(m.name)) names.push_back(m.name);
  if (names.empty()) {
    std::printf("no models are installed in %s\n", lib.dir().c_str());
    return 0;
  }
  int rc = 0;
  for (const auto& n : names) {
    Verification v = verify_model(lib, n);
    switch (v.status) {
      case VerifyStatus::Ok: std::printf("%-22s OK (sha256 %s)\n", n.c_str(), v.actual.c_str()); break;
      case VerifyStatus::NotPinned:
        std::printf("%-22s installed, no checksum to compare with (sha256 %s)\n", n.c_str(), v.actual.c_str());
        break;
      case VerifyStatus::Missing:
        std::printf("%-22s MISSING: %s\n", n.c_str(), lib.how_to_install(n).c_str());
        rc = 1;
        break;
      case VerifyStatus::Mismatch:
        std::printf("%-22s CORRUPT: sha256 %s, expected %s; %s\n", n.c_str(), v.actual.c_str(), v.expected.c_str(),
                    lib.how_to_install(n).c_str());
        rc = 1;
        break;
    }
  }
  return rc;
}

int import(ModelLibrary& lib, const Args& args) {
  std::string name;
  Args pos;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--name") {
      if (i + 1 >= args.size()) throw Error("--name needs a value");
      name = args[++i];
    } else {
      pos.push_back(args[i]);
    }
  }
  if (pos.size() != 2) throw Error("usage: atelier models import vgg19 FILE.pth | import fast-style DIR [--name NAME]");
  if (pos[0] == "vgg19" && !name.empty()) throw Error("--name is only for fast-style models");
  import_model(lib, pos[0], pos[1], name, print_line);
  return 0;
}

}  // namespace

int models_command(const Args& all_args) {
  Args args;
  std::string dir;
  for (size_t i = 0; i < all_args.size(); ++i) {
    const std::string& a = all_args[i];
    if (a == "--help" || a == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (a == "--dir") {
      if (i + 1 >= all_args.size()) throw Error("--dir needs a directory");
      dir = all_args[++i];
    } else {
      args.push_back(a);
    }
  }
  if (args.empty()) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  ModelLibrary lib(dir);
  const std::string cmd = args[0];
  Args rest(args.begin() + 1, args.end());
  if (cmd == "list") {
    if (!rest.empty()) throw Error("'models list' takes no arguments");
    return list(lib);
  }
  if (cmd == "install") {
    if (rest.empty()) rest.push_back("inception_v3");
    for (const auto& n : rest) lib.info(n);  // unknown names fail before anything is downloaded
    for (const auto& n : rest) install_model(lib, n, print_line);
    return 0;
  }
  if (cmd == "verify") return verify(lib, rest);
  if (cmd == "remove") {
    if (rest.empty()) throw Error("usage: atelier models remove NAME... (see 'atelier models list')");
    for (const auto& n : rest) lib.info(n);  // unknown names fail before anything is deleted
    for (const auto& n : rest) remove_model(lib, n, print_line);
    return 0;
  }
  if (cmd == "import") return import(lib, rest);
  std::fprintf(stderr, "atelier models: unknown command '%s'\n\n%s", cmd.c_str(), kUsage);
  return 2;
}

}  // namespace atelier::cli
