#pragma once
// nlohmann-json under this project's rules for JSON that comes from files (safetensors headers, Keras model
// configurations, manifests, the model library index): nesting and duplicate keys are refused, and every problem
// is an atelier::Error with a plain sentence (nlohmann's own exception texts never reach users). Messages leave
// naming the file to the caller. nlohmann reads and writes numbers with a dot under any locale.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace atelier {

using Json = nlohmann::json;

namespace json {

// The whole of `text` as one JSON value. Throws atelier::Error ("malformed JSON at byte N", "duplicate key 'k'",
// "nested too deeply").
Json parse(std::string_view text);

// JSON text (compact, or pretty with `indent` spaces). Throws atelier::Error if a string is not UTF-8.
std::string dump(const Json& value, int indent = -1);

// Typed access; throws atelier::Error naming `what` when the type does not match.
double number(const Json& v, const char* what = "value");
// Integral numbers in [-2^63, 2^63) only (also written as 2.0 or 1e3).
int64_t integer(const Json& v, const char* what = "value");
bool boolean(const Json& v, const char* what = "value");
const std::string& string(const Json& v, const char* what = "value");
const Json::array_t& array(const Json& v, const char* what = "value");
const Json::object_t& object(const Json& v, const char* what = "value");

// Object member; throws if `v` is not an object or has no such key.
const Json& at(const Json& v, std::string_view key);
// Object member, or null if `v` is not an object or has no such key.
const Json& get(const Json& v, std::string_view key);

}  // namespace json
}  // namespace atelier
