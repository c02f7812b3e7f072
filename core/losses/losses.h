#pragma once
// Losses of image optimisation (Gatys style/texture, shared by training and optimisation).
// All take [N,C,H,W] activations; all return a differentiable scalar.
#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include <cstdint>

namespace atelier {

// Gram matrix [N,C,C] of activations, normalised by H*W (computed in fp32 whatever the input dtype).
at::Tensor gram_matrix(const at::Tensor& features);
// The same sum over positions, not divided by H*W (sums of several tiles' positions add up).
at::Tensor gram_sum(const at::Tensor& features);

// ||a - b||^2 with b broadcast to a's shape, one fused kernel each way (no difference or square tensors).
at::Tensor squared_distance(const at::Tensor& a, const at::Tensor& b);

// Relative Gram loss ||G(x) - T||^2 / (||T||^2 + eps): independent of the layer's scale and of image size.
at::Tensor gram_loss(const at::Tensor& features, const at::Tensor& target_gram);

// Relative content loss ||F - P||^2 / (||P||^2 + eps).
at::Tensor content_loss(const at::Tensor& features, const at::Tensor& target);

// Total variation: mean squared difference of horizontally and vertically adjacent pixels (summed).
at::Tensor tv_loss(const at::Tensor& image);

// Sliced Wasserstein texture loss (Heitz et al. 2021): the feature vectors of all positions are projected on
// random directions and the sorted projections compared, which matches each projection's whole distribution.

// D random directions in C-dimensional feature space: [C, D] fp32, unit columns, from `seed` (same seed = same
// directions on every device: drawn on the CPU, then moved to `device`).
at::Tensor random_directions(int64_t channels, int64_t count, uint64_t seed, c10::Device device = c10::kCPU);

// Mean over batch items, directions and positions of the squared difference between the sorted projections of
// features [N,C,H,W] and of target [1,C,h,w] (or [N,C,h,w]) on `directions` [C,D]. When h*w != H*W the target's
// sorted list is resampled to H*W values by linear interpolation of its quantiles (value k of n sits at quantile
// (k+0.5)/n). Differentiable w.r.t. features (not target). With C == 1 and one direction of +1 this is the exact
// squared 1-D Wasserstein-2 distance between the two empirical distributions (for equal counts).
at::Tensor sliced_wasserstein_distance(const at::Tensor& features, const at::Tensor& target,
                                       const at::Tensor& directions);

// The distance divided by the mean squared target projection (+ eps): comparable across layers and sizes, like
// gram_loss.
at::Tensor sliced_wasserstein_loss(const at::Tensor& features, const at::Tensor& target, const at::Tensor& directions);

}  // namespace atelier
