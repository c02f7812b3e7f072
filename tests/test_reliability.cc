// Bad input found by trying the product as a careful user would (issue: reliability): each case here failed
// before its fix (a wrapped integer, a photo overwritten, NaN weights giving a black image, raw backtraces).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <new>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/image_io.h"
#include "core/safetensors.h"
#include "filters/filter.h"
#include "filters/params.h"
#include "tests/test_util.h"

namespace atelier {
namespace {

using test::error_of;

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(f)), {});
}

Image flat_image(int w, int h, float v) {
  Image img(w, h);
  for (size_t i = 0; i < img.rgba.size(); ++i) img.rgba[i] = (i % 4 == 3) ? 1.f : v;
  return img;
}

TEST(Reliability, SafetensorsShapeProductsCannotWrapAround) {
  // 2^31 x 2^31 float32 elements wrap a 64-bit byte count to 0 and used to match data_offsets [0, 0].
  const std::string wrap = test::write_safetensors(
      "wrap.safetensors", R"({"w":{"dtype":"F32","shape":[2147483648,2147483648,4],"data_offsets":[0,0]}})", 8);
  EXPECT_NE(error_of([&] { load_safetensors(wrap); }).find("more bytes than the file holds"), std::string::npos);
  const std::string huge =
      test::write_safetensors("huge.safetensors", R"({"w":{"dtype":"F32","shape":[1e300],"data_offsets":[0,0]}})", 8);
  EXPECT_NE(error_of([&] { load_safetensors(huge); }).find("63 bits"), std::string::npos);
  const std::string negative =
      test::write_safetensors("negoff.safetensors", R"({"w":{"dtype":"U8","shape":[2],"data_offsets":[-2,0]}})", 8);
  EXPECT_NE(error_of([&] { load_safetensors(negative); }).find("negative data offset"), std::string::npos);
}

TEST(Reliability, NonFiniteWeightsAreRefusedWhenLoaded) {
  at::Tensor w = torch::randn({4, 4});
  EXPECT_NO_THROW(require_finite_weights({{"w", w}}, "ok.safetensors"));
  w[1][2] = std::numeric_limits<float>::quiet_NaN();
  const std::string msg = error_of([&] { require_finite_weights({{"layer/w", w}, {"i", torch::arange(3)}}, "m.st"); });
  EXPECT_NE(msg.find("'layer/w'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("install"), std::string::npos) << msg;
  // Infinities of either sign, in any floating type, are refused too; empty tensors have nothing to refuse.
  for (const double bad : {std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()})
    for (const at::ScalarType type : {at::kFloat, at::kHalf, at::kDouble}) {
      at::Tensor t = torch::randn({3, 5}).to(type);
      t[2][4] = bad;
      EXPECT_THROW(require_finite_weights({{"t", t}}, "m.st"), Error) << bad << " " << at::toString(type);
    }
  EXPECT_NO_THROW(require_finite_weights({{"empty", torch::empty({0, 3})}}, "m.st"));
}

TEST(Reliability, ANonFiniteResultIsAnErrorNotAnImage) {
  Filter f;
  f.name = "probe";
  f.title = "Probe";
  const Image input = flat_image(8, 6, 0.5f);
  Image result = input;
  EXPECT_NO_THROW(check_result(f, {8, 6}, result));
  result.rgba[13] = std::nanf("");
  EXPECT_NE(error_of([&] { check_result(f, {8, 6}, result); }).find("NaN"), std::string::npos);
  EXPECT_NE(error_of([&] { check_result(f, {8, 6}, flat_image(8, 5, 0.5f)); }).find("8x5"), std::string::npos);
}

TEST(Reliability, OutputNeverReplacesAnInput) {
  const std::string photo = test::temp_path("photo.png");
  save_png(photo, flat_image(4, 4, 0.25f));
  const std::string before = read_file(photo);
  EXPECT_NE(error_of([&] { check_output_path(photo, {photo}); }).find("destroy"), std::string::npos);
  // The same file under another spelling.
  const std::string other = test::temp_dir() + "/./sub/../photo.png";
  std::filesystem::create_directories(test::temp_dir() + "/sub");
  EXPECT_NE(error_of([&] { check_output_path(other, {photo}); }).find("also an input"), std::string::npos);
  EXPECT_EQ(read_file(photo), before);
  EXPECT_NO_THROW(check_output_path(test::temp_path("result.png"), {photo}));
}

TEST(Reliability, OutputFormatFollowsTheExtension) {
  const Image img = flat_image(5, 3, 0.75f);
  const std::string jpg = test::temp_path("out.JPG"), png = test::temp_path("out.png"),
                    bmp = test::temp_path("out.bmp");
  save_image(jpg, img);
  save_image(png, img);
  save_image(bmp, img);
  EXPECT_EQ(read_file(jpg).substr(0, 3), "\xFF\xD8\xFF");
  EXPECT_EQ(read_file(png).substr(1, 3), "PNG");
  EXPECT_EQ(read_file(bmp).substr(0, 2), "BM");
  const Image back = load_image(jpg);
  EXPECT_EQ(back.width, 5);
  EXPECT_NEAR(back.rgba[0], 0.75f, 3.0 / 255);
  EXPECT_NE(error_of([&] { output_format("out.xyz"); }).find(".png, .jpg"), std::string::npos);
  EXPECT_NE(error_of([&] { output_format("out"); }).find("no extension"), std::string::npos);
  // Checked before any work: a missing folder, a folder as output, an unknown extension.
  EXPECT_NE(error_of([&] { check_output_path("/nonexistent-dir/x.png"); }).find("does not exist"), std::string::npos);
  std::filesystem::create_directories(test::temp_path("looks-like.png"));
  EXPECT_NE(error_of([&] { check_output_path(test::temp_path("looks-like.png")); }).find("is a folder"),
            std::string::npos);
  EXPECT_THROW(check_output_path(test::temp_path("x.xyz")), Error);
  // No temporary file is left behind.
  for (const auto& entry : std::filesystem::directory_iterator(test::temp_dir()))
    EXPECT_EQ(entry.path().filename().string().find(".partial"), std::string::npos) << entry.path();
}

TEST(Reliability, AFailedWriteLeavesTheOldFileWhole) {
  const std::string dir = test::temp_path("blocked");
  std::filesystem::create_directories(dir);
  const std::string target = dir + "/keep.png";
  save_image(target, flat_image(4, 4, 0.1f));
  const std::string before = read_file(target);
  // A folder where the temporary file would go makes the write fail (also for root, whom permissions don't stop).
  const std::string blocker = dir + "/.keep.png.partial-" + std::to_string(::getpid());
  std::filesystem::create_directories(blocker);
  EXPECT_THROW(save_image(target, flat_image(4, 4, 0.9f)), Error);
  std::filesystem::remove(blocker);
  EXPECT_EQ(read_file(target), before);
}

TEST(Reliability, MessagesCarryNoBacktracesOrBareTypeNames) {
  try {
    at::zeros({2, 3}).view({5});
    FAIL();
  } catch (const std::exception& e) {
    const std::string m = user_message(e);
    EXPECT_EQ(m.find("frame #"), std::string::npos) << m;
    EXPECT_EQ(m.find("Exception raised from"), std::string::npos) << m;
  }
  EXPECT_EQ(user_message(std::bad_alloc()).find("bad_alloc"), std::string::npos);
  EXPECT_EQ(user_message(std::invalid_argument("stoll")).find("stoll"), std::string::npos);
  EXPECT_EQ(user_message(Error("plain words")), "plain words");
}

TEST(Reliability, IntegerParametersReportWhatTheUserTyped) {
  std::vector<ParamSpec> specs = {number_param("size", "S", "", ParamType::Int, 64, 4096, 384, ""),
                                  number_param("seed", "Seed", "", ParamType::Int, 0, 2147483647, 0, "")};
  ParamValues v(specs);
  EXPECT_NE(error_of([&] { v.set_from_string("size", "12.5"); }).find("got 12.5"), std::string::npos);
  const std::string big = error_of([&] { v.set_from_string("seed", "99999999999"); });
  EXPECT_NE(big.find("got 99999999999"), std::string::npos) << big;
  EXPECT_EQ(big.find("-"), std::string::npos) << big;
}

// Pixel (x, y) of a 3x2 test image holds the value 10*y + x in its red channel.
Image numbered_3x2() {
  Image img(3, 2);
  for (int y = 0; y < 2; ++y)
    for (int x = 0; x < 3; ++x) img.pixel(x, y)[0] = static_cast<float>(10 * y + x) / 100.f;
  return img;
}

std::vector<int> red_values(const Image& img) {
  std::vector<int> out;
  for (int y = 0; y < img.height; ++y)
    for (int x = 0; x < img.width; ++x) out.push_back(static_cast<int>(std::lround(img.pixel(x, y)[0] * 100)));
  return out;
}

TEST(Reliability, ExifOrientationsShowThePhotoUpright) {
  const Image img = numbered_3x2();  // 0 1 2 / 10 11 12
  EXPECT_EQ(red_values(apply_exif_orientation(img, 1)), (std::vector<int>{0, 1, 2, 10, 11, 12}));
  EXPECT_EQ(red_values(apply_exif_orientation(img, 2)), (std::vector<int>{2, 1, 0, 12, 11, 10}));
  EXPECT_EQ(red_values(apply_exif_orientation(img, 3)), (std::vector<int>{12, 11, 10, 2, 1, 0}));
  EXPECT_EQ(red_values(apply_exif_orientation(img, 4)), (std::vector<int>{10, 11, 12, 0, 1, 2}));
  // 5..8 are 2 wide, 3 high.
  EXPECT_EQ(red_values(apply_exif_orientation(img, 5)), (std::vector<int>{0, 10, 1, 11, 2, 12}));
  EXPECT_EQ(red_values(apply_exif_orientation(img, 6)), (std::vector<int>{10, 0, 11, 1, 12, 2}));
  EXPECT_EQ(red_values(apply_exif_orientation(img, 7)), (std::vector<int>{12, 2, 11, 1, 10, 0}));
  EXPECT_EQ(red_values(apply_exif_orientation(img, 8)), (std::vector<int>{2, 12, 1, 11, 0, 10}));
  EXPECT_EQ(apply_exif_orientation(img, 6).width, 2);
  EXPECT_EQ(apply_exif_orientation(img, 9).width, 3);  // invalid: unchanged
}

TEST(Reliability, PortraitPhoneJpegsLoadUpright) {
  // A 40x20 JPEG with an EXIF APP1 segment saying "rotate 90 degrees clockwise to view" (orientation 6).
  Image landscape(40, 20);
  for (int y = 0; y < 20; ++y)
    for (int x = 0; x < 40; ++x) {
      float* p = landscape.pixel(x, y);
      p[0] = x < 20 ? 1.f : 0.f;  // red left half, blue right half
      p[2] = x < 20 ? 0.f : 1.f;
      p[3] = 1.f;
    }
  const std::string plain = test::temp_path("plain.jpg");
  save_image(plain, landscape);
  std::string jpeg = read_file(plain);
  const std::string tiff = std::string("II*\0\x08\0\0\0", 8) + std::string("\x01\0", 2) +
                           std::string("\x12\x01\x03\0\x01\0\0\0\x06\0\0\0", 12) + std::string(4, '\0');
  const std::string payload = std::string("Exif\0\0", 6) + tiff;
  const size_t len = payload.size() + 2;
  const std::string app1 =
      std::string("\xFF\xE1", 2) + static_cast<char>(len >> 8) + static_cast<char>(len & 0xff) + payload;
  jpeg.insert(2, app1);  // right after SOI
  const std::string rotated = test::temp_path("phone.jpg");
  std::ofstream(rotated, std::ios::binary | std::ios::trunc) << jpeg;
  const Image shown = load_image(rotated);
  ASSERT_EQ(shown.width, 20);
  ASSERT_EQ(shown.height, 40);
  // Rotated clockwise: the left (red) half is now on top.
  EXPECT_GT(shown.pixel(10, 5)[0], 0.8f);
  EXPECT_GT(shown.pixel(10, 35)[2], 0.8f);
}

TEST(Reliability, HugeImagesAreRefusedBeforeDecoding) {
  // A 1x1 PNG whose header claims 200000 x 200000 pixels (a decompression bomb as far as the header goes).
  const std::string path = test::temp_path("bomb.png");
  save_png(path, flat_image(1, 1, 0.5f));
  std::string bytes = read_file(path);
  const uint32_t side = 200000;
  for (int off : {16, 20})
    for (int i = 0; i < 4; ++i) bytes[off + i] = static_cast<char>((side >> (8 * (3 - i))) & 0xff);
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  const std::string msg = error_of([&] { load_image(path); });
  EXPECT_NE(msg.find("200000x200000"), std::string::npos) << msg;
  EXPECT_NE(msg.find("GB"), std::string::npos) << msg;
}

}  // namespace
}  // namespace atelier
