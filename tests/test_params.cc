#include <gtest/gtest.h>

#include "core/error.h"
#include "filters/params.h"

using namespace atelier;

namespace {
const std::vector<ParamSpec>& specs() {
  static const std::vector<ParamSpec> s = [] {
    std::vector<ParamSpec> v(4);
    v[0].name = "iterations";
    v[0].type = ParamType::Int;
    v[0].min = 1;
    v[0].max = 100;
    v[0].default_number = 10;
    v[1].name = "weight";
    v[1].type = ParamType::Double;
    v[1].min = 0;
    v[1].max = 1;
    v[1].default_number = 0.5;
    v[2].name = "mode";
    v[2].type = ParamType::Choice;
    v[2].choices = {{"a", "A"}, {"b", "B"}};
    v[2].default_text = "a";
    v[3].name = "flag";
    v[3].type = ParamType::Bool;
    return v;
  }();
  return s;
}
}  // namespace

TEST(Params, DefaultsAndValidation) {
  ParamValues p(specs());
  EXPECT_EQ(p.get_int("iterations"), 10);
  EXPECT_DOUBLE_EQ(p.get_double("weight"), 0.5);
  EXPECT_EQ(p.get_text("mode"), "a");
  EXPECT_FALSE(p.get_bool("flag"));
  p.set_from_string("iterations", "42");
  p.set_from_string("mode", "b");
  p.set_from_string("flag", "true");
  EXPECT_EQ(p.get_int("iterations"), 42);
  EXPECT_EQ(p.choice_index("mode"), 1);
  EXPECT_TRUE(p.get_bool("flag"));
  EXPECT_THROW(p.set_from_string("iterations", "101"), Error);
  EXPECT_THROW(p.set_from_string("iterations", "1.5"), Error);
  EXPECT_THROW(p.set_from_string("iterations", "abc"), Error);
  EXPECT_THROW(p.set_from_string("weight", "2"), Error);
  EXPECT_THROW(p.set_from_string("mode", "c"), Error);
  EXPECT_THROW(p.set_from_string("nope", "1"), Error);
  EXPECT_EQ(p.get_int("iterations"), 42);  // failed sets leave the value alone
}
