#pragma once
// The dialog's preview: the filter run on a small copy of its input (Filter::preview), on a worker thread, shown
// beside the options. Live previews follow every change (after a short pause); the others run when the user
// presses Update Preview. Turning the preview off costs nothing.
#include <gtk/gtk.h>

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "core/image.h"
#include "dialogs/filter_thread.h"
#include "filters/filter.h"
#include "filters/params.h"

namespace atelier::dialogs {

// What the preview works on, prepared by the plug-in.
struct PreviewSource {
  Image input;                 // the region scaled to fit kPreviewSide
  std::pair<int, int> canvas;  // the canvas, scaled like the input
  // The images the values name (style files and layers), read on the main thread; throws atelier::Error.
  std::function<std::map<std::string, Image>(const ParamValues&)> load_files;
  // The whole region (RunContext::original, for a preview that prepares the run: PreviewPlan::prepares), read on
  // the main thread the first time one needs it; throws atelier::Error. Unset: such previews work on `input` alone
  // and prepare nothing.
  std::function<Image()> read_original;
};

class FilterPreview {
 public:
  // wait: while it returns true the preview does not start (the dialog's speed measurement: two LibTorch
  // computations at once on a CPU slow each other down many times, and the measurement would be wrong).
  FilterPreview(const Filter& filter, PreviewSource source, std::function<bool()> wait);
  ~FilterPreview();
  FilterPreview(const FilterPreview&) = delete;
  FilterPreview& operator=(const FilterPreview&) = delete;

  GtkWidget* widget() const { return box_; }
  // The dialog's values changed (or could not be read: nullptr).
  void values_changed(const ParamValues* values);
  // Whether a preview has done, for the run, the work these values' plan prepares (PreviewPlan::prepares; false
  // when it prepares nothing).
  bool prepared(const ParamValues& values) const;
  // Called (on the main thread) each time a preview has prepared work for other values than before.
  void on_prepared(std::function<void()> callback) { on_prepared_ = std::move(callback); }

 private:
  void schedule(guint delay_ms);
  void start();
  bool poll();
  void show_status(const std::string& text);

  const Filter& filter_;
  PreviewSource source_;
  std::function<bool()> wait_;
  std::unique_ptr<ParamValues> values_;  // the latest valid values
  std::unique_ptr<FilterThread> run_;
  std::string run_prepares_;               // what the current run prepares (empty: nothing)
  std::set<std::string> prepared_;         // what finished runs prepared
  std::shared_ptr<const Image> original_;  // read the first time a plan prepares
  std::function<void()> on_prepared_;
  bool rerun_ = false;  // values changed while a run was going
  guint debounce_ = 0, poll_ = 0;
  GtkWidget *box_, *toggle_, *image_, *status_, *update_;
};

}  // namespace atelier::dialogs
