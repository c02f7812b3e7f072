#pragma once
// A filter running as a core/background_task.h task while the main thread keeps GIMP and GTK alive and polls it
// (libgimp and GTK are only ever touched from the main thread): the progress window's runs and the dialog's
// previews.
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "core/background_task.h"
#include "core/image.h"
#include "filters/filter.h"
#include "filters/params.h"

namespace atelier::dialogs {

class FilterThread {
 public:
  // files: the images of the File and Layer parameters, loaded beforehand on the main thread. canvas: the
  // image's size (RunContext::canvas_width/height). snapshot_side > 0: pictures of the work in progress, at most
  // that long, are offered (take_snapshot). frames set: the filter runs over these (run_filter_frames) instead of
  // on `input`; they must outlive the thread. original: a preview's RunContext::original.
  FilterThread(const Filter& filter, Image input, ParamValues values, std::map<std::string, Image> files,
               std::pair<int, int> canvas, int snapshot_side = 0, FrameSequence* frames = nullptr,
               std::shared_ptr<const Image> original = nullptr);
  // Destroying it cancels the run and waits for it.

  bool done() const { return task_.done(); }
  void cancel() { task_.cancel(); }
  void finish() { task_.finish(); }  // "Stop and keep"
  std::atomic<bool>* cancel_flag() { return task_.cancel_flag(); }
  std::atomic<bool>* finish_flag() { return task_.finish_flag(); }
  std::pair<double, std::string> progress() const { return task_.progress(); }  // fraction, latest message
  Image take_snapshot();                                                        // the latest not taken; or empty
  FilterOutcome take_outcome() { return task_.take(); }  // after done(): the result (waits for the thread)

 private:
  struct Snapshot {
    std::mutex mutex;
    Image picture;
    bool fresh = false;
  };
  std::shared_ptr<Snapshot> snapshot_ = std::make_shared<Snapshot>();
  BackgroundTask<FilterOutcome> task_;  // last: stopped before the rest goes
};

}  // namespace atelier::dialogs
