#include "core/guided_upsample.h"

#include <ATen/ATen.h>

#include "core/color.h"
#include "core/error.h"
#include "core/image_tensor.h"

namespace atelier {
namespace {

// The mean over a (2 radius + 1)² window, over the pixels inside the image at the borders.
at::Tensor box_mean(const at::Tensor& x, int radius) {
  return at::avg_pool2d(x, {2 * radius + 1, 2 * radius + 1}, {1, 1}, {radius, radius}, /*ceil_mode=*/false,
                        /*count_include_pad=*/false);
}

}  // namespace

at::Tensor guided_upsample(const at::Tensor& small, const at::Tensor& guide, int radius, double epsilon) {
  if (small.dim() != 4 || small.size(0) != 1 || guide.dim() != 4 || guide.size(0) != 1 || guide.size(1) != 3)
    throw Error("guided_upsample: expected a [1,C,h,w] picture and a [1,3,H,W] guide");
  if (radius < 1 || epsilon <= 0) throw Error("guided_upsample: the radius must be at least 1 and epsilon positive");
  const int64_t h = small.size(2), w = small.size(3), H = guide.size(2), W = guide.size(3);
  const at::Tensor p = small.to(at::kFloat);
  if (h == H && w == W) return p.clamp(0, 1);

  // The slope of p against the luminance in each window, then averaged over the windows that cover a pixel.
  const at::Tensor lum_small = luminance_of(resize(guide.to(at::kFloat), h, w));
  const at::Tensor mean_l = box_mean(lum_small, radius);
  const at::Tensor mean_p = box_mean(p, radius);
  const at::Tensor cov = box_mean(lum_small * p, radius) - mean_l * mean_p;
  const at::Tensor var = box_mean(lum_small * lum_small, radius) - mean_l * mean_l;
  const at::Tensor slope = box_mean(cov / (var.clamp_min(0) + epsilon), radius);

  // Full size, in place where it can be: the enlargement, plus slope × the detail scaling the photo down lost.
  at::Tensor detail = luminance_of(guide.to(at::kFloat));
  detail.sub_(resize(lum_small, H, W));
  at::Tensor out = resize(p, H, W).contiguous();
  out.addcmul_(resize(slope, H, W), detail);
  return out.clamp_(0, 1);
}

}  // namespace atelier
