#pragma once
// A safe reader for the Python pickles that torch.save writes for state dicts. It runs no code: it knows the
// opcodes such pickles use and builds only whitelisted objects (OrderedDict, tensors, storages); any other
// Python global is rejected with an error.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <istream>
#include <string>
#include <vector>

namespace atelier::pickle {

// Sequential reads from `in`, starting at `begin` (where it seeks to); reading past `end` throws
// atelier::Error naming `what` and saying the file is truncated. Nothing else may move `in` meanwhile.
class Input {
 public:
  Input(std::istream& in, uint64_t begin, uint64_t end, std::string what);
  uint64_t pos() const { return pos_; }
  uint64_t remaining() const { return end_ - pos_; }
  const std::string& what() const { return what_; }
  void read(void* dst, uint64_t n);
  std::string read(uint64_t n);
  uint8_t byte();
  uint64_t uint_le(int n);

 private:
  std::istream& in_;
  uint64_t pos_, end_;
  std::string what_;
};

struct Value {
  enum class Kind { None, Bool, Int, BigInt, Float, Str, Bytes, Tuple, List, Dict, Global, Storage, Tensor };
  Kind kind = Kind::None;
  bool b = false;
  int64_t i = 0;
  double f = 0;
  std::string s;              // Str, Bytes, BigInt (little-endian two's complement), Global ("module.name")
  std::vector<Value*> items;  // Tuple, List; Dict: key, value, key, value, ...
  at::Tensor tensor;          // Storage (its 1-D data), Tensor

  bool is(Kind k) const { return kind == k; }
  // Dict lookup by string key; nullptr if absent or not a dict.
  const Value* get(const std::string& key) const;
};

const char* kind_name(Value::Kind k);

// The element type of a whitelisted torch storage class ("torch.FloatStorage" -> float); false for others.
bool storage_scalar_type(const std::string& global_name, at::ScalarType* type);

class Unpickler {
 public:
  // Resolves a BINPERSID reference (torch: ('storage', torch.FloatStorage, key, location, numel[, view])) to the
  // storage's data as a 1-D tensor; tensors rebuilt from it are views of it.
  using PersistentLoad = std::function<at::Tensor(const Value& pid)>;

  explicit Unpickler(PersistentLoad persistent_load = {});

  // Reads one pickle (up to and including STOP). The returned value lives as long as this Unpickler.
  // Throws atelier::Error describing the problem and its byte offset.
  Value& load(Input& in);

 private:
  Value* make(Value::Kind kind);
  Value* call(const Value& callable, Value& args, const Input& in);
  Value* rebuild_tensor(const std::vector<Value*>& args, const Input& in);

  PersistentLoad persistent_load_;
  std::deque<Value> arena_;  // owns every value; flat, so cyclic or deeply nested pickles cannot hurt
};

}  // namespace atelier::pickle
