#pragma once
// A filter running on a worker thread while the main thread keeps GIMP and GTK alive and polls it (libgimp and
// GTK are only ever touched from the main thread): the progress window's runs and the dialog's previews.
#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <utility>

#include "core/image.h"
#include "filters/filter.h"
#include "filters/params.h"

namespace atelier::dialogs {

struct FilterOutcome {
  enum class Status { kOk, kCancelled, kOutOfMemory, kFailed };
  Status status = Status::kFailed;
  Image image;
  std::string message;        // for kOutOfMemory / kFailed: what went wrong and what to do
  std::string missing_model;  // for kFailed: the model the run needs that is not installed, if that was why
  int frames_done = 0;        // a run over frames: how many were given to the host
};

class FilterThread {
 public:
  // files: the images of the File and Layer parameters, loaded beforehand on the main thread. canvas: the
  // image's size (RunContext::canvas_width/height). snapshot_side > 0: pictures of the work in progress, at most
  // that long, are offered (take_snapshot). frames set: the filter runs over these (run_filter_frames) instead of
  // on `input`; they must outlive the thread.
  FilterThread(const Filter& filter, Image input, ParamValues values, std::map<std::string, Image> files,
               std::pair<int, int> canvas, int snapshot_side = 0, FrameSequence* frames = nullptr);
  ~FilterThread();  // cancels and waits
  FilterThread(const FilterThread&) = delete;
  FilterThread& operator=(const FilterThread&) = delete;

  bool done() const;
  void cancel();
  void finish();  // "Stop and keep"
  std::atomic<bool>* cancel_flag();
  std::atomic<bool>* finish_flag();
  std::pair<double, std::string> progress() const;  // fraction of the whole run, the latest message
  Image take_snapshot();                            // the latest picture not taken yet; empty when none
  FilterOutcome take_outcome();                     // after done(): the result (waits for the thread)

 private:
  struct State;
  std::shared_ptr<State> state_;
  std::thread worker_;
};

}  // namespace atelier::dialogs
