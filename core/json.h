#pragma once
// A small JSON reader/writer for model manifests and safetensors headers (torch-free header).
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace atelier::json {

class Value {
 public:
  enum class Type { Null, Bool, Number, String, Array, Object };
  using Array = std::vector<Value>;
  using Object = std::map<std::string, Value>;

  Value() = default;
  Value(std::nullptr_t) {}
  Value(bool b) : type_(Type::Bool), bool_(b) {}
  Value(double d) : type_(Type::Number), num_(d) {}
  Value(int i) : type_(Type::Number), num_(i) {}
  Value(int64_t i) : type_(Type::Number), num_(static_cast<double>(i)) {}
  Value(const char* s) : type_(Type::String), str_(s) {}
  Value(std::string s) : type_(Type::String), str_(std::move(s)) {}
  Value(Array a) : type_(Type::Array), arr_(std::make_shared<Array>(std::move(a))) {}
  Value(Object o) : type_(Type::Object), obj_(std::make_shared<Object>(std::move(o))) {}

  Type type() const { return type_; }
  bool is_null() const { return type_ == Type::Null; }
  bool is_number() const { return type_ == Type::Number; }
  bool is_string() const { return type_ == Type::String; }
  bool is_array() const { return type_ == Type::Array; }
  bool is_object() const { return type_ == Type::Object; }
  bool is_bool() const { return type_ == Type::Bool; }

  // Accessors throw atelier::Error naming `what` when the type does not match.
  double number(const char* what = "value") const;
  int64_t integer(const char* what = "value") const;
  bool boolean(const char* what = "value") const;
  const std::string& string(const char* what = "value") const;
  const Array& array(const char* what = "value") const;
  const Object& object(const char* what = "value") const;

  bool contains(const std::string& key) const;
  // Object member; throws if missing.
  const Value& at(const std::string& key) const;
  // Object member or a null value.
  const Value& get(const std::string& key) const;
  Value& operator[](const std::string& key);  // turns a null value into an object

  std::string dump(int indent = -1) const;

 private:
  void dump_to(std::string& out, int indent, int depth) const;
  Type type_ = Type::Null;
  bool bool_ = false;
  double num_ = 0;
  std::string str_;
  std::shared_ptr<Array> arr_;
  std::shared_ptr<Object> obj_;
};

// Throws atelier::Error with the byte offset on malformed input.
Value parse(const std::string& text);

}  // namespace atelier::json
