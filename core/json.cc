#include "core/json.h"

#include <cctype>
#include <cmath>
#include <limits>
#include <string_view>
#include <cstdio>
#include <cstdlib>

#include "core/error.h"
#include "core/numbers.h"

namespace atelier::json {
namespace {

const char* type_name(Value::Type t) {
  switch (t) {
    case Value::Type::Null: return "null";
    case Value::Type::Bool: return "boolean";
    case Value::Type::Number: return "number";
    case Value::Type::String: return "string";
    case Value::Type::Array: return "array";
    case Value::Type::Object: return "object";
  }
  return "?";
}

[[noreturn]] void type_error(const char* what, const char* want, Value::Type got) {
  throw Error(std::string("JSON: expected ") + what + " to be a " + want + ", found " + type_name(got));
}

class Parser {
 public:
  explicit Parser(const std::string& s) : s_(s) {}
  Value parse_document() {
    Value v = parse_value(0);
    skip_ws();
    if (i_ != s_.size()) fail("trailing characters");
    return v;
  }

 private:
  [[noreturn]] void fail(const std::string& why) {
    throw Error("malformed JSON at byte " + std::to_string(i_) + ": " + why);
  }
  void skip_ws() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\r' || s_[i_] == '\t')) ++i_;
  }
  bool consume(char c) {
    skip_ws();
    if (i_ < s_.size() && s_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }
  void expect(char c) {
    if (!consume(c)) fail(std::string("expected '") + c + "'");
  }
  Value parse_value(int depth) {
    if (depth > 256) fail("nested too deeply");
    skip_ws();
    if (i_ >= s_.size()) fail("unexpected end");
    char c = s_[i_];
    if (c == '{') return parse_object(depth);
    if (c == '[') return parse_array(depth);
    if (c == '"') return Value(parse_string());
    if (s_.compare(i_, 4, "true") == 0) return i_ += 4, Value(true);
    if (s_.compare(i_, 5, "false") == 0) return i_ += 5, Value(false);
    if (s_.compare(i_, 4, "null") == 0) return i_ += 4, Value();
    if (s_.compare(i_, 3, "NaN") == 0) return i_ += 3, Value(std::nan(""));
    if (s_.compare(i_, 8, "Infinity") == 0) return i_ += 8, Value(std::numeric_limits<double>::infinity());
    if (s_.compare(i_, 9, "-Infinity") == 0) return i_ += 9, Value(-std::numeric_limits<double>::infinity());
    return parse_number();
  }
  Value parse_object(int depth) {
    expect('{');
    Value::Object o;
    if (consume('}')) return Value(std::move(o));
    do {
      skip_ws();
      if (i_ >= s_.size() || s_[i_] != '"') fail("expected a string key");
      std::string k = parse_string();
      expect(':');
      o[k] = parse_value(depth + 1);
    } while (consume(','));
    expect('}');
    return Value(std::move(o));
  }
  Value parse_array(int depth) {
    expect('[');
    Value::Array a;
    if (consume(']')) return Value(std::move(a));
    do {
      a.push_back(parse_value(depth + 1));
    } while (consume(','));
    expect(']');
    return Value(std::move(a));
  }
  static void put_utf8(std::string& out, unsigned cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  unsigned parse_hex4() {
    if (i_ + 4 > s_.size()) fail("short \\u escape");
    unsigned v = 0;
    for (int k = 0; k < 4; ++k) {
      char c = s_[i_++];
      v <<= 4;
      if (c >= '0' && c <= '9') v |= c - '0';
      else if (c >= 'a' && c <= 'f') v |= c - 'a' + 10;
      else if (c >= 'A' && c <= 'F') v |= c - 'A' + 10;
      else fail("bad \\u escape");
    }
    return v;
  }
  std::string parse_string() {
    ++i_;  // opening quote
    std::string out;
    while (true) {
      if (i_ >= s_.size()) fail("unterminated string");
      char c = s_[i_++];
      if (c == '"') return out;
      if (c != '\\') {
        out += c;
        continue;
      }
      if (i_ >= s_.size()) fail("unterminated escape");
      char e = s_[i_++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          unsigned cp = parse_hex4();
          if (cp >= 0xD800 && cp < 0xDC00 && i_ + 6 <= s_.size() && s_[i_] == '\\' && s_[i_ + 1] == 'u') {
            i_ += 2;
            unsigned lo = parse_hex4();
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          }
          put_utf8(out, cp);
          break;
        }
        default: fail("bad escape");
      }
    }
  }
  // JSON numbers always use a dot, whatever the process locale (strtod would read "0,123" as 0.123 under de_DE).
  Value parse_number() {
    const size_t begin = i_;
    while (i_ < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[i_])) || s_[i_] == '-' || s_[i_] == '+' ||
                              s_[i_] == '.' || s_[i_] == 'e' || s_[i_] == 'E'))
      ++i_;
    if (i_ == begin) fail("unexpected character");
    const std::string_view token(s_.data() + begin, i_ - begin);
    const std::optional<double> d = parse_double(token);
    if (!d) {
      i_ = begin;
      fail("malformed number '" + std::string(token) + "'");
    }
    return Value(*d);
  }

  const std::string& s_;
  size_t i_ = 0;
};

void dump_string(std::string& out, const std::string& s) {
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

const Value& null_value() {
  static const Value v;
  return v;
}

}  // namespace

double Value::number(const char* what) const {
  if (type_ != Type::Number) type_error(what, "number", type_);
  return num_;
}
int64_t Value::integer(const char* what) const {
  double d = number(what);
  // 2^63 itself does not fit: the bound is exclusive.
  if (d != std::floor(d) || !(d >= -9223372036854775808.0 && d < 9223372036854775808.0))
    throw Error(std::string("JSON: expected ") + what + " to be an integer of at most 63 bits");
  return static_cast<int64_t>(d);
}
bool Value::boolean(const char* what) const {
  if (type_ != Type::Bool) type_error(what, "boolean", type_);
  return bool_;
}
const std::string& Value::string(const char* what) const {
  if (type_ != Type::String) type_error(what, "string", type_);
  return str_;
}
const Value::Array& Value::array(const char* what) const {
  if (type_ != Type::Array) type_error(what, "array", type_);
  return *arr_;
}
const Value::Object& Value::object(const char* what) const {
  if (type_ != Type::Object) type_error(what, "object", type_);
  return *obj_;
}
bool Value::contains(const std::string& key) const { return type_ == Type::Object && obj_->count(key); }
const Value& Value::at(const std::string& key) const {
  const Object& o = object("value");
  auto it = o.find(key);
  if (it == o.end()) throw Error("JSON: missing key '" + key + "'");
  return it->second;
}
const Value& Value::get(const std::string& key) const {
  if (type_ != Type::Object) return null_value();
  auto it = obj_->find(key);
  return it == obj_->end() ? null_value() : it->second;
}
Value& Value::operator[](const std::string& key) {
  if (type_ == Type::Null) {
    type_ = Type::Object;
    obj_ = std::make_shared<Object>();
  }
  if (type_ != Type::Object) type_error("value", "object", type_);
  return (*obj_)[key];
}

void Value::dump_to(std::string& out, int indent, int depth) const {
  auto newline = [&](int d) {
    if (indent < 0) return;
    out += '\n';
    out.append(static_cast<size_t>(indent * d), ' ');
  };
  switch (type_) {
    case Type::Null: out += "null"; break;
    case Type::Bool: out += bool_ ? "true" : "false"; break;
    case Type::Number: {
      if (std::isfinite(num_) && num_ == std::floor(num_) && std::fabs(num_) < 1e15) {
        out += std::to_string(static_cast<int64_t>(num_));
      } else {
        if (std::isnan(num_)) out += "NaN";
        else if (std::isinf(num_)) out += num_ > 0 ? "Infinity" : "-Infinity";
        else out += format_double(num_);
      }
      break;
    }
    case Type::String: dump_string(out, str_); break;
    case Type::Array: {
      out += '[';
      bool first = true;
      for (const Value& v : *arr_) {
        if (!first) out += ',';
        first = false;
        newline(depth + 1);
        v.dump_to(out, indent, depth + 1);
      }
      if (!arr_->empty()) newline(depth);
      out += ']';
      break;
    }
    case Type::Object: {
      out += '{';
      bool first = true;
      for (const auto& [k, v] : *obj_) {
        if (!first) out += ',';
        first = false;
        newline(depth + 1);
        dump_string(out, k);
        out += indent < 0 ? ":" : ": ";
        v.dump_to(out, indent, depth + 1);
      }
      if (!obj_->empty()) newline(depth);
      out += '}';
      break;
    }
  }
}

std::string Value::dump(int indent) const {
  std::string out;
  dump_to(out, indent, 0);
  return out;
}

Value parse(const std::string& text) { return Parser(text).parse_document(); }

}  // namespace atelier::json
