#pragma once
// Enlarging a picture that was made from a smaller copy of a photo (a style transfer at a working size) back to
// the photo's size, with the photo's own fine detail instead of the blur of a plain enlargement.
#include <ATen/core/Tensor.h>

namespace atelier {

// `small` ([1,C,h,w], made from `guide` scaled down to h×w) enlarged to `guide`'s size ([1,3,H,W], the photo at
// full size; both in [0,1], on the same device). The plain (bicubic) enlargement, plus the luminance detail that
// scaling the photo down removed, scaled in each window of `radius` pixels (at the small size) by how the small
// picture's channel follows the photo's luminance there: the slope of a least-squares fit, as in He and Sun's
// guided filter, with `epsilon` added to the luminance variance (larger = less detail where the photo is flat).
// Where the small picture ignores the photo (flat paint, inverted colours) its detail stays out (or comes back
// inverted); scaled back down, the result is `small` again up to the enlargement's own error. Clamped to [0,1].
at::Tensor guided_upsample(const at::Tensor& small, const at::Tensor& guide, int radius, double epsilon);

}  // namespace atelier
