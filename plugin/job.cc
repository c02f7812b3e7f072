#include "plugin/job.h"

#include <gtk/gtk.h>
#include <libgimp/gimp.h>

#include <atomic>
#include <chrono>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <tuple>
#include <utility>

#include "core/error.h"
#include "core/progress.h"
#include "dialogs/progress_window.h"
#include "plugin/i18n.h"

namespace atelier::plugin {
namespace {

struct Shared {
  std::atomic<bool> cancel{false};
  std::atomic<bool> finish{false};  // "Stop and Keep"
  std::atomic<bool> done{false};
  std::mutex mutex;
  double fraction = 0;
  std::string message;
  Image snapshot;  // the latest picture of the work in progress, until the main thread shows it
  bool snapshot_new = false;
};

// How often the progress window's picture changes: often enough to judge the work, rarely enough to cost nothing.
constexpr std::chrono::milliseconds kSnapshotInterval{1500};

void work(const Filter& filter, const Image& input, const ParamValues& values,
          const std::map<std::string, Image>& files, std::pair<int, int> canvas, bool snapshots, Shared& shared,
          JobResult& result) {
  try {
    RunContext ctx;
    std::tie(ctx.canvas_width, ctx.canvas_height) = canvas;
    ctx.image_reader = [&files](const std::string& path) {
      auto it = files.find(path);
      if (it == files.end()) throw Error("internal error: the image '" + path + "' was not loaded beforehand");
      return it->second;
    };
    ctx.progress = Progress(
        [&shared](double f, const std::string& m) {
          std::lock_guard<std::mutex> lock(shared.mutex);
          shared.fraction = f;
          if (!m.empty()) shared.message = m;
        },
        &shared.cancel);
    ctx.progress.with_finish(&shared.finish);
    if (snapshots)
      ctx.progress.with_snapshots(std::make_shared<SnapshotSink>(
          [&shared](const Image& picture) {
            std::lock_guard<std::mutex> lock(shared.mutex);
            shared.snapshot = picture;
            shared.snapshot_new = true;
          },
          kSnapshotInterval, dialogs::ProgressWindow::kSnapshotSide));
    result.image = run_filter(filter, input, values, ctx);
    result.status = JobResult::Status::kOk;
  } catch (const Cancelled&) {
    result.status = JobResult::Status::kCancelled;
  } catch (const OutOfMemory& e) {
    result.status = JobResult::Status::kOutOfMemory;
    result.message = e.what();
  } catch (const std::exception& e) {
    result.status = JobResult::Status::kFailed;
    result.message = user_message(e);
  } catch (...) {
    result.status = JobResult::Status::kFailed;
    result.message = "internal error (unknown exception)";
  }
  shared.done.store(true);
}

}  // namespace

JobResult run_job(const Filter& filter, const Image& input, const ParamValues& values,
                  const std::map<std::string, Image>& files, bool interactive, int canvas_width, int canvas_height) {
  Shared shared;
  JobResult result;
  std::unique_ptr<dialogs::ProgressWindow> window;
  if (interactive)
    window = std::make_unique<dialogs::ProgressWindow>(tr(filter.title), &shared.cancel, &shared.finish);
  gimp_progress_init(tr(filter.title));

  std::thread worker(work, std::cref(filter), std::cref(input), std::cref(values), std::cref(files),
                     std::make_pair(canvas_width, canvas_height), interactive, std::ref(shared), std::ref(result));
  double shown_fraction = -1;
  std::string shown_message;
  while (!shared.done.load()) {
    if (window)
      while (gtk_events_pending()) gtk_main_iteration();
    double fraction;
    std::string message;
    Image snapshot;
    {
      std::lock_guard<std::mutex> lock(shared.mutex);
      fraction = shared.fraction;
      message = shared.message;
      if (shared.snapshot_new) snapshot = std::move(shared.snapshot);
      shared.snapshot_new = false;
    }
    if (window && !snapshot.empty()) window->show_snapshot(snapshot);
    if (fraction != shown_fraction) gimp_progress_update(fraction);
    if (message != shown_message) gimp_progress_set_text(message.c_str());
    if (window) window->update(fraction, message);
    shown_fraction = fraction;
    shown_message = message;
    g_usleep(50000);
  }
  worker.join();
  gimp_progress_end();
  return result;
}

}  // namespace atelier::plugin
