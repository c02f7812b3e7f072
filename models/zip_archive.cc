#include "models/zip_archive.h"

#include <zip.h>

#include <cctype>
#include <filesystem>
#include <system_error>

#include "core/error.h"

namespace atelier {
namespace {

// Deflate's largest expansion: a 258-byte match costs at least 2 bits, so 1 compressed byte yields at most
// 1032 bytes (zlib's technical details); the constant covers the stream's few bytes of overhead.
constexpr uint64_t kMaxDeflateRatio = 1032;
constexpr uint64_t kDeflateSlack = 64;

Error damaged(const std::string& why) {
  return Error("damaged ZIP archive (" + why + "); download or save the file again");
}

std::string libzip_message(zip_error_t* error) {
  std::string why = zip_error_strerror(error);
  if (!why.empty()) why[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(why[0])));
  return why;
}

std::string open_error(int code) {
  zip_error_t error;
  zip_error_init_with_code(&error, code);
  std::string why = libzip_message(&error);
  zip_error_fini(&error);
  return why;
}

}  // namespace

ZipArchive::ZipArchive(const std::string& path) : zip_(nullptr, zip_discard) {
  std::error_code ec;
  file_size_ = std::filesystem::file_size(path, ec);
  if (ec) throw Error("cannot read: " + ec.message());
  int code = 0;
  // ZIP_CHECKCONS: the local headers must agree with the central directory (a truncated or spliced file fails).
  zip_.reset(zip_open(path.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &code));
  if (!zip_) throw damaged(open_error(code));
}

ZipArchive::~ZipArchive() = default;

std::vector<std::string> ZipArchive::names() const {
  const zip_int64_t n = zip_get_num_entries(zip_.get(), 0);
  std::vector<std::string> out;
  for (zip_int64_t i = 0; i < n; ++i) {
    const char* name = zip_get_name(zip_.get(), static_cast<zip_uint64_t>(i), ZIP_FL_ENC_RAW);
    if (!name) throw damaged(libzip_message(zip_get_error(zip_.get())));
    out.emplace_back(name);
  }
  return out;
}

int64_t ZipArchive::index(const std::string& name) const {
  return zip_name_locate(zip_.get(), name.c_str(), ZIP_FL_ENC_RAW);
}

bool ZipArchive::has(const std::string& name) const {
  return index(name) >= 0;
}

uint64_t ZipArchive::size(const std::string& name) const {
  const int64_t i = index(name);
  if (i < 0) throw damaged("no entry '" + name + "'");
  zip_stat_t st;
  if (zip_stat_index(zip_.get(), static_cast<zip_uint64_t>(i), ZIP_FL_ENC_RAW, &st) != 0)
    throw damaged(libzip_message(zip_get_error(zip_.get())));
  const zip_uint64_t need = ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE | ZIP_STAT_COMP_METHOD;
  if ((st.valid & need) != need) throw damaged("entry '" + name + "' has no recorded size");
  if (st.comp_size > file_size_) throw damaged("entry '" + name + "' is larger than the file");
  if (st.comp_method == ZIP_CM_STORE) {
    if (st.size != st.comp_size) throw damaged("entry '" + name + "' records two different sizes");
  } else if (st.comp_method == ZIP_CM_DEFLATE) {
    if (st.size > st.comp_size * kMaxDeflateRatio + kDeflateSlack)
      throw damaged("entry '" + name + "' claims more bytes than its compressed data can hold");
  } else {
    throw Error("entry '" + name + "' uses a compression method other than stored or deflated (method " +
                std::to_string(st.comp_method) + "); re-save the file with torch.save");
  }
  return st.size;
}

void ZipArchive::read(const std::string& name, void* dst, uint64_t n) const {
  if (n != size(name)) throw damaged("entry '" + name + "' changed its size");
  const auto close = [](zip_file_t* f) { zip_fclose(f); };
  std::unique_ptr<zip_file_t, decltype(close)> file(
      zip_fopen_index(zip_.get(), static_cast<zip_uint64_t>(index(name)), 0), close);
  if (!file) throw damaged("entry '" + name + "': " + libzip_message(zip_get_error(zip_.get())));
  auto* out = static_cast<char*>(dst);
  uint64_t done = 0;
  while (done < n) {
    const zip_int64_t got = zip_fread(file.get(), out + done, n - done);
    if (got < 0) throw damaged("entry '" + name + "': " + libzip_message(zip_file_get_error(file.get())));
    if (got == 0)
      throw damaged("entry '" + name + "' ends after " + std::to_string(done) + " of its " + std::to_string(n) +
                    " bytes");
    done += static_cast<uint64_t>(got);
  }
  // libzip compares the checksum when a read reaches the entry's end.
  char extra;
  const zip_int64_t tail = zip_fread(file.get(), &extra, 1);
  if (tail < 0) throw damaged("entry '" + name + "': " + libzip_message(zip_file_get_error(file.get())));
  if (tail > 0) throw damaged("entry '" + name + "' holds more bytes than recorded");
}

std::string ZipArchive::read(const std::string& name) const {
  std::string bytes(size(name), '\0');
  read(name, bytes.data(), bytes.size());
  return bytes;
}

}  // namespace atelier
