#include <gtest/gtest.h>
#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <optional>
#include <thread>

#include "core/disk_tensor_cache.h"
#include "core/error.h"
#include "core/json_checked.h"
#include "core/safetensors.h"
#include "core/temp_dir.h"
#include "tests/test_util.h"

using namespace atelier;

namespace {

// What users read must be a sentence, not nlohmann's "[json.exception.parse_error.101] ...".
void expect_plain(const std::string& msg) {
  EXPECT_EQ(msg.find("json.exception"), std::string::npos) << msg;
  EXPECT_EQ(msg.find("(no error)"), std::string::npos) << msg;
}

}  // namespace

TEST(Json, MalformedInputGivesAPlainSentenceWithTheOffset) {
  const std::string msg = test::error_of([] { json::parse("[1, }"); });
  EXPECT_NE(msg.find("malformed JSON at byte 5"), std::string::npos) << msg;
  expect_plain(msg);
  for (const char* bad : {"{\"a\": [1, 2", "", "[1] 2", "{\"a\" 1}", "[\"\xff\"]", "[1e999]", "// c\n1"})
    expect_plain(test::error_of([&] { json::parse(bad); }));
}

// JSON has no NaN or Infinity; the model converter writes them as null (JSON.stringify), so none are accepted.
TEST(Json, NaNAndInfinityAreNotJson) {
  for (const char* bad : {"[NaN]", "[Infinity]", "[-Infinity]"}) EXPECT_THROW(json::parse(bad), Error) << bad;
}

TEST(Json, DuplicateKeysAndDeepNestingAreRefused) {
  std::string msg = test::error_of([] { json::parse(R"({"a": 1, "b": {"a": 2, "a": 3}})"); });
  EXPECT_NE(msg.find("duplicate key 'a'"), std::string::npos) << msg;
  EXPECT_NO_THROW(json::parse(R"({"a": {"a": 1}, "b": [{"a": 1}, {"a": 2}]})"));
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  msg = test::error_of([&] { json::parse(deep); });
  EXPECT_NE(msg.find("nested"), std::string::npos) << msg;
  EXPECT_NO_THROW(json::parse(std::string(200, '[') + std::string(200, ']')));
}

TEST(Json, TypedAccessNamesWhatIsWrong) {
  const Json v = json::parse(R"({"shape": "3", "n": 2.5, "big": 18446744073709551615, "two": 2.0, "neg": -7})");
  EXPECT_EQ(test::error_of([&] { json::array(json::at(v, "shape"), "shape"); }),
            "JSON: expected shape to be an array, found string");
  EXPECT_NE(test::error_of([&] { json::integer(json::at(v, "n"), "n"); }).find("63 bits"), std::string::npos);
  EXPECT_NE(test::error_of([&] { json::integer(json::at(v, "big"), "big"); }).find("63 bits"), std::string::npos);
  EXPECT_EQ(json::integer(json::at(v, "two")), 2);
  EXPECT_EQ(json::integer(json::at(v, "neg")), -7);
  EXPECT_EQ(test::error_of([&] { json::at(v, "missing"); }), "JSON: missing key 'missing'");
  EXPECT_TRUE(json::get(v, "missing").is_null());
  EXPECT_TRUE(json::get(json::at(v, "n"), "x").is_null());
  EXPECT_NE(test::error_of([] { json::dump(Json("\xff")); }).find("UTF-8"), std::string::npos);
}

TEST(Safetensors, RoundTripsTensorsAndMetadata) {
  std::string path = test::temp_path("round.safetensors");
  TensorMap in{{"w", torch::randn({3, 4, 5})},
               {"i", torch::arange(7, torch::kLong)},
               {"h", torch::randn({2, 2}).to(torch::kHalf)}};
  save_safetensors(path, in, {{"format", "atelier"}});
  Metadata meta;
  TensorMap out = load_safetensors(path, &meta);
  EXPECT_EQ(meta.at("format"), "atelier");
  ASSERT_EQ(out.size(), 3u);
  for (const auto& [k, t] : in) {
    ASSERT_TRUE(out.count(k));
    EXPECT_EQ(out[k].scalar_type(), t.scalar_type());
    EXPECT_TRUE(torch::equal(out[k], t)) << k;
  }
}

// The tensors share the file's mapped pages: writing into one changes neither the file nor a second load of it.
TEST(Safetensors, WritingALoadedTensorLeavesTheFileAlone) {
  const std::string path = test::temp_path("mapped.safetensors");
  const at::Tensor w = torch::randn({300, 700});  // several pages
  save_safetensors(path, {{"w", w}});
  TensorMap first = load_safetensors(path);
  first.at("w").add_(1.0);
  first.at("w")[0][0] = 42.0;
  EXPECT_TRUE(torch::equal(load_safetensors(path).at("w"), w));
  EXPECT_FLOAT_EQ(first.at("w")[0][0].item<float>(), 42.f);
}

// A file written by another program may place a tensor at an offset its element size does not divide: read right.
TEST(Safetensors, UnalignedTensorsAreReadRight) {
  // A header of 106 bytes: the data starts at byte 114 of the file, "b" (F32) at 115.
  const std::string header = R"({"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"b":{"dtype":"F32","shape":[2],)";
  const std::string tail = R"("data_offsets":[1,9]}})";
  const std::string path = test::temp_path("unaligned.safetensors");
  {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    const std::string h = header + tail;
    const uint64_t n = h.size();
    for (int i = 0; i < 8; ++i) f.put(static_cast<char>((n >> (8 * i)) & 0xff));
    f << h;
    const unsigned char a = 7;
    const float b[2] = {1.5f, -2.25f};
    f.write(reinterpret_cast<const char*>(&a), 1);
    f.write(reinterpret_cast<const char*>(b), sizeof b);
  }
  const TensorMap t = load_safetensors(path);
  EXPECT_EQ(t.at("a")[0].item<int>(), 7);
  EXPECT_FLOAT_EQ(t.at("b")[0].item<float>(), 1.5f);
  EXPECT_FLOAT_EQ(t.at("b")[1].item<float>(), -2.25f);
}

TEST(Safetensors, TruncatedAndGarbageFilesGiveClearErrors) {
  std::string path = test::temp_path("trunc.safetensors");
  save_safetensors(path, {{"w", torch::randn({64, 64})}});
  std::ifstream f(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(f)), {});
  {
    std::ofstream o(path, std::ios::binary | std::ios::trunc);
    o.write(bytes.data(), static_cast<std::streamsize>(bytes.size() / 2));
  }
  try {
    load_safetensors(path);
    FAIL() << "truncated file loaded";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("truncated"), std::string::npos) << e.what();
  }
  {
    std::ofstream o(path, std::ios::binary | std::ios::trunc);
    o << "this is not a weights file at all";
  }
  EXPECT_THROW(load_safetensors(path), Error);
  EXPECT_THROW(load_safetensors(test::temp_path("does-not-exist.safetensors")), Error);
}

TEST(Safetensors, MalformedHeadersNameTheFileAndTheProblem) {
  struct Case {
    const char* header;
    const char* expect;
  };
  const Case cases[] = {
      {R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]})", "malformed JSON at byte"},
      {R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"U8","shape":[4],"data_offsets":[0,4]}})",
       "duplicate key 'w'"},
      {R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[0,NaN]}})", "malformed JSON"},
      {R"({"w":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}})", "63 bits"},
      {R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[0,"4"]}})", "expected data offset to be a number"},
      {R"({"w":{"dtype":"F32","shape":[1]}})", "missing key 'data_offsets'"},
      {R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4,8]}})", "two entries"},
      {R"(["w"])", "header is not an object"},
  };
  for (const Case& c : cases) {
    const std::string path = test::write_safetensors("bad-header.safetensors", c.header, 8);
    const std::string msg = test::error_of([&] { load_safetensors(path); });
    EXPECT_NE(msg.find(path), std::string::npos) << msg;
    EXPECT_NE(msg.find(c.expect), std::string::npos) << c.header << ": " << msg;
    expect_plain(msg);
  }
  const std::string deep =
      test::write_safetensors("deep.safetensors", std::string(1 << 20, '[') + std::string(1 << 20, ']'));
  EXPECT_NE(test::error_of([&] { load_safetensors(deep); }).find("nested"), std::string::npos);
}

// The folder of a run's reusable work: what was kept is found again, bit for bit; beyond its size the least
// recently used entry goes first (one found again counts as used).
TEST(DiskTensorCache, FindsWhatWasKeptAndGivesUpTheLeastRecentlyUsed) {
  const TempDir dir("atelier-cache-test");
  const DiskTensorCache cache(dir.path() + "/fits", 2);
  EXPECT_FALSE(cache.find("a").has_value());
  const at::Tensor a = at::randn({100}), b = at::randn({100}), c = at::randn({3, 4});
  // Linux stamps files with a clock of a few milliseconds' grain: the entries are kept apart in time.
  const auto later = [] { std::this_thread::sleep_for(std::chrono::milliseconds(30)); };
  cache.keep("a", a);
  later();
  cache.keep("b", b);
  later();
  const std::optional<at::Tensor> found = cache.find("a");
  ASSERT_TRUE(found.has_value());
  EXPECT_TRUE(at::equal(*found, a));
  later();
  cache.keep("c", c);  // three kept, room for two: b, the least recently used, goes
  EXPECT_TRUE(cache.find("a").has_value());
  EXPECT_FALSE(cache.find("b").has_value());
  const std::optional<at::Tensor> newest = cache.find("c");
  ASSERT_TRUE(newest.has_value());
  EXPECT_TRUE(at::equal(*newest, c));
}

// A damaged entry is none (the work is done again), and a folder that cannot be written keeps nothing: neither
// stops a run.
TEST(DiskTensorCache, DamagedEntriesAndUnwritableFoldersAreNoneWithoutAnError) {
  const TempDir dir("atelier-cache-test");
  const DiskTensorCache cache(dir.path(), 10);
  cache.keep("k", at::ones({100}));
  ASSERT_TRUE(cache.find("k").has_value());
  std::ofstream(dir.path() + "/k.safetensors", std::ios::binary | std::ios::trunc) << "not a tensor";
  EXPECT_FALSE(cache.find("k").has_value());
  cache.keep("n", at::full({100}, std::nan("")));
  EXPECT_FALSE(cache.find("n").has_value());

  const std::string file = dir.path() + "/a-file";
  std::ofstream(file) << "x";
  const DiskTensorCache blocked(file + "/fits", 10);  // under a file: cannot be made
  EXPECT_NO_THROW(blocked.keep("k", at::ones({100})));
  EXPECT_FALSE(blocked.find("k").has_value());
  const DiskTensorCache none("", 10);
  none.keep("k", at::ones({100}));
  EXPECT_FALSE(none.find("k").has_value());
}
