#include <gtest/gtest.h>
#include <torch/torch.h>

#include <fstream>
#include <random>
#include <string>
#include <tuple>

#include "core/error.h"
#include "core/safetensors.h"
#include "models/pth_loader.h"
#include "tests/test_util.h"

using namespace atelier;

namespace {

std::string read_bytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(f)), {});
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// The error message of load_pth_state_dict(path), or "" if it loaded.
std::string load_error(const std::string& path) {
  try {
    load_pth_state_dict(path);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

void expect_same(const TensorMap& got, const TensorMap& want, const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (const auto& [k, t] : want) {
    ASSERT_TRUE(got.count(k)) << what << ": missing " << k;
    const at::Tensor& g = got.at(k);
    EXPECT_EQ(g.scalar_type(), t.scalar_type()) << what << ": " << k;
    EXPECT_EQ(g.sizes(), t.sizes()) << what << ": " << k;
    EXPECT_TRUE(g.is_contiguous()) << what << ": " << k;
    EXPECT_TRUE(torch::equal(g, t)) << what << ": " << k;
  }
}

}  // namespace

TEST(PthLoader, BothFormatsRoundTripExactly) {
  const TensorMap want = load_safetensors(test::fixture("pth_small_expected.safetensors"));
  for (const char* name : {"pth_small_zip.pth", "pth_small_legacy.pth", "pth_small_zip_proto4.pth"}) {
    const std::string path = test::fixture(name);
    EXPECT_TRUE(looks_like_pth(path)) << name;
    const TensorMap got = load_pth_state_dict(path);
    expect_same(got, want, name);

    // Views of one storage, recomputed here rather than trusting the fixture.
    const at::Tensor big = torch::arange(40, torch::kFloat) * 0.5 - 3;
    EXPECT_TRUE(torch::equal(got.at("shared.big"), big));
    EXPECT_TRUE(torch::equal(got.at("shared.offset"), big.slice(0, 5, 17)));
    EXPECT_TRUE(torch::equal(got.at("shared.strided"), big.view({5, 8}).slice(1, 0, 8, 3)));
    EXPECT_TRUE(torch::equal(got.at("shared.transposed"), big.slice(0, 8).view({4, 8}).t()));
    EXPECT_EQ(got.at("expanded").sizes(), at::IntArrayRef({3, 4}));
    EXPECT_TRUE(torch::equal(got.at("expanded").select(1, 0), got.at("expanded").select(1, 3)));
    EXPECT_EQ(got.at("i64")[0].item<int64_t>(), -(int64_t{1} << 40));
    EXPECT_EQ(got.at("scalar").dim(), 0);
    EXPECT_EQ(got.at("1.num_batches_tracked").scalar_type(), torch::kLong);
    EXPECT_EQ(got.at("empty").sizes(), at::IntArrayRef({0, 3}));
  }
  EXPECT_FALSE(looks_like_pth(test::fixture("pth_small_expected.safetensors")));
}

// The legacy format as PyTorch 0.2/0.3 under Python 2 wrote it (torchvision's VGG weights): byte strings,
// OrderedDict([[key, value], ...]), _rebuild_tensor (v1), shared and viewed storages.
TEST(PthLoader, ReadsPython2EraLegacyFiles) {
  const std::string path = test::fixture("pth_py2_legacy.pth");
  EXPECT_TRUE(looks_like_pth(path));
  expect_same(load_pth_state_dict(path), load_safetensors(test::fixture("pth_py2_expected.safetensors")), path);
}

TEST(PthLoader, CheckpointsAreFlattenedAndNonTensorsSkipped) {
  const TensorMap got = load_pth_state_dict(test::fixture("pth_checkpoint_zip.pth"));
  ASSERT_EQ(got.size(), 2u);
  EXPECT_TRUE(torch::equal(got.at("model.w"), torch::ones({2, 2})));
  EXPECT_TRUE(torch::equal(got.at("model.b"), torch::arange(3)));
}

TEST(PthLoader, RepackedZipArchives) {
  const TensorMap want = load_safetensors(test::fixture("pth_small_expected.safetensors"));
  // ZIP64 local headers (sizes 0xffffffff plus an extra field) as written by other zip tools.
  expect_same(load_pth_state_dict(test::fixture("pth_zip64_repacked.pth")), want, "zip64");
  // Deflated entries (an archive re-zipped with compression) are inflated.
  expect_same(load_pth_state_dict(test::fixture("pth_deflated_zip.pth")), want, "deflated");
}

// A deflated entry whose headers claim 4 GiB in a file of a few kilobytes: refused before anything is allocated
// for it (the fuzzer found LibTorch's reader, used until 2026-12-05, allocating the claimed size of the 'version'
// entry).
TEST(PthLoader, ImplausibleZipEntrySizesAreRefused) {
  const std::string bytes = read_bytes(test::fixture("pth_deflated_zip.pth"));
  for (const std::string entry : {"/version", "/data/0", "/data.pkl"}) {
    std::string b = bytes;
    int patched = 0;
    // Local headers (PK\3\4, size at 22) and central directory records (PK\1\2, size at 24) of the entry.
    for (const auto& [magic, size_at, name_len_at, name_at] :
         {std::tuple{std::string("PK\3\4", 4), 22, 26, 30}, std::tuple{std::string("PK\1\2", 4), 24, 28, 46}}) {
      for (size_t at = b.find(magic); at != std::string::npos; at = b.find(magic, at + 4)) {
        const size_t len = static_cast<uint8_t>(b[at + name_len_at]) | static_cast<uint8_t>(b[at + name_len_at + 1])
                                                                           << 8;
        const std::string name = b.substr(at + name_at, len);
        if (name.size() < entry.size() || name.compare(name.size() - entry.size(), entry.size(), entry) != 0) continue;
        b.replace(at + size_at, 4, std::string("\xd8\xff\xff\xff", 4));
        ++patched;
      }
    }
    ASSERT_EQ(patched, 2) << entry;
    const std::string path = test::temp_path("huge-entry.pth");
    write_bytes(path, b);
    const std::string msg = load_error(path);
    EXPECT_NE(msg.find("claims more bytes than its compressed data can hold"), std::string::npos)
        << entry << ": " << msg;
  }
}

TEST(PthLoader, MissingZipEntryIsNamed) {
  const std::string path = test::fixture("pth_missing_entry.pth");
  const std::string msg = load_error(path);
  EXPECT_NE(msg.find(path), std::string::npos) << msg;
  EXPECT_NE(msg.find("data/0' (tensor data) is missing"), std::string::npos) << msg;
}

TEST(PthLoader, RefusesPicklesThatWouldRunCode) {
  for (const char* name : {"pth_evil_zip.pth", "pth_evil_legacy.pth"}) {
    const std::string msg = load_error(test::fixture(name));
    EXPECT_NE(msg.find("refusing to load"), std::string::npos) << msg;
    EXPECT_NE(msg.find("system'"), std::string::npos) << msg;  // posix.system
  }
  const std::string msg = load_error(test::fixture("pth_whole_module_zip.pth"));
  EXPECT_NE(msg.find("torch.nn.modules.linear.Linear"), std::string::npos) << msg;
  EXPECT_NE(msg.find("model.state_dict()"), std::string::npos) << msg;
}

TEST(PthLoader, TruncatedFilesGiveClearErrors) {
  for (const char* name : {"pth_small_zip.pth", "pth_small_legacy.pth"}) {
    const std::string bytes = read_bytes(test::fixture(name));
    const std::string path = test::temp_path(std::string("trunc-") + name);
    // Every cut in the first and last 100 bytes (headers, end records, the last tensor), and every 13th between.
    for (size_t n = 0; n < bytes.size(); n += (n < 100 || n + 100 > bytes.size()) ? 1 : 13) {
      write_bytes(path, bytes.substr(0, n));
      const std::string msg = load_error(path);
      ASSERT_FALSE(msg.empty()) << name << " truncated to " << n << " bytes loaded";
      EXPECT_NE(msg.find(path), std::string::npos) << msg;
    }
  }
  const std::string legacy = read_bytes(test::fixture("pth_small_legacy.pth"));
  const std::string path = test::temp_path("trunc-data.pth");
  write_bytes(path, legacy.substr(0, legacy.size() - 10));
  EXPECT_NE(load_error(path).find("truncated"), std::string::npos) << load_error(path);
}

TEST(PthLoader, GarbageAndForeignFilesGiveClearErrors) {
  const std::string path = test::temp_path("garbage.pth");
  write_bytes(path, "");
  EXPECT_NE(load_error(path).find("empty"), std::string::npos);
  write_bytes(path, "this is a text file, not a checkpoint");
  EXPECT_NE(load_error(path).find("not a PyTorch checkpoint"), std::string::npos) << load_error(path);
  std::mt19937 rng(5);
  std::string noise(4096, '\0');
  for (auto& c : noise) c = static_cast<char>(rng());
  write_bytes(path, noise);
  EXPECT_FALSE(load_error(path).empty());
  write_bytes(path, std::string("\x80\x02") + noise);  // a pickle header, then noise
  EXPECT_FALSE(load_error(path).empty());
  write_bytes(path, std::string("PK\x03\x04", 4) + noise);  // a zip header, then noise
  EXPECT_NE(load_error(path).find("damaged ZIP"), std::string::npos) << load_error(path);
  EXPECT_NE(load_error(test::fixture("pth_small_expected.safetensors")).find("not a PyTorch checkpoint"),
            std::string::npos);
  EXPECT_NE(load_error(test::temp_path("no-such-file.pth")).find("No such file"), std::string::npos);
}

TEST(PthLoader, CorruptedBytesNeverCrash) {
  std::mt19937 rng(42);
  for (const char* name : {"pth_small_zip.pth", "pth_small_legacy.pth"}) {
    const std::string bytes = read_bytes(test::fixture(name));
    const std::string path = test::temp_path(std::string("flip-") + name);
    int errors = 0;
    for (int trial = 0; trial < 200; ++trial) {
      std::string b = bytes;
      const int flips = 1 + static_cast<int>(rng() % 4);
      for (int f = 0; f < flips; ++f) b[rng() % b.size()] = static_cast<char>(rng());
      write_bytes(path, b);
      try {
        load_pth_state_dict(path);
      } catch (const Error&) {
        ++errors;
      } catch (const std::exception& e) {
        FAIL() << name << " trial " << trial << ": unexpected exception " << e.what();
      }
    }
    EXPECT_GT(errors, 10) << name;
  }
}
