#include "core/temp_dir.h"

#include <stdlib.h>

#include <filesystem>
#include <system_error>

#include "core/error.h"

namespace atelier {

TempDir::TempDir(const std::string& prefix) {
  const std::filesystem::path tmp = std::filesystem::temp_directory_path();
  std::string tmpl = (tmp / (prefix + "-XXXXXX")).string();
  if (!::mkdtemp(tmpl.data())) throw Error("cannot create a temporary directory in " + tmp.string());
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace atelier
