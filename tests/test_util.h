#pragma once
// Helpers shared by the tests.
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string>

#include "core/error.h"

namespace atelier::test {

// A fresh per-process temporary directory for test files.
inline std::string temp_dir() {
  static const std::string dir = [] {
    std::string tmpl = (std::filesystem::temp_directory_path() / "atelier-test-XXXXXX").string();
    char* d = mkdtemp(tmpl.data());
    return std::string(d ? d : "/tmp");
  }();
  return dir;
}
inline std::string temp_path(const std::string& name) { return temp_dir() + "/" + name; }

// The repository's tests/ directory (fixtures live in tests/fixtures/).
inline std::string source_dir() { return ATELIER_TESTS_SOURCE_DIR; }
inline std::string fixture(const std::string& name) { return source_dir() + "/fixtures/" + name; }

// ../shared next to the checkout (development and CI only); "" when absent.
inline std::string shared_dir() {
  std::string d = source_dir() + "/../../shared";
  return std::filesystem::exists(d) ? d : "";
}

// A network the repository ships (models/fast-style/NAME.safetensors): always there, also without ../shared.
inline std::string bundled_fast_style(const std::string& name) {
  return source_dir() + "/../models/fast-style/" + name + ".safetensors";
}

// The message of the atelier::Error that fn throws, or "(no error)".
inline std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

// CI must not pass a test by skipping it: under CI=true a missing prerequisite fails the test.
inline bool in_ci() {
  const char* ci = std::getenv("CI");
  return ci && std::string(ci) == "true";
}
#define ATELIER_REQUIRE(condition, why)                  \
  if (!(condition)) {                                    \
    if (::atelier::test::in_ci()) FAIL() << (why);       \
    GTEST_SKIP() << (why);                               \
  }

// Model library used by tests: $ATELIER_MODELS_DIR (set by ./run test).
inline std::string models_dir() {
  const char* e = std::getenv("ATELIER_MODELS_DIR");
  return e ? e : "";
}

}  // namespace atelier::test
