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

at::Tensor squared_distance(const at::Tensor& a, const at::Tensor& b) {
  return at::mse_loss(a, b.sizes() == a.sizes() ? b : b.expand_as(a), at::Reduction::Sum);
}

at::Tensor gram_loss(const at::Tensor& features, const at::Tensor& target_gram) {
  return squared_distance(gram_matrix(features), target_gram) / (target_gram.pow(2).sum() + 1e-8);
}

}  // namespace atelier
