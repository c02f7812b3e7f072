#include <ATen/ATen.h>

#include "core/losses/losses.h"

namespace atelier {

at::Tensor content_loss(const at::Tensor& features, const at::Tensor& target) {
  const auto type = at::promote_types(features.scalar_type(), at::kFloat);
  at::Tensor f = features.to(type), p = target.to(type);
  return squared_distance(f, p) / (p.pow(2).sum() + 1e-8);
}

}  // namespace atelier
