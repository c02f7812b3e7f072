#include "core/image_statistics.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <array>
#include <cmath>

#include "core/error.h"

namespace atelier {
namespace {

constexpr int kHistogramBins = 32;
using Histograms = std::array<std::array<double, kHistogramBins>, 3>;

// Per channel, the normalised histogram of the values of `image` [1,3,H,W] (clamped to [0,1]).
Histograms colour_histograms(const at::Tensor& image) {
  if (image.dim() != 4 || image.size(0) != 1 || image.size(1) != 3 || image.numel() == 0)
    throw Error("colour histograms need a non-empty [1,3,H,W] image");
  const at::Tensor px = image.detach().to(at::kCPU, at::kFloat).reshape({3, -1}).contiguous();
  const int64_t count = px.size(1);
  const float* data = px.data_ptr<float>();
  Histograms hist{};
  for (int ch = 0; ch < 3; ++ch)
    for (int64_t i = 0; i < count; ++i) {
      const double v = std::clamp(static_cast<double>(data[ch * count + i]), 0.0, 1.0);
      const int bin = std::min(kHistogramBins - 1, static_cast<int>(v * kHistogramBins));
      hist[ch][bin] += 1.0 / static_cast<double>(count);
    }
  return hist;
}

}  // namespace

at::Tensor shuffled_pixels(const at::Tensor& image, uint64_t seed) {
  if (image.dim() != 4) throw Error("shuffled_pixels needs an [N,C,H,W] image");
  const int64_t n = image.size(0), c = image.size(1), hw = image.size(2) * image.size(3);
  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  const at::Tensor order = at::randperm(hw, gen, at::TensorOptions().dtype(at::kLong)).to(image.device());
  return image.reshape({n, c, hw}).index_select(2, order).reshape(image.sizes());
}

double colour_histogram_distance(const at::Tensor& a, const at::Tensor& b) {
  const Histograms ha = colour_histograms(a), hb = colour_histograms(b);
  double d = 0;
  for (int ch = 0; ch < 3; ++ch)
    for (int bin = 0; bin < kHistogramBins; ++bin) d += std::abs(ha[ch][bin] - hb[ch][bin]);
  return d;
}

}  // namespace atelier
