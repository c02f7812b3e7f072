#pragma once
// Stylize Frames' engine: an animation stylised frame by frame, each frame pulled toward the previous result
// carried into it by the optical flow between the input frames, where that flow can be trusted (Ruder,
// Dosovitskiy, Brox 2016, "Artistic style transfer for videos"). Memory holds one frame and its predecessor,
// not the clip.
#include <ATen/core/Tensor.h>

#include <functional>
#include <optional>
#include <vector>

#include "core/frames.h"
#include "core/image.h"
#include "core/optical_flow.h"
#include "core/progress.h"

namespace atelier {

// The previous result carried into the current frame by the flow: `picture` of the current frame's size and,
// per pixel, the weight it can be trusted with: 1 where it can, 0 where not (reliable_mask; in between at the
// boundaries when the flow was measured at a smaller size).
struct TemporalTarget {
  Image picture;
  std::vector<float> reliable;
  double trusted_share = 0;  // the share of the frame's pixels trusted
};

// A pixel whose input differs from the previous input frame carried over by more than this (mean over RGB, 0-1)
// is not trusted, and a frame with less than kNewShotShare of its pixels trusted starts afresh (a scene cut).
inline constexpr double kPhotometricTolerance = 0.2, kNewShotShare = 0.3;

// Stylises one frame (at the working size, or at its own size: FramesRun::full_size); `target` is null for the
// first frame. Returns the size it was given.
using FrameStylizer = std::function<Image(const Image& frame, const TemporalTarget* target, const Progress& progress)>;

struct FramesRun {
  int long_side = 0;  // the working size's long side (0 = the frames' own size); results are scaled back
  // true: the stylizer gets each frame at its own size (Instant's network), the flow is still measured at the
  // working size and scaled up.
  bool full_size = false;
  int max_frames = 0;  // 0 = every frame
  // The share of the first frame in the time of a frame, for the progress estimate (Optimise: it starts from the
  // photo and gets more iterations).
  double first_frame_cost = 1.0;
  // false: every frame on its own (no flow is measured, the stylizer never gets a target).
  bool temporal = true;
};

// Reads the frames in order, stylises each (frame t with the target from t-1), gives each result (the frame's
// size, the frame's alpha) to frames.put() at once; a frame after a scene cut (kNewShotShare) gets no target.
// Frames must share one size. Progress: "frame 7/48, about 6
// min left: iteration 40/120". "Stop and keep" ends after the current frame. Returns the number of frames put.
int stylize_frames(FrameSequence& frames, const FrameStylizer& stylize, const FramesRun& run, const Progress& progress);

// The previous result carried into the current frame: the flow from the current input frame to the previous
// one warps the previous result; the flow both ways and the inputs (kPhotometricTolerance) give the mask. The two
// frames of one size; the previous result of that size or larger (the flow and the mask are scaled up to it).
TemporalTarget temporal_target(const Image& previous_frame, const Image& frame, const Image& previous_result);

// Instant's consistency, the exact minimum per pixel of |x - styled|^2 + weight m |x - target|^2:
// (styled + weight m target) / (1 + weight m). Alpha is styled's.
Image blend_toward(const Image& styled, const TemporalTarget& target, double weight);

// Optimise's temporal term (Ruder et al.'s short-term loss): weight times the mean over pixels and channels of
// m (image - target)^2, times kTemporalScale so that weight 1 balances the default content and style weights.
// image: [1,3,H,W]; target: the picture as [1,3,H,W] and the mask as [1,1,H,W] on image's device.
inline constexpr double kTemporalScale = 1000.0;
at::Tensor temporal_loss(const at::Tensor& image, const at::Tensor& target, const at::Tensor& reliable, double weight);

// The warping error of two consecutive results (the measure of flicker): `result` against `previous_result`
// carried into it by the flow of the input frames, the mean absolute difference over the RGB channels of the
// reliable pixels. Images of one size. Nothing across a scene cut (less than kNewShotShare of the pixels
// reliable): the two frames show different things, so no difference there is flicker.
std::optional<double> warping_error(const Image& previous_frame, const Image& frame, const Image& previous_result,
                                    const Image& result);

}  // namespace atelier
