#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cstdio>
#include <fstream>

#include "core/error.h"
#include "core/json.h"
#include "core/safetensors.h"
#include "tests/test_util.h"

using namespace atelier;

TEST(Json, ParsesAndDumpsRoundTrip) {
  auto v = json::parse(R"({"a": [1, 2.5, "x\u00e9\n"], "b": {"c": true, "d": null}})");
  EXPECT_EQ(v.at("a").array().size(), 3u);
  EXPECT_DOUBLE_EQ(v.at("a").array()[1].number(), 2.5);
  EXPECT_EQ(v.at("a").array()[2].string(), "x\xc3\xa9\n");
  EXPECT_TRUE(v.at("b").at("c").boolean());
  EXPECT_TRUE(v.at("b").at("d").is_null());
  auto again = json::parse(v.dump(2));
  EXPECT_EQ(again.dump(), v.dump());
}

TEST(Json, MalformedInputThrowsWithOffset) {
  EXPECT_THROW(json::parse("{\"a\": [1, 2"), Error);
  try {
    json::parse("[1, }");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("byte"), std::string::npos);
  }
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
