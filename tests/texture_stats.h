#pragma once
// Texture statistics for tests of texture synthesis: colour histograms and structure-free copies of images.
#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>

namespace atelier::test {

// A copy of `image` [1,3,H,W] with its pixels randomly permuted (same colour histogram, no structure).
inline at::Tensor shuffled_pixels(const at::Tensor& image, uint64_t seed) {
  TORCH_CHECK(image.dim() == 4, "shuffled_pixels: the image must be [N,C,H,W]");
  const int64_t n = image.size(0), c = image.size(1), hw = image.size(2) * image.size(3);
  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  at::Tensor order = at::randperm(hw, gen, at::TensorOptions().dtype(at::kLong)).to(image.device());
  return image.reshape({n, c, hw}).index_select(2, order).reshape(image.sizes());
}

namespace detail {
constexpr int kHistogramBins = 32;

// Per channel, the normalised 32-bin histogram of the values of `image` [1,3,H,W] (clamped to [0,1]).
inline std::array<std::array<double, kHistogramBins>, 3> colour_histograms(const at::Tensor& image) {
  TORCH_CHECK(image.dim() == 4 && image.size(0) == 1 && image.size(1) == 3 && image.numel() > 0,
              "colour_histogram_distance: images must be non-empty [1,3,H,W]");
  at::Tensor px = image.detach().to(at::kCPU, at::kFloat).reshape({3, -1}).contiguous();
  const int64_t count = px.size(1);
  const float* data = px.data_ptr<float>();
  std::array<std::array<double, kHistogramBins>, 3> hist{};
  for (int ch = 0; ch < 3; ++ch)
    for (int64_t i = 0; i < count; ++i) {
      const double v = std::clamp(static_cast<double>(data[ch * count + i]), 0.0, 1.0);
      const int bin = std::min(kHistogramBins - 1, static_cast<int>(v * kHistogramBins));
      hist[ch][bin] += 1.0 / static_cast<double>(count);
    }
  return hist;
}
}  // namespace detail

// Distance between the colour histograms of two images [1,3,H,W] in [0,1] (any sizes): per channel, a 32-bin
// normalised histogram; the sum over channels of the L1 distances (0 = identical histograms, at most 6).
inline double colour_histogram_distance(const at::Tensor& a, const at::Tensor& b) {
  const auto ha = detail::colour_histograms(a), hb = detail::colour_histograms(b);
  double d = 0;
  for (int ch = 0; ch < 3; ++ch)
    for (int bin = 0; bin < detail::kHistogramBins; ++bin) d += std::abs(ha[ch][bin] - hb[ch][bin]);
  return d;
}

}  // namespace atelier::test
