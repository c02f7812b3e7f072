#include "core/json_checked.h"

#include <cmath>
#include <set>
#include <vector>

#include "core/error.h"

namespace atelier::json {
namespace {

// Deeper documents are refused before nlohmann's recursive copy, dump and compare could exhaust the stack.
constexpr int kMaxDepth = 256;

[[noreturn]] void type_error(const char* what, const char* want, const Json& got) {
  throw Error(std::string("JSON: expected ") + what + " to be " + want + ", found " + got.type_name());
}

}  // namespace

Json parse(std::string_view text) {
  // keys[d]: the keys read so far of the open object at depth d. nlohmann would keep the last of two equal keys
  // silently; two readers of one file could then disagree about, say, a tensor's offsets.
  std::vector<std::set<std::string, std::less<>>> keys;
  const Json::parser_callback_t check = [&keys](int depth, Json::parse_event_t event, Json& parsed) {
    using Event = Json::parse_event_t;
    if (event == Event::object_start || event == Event::array_start) {
      if (depth >= kMaxDepth)
        throw Error("malformed JSON: nested more than " + std::to_string(kMaxDepth) + " levels deep");
      if (event == Event::object_start) {
        keys.resize(static_cast<size_t>(depth) + 1);
        keys[static_cast<size_t>(depth)].clear();
      }
    } else if (event == Event::key) {
      const std::string& key = parsed.get_ref<const std::string&>();
      if (!keys.at(static_cast<size_t>(depth) - 1).insert(key).second)
        throw Error("malformed JSON: duplicate key '" + key + "'");
    }
    return true;
  };
  try {
    return Json::parse(text.begin(), text.end(), check);
  } catch (const Json::parse_error& e) {
    throw Error("malformed JSON at byte " + std::to_string(e.byte));
  } catch (const Json::exception&) {
    throw Error("malformed JSON: a number is out of range");
  }
}

std::string dump(const Json& value, int indent) {
  try {
    return value.dump(indent);
  } catch (const Json::type_error&) {
    throw Error("cannot write JSON: a name or text is not valid UTF-8");
  }
}

double number(const Json& v, const char* what) {
  if (!v.is_number()) type_error(what, "a number", v);
  return v.get<double>();
}

int64_t integer(const Json& v, const char* what) {
  if (v.is_number_unsigned()) {
    const uint64_t u = v.get<uint64_t>();
    if (u <= static_cast<uint64_t>(INT64_MAX)) return static_cast<int64_t>(u);
  } else if (v.is_number_integer()) {
    return v.get<int64_t>();
  } else if (v.is_number_float()) {
    const double d = v.get<double>();
    // 2^63 itself does not fit: the bound is exclusive.
    if (d == std::floor(d) && d >= -9223372036854775808.0 && d < 9223372036854775808.0) return static_cast<int64_t>(d);
  } else {
    type_error(what, "a number", v);
  }
  throw Error(std::string("JSON: expected ") + what + " to be an integer of at most 63 bits");
}

bool boolean(const Json& v, const char* what) {
  if (!v.is_boolean()) type_error(what, "a boolean", v);
  return v.get<bool>();
}

const std::string& string(const Json& v, const char* what) {
  if (!v.is_string()) type_error(what, "a string", v);
  return v.get_ref<const std::string&>();
}

const Json::array_t& array(const Json& v, const char* what) {
  if (!v.is_array()) type_error(what, "an array", v);
  return v.get_ref<const Json::array_t&>();
}

const Json::object_t& object(const Json& v, const char* what) {
  if (!v.is_object()) type_error(what, "an object", v);
  return v.get_ref<const Json::object_t&>();
}

const Json& at(const Json& v, std::string_view key) {
  const Json::object_t& o = object(v);
  const auto it = o.find(key);
  if (it == o.end()) throw Error("JSON: missing key '" + std::string(key) + "'");
  return it->second;
}

const Json& get(const Json& v, std::string_view key) {
  static const Json null_value;
  if (!v.is_object()) return null_value;
  const auto it = v.find(key);
  return it == v.end() ? null_value : *it;
}

}  // namespace atelier::json
