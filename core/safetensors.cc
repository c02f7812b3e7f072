#include "core/safetensors.h"

#include <ATen/ATen.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <vector>

#include "core/error.h"
#include "core/json_checked.h"

namespace atelier {
namespace {

struct DtypeName {
  const char* name;
  at::ScalarType type;
};
constexpr DtypeName kDtypes[] = {
    {"F32", at::kFloat}, {"F16", at::kHalf},  {"BF16", at::kBFloat16}, {"F64", at::kDouble}, {"I64", at::kLong},
    {"I32", at::kInt},   {"I16", at::kShort}, {"I8", at::kChar},       {"U8", at::kByte},    {"BOOL", at::kBool},
};

at::ScalarType dtype_from_name(const std::string& n, const std::string& path, const std::string& tensor) {
  for (const auto& d : kDtypes)
    if (n == d.name) return d.type;
  throw Error("'" + path + "': tensor '" + tensor + "' has unsupported dtype '" + n + "'");
}

const char* dtype_name(at::ScalarType t) {
  for (const auto& d : kDtypes)
    if (t == d.type) return d.name;
  throw Error(std::string("safetensors: cannot store dtype ") + at::toString(t));
}

// A file's bytes, mapped into memory where it can be (MAP_PRIVATE: the tensors point at the page cache's pages,
// no copy, and a write to one copies its page for this process only), else read. Reading InceptionV3's 90 MB into
// fresh memory took a quarter of a second on the development machine, most of it the kernel handing out and
// zeroing pages; mapped, it takes a few milliseconds when the file is in the page cache.
class FileBytes : public std::enable_shared_from_this<FileBytes> {
 public:
  static std::shared_ptr<const FileBytes> open(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw Error("cannot open weights file '" + path + "': " + std::strerror(errno));
    auto file = std::shared_ptr<FileBytes>(new FileBytes);
    try {
      struct stat st{};
      if (::fstat(fd, &st) != 0) throw Error("cannot read weights file '" + path + "': " + std::strerror(errno));
      file->size_ = static_cast<uint64_t>(st.st_size);
      void* m = S_ISREG(st.st_mode) && st.st_size > 0
                    ? ::mmap(nullptr, file->size_, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0)
                    : MAP_FAILED;
      if (m != MAP_FAILED) {
        file->mapped_ = static_cast<char*>(m);
      } else {
        file->read_all(fd, path);
      }
    } catch (...) {
      ::close(fd);
      throw;
    }
    ::close(fd);
    return file;
  }
  FileBytes(const FileBytes&) = delete;
  FileBytes& operator=(const FileBytes&) = delete;
  ~FileBytes() {
    if (mapped_) ::munmap(mapped_, size_);
  }

  const char* data() const { return mapped_ ? mapped_ : static_cast<const char*>(read_.const_data_ptr()); }
  uint64_t size() const { return size_; }

  // The tensor stored at `offset` (checked to lie in the file), sharing these bytes; copied where its offset is
  // not a multiple of its element size.
  at::Tensor tensor(uint64_t offset, const std::vector<int64_t>& shape, at::ScalarType type) const {
    char* p = const_cast<char*>(data()) + offset;
    const auto options = at::TensorOptions().dtype(type);
    if (offset % at::elementSize(type) != 0) return at::from_blob(p, shape, options).clone();
    return at::from_blob(p, shape, [keep = shared_from_this()](void*) {}, options);
  }

 private:
  FileBytes() = default;
  void read_all(int fd, const std::string& path) {
    read_ = at::empty({static_cast<int64_t>(size_)}, at::kByte);
    char* p = static_cast<char*>(read_.data_ptr());
    for (uint64_t done = 0; done < size_;) {
      const ssize_t n = ::read(fd, p + done, size_ - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw Error("cannot read weights file '" + path + "': " + std::strerror(errno));
      if (n == 0) throw Error("weights file '" + path + "' became shorter while it was read; install it again");
      done += static_cast<uint64_t>(n);
    }
  }

  char* mapped_ = nullptr;
  uint64_t size_ = 0;
  at::Tensor read_;  // the bytes, where the file could not be mapped
};

}  // namespace

TensorMap load_safetensors(const std::string& path, Metadata* metadata) {
  const std::shared_ptr<const FileBytes> file = FileBytes::open(path);
  const uint64_t file_size = file->size();
  const std::string corrupt = "weights file '" + path + "' is not a valid safetensors file (";
  if (file_size < 8) throw Error(corrupt + "too short); delete it and install the model again");
  const unsigned char* len_bytes = reinterpret_cast<const unsigned char*>(file->data());
  uint64_t header_len = 0;
  for (int i = 7; i >= 0; --i) header_len = (header_len << 8) | len_bytes[i];
  if (header_len > file_size - 8 || header_len > (100u << 20))
    throw Error(corrupt + "header length out of range); delete it and install the model again");
  const std::string header(file->data() + 8, header_len);
  Json h;
  try {
    h = json::parse(header);
  } catch (const Error& e) {
    throw Error(corrupt + "header: " + e.what() + "); delete it and install the model again");
  }
  if (!h.is_object()) throw Error(corrupt + "header is not an object)");
  const uint64_t data_start = 8 + header_len;
  const uint64_t data_size = file_size - data_start;
  TensorMap out;
  for (const auto& [name, info] : json::object(h)) {
    if (name == "__metadata__") {
      if (metadata && info.is_object())
        for (const auto& [k, v] : json::object(info))
          if (v.is_string()) (*metadata)[k] = json::string(v);
      continue;
    }
    try {
      at::ScalarType type = dtype_from_name(json::string(json::at(info, "dtype"), "dtype"), path, name);
      std::vector<int64_t> shape;
      // Sizes come from an untrusted file: every product is checked so that none can wrap around.
      uint64_t bytes = at::elementSize(type);
      for (const auto& d : json::array(json::at(info, "shape"), "shape")) {
        const int64_t n = json::integer(d, "shape entry");
        if (n < 0) throw Error("negative dimension");
        if (__builtin_mul_overflow(bytes, static_cast<uint64_t>(n), &bytes) || bytes > data_size)
          throw Error("the shape needs more bytes than the file holds (truncated download?)");
        shape.push_back(n);
      }
      const auto& offs = json::array(json::at(info, "data_offsets"), "data_offsets");
      if (offs.size() != 2) throw Error("data_offsets must have two entries");
      const int64_t b_signed = json::integer(offs[0], "data offset"), e_signed = json::integer(offs[1], "data offset");
      if (b_signed < 0 || e_signed < 0) throw Error("negative data offset");
      const uint64_t b = static_cast<uint64_t>(b_signed), e = static_cast<uint64_t>(e_signed);
      if (e < b || e - b != bytes) throw Error("data_offsets do not match shape and dtype");
      if (e > data_size) throw Error("data runs past the end of the file (truncated download?)");
      out.emplace(name, file->tensor(data_start + b, shape, type));
    } catch (const Error& e) {
      throw Error(corrupt + "tensor '" + name + "': " + e.what() + "); delete it and install the model again");
    }
  }
  return out;
}

void require_finite_weights(const TensorMap& weights, const std::string& path) {
  for (const auto& [name, t] : weights) {
    if (!t.is_floating_point() || t.numel() == 0) continue;
    // The smallest and largest values are finite exactly when all are (NaN propagates through both): one pass,
    // no temporary the size of the tensor.
    const auto [lowest, highest] = at::aminmax(t);
    if (!std::isfinite(lowest.item<double>()) || !std::isfinite(highest.item<double>()))
      throw Error("weights file '" + path + "' is damaged: tensor '" + name +
                  "' holds NaN or infinite values. Delete the file and install (or import) the model again.");
  }
}

void save_safetensors(const std::string& path, const TensorMap& tensors, const Metadata& metadata) {
  Json header = Json::object();
  std::vector<at::Tensor> blobs;
  uint64_t offset = 0;
  if (!metadata.empty()) header["__metadata__"] = metadata;
  for (const auto& [name, tensor] : tensors) {
    at::Tensor t = tensor.detach().to(at::kCPU).contiguous();
    const uint64_t bytes = t.numel() * t.element_size();
    header[name] = {
        {"dtype", dtype_name(t.scalar_type())}, {"shape", t.sizes().vec()}, {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
    blobs.push_back(t);
  }
  std::string text = json::dump(header);
  while ((text.size() + 8) % 8) text += ' ';  // align tensor data to 8 bytes
  const std::string tmp = path + ".partial";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) throw Error("cannot write '" + tmp + "': " + std::strerror(errno));
    uint64_t n = text.size();
    unsigned char len_bytes[8];
    for (int i = 0; i < 8; ++i) len_bytes[i] = static_cast<unsigned char>(n >> (8 * i));
    f.write(reinterpret_cast<const char*>(len_bytes), 8);
    f.write(text.data(), static_cast<std::streamsize>(text.size()));
    for (const auto& t : blobs)
      f.write(static_cast<const char*>(t.data_ptr()), static_cast<std::streamsize>(t.numel() * t.element_size()));
    if (!f) throw Error("writing '" + tmp + "' failed (disk full?)");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0)
    throw Error("cannot move '" + tmp + "' to '" + path + "': " + std::strerror(errno));
}

}  // namespace atelier
