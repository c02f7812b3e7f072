#pragma once
// Colour preservation helpers for filters that repaint an image (DeepDream, style transfer): keep the original's
// colours while taking the new image's structure, or give one image another's per-channel palette.
#include <ATen/core/Tensor.h>

namespace atelier {

// [1,1,H,W]: the luminance (BT.601 Y on the sRGB-encoded values) of an RGB image [1,3,H,W], on its device.
at::Tensor luminance_of(const at::Tensor& rgb);

// The luminance (BT.601 Y of YCbCr on the sRGB-encoded values) of `styled` with the chroma (Cb, Cr) of `original`.
// Both [1,3,H,W] in [0,1]; `original` is resized to `styled`'s size if they differ. Returns [1,3,H,W] in [0,1], in
// `styled`'s type, computed in float32 band by band (no float copy of a large half-precision image).
at::Tensor transfer_luminance(const at::Tensor& styled, const at::Tensor& original);

// Per-channel histogram matching: each channel of `source` is mapped monotonically so that its value distribution
// follows the same channel of `reference` (equal source values stay equal). Both [1,3,H,W] in [0,1]; the sizes may
// differ. Returns a tensor shaped like `source`.
at::Tensor match_histogram(const at::Tensor& source, const at::Tensor& reference);

// Histogram matching along the reference's principal colour axes (the eigenvectors of its RGB covariance): the
// result's colour distribution follows the reference's also across channels, e.g. a grey reference leaves no
// colour speckle, which per-channel matching would keep. Same shapes as match_histogram; clamped to [0,1].
at::Tensor match_colour_distribution(const at::Tensor& source, const at::Tensor& reference);

}  // namespace atelier
