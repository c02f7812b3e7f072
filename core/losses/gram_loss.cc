#include <ATen/ATen.h>

#include "core/losses/losses.h"

namespace atelier {

at::Tensor gram_sum(const at::Tensor& features) {
  const int64_t n = features.size(0), c = features.size(1), hw = features.size(2) * features.size(3);
  // fp32 at least: half-precision activations would overflow and lose the Gram sums.
  at::Tensor f = features.reshape({n, c, hw}).to(at::promote_types(features.scalar_type(), at::kFloat));
  return at::bmm(f, f.transpose(1, 2));
}

at::Tensor gram_matrix(const at::Tensor& features) {
  return gram_sum(features) / static_cast<double>(features.size(2) * features.size(3));
}

at::Tensor gram_loss(const at::Tensor& features, const at::Tensor& target_gram) {
  at::Tensor g = gram_matrix(features);
  return (g - target_gram).pow(2).sum() / (target_gram.pow(2).sum() + 1e-8);
}

}  // namespace atelier
