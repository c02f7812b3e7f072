#pragma once
// Helpers shared by the tests.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include "core/error.h"
#include "core/image.h"
#include "core/temp_dir.h"

namespace atelier::test {

// A fresh per-process temporary directory for test files, removed with everything in it when the process exits.
inline std::string temp_dir() {
  static const TempDir dir("atelier-test");
  return dir.path();
}
inline std::string temp_path(const std::string& name) {
  return temp_dir() + "/" + name;
}

// The repository's tests/ directory (fixtures live in tests/fixtures/).
inline std::string source_dir() {
  return ATELIER_TESTS_SOURCE_DIR;
}
inline std::string fixture(const std::string& name) {
  return source_dir() + "/fixtures/" + name;
}

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
#define ATELIER_REQUIRE(condition, why)            \
  if (!(condition)) {                              \
    if (::atelier::test::in_ci()) FAIL() << (why); \
    GTEST_SKIP() << (why);                         \
  }
// A test that cannot run on some machines by their nature (CUDA without a GPU) says why; tools/test_summary.py lists
// such skips and, under CI=true, fails the run for any skip not declared this way.
#define ATELIER_SKIP_ALLOWED(why) GTEST_SKIP() << "allowed skip: " << (why)

// A safetensors file with the given JSON header and `data_bytes` zero bytes of data (for malformed headers).
inline std::string write_safetensors(const std::string& name, const std::string& header, size_t data_bytes = 0) {
  const std::string path = temp_path(name);
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  const uint64_t n = header.size();
  for (int i = 0; i < 8; ++i) f.put(static_cast<char>((n >> (8 * i)) & 0xff));
  f << header << std::string(data_bytes, '\0');
  return path;
}

// A style image: diagonal yellow and dark-blue stripes, 6 px wide.
inline Image stripes_image(int w, int h) {
  Image img(w, h);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      float* p = img.pixel(x, y);
      const bool on = ((x + y) / 6) % 2 == 0;
      p[0] = on ? 0.95f : 0.1f;
      p[1] = on ? 0.8f : 0.05f;
      p[2] = on ? 0.1f : 0.4f;
      p[3] = 1.f;
    }
  return img;
}

// A photo-like picture (smooth shading, a disc with sharp edges, fine texture) with a varying alpha channel.
inline Image photo_like(int w, int h) {
  Image img(w, h);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const float u = static_cast<float>(x) / w, v = static_cast<float>(y) / h;
      const bool disc = (u - 0.4f) * (u - 0.4f) + (v - 0.5f) * (v - 0.5f) < 0.08f;
      float* p = img.pixel(x, y);
      p[0] = disc ? 0.9f : 0.2f + 0.6f * u;
      p[1] = 0.5f + 0.4f * std::sin(0.9f * x) * std::cos(0.7f * y);
      p[2] = disc ? 0.1f : 0.8f - 0.5f * v;
      p[3] = static_cast<float>((x + 2 * y) % 11) / 10.f;
    }
  return img;
}

// Model library used by tests: $ATELIER_MODELS_DIR (set by ./run test).
inline std::string models_dir() {
  const char* e = std::getenv("ATELIER_MODELS_DIR");
  return e ? e : "";
}

}  // namespace atelier::test
