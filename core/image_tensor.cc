#include "core/image_tensor.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace atelier {

at::Tensor image_rgb_to_tensor(const Image& image, at::Device device, at::ScalarType dtype) {
  if (image.empty()) throw Error("empty image");
  at::Tensor hwc = at::from_blob(const_cast<float*>(image.rgba.data()), {image.height, image.width, 4}, at::kFloat);
  return hwc.slice(2, 0, 3).permute({2, 0, 1}).unsqueeze(0).to(device, dtype, /*non_blocking=*/false, /*copy=*/true,
                                                               at::MemoryFormat::Contiguous);
}

at::Tensor image_alpha_to_tensor(const Image& image, at::Device device) {
  if (image.empty()) throw Error("empty image");
  at::Tensor hwc = at::from_blob(const_cast<float*>(image.rgba.data()), {image.height, image.width, 4}, at::kFloat);
  return hwc.slice(2, 3, 4).permute({2, 0, 1}).unsqueeze(0).contiguous().to(device);
}

Image tensor_to_image(const at::Tensor& rgb, const at::Tensor& alpha) {
  TORCH_CHECK(rgb.dim() == 4 && rgb.size(0) == 1 && rgb.size(1) == 3, "tensor_to_image expects [1,3,H,W]");
  const int64_t h = rgb.size(2), w = rgb.size(3);
  Image img(static_cast<int>(w), static_cast<int>(h));
  const at::Tensor hwc = at::from_blob(img.rgba.data(), {h, w, 4}, at::kFloat);
  hwc.slice(2, 0, 3).copy_(rgb.detach()[0].permute({1, 2, 0}));
  if (alpha.defined())
    hwc.slice(2, 3, 4).copy_(alpha.detach()[0].permute({1, 2, 0}));
  else
    hwc.slice(2, 3, 4).fill_(1.f);
  hwc.clamp_(0, 1);
  return img;
}

at::Tensor resize(const at::Tensor& x, int64_t h, int64_t w) {
  if (x.size(-2) == h && x.size(-1) == w) return x;
  if (x.scalar_type() == at::kHalf || x.scalar_type() == at::kBFloat16)
    return resize(x.to(at::kFloat), h, w).to(x.scalar_type());
  const bool shrinking = h < x.size(-2) || w < x.size(-1);
  if (shrinking) return at::_upsample_bilinear2d_aa(x, {h, w}, /*align_corners=*/false);
  // Bicubic rings past sharp edges (values above 1 or below 0 for an image); keep it within the input's range.
  return at::upsample_bicubic2d(x, {h, w}, /*align_corners=*/false).clamp_(x.min(), x.max());
}

std::pair<int64_t, int64_t> fit_long_side(int64_t h, int64_t w, int64_t long_side) {
  const double s = static_cast<double>(long_side) / std::max(h, w);
  return {std::max<int64_t>(1, std::llround(h * s)), std::max<int64_t>(1, std::llround(w * s))};
}

at::Tensor resize_long_side(const at::Tensor& x, int64_t long_side) {
  auto [h, w] = fit_long_side(x.size(-2), x.size(-1), long_side);
  return resize(x, h, w);
}

at::Tensor ensure_min_side(const at::Tensor& x, int64_t min_side) {
  const int64_t h = x.size(-2), w = x.size(-1);
  if (std::min(h, w) >= min_side) return x;
  const double s = static_cast<double>(min_side) / std::min(h, w);
  return resize(x, std::max<int64_t>(min_side, std::llround(h * s)), std::max<int64_t>(min_side, std::llround(w * s)));
}

void offer_snapshot(const Progress& progress, const at::Tensor& rgb) {
  const SnapshotSink* sink = progress.snapshot_due();
  if (!sink || !rgb.defined() || rgb.dim() != 4 || rgb.size(1) != 3) return;
  at::NoGradGuard no_grad;
  at::Tensor picture = rgb.detach().narrow(0, 0, 1).to(at::kFloat);
  if (std::max(picture.size(2), picture.size(3)) > sink->long_side())
    picture = resize_long_side(picture, sink->long_side());
  sink->show(tensor_to_image(picture.to(at::kCPU)));
}

Image resize_long_side(const Image& image, int64_t long_side) {
  const auto [h, w] = fit_long_side(image.height, image.width, long_side);
  return tensor_to_image(resize(image_rgb_to_tensor(image), h, w).clamp(0, 1),
                         resize(image_alpha_to_tensor(image), h, w).clamp(0, 1));
}

}  // namespace atelier
