#include "core/image_io.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include <libexif/exif-data.h>

#include "core/error.h"
#include "core/gimp_pattern.h"
#include "core/memory.h"
#include "core/numbers.h"

#define STB_IMAGE_IMPLEMENTATION
#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STBI_FAILURE_USERMSG
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wunused-but-set-variable"
#include "stb_image.h"
#include "stb_image_write.h"
#pragma GCC diagnostic pop

namespace atelier {
namespace fs = std::filesystem;
namespace {

constexpr int kJpegQuality = 95;

std::string lower_extension(const std::string& path) {
  std::string ext = fs::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext;
}

// The largest image the reader decodes (stb's own limit for 4-channel images: 2^30 bytes of 8-bit RGBA).
constexpr double kMaxPixels = double(1 << 30) / 4;

bool is_png(const std::vector<unsigned char>& bytes) {
  return bytes.size() >= 8 && std::memcmp(bytes.data(), "\x89PNG\r\n\x1a\n", 8) == 0;
}

uint64_t big_endian_32(const unsigned char* p) {
  return (uint64_t{p[0]} << 24) | (uint64_t{p[1]} << 16) | (uint64_t{p[2]} << 8) | p[3];
}

// A PNG without its empty IDAT chunks (they carry no data; other bytes unchanged). stb_image reads an empty IDAT
// by a memcpy of 0 bytes into its not yet allocated buffer, a null pointer: undefined behaviour that the
// sanitizers report (found by fuzz_image) and that lets the compiler assume the buffer exists. Other data is left
// to stb_image, which checks it.
std::vector<unsigned char> without_empty_png_data_chunks(std::vector<unsigned char> bytes) {
  if (!is_png(bytes)) return bytes;
  std::vector<unsigned char> out(bytes.begin(), bytes.begin() + 8);
  size_t at = 8;
  while (at + 12 <= bytes.size()) {
    const unsigned char* c = bytes.data() + at;
    const uint64_t length = big_endian_32(c);
    const size_t end = static_cast<size_t>(std::min<uint64_t>(at + 12 + length, bytes.size()));
    if (length != 0 || std::memcmp(c + 4, "IDAT", 4) != 0)
      out.insert(out.end(), bytes.begin() + static_cast<std::ptrdiff_t>(at),
                 bytes.begin() + static_cast<std::ptrdiff_t>(end));
    at = end;
  }
  out.insert(out.end(), bytes.begin() + static_cast<std::ptrdiff_t>(at), bytes.end());
  return out;
}

// Width and height from a PNG's IHDR chunk, for headers the decoder refuses to read (too large).
bool png_dimensions(const std::vector<unsigned char>& bytes, uint64_t* w, uint64_t* h) {
  if (!is_png(bytes) || bytes.size() < 24 || std::memcmp(bytes.data() + 12, "IHDR", 4) != 0) return false;
  *w = big_endian_32(bytes.data() + 16), *h = big_endian_32(bytes.data() + 20);
  return true;
}

// Decoded 8- or 16-bit pixels plus our float copy: refuse before decoding what cannot fit (a decompression bomb
// declares a huge size in a few bytes).
void require_memory_for(const std::string& path, uint64_t w, uint64_t h, bool sixteen_bit) {
  const double pixels = static_cast<double>(w) * static_cast<double>(h);
  const double needed = pixels * (4.0 * (sixteen_bit ? 2 : 1) + 4.0 * sizeof(float));
  const std::string image = "loading image '" + path + "' (" + std::to_string(w) + "x" + std::to_string(h) + " pixels)";
  const std::string advice = "scale it down first (e.g. in GIMP: Image ▸ Scale Image).";
  require_memory(needed < 1.8e19 ? static_cast<uint64_t>(needed) : UINT64_MAX, image, advice);
  if (pixels > kMaxPixels)
    throw Error(image + " needs about " + format_fixed(needed / 1e9, 1) + " GB of memory; at most " +
                format_fixed(kMaxPixels / 1e6, 0) + " megapixels can be loaded: " + advice);
}

// 8-bit interleaved pixels with `comp` channels; alpha dropped by compositing over white when comp == 3.
std::vector<unsigned char> to_bytes(const Image& image, int comp) {
  std::vector<unsigned char> bytes(static_cast<size_t>(image.width) * image.height * comp);
  size_t k = 0;
  for (size_t i = 0; i < image.rgba.size(); i += 4) {
    const float a = std::clamp(image.rgba[i + 3], 0.f, 1.f);
    for (int c = 0; c < comp; ++c) {
      float v = std::clamp(image.rgba[i + c], 0.f, 1.f);
      if (comp == 3) v = v * a + (1.f - a);
      bytes[k++] = static_cast<unsigned char>(std::lround(v * 255.f));
    }
  }
  return bytes;
}

// The EXIF orientation tag of a JPEG (1 when there is none or the file is not a JPEG with EXIF).
int exif_orientation(const std::string& path) {
  ExifData* data = exif_data_new_from_file(path.c_str());
  if (!data) return 1;
  int orientation = 1;
  if (ExifEntry* entry = exif_content_get_entry(data->ifd[EXIF_IFD_0], EXIF_TAG_ORIENTATION);
      entry && entry->format == EXIF_FORMAT_SHORT && entry->components == 1 && entry->size >= 2)
    orientation = exif_get_short(entry->data, exif_data_get_byte_order(data));
  exif_data_unref(data);
  return orientation;
}

void append_bytes(void* context, void* data, int size) {
  auto* out = static_cast<std::vector<unsigned char>*>(context);
  const auto* p = static_cast<const unsigned char*>(data);
  out->insert(out->end(), p, p + size);
}

std::vector<unsigned char> encode(const Image& image, ImageFormat format) {
  bool opaque = true;
  for (size_t i = 3; i < image.rgba.size(); i += 4) opaque = opaque && image.rgba[i] >= 1.f;
  const int comp = (format == ImageFormat::Png || format == ImageFormat::Tga) && !opaque ? 4 : 3;
  const std::vector<unsigned char> pixels = to_bytes(image, comp);
  std::vector<unsigned char> out;
  int ok = 0;
  switch (format) {
    case ImageFormat::Png:
      ok = stbi_write_png_to_func(append_bytes, &out, image.width, image.height, comp, pixels.data(),
                                  image.width * comp);
      break;
    case ImageFormat::Jpeg:
      ok = stbi_write_jpg_to_func(append_bytes, &out, image.width, image.height, comp, pixels.data(), kJpegQuality);
      break;
    case ImageFormat::Bmp:
      ok = stbi_write_bmp_to_func(append_bytes, &out, image.width, image.height, comp, pixels.data());
      break;
    case ImageFormat::Tga:
      ok = stbi_write_tga_to_func(append_bytes, &out, image.width, image.height, comp, pixels.data());
      break;
  }
  if (!ok || out.empty()) throw Error("could not encode the image");
  return out;
}

void write_atomically(const std::string& path, const std::vector<unsigned char>& bytes) {
  const fs::path target(path);
  const fs::path tmp =
      target.parent_path() / ("." + target.filename().string() + ".partial-" + std::to_string(::getpid()));
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) throw Error("cannot write '" + path + "': " + std::strerror(errno));
    f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    f.flush();
    if (!f) {
      const int err = errno;
      f.close();
      std::remove(tmp.c_str());
      throw Error("writing '" + path + "' failed (" + std::strerror(err) + "; disk full?); nothing was written");
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    std::remove(tmp.c_str());
    throw Error("cannot write '" + path + "': " + std::strerror(err));
  }
}

}  // namespace

Image load_image(const std::string& path) {
  {
    std::ifstream probe(path, std::ios::binary);
    if (!probe) throw Error("cannot open image '" + path + "': " + std::strerror(errno));
  }
  if (fs::is_directory(path)) throw Error("'" + path + "' is a folder, not an image file");
  std::error_code size_error;
  if (fs::file_size(path, size_error) > static_cast<uintmax_t>(INT32_MAX) && !size_error)
    throw Error("cannot read image '" + path + "': files over 2 GB are not supported; save it smaller or tiled");
  std::vector<unsigned char> file;
  {
    std::ifstream in(path, std::ios::binary);
    file.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (in.bad()) throw Error("cannot read image '" + path + "': " + std::strerror(errno));
  }
  if (is_gimp_pattern(file)) {
    const GimpPatternHeader header = read_gimp_pattern_header(file, path);
    require_memory_for(path, header.width, header.height, false);
    return decode_gimp_pattern(file, header);
  }
  const std::vector<unsigned char> bytes = without_empty_png_data_chunks(std::move(file));
  const int size = static_cast<int>(std::min<size_t>(bytes.size(), INT32_MAX));
  int w = 0, h = 0, n = 0;
  const bool sixteen = stbi_is_16_bit_from_memory(bytes.data(), size);
  uint64_t png_w = 0, png_h = 0;
  if (stbi_info_from_memory(bytes.data(), size, &w, &h, &n))
    require_memory_for(path, static_cast<uint64_t>(w), static_cast<uint64_t>(h), sixteen);
  else if (png_dimensions(bytes, &png_w, &png_h))
    require_memory_for(path, png_w, png_h, sixteen);
  Image img;
  if (sixteen) {
    stbi_us* data = stbi_load_16_from_memory(bytes.data(), size, &w, &h, &n, 4);
    if (!data) throw Error("cannot read image '" + path + "': " + stbi_failure_reason());
    img = Image(w, h);
    for (size_t i = 0; i < img.rgba.size(); ++i) img.rgba[i] = data[i] / 65535.f;
    stbi_image_free(data);
  } else {
    stbi_uc* data = stbi_load_from_memory(bytes.data(), size, &w, &h, &n, 4);
    if (!data)
      throw Error("cannot read image '" + path + "': " + stbi_failure_reason() +
                  " (supported: PNG, JPEG, BMP, TGA, GIF, PSD, HDR, PNM, GIMP patterns)");
    img = Image(w, h);
    for (size_t i = 0; i < img.rgba.size(); ++i) img.rgba[i] = data[i] / 255.f;
    stbi_image_free(data);
  }
  return apply_exif_orientation(img, exif_orientation(path));
}

Image apply_exif_orientation(const Image& image, int orientation) {
  if (orientation < 2 || orientation > 8) return image;
  // 5..8 swap width and height; (sx, sy) = where output pixel (x, y) comes from.
  const bool swap = orientation >= 5;
  Image out(swap ? image.height : image.width, swap ? image.width : image.height);
  const int w = image.width, h = image.height;
  for (int y = 0; y < out.height; ++y)
    for (int x = 0; x < out.width; ++x) {
      int sx = x, sy = y;
      switch (orientation) {
        case 2: sx = w - 1 - x; break;                  // mirrored horizontally
        case 3: sx = w - 1 - x, sy = h - 1 - y; break;  // rotated 180
        case 4: sy = h - 1 - y; break;                  // mirrored vertically
        case 5: sx = y, sy = x; break;                  // transposed
        case 6: sx = y, sy = h - 1 - x; break;          // rotated 90 clockwise to view
        case 7: sx = w - 1 - y, sy = h - 1 - x; break;  // transversed
        case 8: sx = w - 1 - y, sy = x; break;          // rotated 90 counter-clockwise to view
      }
      const float* s = image.pixel(sx, sy);
      std::copy(s, s + 4, out.pixel(x, y));
    }
  return out;
}

ImageFormat output_format(const std::string& path) {
  const std::string ext = lower_extension(path);
  if (ext == ".png") return ImageFormat::Png;
  if (ext == ".jpg" || ext == ".jpeg") return ImageFormat::Jpeg;
  if (ext == ".bmp") return ImageFormat::Bmp;
  if (ext == ".tga") return ImageFormat::Tga;
  throw Error("cannot tell which format to write from the name '" + path + "'" +
              (ext.empty() ? std::string(" (it has no extension)") : " (unknown extension '" + ext + "')") +
              ": end it with .png, .jpg, .jpeg, .bmp or .tga");
}

void check_parent_folder_writable(const std::string& path) {
  const fs::path target(path);
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw Error("cannot write '" + path + "': the folder '" + dir.string() + "' does not exist");
  if (::access(dir.c_str(), W_OK) != 0)
    throw Error("cannot write '" + path + "': the folder '" + dir.string() + "' is not writable (" +
                std::strerror(errno) + ")");
}

void check_output_path(const std::string& path, const std::vector<std::string>& inputs) {
  if (path.empty()) throw Error("no output file given");
  output_format(path);
  std::error_code ec;
  const fs::path target(path);
  if (fs::is_directory(target, ec))
    throw Error("the output '" + path + "' is a folder; give a file name such as out.png");
  for (const std::string& in : inputs) {
    if (in.empty()) continue;
    const bool same = fs::exists(target, ec) && fs::exists(in, ec)
                          ? fs::equivalent(target, in, ec)
                          : fs::weakly_canonical(target, ec) == fs::weakly_canonical(in, ec);
    if (same)
      throw Error("the output '" + path + "' is also an input ('" + in +
                  "'); writing it would destroy the original. Choose another output file name.");
  }
  check_parent_folder_writable(path);
  if (fs::exists(target, ec) && ::access(target.c_str(), W_OK) != 0)
    throw Error("cannot write '" + path + "': the file exists and is not writable (" + std::strerror(errno) + ")");
}

void save_image(const std::string& path, const Image& image) {
  if (image.empty()) throw Error("cannot save an empty image to '" + path + "'");
  const ImageFormat format = output_format(path);
  write_atomically(path, encode(image, format));
}

void save_png(const std::string& path, const Image& image) {
  if (image.empty()) throw Error("cannot save an empty image to '" + path + "'");
  write_atomically(path, encode(image, ImageFormat::Png));
}

}  // namespace atelier
