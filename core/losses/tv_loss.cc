#include <ATen/ATen.h>

#include "core/losses/losses.h"

namespace atelier {

at::Tensor tv_loss(const at::Tensor& image) {
  const int64_t h = image.size(2), w = image.size(3);
  at::Tensor dx = image.narrow(3, 1, w - 1) - image.narrow(3, 0, w - 1);
  at::Tensor dy = image.narrow(2, 1, h - 1) - image.narrow(2, 0, h - 1);
  return dx.pow(2).mean() + dy.pow(2).mean();
}

}  // namespace atelier
