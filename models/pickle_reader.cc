#include "models/pickle_reader.h"

#include <ATen/ATen.h>

#include <cstdio>
#include <cstring>
#include <unordered_map>

#include "core/error.h"

namespace atelier::pickle {
namespace {

using Kind = Value::Kind;

// A state dict needs a few values per tensor; this bounds memory use on garbage input.
constexpr size_t kMaxValues = 2'000'000;
constexpr size_t kMaxLine = 256;
constexpr size_t kMaxDims = 64;

struct StorageType {
  const char* name;
  at::ScalarType type;
};
constexpr StorageType kStorageTypes[] = {
    {"torch.FloatStorage", at::kFloat},       {"torch.DoubleStorage", at::kDouble}, {"torch.HalfStorage", at::kHalf},
    {"torch.BFloat16Storage", at::kBFloat16}, {"torch.LongStorage", at::kLong},     {"torch.IntStorage", at::kInt},
    {"torch.ShortStorage", at::kShort},       {"torch.CharStorage", at::kChar},     {"torch.ByteStorage", at::kByte},
    {"torch.BoolStorage", at::kBool},         {"torch.UntypedStorage", at::kByte},
};

constexpr const char* kCallables[] = {
    "collections.OrderedDict",
    "torch._utils._rebuild_tensor",
    "torch._utils._rebuild_tensor_v2",
    "torch._utils._rebuild_parameter",
};

bool whitelisted(const std::string& name) {
  at::ScalarType t;
  if (storage_scalar_type(name, &t)) return true;
  for (const char* c : kCallables)
    if (name == c) return true;
  return false;
}

}  // namespace

bool storage_scalar_type(const std::string& global_name, at::ScalarType* type) {
  for (const auto& s : kStorageTypes)
    if (global_name == s.name) {
      *type = s.type;
      return true;
    }
  return false;
}

const char* kind_name(Kind k) {
  switch (k) {
    case Kind::None: return "None";
    case Kind::Bool: return "bool";
    case Kind::Int: return "int";
    case Kind::BigInt: return "big int";
    case Kind::Float: return "float";
    case Kind::Str: return "str";
    case Kind::Bytes: return "bytes";
    case Kind::Tuple: return "tuple";
    case Kind::List: return "list";
    case Kind::Dict: return "dict";
    case Kind::Global: return "global";
    case Kind::Storage: return "storage";
    case Kind::Tensor: return "tensor";
  }
  return "?";
}

const Value* Value::get(const std::string& key) const {
  if (kind != Kind::Dict) return nullptr;
  for (size_t k = 0; k + 1 < items.size(); k += 2)
    if (items[k]->kind == Kind::Str && items[k]->s == key) return items[k + 1];
  return nullptr;
}

// ---- Input ---------------------------------------------------------------------------------------------------

Input::Input(std::istream& in, uint64_t begin, uint64_t end, std::string what)
    : in_(in), pos_(begin), end_(end), what_(std::move(what)) {
  in_.clear();
  in_.seekg(static_cast<std::streamoff>(pos_));
}

void Input::read(void* dst, uint64_t n) {
  if (n > remaining())
    throw Error(what_ + ": the file ends early, at byte " + std::to_string(end_) +
                " (truncated; download or copy it again)");
  if (n == 0) return;
  in_.read(static_cast<char*>(dst), static_cast<std::streamsize>(n));
  if (!in_ || static_cast<uint64_t>(in_.gcount()) != n)
    throw Error(what_ + ": read failed at byte " + std::to_string(pos_) + " (truncated or unreadable file)");
  pos_ += n;
}

std::string Input::read(uint64_t n) {
  if (n > remaining()) read(nullptr, n);  // throws
  std::string s(n, '\0');
  read(s.data(), n);
  return s;
}

uint8_t Input::byte() {
  uint8_t b;
  read(&b, 1);
  return b;
}

uint64_t Input::uint_le(int n) {
  unsigned char b[8];
  read(b, static_cast<uint64_t>(n));
  uint64_t v = 0;
  for (int k = n - 1; k >= 0; --k) v = (v << 8) | b[k];
  return v;
}

// ---- Unpickler -----------------------------------------------------------------------------------------------

Unpickler::Unpickler(PersistentLoad persistent_load) : persistent_load_(std::move(persistent_load)) {}

Value* Unpickler::make(Kind kind) {
  if (arena_.size() >= kMaxValues) throw Error("pickle has more than " + std::to_string(kMaxValues) + " objects");
  arena_.emplace_back();
  arena_.back().kind = kind;
  return &arena_.back();
}

Value& Unpickler::load(Input& in) {
  std::vector<Value*> stack;
  std::vector<size_t> marks;
  std::unordered_map<uint64_t, Value*> memo;
  uint64_t op_pos = in.pos();

  auto fail = [&](const std::string& msg) -> Error {
    return Error(in.what() + ": " + msg + " (at byte " + std::to_string(op_pos) + ")");
  };
  auto pop = [&]() -> Value* {
    if (stack.size() <= (marks.empty() ? 0 : marks.back())) throw fail("malformed pickle (stack underflow)");
    Value* v = stack.back();
    stack.pop_back();
    return v;
  };
  auto top = [&]() -> Value* {
    if (stack.size() <= (marks.empty() ? 0 : marks.back())) throw fail("malformed pickle (stack underflow)");
    return stack.back();
  };
  auto pop_mark = [&]() -> std::vector<Value*> {
    if (marks.empty()) throw fail("malformed pickle (missing MARK)");
    std::vector<Value*> items(stack.begin() + static_cast<std::ptrdiff_t>(marks.back()), stack.end());
    stack.resize(marks.back());
    marks.pop_back();
    return items;
  };
  auto push_string = [&](Kind kind, uint64_t n) {
    Value* v = make(kind);
    v->s = in.read(n);
    stack.push_back(v);
  };
  auto push_int = [&](int64_t i) {
    Value* v = make(Kind::Int);
    v->i = i;
    stack.push_back(v);
  };
  auto push_long = [&](uint64_t n) {
    std::string bytes = in.read(n);
    if (n <= 8) {
      uint64_t u = 0;
      for (size_t k = n; k-- > 0;) u = (u << 8) | static_cast<unsigned char>(bytes[k]);
      if (n > 0 && n < 8 && (static_cast<unsigned char>(bytes[n - 1]) & 0x80)) u |= ~uint64_t{0} << (8 * n);
      push_int(static_cast<int64_t>(u));
    } else {
      Value* v = make(Kind::BigInt);
      v->s = std::move(bytes);
      stack.push_back(v);
    }
  };
  auto global = [&](const std::string& module, const std::string& name) {
    const std::string full = module + "." + name;
    if (!whitelisted(full))
      throw fail("refusing to load: the pickle references the Python object '" + full +
                 "', which a PyTorch state dict never contains (torch.load could run code from it); only state " +
                 "dicts saved with torch.save(model.state_dict(), f) are supported");
    Value* v = make(Kind::Global);
    v->s = full;
    stack.push_back(v);
  };
  auto line = [&]() {
    std::string s;
    for (;;) {
      char c = static_cast<char>(in.byte());
      if (c == '\n') return s;
      if (s.size() >= kMaxLine) throw fail("malformed GLOBAL opcode");
      s += c;
    }
  };
  auto tuple = [&](std::vector<Value*> items) {
    Value* v = make(Kind::Tuple);
    v->items = std::move(items);
    stack.push_back(v);
  };
  auto set_items = [&](Value* dict, const std::vector<Value*>& kv) {
    if (!dict->is(Kind::Dict) || kv.size() % 2)
      throw fail("malformed pickle (SETITEM on a " + std::string(kind_name(dict->kind)) + ")");
    dict->items.insert(dict->items.end(), kv.begin(), kv.end());
  };
  auto append = [&](Value* list, const std::vector<Value*>& items) {
    if (!list->is(Kind::List)) throw fail("malformed pickle (APPEND on a " + std::string(kind_name(list->kind)) + ")");
    list->items.insert(list->items.end(), items.begin(), items.end());
  };

  for (;;) {
    op_pos = in.pos();
    const uint8_t op = in.byte();
    switch (op) {
      case 0x80: {  // PROTO
        const uint8_t proto = in.byte();
        if (proto > 5) throw fail("unsupported pickle protocol " + std::to_string(proto));
        break;
      }
      case 0x95: in.uint_le(8); break;  // FRAME: a length hint only
      case '.': {                       // STOP
        Value* v = pop();
        if (!stack.empty() || !marks.empty()) throw fail("malformed pickle (values left on the stack at STOP)");
        return *v;
      }
      case '(': marks.push_back(stack.size()); break;  // MARK
      case '0': pop(); break;                          // POP
      case '1': pop_mark(); break;                     // POP_MARK
      case '2': stack.push_back(top()); break;         // DUP
      case 'N': stack.push_back(make(Kind::None)); break;
      case 0x88:
      case 0x89: {  // NEWTRUE, NEWFALSE
        Value* v = make(Kind::Bool);
        v->b = op == 0x88;
        stack.push_back(v);
        break;
      }
      case 'J': push_int(static_cast<int32_t>(static_cast<uint32_t>(in.uint_le(4)))); break;  // BININT
      case 'K': push_int(static_cast<int64_t>(in.uint_le(1))); break;                         // BININT1
      case 'M': push_int(static_cast<int64_t>(in.uint_le(2))); break;                         // BININT2
      case 0x8a: push_long(in.uint_le(1)); break;                                             // LONG1
      case 0x8b: push_long(in.uint_le(4)); break;                                             // LONG4
      case 'G': {                                                                             // BINFLOAT, big-endian
        unsigned char b[8];
        in.read(b, 8);
        uint64_t u = 0;
        for (unsigned char c : b) u = (u << 8) | c;
        Value* v = make(Kind::Float);
        std::memcpy(&v->f, &u, 8);
        stack.push_back(v);
        break;
      }
      case 'X': push_string(Kind::Str, in.uint_le(4)); break;     // BINUNICODE
      case 0x8c: push_string(Kind::Str, in.uint_le(1)); break;    // SHORT_BINUNICODE
      case 0x8d: push_string(Kind::Str, in.uint_le(8)); break;    // BINUNICODE8
      case 'T': push_string(Kind::Str, in.uint_le(4)); break;     // BINSTRING (Python 2 str)
      case 'U': push_string(Kind::Str, in.uint_le(1)); break;     // SHORT_BINSTRING
      case 'B': push_string(Kind::Bytes, in.uint_le(4)); break;   // BINBYTES
      case 'C': push_string(Kind::Bytes, in.uint_le(1)); break;   // SHORT_BINBYTES
      case 0x8e: push_string(Kind::Bytes, in.uint_le(8)); break;  // BINBYTES8
      case '}': stack.push_back(make(Kind::Dict)); break;         // EMPTY_DICT
      case ']': stack.push_back(make(Kind::List)); break;         // EMPTY_LIST
      case ')': tuple({}); break;                                 // EMPTY_TUPLE
      case 't': tuple(pop_mark()); break;                         // TUPLE
      case 0x85:
      case 0x86:
      case 0x87: {  // TUPLE1..3
        std::vector<Value*> items(op - 0x84);
        for (size_t k = items.size(); k-- > 0;) items[k] = pop();
        tuple(std::move(items));
        break;
      }
      case 'l': {  // LIST
        Value* v = make(Kind::List);
        v->items = pop_mark();
        stack.push_back(v);
        break;
      }
      case 'd': {  // DICT
        Value* v = make(Kind::Dict);
        set_items(v, pop_mark());
        stack.push_back(v);
        break;
      }
      case 'q':    // BINPUT
      case 'r': {  // LONG_BINPUT
        const uint64_t idx = in.uint_le(op == 'q' ? 1 : 4);
        memo[idx] = top();
        break;
      }
      case 0x94: memo[memo.size()] = top(); break;  // MEMOIZE
      case 'h':                                     // BINGET
      case 'j': {                                   // LONG_BINGET
        const uint64_t idx = in.uint_le(op == 'h' ? 1 : 4);
        auto it = memo.find(idx);
        if (it == memo.end()) throw fail("malformed pickle (memo entry " + std::to_string(idx) + " missing)");
        stack.push_back(it->second);
        break;
      }
      case 'c': {  // GLOBAL
        std::string module = line();
        std::string name = line();
        global(module, name);
        break;
      }
      case 0x93: {  // STACK_GLOBAL
        Value* name = pop();
        Value* module = pop();
        if (!name->is(Kind::Str) || !module->is(Kind::Str)) throw fail("malformed STACK_GLOBAL");
        global(module->s, name->s);
        break;
      }
      case 'R': {  // REDUCE
        Value* args = pop();
        Value* callable = pop();
        stack.push_back(call(*callable, *args, in));
        break;
      }
      case 'Q': {  // BINPERSID
        Value* pid = pop();
        if (!persistent_load_) throw fail("unexpected persistent reference (tensor data) in this pickle");
        Value* v = make(Kind::Storage);
        v->tensor = persistent_load_(*pid);
        stack.push_back(v);
        break;
      }
      case 's': {  // SETITEM
        Value* value = pop();
        Value* key = pop();
        set_items(top(), {key, value});
        break;
      }
      case 'u': {  // SETITEMS
        std::vector<Value*> kv = pop_mark();
        set_items(top(), kv);
        break;
      }
      case 'a': {  // APPEND
        Value* item = pop();
        append(top(), {item});
        break;
      }
      case 'e': {  // APPENDS
        std::vector<Value*> items = pop_mark();
        append(top(), items);
        break;
      }
      case 'b': {  // BUILD: object state; for OrderedDicts (state_dict's _metadata) and tensors it is not needed
        pop();
        Value* obj = top();
        if (!obj->is(Kind::Dict) && !obj->is(Kind::Tensor))
          throw fail(std::string("malformed pickle (BUILD on a ") + kind_name(obj->kind) + ")");
        break;
      }
      default: {
        char hex[8];
        std::snprintf(hex, sizeof hex, "0x%02x", op);
        throw fail(std::string("unsupported pickle opcode ") + hex +
                   " (not a PyTorch state dict, or the file is damaged)");
      }
    }
  }
}

Value* Unpickler::call(const Value& callable, Value& args, const Input& in) {
  auto fail = [&](const std::string& msg) {
    return Error(in.what() + ": " + msg + " (before byte " + std::to_string(in.pos()) + ")");
  };
  if (!callable.is(Kind::Global))
    throw fail(std::string("malformed pickle (REDUCE on a ") + kind_name(callable.kind) + ")");
  if (!args.is(Kind::Tuple)) throw fail("malformed pickle (REDUCE arguments are not a tuple)");
  const std::string& name = callable.s;
  if (name == "collections.OrderedDict") {
    Value* dict = make(Kind::Dict);
    if (args.items.empty()) return dict;
    // Python 2 pickled OrderedDict(items) with items = [[key, value], ...].
    const Value* list = args.items[0];
    if (args.items.size() != 1 || !list->is(Kind::List)) throw fail("unsupported OrderedDict arguments");
    for (const Value* pair : list->items) {
      if (!(pair->is(Kind::List) || pair->is(Kind::Tuple)) || pair->items.size() != 2)
        throw fail("unsupported OrderedDict arguments");
      dict->items.push_back(pair->items[0]);
      dict->items.push_back(pair->items[1]);
    }
    return dict;
  }
  if (name == "torch._utils._rebuild_tensor" || name == "torch._utils._rebuild_tensor_v2")
    return rebuild_tensor(args.items, in);
  if (name == "torch._utils._rebuild_parameter") {
    if (args.items.empty() || !args.items[0]->is(Kind::Tensor)) throw fail("malformed _rebuild_parameter arguments");
    return args.items[0];
  }
  throw fail("'" + name + "' cannot be called in a state dict");
}

Value* Unpickler::rebuild_tensor(const std::vector<Value*>& args, const Input& in) {
  auto fail = [&](const std::string& msg) {
    return Error(in.what() + ": bad tensor record: " + msg + " (before byte " + std::to_string(in.pos()) + ")");
  };
  if (args.size() < 4) throw fail("too few arguments");
  const Value &storage = *args[0], &offset = *args[1], &size = *args[2], &stride = *args[3];
  if (!storage.is(Kind::Storage)) throw fail(std::string("expected a storage, found a ") + kind_name(storage.kind));
  if (!offset.is(Kind::Int) || !size.is(Kind::Tuple) || !stride.is(Kind::Tuple))
    throw fail("offset, size or stride has the wrong type");
  if (size.items.size() != stride.items.size() || size.items.size() > kMaxDims)
    throw fail("size and stride have different lengths");
  const int64_t storage_numel = storage.tensor.numel();
  std::vector<int64_t> sizes, strides;
  int64_t numel = 1, last = offset.i;
  if (offset.i < 0 || offset.i > storage_numel) throw fail("storage offset out of range");
  for (size_t d = 0; d < size.items.size(); ++d) {
    const Value &n = *size.items[d], &s = *stride.items[d];
    if (!n.is(Kind::Int) || !s.is(Kind::Int) || n.i < 0 || s.i < 0) throw fail("invalid size or stride");
    sizes.push_back(n.i);
    strides.push_back(s.i);
    if (__builtin_mul_overflow(numel, n.i, &numel)) throw fail("size overflows");
    int64_t span;
    if (n.i > 0 && (__builtin_mul_overflow(n.i - 1, s.i, &span) || __builtin_add_overflow(last, span, &last)))
      throw fail("stride overflows");
  }
  if (numel > 0 && last >= storage_numel)
    throw fail("the tensor [" + std::to_string(numel) + " elements, last at " + std::to_string(last) +
               "] reaches past its storage of " + std::to_string(storage_numel) + " elements");
  Value* v = make(Kind::Tensor);
  v->tensor = storage.tensor.as_strided(sizes, strides, storage.tensor.storage_offset() + offset.i);
  return v;
}

}  // namespace atelier::pickle
