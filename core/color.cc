#include "core/color.h"

#include <ATen/ATen.h>

#include "core/image_tensor.h"

namespace atelier {
namespace {
at::Tensor rgb_to_yiq(const at::Tensor& x) {
  at::Tensor m = at::tensor({0.299f, 0.587f, 0.114f, 0.596f, -0.274f, -0.322f, 0.211f, -0.523f, 0.312f},
                            x.options()).view({3, 3});
  return at::einsum("ij,njhw->nihw", {m, x});
}
at::Tensor yiq_to_rgb(const at::Tensor& x) {
  at::Tensor m = at::tensor({1.0f, 0.956f, 0.621f, 1.0f, -0.272f, -0.647f, 1.0f, -1.106f, 1.703f}, x.options())
                     .view({3, 3});
  return at::einsum("ij,njhw->nihw", {m, x});
}
}  // namespace

at::Tensor transfer_luminance(const at::Tensor& styled, const at::Tensor& original) {
  at::Tensor o = resize(original, styled.size(2), styled.size(3));
  at::Tensor s = rgb_to_yiq(styled), c = rgb_to_yiq(o);
  return yiq_to_rgb(at::cat({s.narrow(1, 0, 1), c.narrow(1, 1, 2)}, 1)).clamp(0, 1);
}

at::Tensor match_histogram(const at::Tensor& source, const at::Tensor& reference) {
  at::Tensor out = at::empty_like(source);
  for (int64_t c = 0; c < 3; ++c) {
    at::Tensor s = source[0][c].flatten(), r = reference[0][c].flatten();
    auto [sorted_s, idx] = s.sort();
    at::Tensor sorted_r = std::get<0>(r.sort());
    // quantile q of each source pixel -> value at quantile q of the reference
    at::Tensor q = at::linspace(0, r.numel() - 1, s.numel(), s.options()).round().to(at::kLong);
    at::Tensor mapped = at::empty_like(s);
    mapped.index_put_({idx}, sorted_r.index({q}));
    out[0][c].copy_(mapped.view_as(source[0][c]));
  }
  return out;
}

}  // namespace atelier
