#pragma once
// Losses of image optimisation (Gatys style/texture, shared by training and optimisation).
// All take [N,C,H,W] activations; all return a differentiable scalar.
#include <ATen/core/Tensor.h>

namespace atelier {

// Gram matrix [N,C,C] of activations, normalised by H*W (computed in fp32 whatever the input dtype).
at::Tensor gram_matrix(const at::Tensor& features);

// Relative Gram loss ||G(x) - T||^2 / (||T||^2 + eps): independent of the layer's scale and of image size.
at::Tensor gram_loss(const at::Tensor& features, const at::Tensor& target_gram);

// Relative content loss ||F - P||^2 / (||P||^2 + eps).
at::Tensor content_loss(const at::Tensor& features, const at::Tensor& target);

// Total variation: mean squared difference of horizontally and vertically adjacent pixels (summed).
at::Tensor tv_loss(const at::Tensor& image);

}  // namespace atelier
