#include "dialogs/filter_thread.h"

#include <chrono>
#include <exception>
#include <mutex>

#include "core/error.h"
#include "core/progress.h"
#include "models/model_library.h"

namespace atelier::dialogs {
namespace {

// How often a picture of the work in progress is offered: often enough to judge the work, rarely enough to cost
// nothing.
constexpr std::chrono::milliseconds kSnapshotInterval{1500};

}  // namespace

struct FilterThread::State {
  std::atomic<bool> cancel{false};
  std::atomic<bool> finish{false};
  std::atomic<bool> done{false};
  mutable std::mutex mutex;
  double fraction = 0;
  std::string message;
  Image snapshot;
  bool snapshot_new = false;
  FilterOutcome outcome;
};

FilterThread::FilterThread(const Filter& filter, Image input, ParamValues values, std::map<std::string, Image> files,
                           std::pair<int, int> canvas, int snapshot_side, FrameSequence* frames)
    : state_(std::make_shared<State>()) {
  worker_ = std::thread([state = state_, &filter, input = std::move(input), values = std::move(values),
                         files = std::move(files), canvas, snapshot_side, frames] {
    FilterOutcome& out = state->outcome;
    try {
      RunContext ctx;
      std::tie(ctx.canvas_width, ctx.canvas_height) = canvas;
      ctx.image_reader = [&files](const std::string& path) {
        auto it = files.find(path);
        if (it == files.end()) throw Error("internal error: the image '" + path + "' was not loaded beforehand");
        return it->second;
      };
      ctx.progress = Progress(
          [&state](double f, const std::string& m) {
            std::lock_guard<std::mutex> lock(state->mutex);
            state->fraction = f;
            if (!m.empty()) state->message = m;
          },
          &state->cancel);
      ctx.progress.with_finish(&state->finish);
      if (snapshot_side > 0)
        ctx.progress.with_snapshots(std::make_shared<SnapshotSink>(
            [&state](const Image& picture) {
              std::lock_guard<std::mutex> lock(state->mutex);
              state->snapshot = picture;
              state->snapshot_new = true;
            },
            kSnapshotInterval, snapshot_side));
      if (frames)
        out.frames_done = run_filter_frames(filter, *frames, values, ctx);
      else
        out.image = run_filter(filter, input, values, ctx);
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
    state->done.store(true);
  });
}

FilterThread::~FilterThread() {
  state_->cancel.store(true);
  if (worker_.joinable()) worker_.join();
}

bool FilterThread::done() const {
  return state_->done.load();
}
void FilterThread::cancel() {
  state_->cancel.store(true);
}
void FilterThread::finish() {
  state_->finish.store(true);
}
std::atomic<bool>* FilterThread::cancel_flag() {
  return &state_->cancel;
}
std::atomic<bool>* FilterThread::finish_flag() {
  return &state_->finish;
}

std::pair<double, std::string> FilterThread::progress() const {
  std::lock_guard<std::mutex> lock(state_->mutex);
  return {state_->fraction, state_->message};
}

Image FilterThread::take_snapshot() {
  std::lock_guard<std::mutex> lock(state_->mutex);
  if (!state_->snapshot_new) return Image();
  state_->snapshot_new = false;
  return std::move(state_->snapshot);
}

FilterOutcome FilterThread::take_outcome() {
  if (worker_.joinable()) worker_.join();
  return std::move(state_->outcome);
}

}  // namespace atelier::dialogs
