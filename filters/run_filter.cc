// run_filter(): what every filter run needs around the filter's own work, in one place (and check_result()).
#include <cmath>
#include <string>
#include <tuple>

#include "core/device.h"
#include "core/error.h"
#include "filters/filter.h"
#include "filters/out_of_memory.h"
#include "models/model_library.h"

namespace atelier {
namespace {

std::string device_choice(const Filter& filter, const ParamValues& values) {
  for (const ParamSpec& s : filter.params)
    if (s.role == ParamRole::kDevice) return values.get_text(s.name);
  return "auto";
}

}  // namespace

FilterOutcome run_for_outcome(const std::function<void(FilterOutcome&)>& run) {
  FilterOutcome out;
  try {
    run(out);
    out.status = FilterOutcome::Status::kOk;
  } catch (const Cancelled&) {
    out.status = FilterOutcome::Status::kCancelled;
  } catch (const OutOfMemory& e) {
    out.status = FilterOutcome::Status::kOutOfMemory;
    out.message = e.what();
  } catch (const std::exception& e) {
    out.status = FilterOutcome::Status::kFailed;
    out.message = user_message(e);
    if (const auto* missing = dynamic_cast<const ModelMissing*>(&e)) out.missing_model = missing->model;
  } catch (...) {
    out.status = FilterOutcome::Status::kFailed;
    out.message = "internal error (unknown exception)";
  }
  return out;
}

std::optional<c10::Device> available_device(const std::string& choice) {
  try {
    return select_device(choice);
  } catch (const Error&) {
    return std::nullopt;
  }
}

namespace {

std::string size_text(int width, int height) {
  return std::to_string(width) + "x" + std::to_string(height);
}
std::string size_text(const Image& image) {
  return size_text(image.width, image.height);
}

}  // namespace

std::string out_of_memory_message(const Filter& filter, const c10::Device& device, int width, int height) {
  std::string message = filter.title + ": not enough memory on " + device_description(device) + " for a " +
                        size_text(width, height) + " image";
  if (!filter.out_of_memory_advice.empty()) message += "; " + filter.out_of_memory_advice;
  if (device.is_cuda())
    message += std::string(filter.out_of_memory_advice.empty() ? "; " : "; else ") +
               "choose the CPU as the device, which computes in the computer's memory";
  return message;
}

std::pair<int, int> expected_result_size(const Filter& filter, const ParamValues& values, const Image& input,
                                         int canvas_width, int canvas_height) {
  if (!filter.result_size) return {input.width, input.height};
  const auto [w, h] = filter.result_size(values, canvas_width > 0 ? canvas_width : input.width,
                                         canvas_height > 0 ? canvas_height : input.height);
  if (w <= 0 || h <= 0)
    throw Error(filter.title + ": the result would be empty (" + size_text(w, h) + "); give its width and height");
  return {w, h};
}

void check_result(const Filter& filter, std::pair<int, int> input_size, const Image& result,
                  std::pair<int, int> expected) {
  if (expected.first <= 0) expected = input_size;
  if (result.width != expected.first || result.height != expected.second ||
      result.rgba.size() != static_cast<size_t>(expected.first) * expected.second * 4)
    throw Error("internal error: " + filter.name + " returned " + size_text(result) + " instead of " +
                size_text(expected.first, expected.second) + " for a " +
                size_text(input_size.first, input_size.second) + " input; please report this");
  for (float v : result.rgba)
    if (!std::isfinite(v))
      throw Error(filter.title +
                  " produced an invalid image (NaN or infinite values), so nothing was written. The "
                  "model's weights may be damaged (check with 'atelier models verify', or install the model again), "
                  "or the settings made the computation diverge: try a smaller step size or learning rate.");
}

namespace {

// What every run needs around the filter's own work: the model library, the device from the filter's device
// parameter, and out-of-memory conditions translated into OutOfMemory naming the size, the device and the
// filter's advice (width and height as they are when it happens: a clip's current frame).
template <typename Work>
auto with_run_context(const Filter& filter, const ParamValues& values, const RunContext& host, const int& width,
                      const int& height, Work work) {
  RunContext ctx = host;
  ModelLibrary default_library;
  if (!ctx.library) ctx.library = &default_library;
  ctx.device = select_device(device_choice(filter, values));
  try {
    return work(ctx);
  } catch (const Error&) {
    throw;  // the filter's own message (including an OutOfMemory it found before allocating)
  } catch (const std::exception& e) {
    if (!is_out_of_memory(e)) throw;
    throw OutOfMemory(out_of_memory_message(filter, ctx.device, width, height));
  }
}

// The host's frames, each result checked before the host gets it.
class CheckedFrames : public FrameSequence {
 public:
  CheckedFrames(const Filter& filter, FrameSequence& frames) : filter_(filter), frames_(frames) {}
  int count() const override { return frames_.count(); }
  Image frame(int index) override {
    Image f = frames_.frame(index);
    width_ = f.width;
    height_ = f.height;
    last_ = index;
    return f;
  }
  void put(int index, const Image& result) override {
    if (index == last_) check_result(filter_, {width_, height_}, result);
    frames_.put(index, result);
  }
  int width_ = 0, height_ = 0;  // the current frame's

 private:
  const Filter& filter_;
  FrameSequence& frames_;
  int last_ = -1;
};

}  // namespace

Image run_filter(const Filter& filter, const Image& input, const ParamValues& values, const RunContext& host) {
  if (input.rgba.size() != static_cast<size_t>(input.width) * input.height * 4 ||
      (input.empty() && !filter.result_size && !filter.makes_model))
    throw Error(filter.title + ": the input image is empty; select a layer (or an area) with pixels");
  const auto [width, height] = expected_result_size(filter, values, input, host.canvas_width, host.canvas_height);
  Image result = with_run_context(filter, values, host, width, height, [&](RunContext& ctx) {
    ctx.result_width = width;
    ctx.result_height = height;
    return filter.run(input, values, ctx);
  });
  if (!filter.result_size && result.rgba.size() == input.rgba.size())
    for (size_t i = 3; i < result.rgba.size(); i += 4) result.rgba[i] = input.rgba[i];
  if (!(filter.makes_model && input.empty() && result.empty()))
    check_result(filter, {input.width, input.height}, result, {width, height});
  host.progress.report(1.0, "done");
  return result;
}

int run_filter_frames(const Filter& filter, FrameSequence& frames, const ParamValues& values, const RunContext& host) {
  if (!filter.run_frames) throw Error("internal error: " + filter.name + " does not work on frames");
  if (frames.count() <= 0) throw Error(filter.title + ": there are no frames");
  CheckedFrames checked(filter, frames);
  const int done = with_run_context(filter, values, host, checked.width_, checked.height_,
                                    [&](RunContext& ctx) { return filter.run_frames(checked, values, ctx); });
  host.progress.report(1.0, "done");
  return done;
}

}  // namespace atelier
