#include <ATen/Version.h>
#include <c10/core/CPUAllocator.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <utility>

#include "core/cpu_kernels.h"
#include "core/cuda_library.h"
#include "core/device.h"
#include "core/error.h"
#include "core/image_io.h"
#include "core/image_tensor.h"
#include "core/memory.h"
#include "core/tensor_block_cache.h"
#include "tests/test_util.h"

using namespace atelier;

namespace {
Image gradient_image(int w, int h) {
  Image img(w, h);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      float* p = img.pixel(x, y);
      p[0] = static_cast<float>(x) / (w - 1);
      p[1] = static_cast<float>(y) / (h - 1);
      p[2] = 0.25f;
      p[3] = x < w / 2 ? 1.0f : 0.5f;
    }
  return img;
}

// A GIMP pattern file as GIMP writes it: the big-endian header (size, version, width, height, bytes per pixel),
// "GPAT", the name and the pixels.
std::string gimp_pattern(uint32_t width, uint32_t height, uint32_t channels, const std::string& pixels,
                         uint32_t version = 1) {
  const std::string name = "Test";
  std::string out;
  auto number = [&](uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xff));
  };
  number(static_cast<uint32_t>(24 + name.size() + 1));
  number(version);
  number(width);
  number(height);
  number(channels);
  out += "GPAT" + name + std::string(1, '\0') + pixels;
  return out;
}

std::string written(const std::string& name, const std::string& bytes) {
  const std::string path = test::temp_path(name);
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

}  // namespace

TEST(ImageTensor, RoundTripKeepsRgbAndStraightAlpha) {
  Image img = gradient_image(7, 5);
  at::Tensor rgb = image_rgb_to_tensor(img);
  at::Tensor a = image_alpha_to_tensor(img);
  ASSERT_EQ(rgb.sizes(), (std::vector<int64_t>{1, 3, 5, 7}));
  EXPECT_FLOAT_EQ(rgb[0][0][2][6].item<float>(), 1.0f);  // red = x ramp
  EXPECT_FLOAT_EQ(rgb[0][1][4][0].item<float>(), 1.0f);  // green = y ramp
  EXPECT_FLOAT_EQ(a[0][0][0][6].item<float>(), 0.5f);
  Image back = tensor_to_image(rgb, a);
  EXPECT_EQ(back.rgba, img.rgba);  // straight alpha: colours are not premultiplied
}

// Large images keep their host copies in half precision: to the tensor and back, and resized, in half.
TEST(ImageTensor, HalfPrecisionRoundTripAndResize) {
  Image img = gradient_image(7, 5);
  const at::Tensor rgb = image_rgb_to_tensor(img, at::kCPU, at::kHalf);
  ASSERT_EQ(rgb.scalar_type(), at::kHalf);
  EXPECT_TRUE(rgb.is_contiguous());
  EXPECT_TRUE(torch::allclose(rgb.to(at::kFloat), image_rgb_to_tensor(img), 0, 1e-3));
  const Image back = tensor_to_image(rgb, image_alpha_to_tensor(img));
  for (size_t i = 0; i < img.rgba.size(); ++i) EXPECT_NEAR(back.rgba[i], img.rgba[i], 1e-3) << i;
  // Out-of-range values are clamped, and without alpha the image is opaque.
  const Image clamped =
      tensor_to_image(torch::full({1, 3, 2, 3}, 1.5, at::kHalf) - torch::tensor({0.f, 2.f, 1.f}).view({1, 3, 1, 1}));
  EXPECT_EQ(clamped.pixel(2, 1)[0], 1.f);
  EXPECT_EQ(clamped.pixel(2, 1)[1], 0.f);
  EXPECT_EQ(clamped.pixel(2, 1)[2], 0.5f);
  EXPECT_EQ(clamped.pixel(2, 1)[3], 1.f);
  const at::Tensor x = torch::rand({1, 3, 30, 20});
  for (auto [h, w] : {std::pair<int64_t, int64_t>{60, 40}, {15, 10}}) {
    const at::Tensor half = resize(x.to(at::kHalf), h, w);
    EXPECT_EQ(half.scalar_type(), at::kHalf);
    EXPECT_TRUE(torch::allclose(half.to(at::kFloat), resize(x, h, w), 0, 2e-3)) << h;
  }
}

TEST(ImageTensor, ResizeKeepsAspectAndRange) {
  at::Tensor x = torch::rand({1, 3, 300, 200});
  at::Tensor small = resize_long_side(x, 150);
  EXPECT_EQ(small.size(2), 150);
  EXPECT_EQ(small.size(3), 100);
  at::Tensor big = resize(small, 300, 200);
  EXPECT_EQ(big.size(2), 300);
  at::Tensor flat = torch::full({1, 3, 40, 30}, 0.3);
  EXPECT_TRUE(torch::allclose(resize(flat, 80, 60), flat.new_full({1, 3, 80, 60}, 0.3), 1e-5, 1e-5));
  EXPECT_TRUE(torch::allclose(resize(flat, 20, 15), flat.new_full({1, 3, 20, 15}, 0.3), 1e-5, 1e-5));
}

// Resizing real (non-constant) content: a sharp edge enlarged stays within [0,1] (bicubic rings otherwise) and
// keeps its order; a smooth ramp shrunk keeps its mean and its values at matching positions.
TEST(ImageTensor, ResizeOfNonConstantImages) {
  at::Tensor edge = torch::zeros({1, 3, 8, 8});
  edge.slice(3, 4, 8).fill_(1.0);
  const at::Tensor big = resize(edge, 32, 32);
  EXPECT_GE(big.min().item<float>(), 0.f);
  EXPECT_LE(big.max().item<float>(), 1.f);
  const at::Tensor row = big[0][0][10];
  EXPECT_NEAR(row[0].item<float>(), 0.f, 1e-6);
  EXPECT_NEAR(row[31].item<float>(), 1.f, 1e-6);
  EXPECT_TRUE((row.slice(0, 1) - row.slice(0, 0, 31)).min().item<float>() >= -1e-6) << "monotonic across the edge";

  const at::Tensor ramp = torch::linspace(0, 1, 64).view({1, 1, 1, 64}).expand({1, 3, 48, 64}).contiguous();
  const at::Tensor small = resize(ramp, 12, 16);
  EXPECT_NEAR(small.mean().item<double>(), ramp.mean().item<double>(), 1e-3);
  // Output pixel i covers input pixels 4i..4i+3, whose mean is (4i + 1.5) / 63.
  for (int i : {2, 7, 12}) EXPECT_NEAR(small[0][1][5][i].item<double>(), (4 * i + 1.5) / 63.0, 2e-3) << i;
  // The difference of two images (negative values, as Dream's detail) keeps its own range.
  const at::Tensor detail = resize(edge - 0.5, 32, 32);
  EXPECT_GE(detail.min().item<float>(), -0.5f);
  EXPECT_LE(detail.max().item<float>(), 0.5f);
}

TEST(ImageIo, PngRoundTripAndClearErrors) {
  Image img = gradient_image(16, 9);
  const std::string path = test::temp_path("rt.png");
  save_png(path, img);
  Image back = load_image(path);
  ASSERT_EQ(back.width, 16);
  ASSERT_EQ(back.height, 9);
  for (size_t i = 0; i < img.rgba.size(); ++i) EXPECT_NEAR(back.rgba[i], img.rgba[i], 0.5 / 255 + 1e-6);
  try {
    load_image(test::temp_path("missing.png"));
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("missing.png"), std::string::npos);
  }
  const std::string junk = test::temp_path("junk.jpg");
  std::ofstream(junk) << "not an image";
  EXPECT_THROW(load_image(junk), Error);
  EXPECT_THROW(save_png("/nonexistent-dir/x.png", img), Error);
}

// PNG allows empty IDAT chunks; the decoder's handling of them was undefined behaviour (found by fuzz_image): such
// a file reads as the same picture as without them.
TEST(ImageIo, PngWithEmptyDataChunksReadsLikeWithout) {
  const Image img = gradient_image(16, 9);
  const std::string plain = test::temp_path("plain.png"), padded = test::temp_path("empty-idat.png");
  save_png(plain, img);
  std::ifstream in(plain, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string empty_idat("\0\0\0\0IDAT\x35\xaf\x06\x1e", 12);
  bytes.insert(33, empty_idat);  // after the signature (8) and IHDR (25)
  bytes.insert(33, empty_idat);
  std::ofstream(padded, std::ios::binary) << bytes;
  const Image a = load_image(plain), b = load_image(padded);
  ASSERT_EQ(b.width, 16);
  ASSERT_EQ(b.height, 9);
  EXPECT_EQ(a.rgba, b.rgba);
}

// GIMP's patterns (the Patterns dialog's textures) load as style images, whatever the file's name says.
TEST(ImageIo, ReadsGimpPatterns) {
  const Image rgb = load_image(written("rgb.pat", gimp_pattern(2, 1, 3, std::string("\xff\x00\x80\x00\x40\xff", 6))));
  ASSERT_EQ(rgb.width, 2);
  ASSERT_EQ(rgb.height, 1);
  EXPECT_EQ(std::vector<float>(rgb.rgba.begin(), rgb.rgba.end()),
            (std::vector<float>{1.f, 0.f, 128 / 255.f, 1.f, 0.f, 64 / 255.f, 1.f, 1.f}));
  const Image grey_alpha = load_image(written("grey.png", gimp_pattern(1, 2, 2, std::string("\x80\xff\x20\x00", 4))));
  ASSERT_EQ(grey_alpha.height, 2);
  EXPECT_EQ(std::vector<float>(grey_alpha.rgba.begin(), grey_alpha.rgba.end()),
            (std::vector<float>{128 / 255.f, 128 / 255.f, 128 / 255.f, 1.f, 32 / 255.f, 32 / 255.f, 32 / 255.f, 0.f}));
  const Image rgba = load_image(written("rgba.pat", gimp_pattern(1, 1, 4, std::string("\x10\x20\x30\x40", 4))));
  EXPECT_FLOAT_EQ(rgba.rgba[2], 0x30 / 255.f);
  EXPECT_FLOAT_EQ(rgba.rgba[3], 0x40 / 255.f);

  auto error = [](const std::string& name, const std::string& bytes) {
    return test::error_of([&] { load_image(written(name, bytes)); });
  };
  EXPECT_NE(error("short.pat", gimp_pattern(4, 4, 3, std::string(47, 'x'))).find("truncated"), std::string::npos);
  EXPECT_NE(error("depth.pat", gimp_pattern(1, 1, 5, std::string(5, 'x'))).find("bytes per pixel"), std::string::npos);
  EXPECT_NE(error("version.pat", gimp_pattern(1, 1, 3, "xyz", 2)).find("version 2"), std::string::npos);
  EXPECT_NE(error("wide.pat", gimp_pattern(20000, 1, 3, "xyz")).find("damaged"), std::string::npos);
  // A declared size far beyond any pattern (or the memory) is refused before anything is allocated.
  EXPECT_NE(error("huge.pat", gimp_pattern(1u << 20, 1u << 20, 3, "xyz")).find("1048576x1048576"), std::string::npos);
  EXPECT_NE(error("empty.pat", gimp_pattern(0, 4, 3, "")).find("damaged"), std::string::npos);
}

TEST(Device, CpuAlwaysWorksCudaOnlyWhenAvailable) {
  EXPECT_TRUE(select_device("cpu").is_cpu());
  EXPECT_THROW(select_device("tpu"), Error);
  if (!cuda_available()) {
    EXPECT_TRUE(select_device("auto").is_cpu() || std::getenv("ATELIER_DEVICE"));
    EXPECT_THROW(select_device("cuda"), Error);
  } else {
    EXPECT_TRUE(select_device("cuda").is_cuda());
  }
}

TEST(Device, WithoutCudaTheReasonIsGivenAndTheRequestForCudaSaysIt) {
  if (cuda_available()) {
    EXPECT_EQ(cuda_unavailable_reason(), "");
    return;
  }
  const std::string reason = cuda_unavailable_reason();
  ASSERT_FALSE(reason.empty());
  // The CPU LibTorch: the library is missing. The CUDA one on a machine without a GPU: loaded, no GPU.
  if (cuda_library().loaded)
    EXPECT_EQ(reason.rfind("no GPU: ", 0), 0u) << reason;
  else
    EXPECT_NE(reason.find("libtorch-cuda-2.6"), std::string::npos) << reason;
  const std::string error = test::error_of([] { select_device("cuda"); });
  EXPECT_NE(error.find(reason), std::string::npos) << error;
  EXPECT_NE(error.find("--device cpu"), std::string::npos) << error;
}

// What the loader says when libtorch_cuda.so does not load becomes advice: which package, or what is missing.
TEST(Device, AFailedLoadOfTheCudaLibraryBecomesAdvice) {
  const std::string lib = "libtorch_cuda.so.2.6";
  const std::string cpu_only =
      cuda_library_problem(lib, lib + ": cannot open shared object file: No such file or directory");
  EXPECT_NE(cpu_only.find("has no CUDA"), std::string::npos) << cpu_only;
  EXPECT_NE(cpu_only.find("libtorch-cuda-2.6"), std::string::npos) << cpu_only;
  const std::string no_cudnn =
      cuda_library_problem(lib, "libcudnn.so.9: cannot open shared object file: No such file or directory");
  EXPECT_NE(no_cudnn.find("cannot be loaded (libcudnn.so.9: cannot open"), std::string::npos) << no_cudnn;
  EXPECT_NE(no_cudnn.find("dpkg-reconfigure nvidia-cudnn"), std::string::npos) << no_cudnn;
  const std::string no_driver =
      cuda_library_problem(lib, "libcuda.so.1: cannot open shared object file: No such file or directory");
  EXPECT_NE(no_driver.find("NVIDIA driver"), std::string::npos) << no_driver;
}

// The "-avx2" unit suites (tests/meson.build) run as on a CPU without AVX-512: this checks that LibTorch really
// dispatched so, or those runs would repeat the default ones and prove nothing.
TEST(Device, CpuKernelsAreTheOnesAsked) {
  const char* asked = std::getenv("ATEN_CPU_CAPABILITY");
  std::string got = at::get_cpu_capability();
  std::transform(got.begin(), got.end(), got.begin(), [](unsigned char c) { return std::tolower(c); });
  if (asked && *asked)
    EXPECT_EQ(got, asked) << "ATEN_CPU_CAPABILITY=" << asked << " did not take effect";
  else
    EXPECT_FALSE(got.empty());
  std::printf("LibTorch CPU kernels: %s\n", got.c_str());
}

// The gradients every optimisation and training here relies on: a convolution's input gradient in float against
// double precision (core/cpu_kernels.h). conv2d_with_input_gradient for any number of output channels (3: a
// network's RGB output, measured 0.8 wrong through at::conv2d); at::conv2d itself for multiples of 8 (the AVX-512
// kernels that get 8 and 24 wrong are kept out on AMD CPUs).
TEST(Device, ConvolutionGradientsAreRight) {
  torch::manual_seed(3);
  struct Shape {
    int64_t batch, in, out, side, kernel;
  };
  auto relative_error = [](const Shape& s, bool plain) {
    const at::Tensor x = torch::rand({s.batch, s.in, s.side, s.side});
    const at::Tensor w = torch::randn({s.out, s.in, s.kernel, s.kernel});
    const at::Tensor x32 = x.clone().requires_grad_(true), x64 = x.to(at::kDouble).requires_grad_(true);
    const int64_t pad = s.kernel / 2;
    const at::Tensor y = plain ? at::conv2d(x32, w, {}, 1, pad) : conv2d_with_input_gradient(x32, w, 1, pad);
    const at::Tensor upstream = torch::randn_like(y);
    y.backward(upstream);
    at::conv2d(x64, w.to(at::kDouble), {}, 1, pad).backward(upstream.to(at::kDouble));
    return (x32.grad().to(at::kDouble) - x64.grad()).abs().max().item<double>() / x64.grad().abs().max().item<double>();
  };
  const char* isa = std::getenv("ONEDNN_MAX_CPU_ISA");
  for (const Shape s : {Shape{1, 32, 3, 48, 9}, Shape{2, 32, 1, 28, 3}, Shape{1, 32, 12, 40, 3}, Shape{1, 16, 8, 40, 3},
                        Shape{1, 32, 24, 40, 3}, Shape{1, 32, 64, 40, 3}}) {
    const std::string what = "convolution " + std::to_string(s.in) + " -> " + std::to_string(s.out) + " channels, " +
                             std::to_string(s.kernel) + "x" + std::to_string(s.kernel) + " (oneDNN kernels up to " +
                             (isa ? isa : "the CPU's best") + ")";
    EXPECT_LT(relative_error(s, false), 1e-5) << what << ": conv2d_with_input_gradient's input gradient is wrong";
    if (s.out % 8 == 0) {
      EXPECT_LT(relative_error(s, true), 1e-5) << what << ": at::conv2d's input gradient is wrong";
    }
  }
}

TEST(Memory, AvailableMemoryIsKnownAndHugeRequestsFailClearly) {
  EXPECT_GT(available_memory_bytes(), 0u);
  EXPECT_NO_THROW(require_memory(1024, "a tiny job", "never"));
  try {
    require_memory(uint64_t{1} << 60, "stylising at 1000000x1000000", "lower the working size");
    FAIL();
  } catch (const OutOfMemory& e) {
    EXPECT_NE(std::string(e.what()).find("lower the working size"), std::string::npos) << e.what();
  }
}

// unit_main.cc sets up the tensor memory as the programs do (set_up_process).
TEST(Memory, LargeTensorBlocksAreKeptForTheNextTensorOfTheirSize) {
  release_cached_tensor_blocks();
  ASSERT_EQ(cached_tensor_bytes(), 0u);
  const int64_t elements = (int64_t{12} << 20) / 4;  // 12 MB of floats
  void* first = nullptr;
  {
    at::Tensor a = at::full({elements}, 1.5f);
    first = a.data_ptr();
  }
  EXPECT_GE(cached_tensor_bytes(), uint64_t{12} << 20);
  // A tensor of the same size, or a little smaller, takes the kept block; its values are its own.
  at::Tensor b = at::full({elements - 1000}, 2.5f);
  EXPECT_EQ(b.data_ptr(), first);
  EXPECT_EQ(cached_tensor_bytes(), 0u);
  EXPECT_EQ(b.sum().item<double>(), 2.5 * static_cast<double>(elements - 1000));
  // Small tensors are the C library's, as before.
  {
    at::Tensor small = at::ones({1000});
  }
  EXPECT_EQ(cached_tensor_bytes(), 0u);
  // Freed, then given back to the system.
  b = at::Tensor();
  EXPECT_GT(cached_tensor_bytes(), 0u);
  release_freed_memory();
  EXPECT_EQ(cached_tensor_bytes(), 0u);
  // oneDNN allocates through the raw interface: its blocks come back whole.
  at::Allocator* cpu = c10::GetCPUAllocator();
  void* raw = cpu->raw_allocate(size_t{8} << 20);
  ASSERT_NE(raw, nullptr);
  cpu->raw_deallocate(raw);
  EXPECT_GE(cached_tensor_bytes(), uint64_t{8} << 20);
  release_cached_tensor_blocks();
}
