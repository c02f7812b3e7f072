// core/download.h against file:// URLs (no network here): the file arrives whole, progress is reported, a missing
// source and a cancelled transfer leave nothing behind and say so.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "core/download.h"
#include "core/error.h"
#include "test_util.h"

namespace atelier {
namespace {

namespace fs = std::filesystem;

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// A fresh folder for one test, with a source file of `bytes` bytes.
struct Folder {
  explicit Folder(const std::string& name, size_t bytes) : dir(test::temp_path(name)) {
    fs::remove_all(dir);
    fs::create_directories(dir);
    std::string data(bytes, '\0');
    for (size_t i = 0; i < bytes; ++i) data[i] = static_cast<char>((i * 131 + i / 7) & 0xff);
    std::ofstream(source(), std::ios::binary) << data;
  }
  ~Folder() { fs::remove_all(dir); }
  std::string source() const { return dir + "/source.bin"; }
  std::string url() const { return "file://" + source(); }
  std::string target() const { return dir + "/target.bin"; }
  size_t entries() const { return static_cast<size_t>(std::distance(fs::directory_iterator(dir), {})); }
  std::string dir;
};

TEST(Download, AFileArrivesWholeWithProgress) {
  const Folder f("download-whole", 3 * (1 << 20) + 17);
  std::vector<std::pair<double, std::string>> reports;
  std::atomic<bool> cancel{false};
  download_file(f.url(), f.target(), "the test file",
                Progress([&](double fraction, const std::string& m) { reports.emplace_back(fraction, m); }, &cancel));
  EXPECT_EQ(read_file(f.target()), read_file(f.source()));
  EXPECT_EQ(f.entries(), 2u) << "only the source and the download";
  ASSERT_FALSE(reports.empty());
  EXPECT_EQ(reports.back(), std::make_pair(1.0, std::string("downloaded the test file")));
  const auto middle = std::find_if(reports.begin(), reports.end(),
                                   [](const auto& r) { return r.second == "downloading the test file: 2 of 3 MB"; });
  ASSERT_NE(middle, reports.end());
  EXPECT_GT(middle->first, 0.6);
  EXPECT_LT(middle->first, 1.0);
}

TEST(Download, AMissingSourceSaysWhyAndLeavesNothing) {
  const Folder f("download-missing", 10);
  const std::string e = test::error_of([&] { download_file(f.url() + ".gone", f.target(), "x", Progress()); });
  EXPECT_NE(e.find("the download of file://"), std::string::npos) << e;
  EXPECT_NE(e.find("source.bin.gone failed: "), std::string::npos) << e;
  EXPECT_FALSE(fs::exists(f.target()));
  EXPECT_EQ(f.entries(), 1u);
}

TEST(Download, CancelStopsTheTransferAndLeavesNothing) {
  const Folder f("download-cancel", 4 * (1 << 20));
  std::atomic<bool> cancel{true};
  EXPECT_THROW(download_file(f.url(), f.target(), "x", Progress(nullptr, &cancel)), Cancelled);
  EXPECT_FALSE(fs::exists(f.target()));
  EXPECT_EQ(f.entries(), 1u) << "no partial file left behind";
}

TEST(Download, AnExistingTargetIsReplacedOnlyWhenTheDownloadSucceeds) {
  const Folder f("download-replace", 1000);
  std::ofstream(f.target()) << "old";
  EXPECT_THROW(download_file(f.url() + ".gone", f.target(), "x", Progress()), Error);
  EXPECT_EQ(read_file(f.target()), "old");
  download_file(f.url(), f.target(), "x", Progress());
  EXPECT_EQ(read_file(f.target()), read_file(f.source()));
}

}  // namespace
}  // namespace atelier
