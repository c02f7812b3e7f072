#include "dialogs/filter_thread.h"

#include <chrono>
#include <tuple>

#include "core/cache_dir.h"
#include "core/error.h"
#include "core/progress.h"

namespace atelier::dialogs {
namespace {

// How often a picture of the work in progress is offered: often enough to judge the work, rarely enough to cost
// nothing.
constexpr std::chrono::milliseconds kSnapshotInterval{1500};

}  // namespace

FilterThread::FilterThread(const Filter& filter, Image input, ParamValues values, std::map<std::string, Image> files,
                           std::pair<int, int> canvas, int snapshot_side, FrameSequence* frames,
                           std::shared_ptr<const Image> original)
    : task_(
          [&filter, input = std::move(input), values = std::move(values), files = std::move(files), canvas, frames,
           original = std::move(original)](const Progress& progress) {
            return run_for_outcome([&](FilterOutcome& out) {
              RunContext ctx;
              std::tie(ctx.canvas_width, ctx.canvas_height) = canvas;
              ctx.image_reader = [&files](const std::string& path) {
                auto it = files.find(path);
                if (it == files.end())
                  throw Error("internal error: the image '" + path + "' was not loaded beforehand");
                return it->second;
              };
              ctx.progress = progress;
              ctx.cache_dir = user_cache_dir();
              ctx.on_cached_work = [&out] { out.reused_cached_work = true; };
              ctx.original = original.get();
              if (frames)
                out.frames_done = run_filter_frames(filter, *frames, values, ctx);
              else
                out.image = run_filter(filter, input, values, ctx);
            });
          },
          [snapshot = snapshot_, snapshot_side](Progress& progress) {
            if (snapshot_side <= 0) return;
            progress.with_snapshots(std::make_shared<SnapshotSink>(
                [snapshot](const Image& picture) {
                  std::lock_guard<std::mutex> lock(snapshot->mutex);
                  snapshot->picture = picture;
                  snapshot->fresh = true;
                },
                kSnapshotInterval, snapshot_side));
          }) {}

Image FilterThread::take_snapshot() {
  std::lock_guard<std::mutex> lock(snapshot_->mutex);
  if (!snapshot_->fresh) return Image();
  snapshot_->fresh = false;
  return std::move(snapshot_->picture);
}

}  // namespace atelier::dialogs
