#pragma once
// Image <-> tensor conversion and resizing for the engine.
#include <ATen/core/Tensor.h>

#include "core/image.h"
#include "core/progress.h"

namespace atelier {

// [1,3,H,W] RGB in [0,1] (sRGB-encoded, as networks trained on photos expect) on `device`, float32 unless
// `dtype` says otherwise (half precision halves a large image's host copy).
at::Tensor image_rgb_to_tensor(const Image& image, at::Device device = at::kCPU, at::ScalarType dtype = at::kFloat);
// [1,1,H,W] alpha.
at::Tensor image_alpha_to_tensor(const Image& image, at::Device device = at::kCPU);
// Inverse of the above: rgb [1,3,H,W] of any floating type on any device (clamped to [0,1]), optional alpha
// [1,1,H,W] (else opaque). Writes straight into the image: no whole-image intermediate copies.
Image tensor_to_image(const at::Tensor& rgb, const at::Tensor& alpha = {});

// Shows rgb ([1,3,H,W] in [0,1], any device and floating type) as the work in progress when the host wants a
// picture now (Progress::snapshot_due), scaled down to the host's size; otherwise costs nothing.
void offer_snapshot(const Progress& progress, const at::Tensor& rgb);

// Resize [N,C,H,W] to (h, w): antialiased bilinear when shrinking, bicubic when enlarging. Half and bfloat16
// images are resized in float32 and returned in their own type.
at::Tensor resize(const at::Tensor& x, int64_t h, int64_t w);
// Scale so that the longer side is `long_side` (keeping aspect; at least 1 pixel each side).
at::Tensor resize_long_side(const at::Tensor& x, int64_t long_side);
// The image (colour and alpha) scaled so that its longer side is `long_side`.
Image resize_long_side(const Image& image, int64_t long_side);
// Enlarged (keeping aspect) so that the shorter side is at least `min_side`; unchanged when it already is. Lets
// a network with a minimum input size work on any image the user may choose (the caller scales the result back).
at::Tensor ensure_min_side(const at::Tensor& x, int64_t min_side);
// Output size for scaling (h, w) to a long side.
std::pair<int64_t, int64_t> fit_long_side(int64_t h, int64_t w, int64_t long_side);

}  // namespace atelier
