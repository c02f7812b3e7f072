// Numbers are read and written with a dot whatever the process locale. The 'numbers-de' suite runs these tests
// under de_DE.UTF-8 (tests/in-locale.sh), where strtod and printf use decimal commas.
#include <gtest/gtest.h>

#include <clocale>
#include <cstdlib>
#include <string>

#include "core/json_checked.h"
#include "core/numbers.h"
#include "filters/dream.h"
#include "filters/params.h"

namespace atelier {
namespace {

// Adopt the environment's locale, as the GIMP plug-in does (setlocale(LC_ALL, "")).
class Numbers : public ::testing::Test {
 protected:
  void SetUp() override { std::setlocale(LC_ALL, ""); }
  void TearDown() override { std::setlocale(LC_ALL, "C"); }
};

TEST_F(Numbers, RunsUnderTheLocaleItWasGiven) {
  const char* wanted = std::getenv("ATELIER_EXPECT_DECIMAL_COMMA");
  if (wanted && std::string(wanted) == "1") {
    ASSERT_STREQ(std::localeconv()->decimal_point, ",") << "the test wrapper did not provide a decimal-comma locale";
  }
}

TEST_F(Numbers, ParsesWithADotOnly) {
  EXPECT_EQ(parse_double("0.5"), 0.5);
  EXPECT_EQ(parse_double("-1e-3"), -1e-3);
  EXPECT_EQ(parse_double("+2"), 2.0);
  EXPECT_EQ(parse_double("12.5"), 12.5);
  EXPECT_FALSE(parse_double("0,5"));
  EXPECT_FALSE(parse_double(""));
  EXPECT_FALSE(parse_double(" 1"));
  EXPECT_FALSE(parse_double("1x"));
  EXPECT_FALSE(parse_double("nan"));
  EXPECT_FALSE(parse_double("inf"));
  EXPECT_FALSE(parse_double("1e999"));
  EXPECT_FALSE(parse_double("++1"));
  EXPECT_TRUE(parse_double("nan", true));
  EXPECT_EQ(parse_int("42"), 42);
  EXPECT_EQ(parse_int("-5"), -5);
  EXPECT_FALSE(parse_int("4.5"));
  EXPECT_FALSE(parse_int("abc"));
  EXPECT_FALSE(parse_int("99999999999999999999"));
}

TEST_F(Numbers, FormatsWithADot) {
  EXPECT_EQ(format_double(0.5), "0.5");
  EXPECT_EQ(format_double(1e-5), "1e-05");
  EXPECT_EQ(format_double(3), "3");
  EXPECT_EQ(format_fixed(1.25, 1), "1.2");
  EXPECT_EQ(format_fixed(2.0, 2), "2.00");
  for (double v : {0.1, 1.0 / 3, 123456.789, -2.5e-7}) EXPECT_EQ(parse_double(format_double(v)), v);
}

// The bug users hit: a safetensors header's "data_offsets":[0,123] read as one number 0.123 under de_DE.
// nlohmann-json reads and writes numbers with a dot under any locale; this checks it.
TEST_F(Numbers, JsonArraysOfIntegersKeepTheirCommas) {
  const Json v = json::parse(R"({"data_offsets":[0,123],"x":0.25,"y":-1.5e2,"z":1e3})");
  ASSERT_EQ(json::array(json::at(v, "data_offsets")).size(), 2u);
  EXPECT_EQ(json::integer(v["data_offsets"][1]), 123);
  EXPECT_EQ(json::number(v["x"]), 0.25);
  EXPECT_EQ(json::number(v["y"]), -150.0);
  EXPECT_EQ(json::integer(v["z"]), 1000);
  EXPECT_EQ(json::dump(Json(0.25)), "0.25");
  EXPECT_EQ(json::dump(Json{{"a", -1.5}, {"b", {0, 123}}}), R"({"a":-1.5,"b":[0,123]})");
  EXPECT_THROW(json::parse("[1.2.3]"), Error);
  EXPECT_THROW(json::parse("[-]"), Error);
  EXPECT_THROW(json::parse("[0,5]x"), Error);
}

TEST_F(Numbers, LayerDosesAndParameters) {
  const auto doses = parse_layer_doses("mixed3:0.5, mixed4:-1.25");
  ASSERT_EQ(doses.size(), 2u);
  EXPECT_EQ(doses[0].second, 0.5);
  EXPECT_EQ(doses[1].second, -1.25);
  std::vector<ParamSpec> specs = {
      number_param("weight", "W", "", ParamType::Double, 0, 10, 1, ""),
      number_param("size", "S", "", ParamType::Int, 64, 4096, 384, ""),
  };
  ParamValues values(specs);
  values.set_from_string("weight", "2.5");
  EXPECT_EQ(values.get_double("weight"), 2.5);
  EXPECT_THROW(values.set_from_string("weight", "2,5"), Error);
  EXPECT_NE(describe_param(specs[0]).find("(0 to 10, default 1)"), std::string::npos);
}

}  // namespace
}  // namespace atelier
