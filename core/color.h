#pragma once
// Colour helpers on [1,3,H,W] RGB tensors in [0,1] (temporary; superseded by the dream branch's version).
#include <ATen/core/Tensor.h>

namespace atelier {
// `styled`'s luminance with `original`'s chroma (YIQ); original is resized to styled's size if needed.
at::Tensor transfer_luminance(const at::Tensor& styled, const at::Tensor& original);
// `source` recoloured so that each channel's histogram matches `reference`'s.
at::Tensor match_histogram(const at::Tensor& source, const at::Tensor& reference);
}  // namespace atelier
