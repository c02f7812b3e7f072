#include "core/color.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <string>

#include "core/error.h"
#include "core/image_tensor.h"

namespace atelier {
namespace {

void check_rgb(const at::Tensor& t, const char* what, const char* function) {
  if (t.defined() && t.dim() == 4 && t.size(0) == 1 && t.size(1) == 3 && t.numel() > 0) return;
  std::string found = "an undefined tensor";
  if (t.defined()) {
    found = "shape [";
    for (int64_t i = 0; i < t.dim(); ++i) found += (i ? "," : "") + std::to_string(t.size(i));
    found += "]";
  }
  throw Error(std::string(function) + ": " + what + " must be a non-empty RGB image tensor [1,3,H,W], got " + found);
}

// RGB <-> YCbCr (BT.601, full range, chroma centred on 0).
at::Tensor rgb_to_ycbcr(const at::Tensor& rgb) {
  at::Tensor r = rgb.select(1, 0), g = rgb.select(1, 1), b = rgb.select(1, 2);
  at::Tensor y = 0.299 * r + 0.587 * g + 0.114 * b;
  at::Tensor cb = (b - y) * (0.5 / (1 - 0.114));
  at::Tensor cr = (r - y) * (0.5 / (1 - 0.299));
  return at::stack({y, cb, cr}, 1);
}

at::Tensor ycbcr_to_rgb(const at::Tensor& ycc) {
  at::Tensor y = ycc.select(1, 0), cb = ycc.select(1, 1), cr = ycc.select(1, 2);
  at::Tensor r = y + cr * (2 * (1 - 0.299));
  at::Tensor b = y + cb * (2 * (1 - 0.114));
  at::Tensor g = (y - 0.299 * r - 0.114 * b) / 0.587;
  return at::stack({r, g, b}, 1);
}

// Piecewise-linear interpolation of (xp, fp) at x; xp ascending; constant beyond the ends (like numpy.interp).
at::Tensor interp(const at::Tensor& x, const at::Tensor& xp, const at::Tensor& fp) {
  const int64_t n = xp.size(0);
  if (n == 1) return fp.expand_as(x).clone();
  at::Tensor hi = at::searchsorted(xp, x).clamp(1, n - 1);
  at::Tensor lo = hi - 1;
  at::Tensor x0 = xp.index_select(0, lo), x1 = xp.index_select(0, hi);
  at::Tensor f0 = fp.index_select(0, lo), f1 = fp.index_select(0, hi);
  at::Tensor t = ((x - x0) / (x1 - x0).clamp_min(1e-12)).clamp(0, 1);
  return f0 + t * (f1 - f0);
}

// Quantile (centre of each value's share of the pixels) of every distinct value of a flat tensor.
std::pair<at::Tensor, at::Tensor> value_quantiles(const at::Tensor& flat, at::Tensor* inverse = nullptr) {
  auto [values, inv, counts] = at::_unique2(flat, /*sorted=*/true, /*return_inverse=*/inverse != nullptr,
                                            /*return_counts=*/true);
  at::Tensor c = counts.to(at::kDouble);
  at::Tensor q = (c.cumsum(0) - 0.5 * c) / static_cast<double>(flat.numel());
  if (inverse) *inverse = inv;
  return {values.to(at::kDouble), q};
}

}  // namespace

at::Tensor luminance_of(const at::Tensor& rgb) {
  return rgb.narrow(1, 0, 1) * 0.299 + rgb.narrow(1, 1, 1) * 0.587 + rgb.narrow(1, 2, 1) * 0.114;
}

at::Tensor transfer_luminance(const at::Tensor& styled, const at::Tensor& original) {
  check_rgb(styled, "the styled image", "transfer_luminance");
  check_rgb(original, "the original image", "transfer_luminance");
  const at::Tensor source = resize(original.to(styled.device()), styled.size(2), styled.size(3));
  // Band by band (it is per pixel): a large image in half precision gets no float32 copy of its whole size.
  constexpr int64_t kBand = 256;
  at::Tensor out = at::empty_like(styled);
  for (int64_t y = 0; y < styled.size(2); y += kBand) {
    const int64_t rows = std::min(kBand, styled.size(2) - y);
    const at::Tensor s = rgb_to_ycbcr(styled.narrow(2, y, rows).to(at::kFloat));
    const at::Tensor o = rgb_to_ycbcr(source.narrow(2, y, rows).to(at::kFloat));
    out.narrow(2, y, rows).copy_(ycbcr_to_rgb(at::cat({s.slice(1, 0, 1), o.slice(1, 1, 3)}, 1)).clamp(0, 1));
  }
  return out;
}

at::Tensor match_histogram(const at::Tensor& source, const at::Tensor& reference) {
  check_rgb(source, "the source image", "match_histogram");
  check_rgb(reference, "the reference image", "match_histogram");
  std::vector<at::Tensor> channels;
  for (int64_t c = 0; c < 3; ++c) {
    at::Tensor src = source.select(1, c).reshape(-1).to(at::kFloat);
    at::Tensor ref = reference.select(1, c).reshape(-1).to(source.device(), at::kFloat);
    at::Tensor inverse;
    auto [src_values, src_q] = value_quantiles(src, &inverse);
    auto [ref_values, ref_q] = value_quantiles(ref);
    at::Tensor mapped = interp(src_q, ref_q, ref_values).to(at::kFloat);
    channels.push_back(mapped.index_select(0, inverse.reshape(-1)).view({source.size(2), source.size(3)}));
  }
  return at::stack(channels, 0).unsqueeze(0).to(source.scalar_type());
}

at::Tensor match_colour_distribution(const at::Tensor& source, const at::Tensor& reference) {
  check_rgb(source, "the source image", "match_colour_distribution");
  check_rgb(reference, "the reference image", "match_colour_distribution");
  const at::Tensor ref = reference.to(source.device(), at::kDouble).reshape({3, -1});
  const at::Tensor mean = ref.mean(1, true);
  const at::Tensor centred = ref - mean;
  const at::Tensor covariance = centred.matmul(centred.t()) / static_cast<double>(ref.size(1));
  const at::Tensor axes = std::get<1>(at::linalg_eigh(covariance));  // columns: orthonormal colour axes
  auto to_axes = [&](const at::Tensor& rgb) {
    const at::Tensor flat = rgb.to(at::kDouble).reshape({3, -1}) - mean;
    return axes.t().matmul(flat).reshape({1, 3, rgb.size(2), rgb.size(3)});
  };
  const at::Tensor matched = match_histogram(to_axes(source), to_axes(reference)).to(at::kDouble);
  const at::Tensor rgb = axes.matmul(matched.reshape({3, -1})) + mean;
  return rgb.reshape(source.sizes()).clamp(0, 1).to(source.scalar_type());
}

}  // namespace atelier
