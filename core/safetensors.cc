#include "core/safetensors.h"

#include <ATen/ATen.h>

#include <cstdio>
#include <cstring>
#include <fstream>
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

}  // namespace

TensorMap load_safetensors(const std::string& path, Metadata* metadata) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw Error("cannot open weights file '" + path + "': " + std::strerror(errno));
  f.seekg(0, std::ios::end);
  const uint64_t file_size = static_cast<uint64_t>(f.tellg());
  f.seekg(0);
  const std::string corrupt = "weights file '" + path + "' is not a valid safetensors file (";
  if (file_size < 8) throw Error(corrupt + "too short); delete it and install the model again");
  unsigned char len_bytes[8];
  f.read(reinterpret_cast<char*>(len_bytes), 8);
  uint64_t header_len = 0;
  for (int i = 7; i >= 0; --i) header_len = (header_len << 8) | len_bytes[i];
  if (header_len > file_size - 8 || header_len > (100u << 20))
    throw Error(corrupt + "header length out of range); delete it and install the model again");
  std::string header(header_len, '\0');
  f.read(header.data(), static_cast<std::streamsize>(header_len));
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
      at::Tensor t = at::empty(shape, at::TensorOptions().dtype(type));
      f.seekg(static_cast<std::streamoff>(data_start + b));
      f.read(static_cast<char*>(t.data_ptr()), static_cast<std::streamsize>(bytes));
      if (!f) throw Error("read failed (truncated file?)");
      out.emplace(name, std::move(t));
    } catch (const Error& e) {
      throw Error(corrupt + "tensor '" + name + "': " + e.what() + "); delete it and install the model again");
    }
  }
  return out;
}

void require_finite_weights(const TensorMap& weights, const std::string& path) {
  for (const auto& [name, t] : weights) {
    if (!t.is_floating_point()) continue;
    if (!at::isfinite(t).all().item<bool>())
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
