#pragma once
// A fresh folder under the system's temporary directory, removed with everything in it when the object goes.
#include <string>

namespace atelier {

class TempDir {
 public:
  // Creates <tmp>/<prefix>-XXXXXX. Throws atelier::Error when it cannot.
  explicit TempDir(const std::string& prefix);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace atelier
