#include "models/zip_reader.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/error.h"

namespace atelier {
namespace {

constexpr uint32_t kLocalHeaderSig = 0x04034b50;
constexpr uint32_t kCentralHeaderSig = 0x02014b50;
constexpr uint32_t kEndSig = 0x06054b50;
constexpr uint32_t kZip64EndSig = 0x06064b50;
constexpr uint32_t kZip64LocatorSig = 0x07064b50;
constexpr uint64_t kEndSize = 22;
constexpr uint64_t kMaxComment = 0xffff;
constexpr uint64_t kMaxCentralDirectory = 64u << 20;

uint64_t le(const unsigned char* p, int n) {
  uint64_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

}  // namespace

ZipReader::ZipReader(const std::string& path) : path_(path), file_(path, std::ios::binary) {
  if (!file_) throw Error("cannot open '" + path + "': " + std::strerror(errno));
  file_.seekg(0, std::ios::end);
  file_size_ = static_cast<uint64_t>(file_.tellg());
  const std::string bad = "damaged ZIP archive (";
  if (file_size_ < kEndSize) throw Error(bad + "too short; truncated download?)");

  // The end-of-central-directory record sits in the last 22..22+65535 bytes.
  const uint64_t tail_len = std::min(file_size_, kEndSize + kMaxComment);
  std::vector<unsigned char> tail(tail_len);
  read_at(file_size_ - tail_len, tail.data(), tail_len, "end of archive");
  int64_t end_pos = -1;
  for (int64_t i = static_cast<int64_t>(tail_len - kEndSize); i >= 0; --i)
    if (le(&tail[i], 4) == kEndSig) {
      end_pos = i;
      break;
    }
  if (end_pos < 0) throw Error(bad + "no end-of-central-directory record; the file is truncated)");
  const unsigned char* e = &tail[end_pos];
  uint64_t count = le(e + 10, 2), cd_size = le(e + 12, 4), cd_offset = le(e + 16, 4);
  const uint64_t end_abs = file_size_ - tail_len + static_cast<uint64_t>(end_pos);

  if (count == 0xffff || cd_size == 0xffffffff || cd_offset == 0xffffffff) {
    if (end_abs < 20) throw Error(bad + "ZIP64 locator missing)");
    unsigned char loc[20];
    read_at(end_abs - 20, loc, 20, "ZIP64 locator");
    if (le(loc, 4) != kZip64LocatorSig) throw Error(bad + "ZIP64 locator missing)");
    const uint64_t z64 = le(loc + 8, 8);
    unsigned char rec[56];
    if (z64 > file_size_ || file_size_ - z64 < 56) throw Error(bad + "ZIP64 end record out of range)");
    read_at(z64, rec, 56, "ZIP64 end record");
    if (le(rec, 4) != kZip64EndSig) throw Error(bad + "bad ZIP64 end record)");
    count = le(rec + 32, 8);
    cd_size = le(rec + 40, 8);
    cd_offset = le(rec + 48, 8);
  }
  if (cd_offset > file_size_ || cd_size > file_size_ - cd_offset)
    throw Error(bad + "central directory out of range; the file is truncated)");
  if (cd_size > kMaxCentralDirectory) throw Error(bad + "implausibly large central directory)");

  std::vector<unsigned char> cd(cd_size);
  read_at(cd_offset, cd.data(), cd_size, "central directory");
  uint64_t p = 0;
  for (uint64_t i = 0; i < count; ++i) {
    if (cd_size - p < 46 || le(&cd[p], 4) != kCentralHeaderSig)
      throw Error(bad + "central directory entry " + std::to_string(i) + " is malformed)");
    const unsigned char* h = &cd[p];
    Entry entry;
    entry.method = static_cast<uint16_t>(le(h + 10, 2));
    uint64_t csize = le(h + 20, 4), usize = le(h + 24, 4);
    entry.local_header_offset = le(h + 42, 4);
    const uint64_t name_len = le(h + 28, 2), extra_len = le(h + 30, 2), comment_len = le(h + 32, 2);
    if (cd_size - p - 46 < name_len + extra_len + comment_len)
      throw Error(bad + "central directory entry " + std::to_string(i) + " is malformed)");
    entry.name.assign(reinterpret_cast<const char*>(h + 46), name_len);
    // ZIP64 extended information: the 0xffffffff fields, in this order.
    const unsigned char* x = h + 46 + name_len;
    for (uint64_t q = 0; q + 4 <= extra_len;) {
      const uint64_t id = le(x + q, 2), len = le(x + q + 2, 2);
      if (q + 4 + len > extra_len) break;
      if (id == 0x0001) {
        const unsigned char* f = x + q + 4;
        uint64_t left = len;
        auto take = [&](uint64_t& field) {
          if (field != 0xffffffff) return;
          if (left < 8) throw Error(bad + "bad ZIP64 field in entry '" + entry.name + "')");
          field = le(f, 8);
          f += 8;
          left -= 8;
        };
        take(usize);
        take(csize);
        take(entry.local_header_offset);
      }
      q += 4 + len;
    }
    if (entry.method == 0 && csize != usize)
      throw Error(bad + "entry '" + entry.name + "' has inconsistent sizes)");
    entry.size = csize;
    entries_.push_back(std::move(entry));
    p += 46 + name_len + extra_len + comment_len;
  }
}

const ZipReader::Entry* ZipReader::find(const std::string& name) const {
  for (const auto& e : entries_)
    if (e.name == name) return &e;
  return nullptr;
}

uint64_t ZipReader::data_offset(const Entry& entry) const {
  if (entry.method != 0)
    throw Error("ZIP entry '" + entry.name + "' is compressed (method " +
                std::to_string(entry.method) + "); PyTorch writes uncompressed entries, so the file was repacked; " +
                "re-save it with torch.save");
  unsigned char h[30];
  if (entry.local_header_offset > file_size_ || file_size_ - entry.local_header_offset < 30)
    throw Error("ZIP entry '" + entry.name + "' lies past the end of the file (truncated download?)");
  read_at(entry.local_header_offset, h, 30, "local header");
  if (le(h, 4) != kLocalHeaderSig)
    throw Error("damaged ZIP archive (entry '" + entry.name + "' has a bad local header)");
  const uint64_t start = entry.local_header_offset + 30 + le(h + 26, 2) + le(h + 28, 2);
  if (start > file_size_ || entry.size > file_size_ - start)
    throw Error("ZIP entry '" + entry.name + "' runs past the end of the file (truncated download?)");
  return start;
}

void ZipReader::read(const Entry& entry, void* dst) const {
  read_at(data_offset(entry), dst, entry.size, entry.name.c_str());
}

std::string ZipReader::read(const Entry& entry) const {
  const uint64_t start = data_offset(entry);
  std::string out(entry.size, '\0');
  read_at(start, out.data(), entry.size, entry.name.c_str());
  return out;
}

void ZipReader::read_at(uint64_t offset, void* dst, uint64_t n, const char* what) const {
  file_.clear();
  file_.seekg(static_cast<std::streamoff>(offset));
  file_.read(static_cast<char*>(dst), static_cast<std::streamsize>(n));
  if (!file_ || static_cast<uint64_t>(file_.gcount()) != n)
    throw Error(std::string("reading ") + what + " failed (truncated file?)");
}

}  // namespace atelier
