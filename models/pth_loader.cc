#include "models/pth_loader.h"

#include <ATen/ATen.h>
#include <caffe2/serialize/versions.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <map>
#include <new>
#include <sstream>
#include <utility>
#include <vector>

#include "core/error.h"
#include "models/pickle_reader.h"
#include "models/zip_archive.h"

namespace atelier {
namespace {

using pickle::Value;
using Kind = Value::Kind;

// pickle.dumps(0x1950a86a20f9469cfc6c)'s LONG1 payload: the legacy format's magic number.
const std::string kLegacyMagic("\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19", 10);
constexpr int64_t kLegacyProtocol = 1001;
constexpr int kMaxNesting = 8;
constexpr uint64_t kMaxPickleBytes = 256u << 20;

// A parsed ('storage', torch.XStorage, key, location, numel[, view]) persistent id.
struct StorageRef {
  at::ScalarType dtype;
  std::string key;
  int64_t numel;
  const Value* view = nullptr;  // legacy: (view_key, offset, numel) or None
};

StorageRef parse_storage_ref(const Value& pid) {
  const auto& it = pid.items;
  if (!pid.is(Kind::Tuple) || it.size() < 5 || !it[0]->is(Kind::Str) || it[0]->s != "storage")
    throw Error("unsupported persistent reference (expected a torch storage)");
  StorageRef ref{};
  if (!it[1]->is(Kind::Global) || !pickle::storage_scalar_type(it[1]->s, &ref.dtype))
    throw Error("unsupported storage type");
  if (!it[2]->is(Kind::Str) || !it[4]->is(Kind::Int) || it[4]->i < 0) throw Error("malformed storage reference");
  ref.key = it[2]->s;
  ref.numel = it[4]->i;
  if (it.size() > 5 && !it[5]->is(Kind::None)) ref.view = it[5];
  return ref;
}

int64_t checked_bytes(int64_t numel, at::ScalarType dtype) {
  int64_t bytes;
  if (__builtin_mul_overflow(numel, static_cast<int64_t>(at::elementSize(dtype)), &bytes))
    throw Error("storage size overflows");
  return bytes;
}

// A tensor that owns exactly its data (views of a larger storage are copied).
at::Tensor own(const at::Tensor& t) {
  if (t.is_contiguous() && t.storage_offset() == 0 && t.nbytes() == t.storage().nbytes()) return t;
  return t.clone(at::MemoryFormat::Contiguous);
}

void flatten(const Value& dict, const std::string& prefix, int depth, TensorMap& out) {
  if (depth > kMaxNesting) throw Error("dictionaries nested too deeply");
  for (size_t k = 0; k + 1 < dict.items.size(); k += 2) {
    const Value& key = *dict.items[k];
    const Value& value = *dict.items[k + 1];
    std::string name;
    if (key.is(Kind::Str))
      name = key.s;
    else if (key.is(Kind::Int))
      name = std::to_string(key.i);
    else
      continue;
    if (value.is(Kind::Tensor))
      out.insert_or_assign(prefix + name, own(value.tensor));
    else if (value.is(Kind::Dict))
      flatten(value, prefix + name + ".", depth + 1, out);
  }
}

TensorMap state_dict_from(const Value& root) {
  if (!root.is(Kind::Dict))
    throw Error(std::string("the file holds a ") + pickle::kind_name(root.kind) +
                ", not a state dict; save the weights with torch.save(model.state_dict(), f)");
  TensorMap out;
  flatten(root, "", 0, out);
  if (out.empty()) throw Error("the state dict contains no tensors");
  return out;
}

// torch.save's ZIP archive: every entry sits in one top folder ("<name>/data.pkl", "<name>/data/0", ...), and a
// 'version' entry says which format version wrote it.
class TorchArchive {
 public:
  explicit TorchArchive(const std::string& path) : zip_(path) {
    const std::vector<std::string> names = zip_.names();
    const size_t slash = names.empty() ? std::string::npos : names.front().find('/');
    if (slash == std::string::npos)
      throw Error("a ZIP archive, but not as torch.save writes one (its entries are not in a top folder)");
    folder_ = names.front().substr(0, slash + 1);
    check_version();
  }

  bool has(const std::string& name) const { return zip_.has(folder_ + name); }
  uint64_t size(const std::string& name) const { return zip_.size(folder_ + name); }
  void read(const std::string& name, void* dst, uint64_t n) const { zip_.read(folder_ + name, dst, n); }
  // The whole entry, which must be at most `limit` bytes.
  std::string read(const std::string& name, uint64_t limit, const char* what) const {
    if (size(name) > limit) throw Error("'" + name + "' is implausibly large for " + what);
    return zip_.read(folder_ + name);
  }

 private:
  void check_version() const {
    const char* name = has(".data/version") ? ".data/version" : "version";
    if (!has(name)) throw Error("ZIP archive without a 'version' entry: torch.save did not write it");
    const std::string text = read(name, 16, "a version number");
    uint64_t version = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), version);
    if (ec != std::errc() || end == text.data() || (end != text.data() + text.size() && *end != '\n'))
      throw Error("damaged ZIP archive (unreadable 'version' entry); download or save the file again");
    if (version < caffe2::serialize::kMinSupportedFileFormatVersion ||
        version > caffe2::serialize::kMaxSupportedFileFormatVersion)
      throw Error("the ZIP checkpoint has format version " + std::to_string(version) +
                  ", which this LibTorch cannot read; re-save it with an older PyTorch");
  }

  ZipArchive zip_;
  std::string folder_;
};

TensorMap load_zip(const std::string& path) {
  TorchArchive zip(path);
  if (!zip.has("data.pkl"))
    throw Error("ZIP archive without '<name>/data.pkl': not a PyTorch checkpoint, or an incomplete one");
  if (zip.has("byteorder")) {
    const std::string bo = zip.read("byteorder", 16, "a byte order");
    if (bo != "little")
      throw Error("the file was saved on a '" + bo + "'-endian machine; re-save it on a little-endian one");
  }
  std::string pkl = zip.read("data.pkl", kMaxPickleBytes, "a state dict");
  const uint64_t pkl_size = pkl.size();
  std::istringstream bytes(std::move(pkl));
  pickle::Input in(bytes, 0, pkl_size, "data.pkl");

  std::map<std::string, at::Tensor> storages;
  pickle::Unpickler unpickler([&](const Value& pid) {
    const StorageRef ref = parse_storage_ref(pid);
    if (auto it = storages.find(ref.key); it != storages.end()) {
      if (it->second.scalar_type() != ref.dtype) throw Error("storage '" + ref.key + "' is used with two dtypes");
      return it->second;
    }
    const std::string name = "data/" + ref.key;
    if (!zip.has(name)) throw Error("entry '" + name + "' (tensor data) is missing; the archive is incomplete");
    const int64_t expected = checked_bytes(ref.numel, ref.dtype);
    const uint64_t stored = zip.size(name);
    if (stored != static_cast<uint64_t>(expected))
      throw Error("entry '" + name + "' has " + std::to_string(stored) + " bytes, expected " +
                  std::to_string(expected) + " (" + std::to_string(ref.numel) + " x " + at::toString(ref.dtype) + ")");
    at::Tensor t = at::empty({ref.numel}, at::TensorOptions().dtype(ref.dtype));
    zip.read(name, t.data_ptr(), stored);
    storages.emplace(ref.key, t);
    return t;
  });
  return state_dict_from(unpickler.load(in));
}

TensorMap load_legacy(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw Error(std::string("cannot open: ") + std::strerror(errno));
  f.seekg(0, std::ios::end);
  const uint64_t size = static_cast<uint64_t>(f.tellg());
  pickle::Input in(f, 0, size, "legacy-format header");

  pickle::Unpickler header;
  const Value& magic = header.load(in);
  if (!magic.is(Kind::BigInt) || magic.s != kLegacyMagic)
    throw Error("a Python pickle, but not a PyTorch checkpoint (wrong magic number)");
  const Value& protocol = header.load(in);
  if (!protocol.is(Kind::Int) || protocol.i != kLegacyProtocol)
    throw Error("unsupported legacy protocol version (expected 1001)");
  const Value& sys_info = header.load(in);
  const Value* little = sys_info.get("little_endian");
  if (!little || !little->is(Kind::Bool)) throw Error("malformed system-info record");
  if (!little->b) throw Error("the file was saved on a big-endian machine; re-save it on a little-endian one");

  // Storage data follows the pickles, so storages are allocated now and filled in at the end.
  std::map<std::string, at::Tensor> storages;
  std::map<std::string, at::Tensor> views;
  uint64_t allocated = 0;
  pickle::Unpickler main([&](const Value& pid) {
    const StorageRef ref = parse_storage_ref(pid);
    auto it = storages.find(ref.key);
    if (it == storages.end()) {
      const int64_t bytes = checked_bytes(ref.numel, ref.dtype);
      allocated += static_cast<uint64_t>(bytes);
      if (allocated > size) throw Error("storage sizes exceed the file size (truncated or corrupt file)");
      it = storages.emplace(ref.key, at::empty({ref.numel}, at::TensorOptions().dtype(ref.dtype))).first;
    } else if (it->second.scalar_type() != ref.dtype || it->second.numel() != ref.numel) {
      throw Error("storage '" + ref.key + "' is referenced with two different types or sizes");
    }
    if (!ref.view) return it->second;
    const auto& v = ref.view->items;
    if (!ref.view->is(Kind::Tuple) || v.size() != 3 || !v[0]->is(Kind::Str) || !v[1]->is(Kind::Int) ||
        !v[2]->is(Kind::Int))
      throw Error("malformed storage view record");
    if (auto vit = views.find(v[0]->s); vit != views.end()) return vit->second;
    const int64_t offset = v[1]->i, n = v[2]->i;
    if (offset < 0 || n < 0 || offset > ref.numel || n > ref.numel - offset) throw Error("storage view out of range");
    return views.emplace(v[0]->s, it->second.narrow(0, offset, n)).first->second;
  });
  pickle::Input body(f, in.pos(), size, "legacy-format state dict");
  const Value& root = main.load(body);

  pickle::Input list(f, body.pos(), size, "legacy-format storage list");
  pickle::Unpickler key_reader;
  const Value& keys = key_reader.load(list);
  if (!keys.is(Kind::List)) throw Error("malformed storage key list");
  pickle::Input data(f, list.pos(), size, "legacy-format tensor data");
  size_t filled = 0;
  for (const Value* key : keys.items) {
    if (!key->is(Kind::Str)) throw Error("malformed storage key list");
    auto it = storages.find(key->s);
    if (it == storages.end()) throw Error("tensor data for unknown storage '" + key->s + "'");
    const uint64_t count = data.uint_le(8);
    if (count != static_cast<uint64_t>(it->second.numel()))
      throw Error("storage '" + key->s + "' has " + std::to_string(count) + " elements, expected " +
                  std::to_string(it->second.numel()));
    data.read(it->second.data_ptr(), it->second.nbytes());
    ++filled;
  }
  if (filled != storages.size()) throw Error("the tensor data of some storages is missing (truncated file?)");
  return state_dict_from(root);
}

}  // namespace

bool looks_like_pth(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  unsigned char b[4] = {};
  if (!f.read(reinterpret_cast<char*>(b), 4)) return false;
  if (b[0] == 'P' && b[1] == 'K' && b[2] == 3 && b[3] == 4) return true;
  return b[0] == 0x80 && b[1] <= 5 && b[2] == 0x8a && b[3] == 0x0a;  // PROTO n, LONG1 10 bytes (the magic)
}

TensorMap load_pth_state_dict(const std::string& path) {
  const std::string context = "cannot load PyTorch weights '" + path + "': ";
  std::ifstream f(path, std::ios::binary);
  if (!f) throw Error(context + std::strerror(errno));
  unsigned char head[512] = {};
  f.read(reinterpret_cast<char*>(head), sizeof head);
  const auto n = f.gcount();
  f.close();
  try {
    if (n >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) return load_zip(path);
    if (n >= 2 && head[0] == 0x80) return load_legacy(path);
    if (n >= 262 && std::memcmp(head + 257, "ustar", 5) == 0)
      throw Error(
          "this is the tar-based format of PyTorch < 0.4, which is not supported; load it in Python and "
          "re-save it with torch.save(torch.load(f), f2)");
    if (n == 0) throw Error("the file is empty");
    char hex[40];
    std::snprintf(hex, sizeof hex, "%02x %02x %02x %02x", head[0], n > 1 ? head[1] : 0, n > 2 ? head[2] : 0,
                  n > 3 ? head[3] : 0);
    throw Error(std::string("not a PyTorch checkpoint (it starts with bytes ") + hex +
                "; expected a ZIP archive or a pickle as written by torch.save)");
  } catch (const Error& e) {
    throw Error(context + e.what());
  } catch (const c10::Error& e) {
    throw Error(context + "invalid tensor data (" + e.what_without_backtrace() + ")");
  } catch (const std::bad_alloc&) {
    throw Error(context + "out of memory while reading it (is the file corrupt?)");
  }
}

}  // namespace atelier
