#include "core/image_statistics.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <array>
#include <cmath>

#include "core/color.h"
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

constexpr int kFilterBankScales = 3;

// b [1,3,H,W] in float on the CPU, resized (bilinear) to a's size.
at::Tensor resized_like(const at::Tensor& b, const at::Tensor& a) {
  return at::upsample_bilinear2d(b.detach().to(at::kCPU, at::kFloat), {a.size(2), a.size(3)}, false);
}

// [1,8,H,W]: the centred colour channels and five derivative filters of the luminance.
at::Tensor filter_bank_responses(const at::Tensor& image) {
  const at::Tensor x = image.detach().to(at::kCPU, at::kFloat);
  const at::Tensor colour = x - x.mean({2, 3}, true);
  const at::Tensor luminance = luminance_of(x);
  const at::Tensor kernels = at::tensor({0.f,  0.f,  0.f,  -1.f, 0.f,  1.f, 0.f, 0.f, 0.f,   // horizontal
                                         0.f,  -1.f, 0.f,  0.f,  0.f,  0.f, 0.f, 1.f, 0.f,   // vertical
                                         -1.f, 0.f,  0.f,  0.f,  0.f,  0.f, 0.f, 0.f, 1.f,   // diagonal
                                         0.f,  0.f,  -1.f, 0.f,  0.f,  0.f, 1.f, 0.f, 0.f,   // antidiagonal
                                         0.f,  1.f,  0.f,  1.f,  -4.f, 1.f, 0.f, 1.f, 0.f})  // Laplacian
                                 .reshape({5, 1, 3, 3});
  const at::Tensor derivatives = at::conv2d(at::replication_pad2d(luminance, {1, 1, 1, 1}), kernels);
  return at::cat({colour, derivatives}, 1);
}

at::Tensor filter_bank_gram(const at::Tensor& responses) {
  const at::Tensor f = responses.reshape({responses.size(1), -1});
  return at::matmul(f, f.t()) / static_cast<double>(f.size(1));
}

}  // namespace

double filter_bank_texture_distance(const at::Tensor& a, const at::Tensor& b) {
  if (a.dim() != 4 || b.dim() != 4 || a.size(1) != 3 || b.size(1) != 3)
    throw Error("texture statistics need [1,3,H,W] images");
  at::Tensor x = a.detach().to(at::kCPU, at::kFloat), y = b.detach().to(at::kCPU, at::kFloat);
  double sum = 0;
  int scales = 0;
  for (int k = 0; k < kFilterBankScales && std::min({x.size(2), x.size(3), y.size(2), y.size(3)}) >= 8; ++k) {
    const at::Tensor ga = filter_bank_gram(filter_bank_responses(x)), gb = filter_bank_gram(filter_bank_responses(y));
    sum += (ga - gb).norm().item<double>() / std::max(gb.norm().item<double>(), 1e-12);
    ++scales;
    x = at::avg_pool2d(x, 2);
    y = at::avg_pool2d(y, 2);
  }
  if (scales == 0) throw Error("texture statistics need images of at least 8 px per side");
  return sum / scales;
}

at::Tensor shuffled_pixels(const at::Tensor& image, uint64_t seed) {
  if (image.dim() != 4) throw Error("shuffled_pixels needs an [N,C,H,W] image");
  const int64_t n = image.size(0), c = image.size(1), hw = image.size(2) * image.size(3);
  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  const at::Tensor order = at::randperm(hw, gen, at::TensorOptions().dtype(at::kLong)).to(image.device());
  return image.reshape({n, c, hw}).index_select(2, order).reshape(image.sizes());
}

double gradient_correlation(const at::Tensor& a, const at::Tensor& b) {
  if (a.dim() != 4 || b.dim() != 4 || a.size(1) != 3 || b.size(1) != 3 || std::min(a.size(2), a.size(3)) < 2 ||
      std::min(b.size(2), b.size(3)) < 2)
    throw Error("edge agreement needs [1,3,H,W] images of at least 2 px");
  auto magnitude = [](const at::Tensor& rgb) {
    const at::Tensor x = rgb.detach().to(at::kCPU, at::kFloat);
    const at::Tensor l = luminance_of(x);
    const int64_t h = l.size(2), w = l.size(3);
    const at::Tensor dx = l.narrow(3, 1, w - 1).narrow(2, 0, h - 1) - l.narrow(3, 0, w - 1).narrow(2, 0, h - 1);
    const at::Tensor dy = l.narrow(2, 1, h - 1).narrow(3, 0, w - 1) - l.narrow(2, 0, h - 1).narrow(3, 0, w - 1);
    return (dx.square() + dy.square()).sqrt().flatten();
  };
  const at::Tensor bb = resized_like(b, a);
  const at::Tensor ga = magnitude(a), gb = magnitude(bb);
  const at::Tensor ca = ga - ga.mean(), cb = gb - gb.mean();
  const double denominator = (ca.norm() * cb.norm()).item<double>();
  return denominator > 0 ? (ca * cb).sum().item<double>() / denominator : 0.0;
}

double colour_histogram_distance(const at::Tensor& a, const at::Tensor& b) {
  const Histograms ha = colour_histograms(a), hb = colour_histograms(b);
  double d = 0;
  for (int ch = 0; ch < 3; ++ch)
    for (int bin = 0; bin < kHistogramBins; ++bin) d += std::abs(ha[ch][bin] - hb[ch][bin]);
  return d;
}

double high_frequency_ratio(const at::Tensor& a, const at::Tensor& b) {
  if (a.dim() != 4 || b.dim() != 4 || a.size(1) != 3 || b.size(1) != 3 || std::min(a.size(2), a.size(3)) < 3 ||
      std::min(b.size(2), b.size(3)) < 3)
    throw Error("the high-frequency ratio needs [1,3,H,W] images of at least 3 px");
  auto energy = [](const at::Tensor& rgb) {
    const at::Tensor x = rgb.detach().to(at::kCPU, at::kFloat);
    const at::Tensor l = luminance_of(x);
    const at::Tensor detail = l.narrow(2, 1, l.size(2) - 2).narrow(3, 1, l.size(3) - 2) - at::avg_pool2d(l, 3, 1);
    return detail.square().mean().item<double>();
  };
  const at::Tensor bb = resized_like(b, a);
  const double reference = energy(bb);
  return reference > 0 ? energy(a) / reference : 0.0;
}

}  // namespace atelier
