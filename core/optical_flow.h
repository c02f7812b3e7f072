#pragma once
// Dense optical flow between two frames, warping by a flow, and where a flow can be trusted: the pieces of
// temporally consistent video stylisation (Ruder, Dosovitskiy, Brox 2016). The flow is OpenCV's DIS (Kroeger et
// al. 2016), from Debian's libopencv-video (torch-free header).
#include <vector>

#include "core/image.h"

namespace atelier {

// A displacement per pixel of the frame it was measured for: the pixel (x, y) of that frame is seen at
// (x + dx, y + dy) in the other frame.
struct Flow {
  int width = 0, height = 0;
  std::vector<float> dxdy;  // width * height * 2, row-major
  float dx(int x, int y) const { return dxdy[(static_cast<size_t>(y) * width + x) * 2]; }
  float dy(int x, int y) const { return dxdy[(static_cast<size_t>(y) * width + x) * 2 + 1]; }
};

// The flow from `from` to `to` (images of one size; colour is reduced to luminance): for every pixel of `from`,
// where it is in `to`. Throws atelier::Error for images of different sizes or empty ones.
Flow measure_flow(const Image& from, const Image& to);

// The flow measured on smaller copies of two frames, for the frames at width x height: resampled (bilinear) and
// its displacements scaled by the change of size.
Flow resize_flow(const Flow& flow, int width, int height);

// `image` seen through the flow of another frame: result(x, y) = image(x + dx, y + dy), bilinear, the border
// repeated outside. With the flow from frame t to frame t-1 this carries frame t-1's picture into frame t.
// The result has the flow's size; all four channels are warped.
Image warp(const Image& image, const Flow& flow);

// Per pixel of frame t, 1 where the picture warped from frame t-1 by `backward` (t -> t-1) can be trusted and 0
// where not: the forward flow `forward` (t-1 -> t) does not lead back (occlusion: |b + f(x + b)|^2 >
// 0.01 (|b|^2 + |f(x + b)|^2) + 0.5), a motion boundary (|grad b|^2 > 0.01 |b|^2 + 0.002), or the pixel comes
// from outside frame t-1. Ruder et al.'s tests, in pixels.
std::vector<float> reliable_mask(const Flow& backward, const Flow& forward);
// A mask of from_width x from_height resampled (bilinear: weights in [0,1] at the boundaries) to width x height.
std::vector<float> resize_mask(const std::vector<float>& mask, int from_width, int from_height, int width, int height);

}  // namespace atelier
