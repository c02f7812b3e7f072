#include "engine/frame_stylize.h"

#include <ATen/ATen.h>

#include <chrono>
#include <cmath>
#include <optional>
#include <string>
#include <tuple>
#include <utility>

#include "core/error.h"
#include "core/image_tensor.h"

namespace atelier {
namespace {

std::string size_text(const Image& image) {
  return std::to_string(image.width) + "x" + std::to_string(image.height);
}

Image resized(const Image& image, int width, int height) {
  if (image.width == width && image.height == height) return image;
  return tensor_to_image(resize(image_rgb_to_tensor(image), height, width),
                         resize(image_alpha_to_tensor(image), height, width));
}

std::string time_left(double seconds) {
  if (seconds < 90) return "about " + std::to_string(std::max(1L, std::lround(seconds))) + " s left";
  return "about " + std::to_string(std::lround(seconds / 60)) + " min left";
}

}  // namespace

TemporalTarget temporal_target(const Image& previous_frame, const Image& frame, const Image& previous_result) {
  const Flow backward = measure_flow(frame, previous_frame);
  const Flow forward = measure_flow(previous_frame, frame);
  std::vector<float> reliable = reliable_mask(backward, forward);
  // The flow must also explain the picture: where the previous input frame carried over differs from this one,
  // the flow is wrong there (a scene cut, a flash, something appearing), however consistent it is both ways.
  const Image carried = warp(previous_frame, backward);
  double trusted = 0;
  for (size_t i = 0; i < reliable.size(); ++i) {
    float difference = 0;
    for (int c = 0; c < 3; ++c) difference += std::abs(carried.rgba[i * 4 + c] - frame.rgba[i * 4 + c]);
    if (difference > 3 * kPhotometricTolerance) reliable[i] = 0;
    trusted += reliable[i];
  }
  const int w = previous_result.width, h = previous_result.height;
  TemporalTarget target{warp(previous_result, resize_flow(backward, w, h)),
                        resize_mask(reliable, frame.width, frame.height, w, h)};
  target.trusted_share = reliable.empty() ? 0 : trusted / static_cast<double>(reliable.size());
  return target;
}

Image blend_toward(const Image& styled, const TemporalTarget& target, double weight) {
  if (styled.width != target.picture.width || styled.height != target.picture.height)
    throw Error("internal error: the temporal target's size differs from the frame's");
  Image out = styled;
  const size_t pixels = static_cast<size_t>(styled.width) * styled.height;
  for (size_t i = 0; i < pixels; ++i) {
    const float w = static_cast<float>(weight) * target.reliable[i];
    for (int c = 0; c < 3; ++c)
      out.rgba[i * 4 + c] = (styled.rgba[i * 4 + c] + w * target.picture.rgba[i * 4 + c]) / (1 + w);
  }
  return out;
}

at::Tensor temporal_loss(const at::Tensor& image, const at::Tensor& target, const at::Tensor& reliable, double weight) {
  return ((image - target).pow(2) * reliable).mean() * (weight * kTemporalScale);
}

std::optional<double> warping_error(const Image& previous_frame, const Image& frame, const Image& previous_result,
                                    const Image& result) {
  const TemporalTarget t = temporal_target(previous_frame, frame, previous_result);
  if (t.trusted_share < kNewShotShare) return std::nullopt;
  double sum = 0;
  int64_t count = 0;
  for (size_t i = 0; i < t.reliable.size(); ++i) {
    if (t.reliable[i] <= 0) continue;
    for (int c = 0; c < 3; ++c) sum += std::abs(result.rgba[i * 4 + c] - t.picture.rgba[i * 4 + c]);
    count += 3;
  }
  return count > 0 ? sum / static_cast<double>(count) : 0.0;
}

int stylize_frames(FrameSequence& frames, const FrameStylizer& stylize, const FramesRun& run,
                   const Progress& progress) {
  const int total = run.max_frames > 0 ? std::min(run.max_frames, frames.count()) : frames.count();
  if (total <= 0) throw Error("there are no frames to stylise");
  // Progress in units of frames, the first weighted by its cost.
  const double units = run.first_frame_cost + (total - 1);
  auto start_of = [&](int t) { return t == 0 ? 0.0 : (run.first_frame_cost + (t - 1)) / units; };
  Image previous_frame, previous_result;
  int first_width = 0, first_height = 0;
  const auto t0 = std::chrono::steady_clock::now();
  int done = 0;
  for (int t = 0; t < total; ++t) {
    progress.check_cancel();
    const Image frame = frames.frame(t);
    if (frame.empty()) throw Error("frame " + std::to_string(t + 1) + " is empty");
    if (t == 0) std::tie(first_width, first_height) = std::pair(frame.width, frame.height);
    if (frame.width != first_width || frame.height != first_height)
      throw Error("frame " + std::to_string(t + 1) + " is " + size_text(frame) + " but the first is " +
                  std::to_string(first_width) + "x" + std::to_string(first_height) + ": all frames must have one size");
    const Image work = run.long_side > 0 ? resize_long_side(frame, run.long_side) : frame;
    const Image& input = run.full_size ? frame : work;

    std::string where = "frame " + std::to_string(t + 1) + "/" + std::to_string(total);
    if (t > 0) {
      const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      where += ", " + time_left(elapsed / start_of(t) * (1 - start_of(t)));
    }
    const Progress p = progress.sub(start_of(t), start_of(t + 1)).prefixed(where);
    Image result;
    if (t == 0 || !run.temporal) {
      result = stylize(input, nullptr, p);
    } else {
      p.report(0, "optical flow");
      const TemporalTarget target = temporal_target(previous_frame, work, previous_result);
      // A new shot: little of the previous result carries over, so the frame starts afresh as the first did.
      result = stylize(input, target.trusted_share >= kNewShotShare ? &target : nullptr, p);
    }
    if (result.width != input.width || result.height != input.height)
      throw Error("internal error: a stylised frame came back at another size");
    Image full = resized(result, frame.width, frame.height);
    for (size_t i = 3; i < full.rgba.size(); i += 4) full.rgba[i] = frame.rgba[i];
    frames.put(t, full);
    ++done;
    previous_frame = work;
    previous_result = std::move(result);
    if (progress.finishing()) break;
  }
  progress.report(1.0, "done: " + std::to_string(done) + " frames");
  return done;
}

}  // namespace atelier
