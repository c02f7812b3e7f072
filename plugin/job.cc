#include "plugin/job.h"

#include <gtk/gtk.h>
#include <libgimp/gimp.h>

#include <chrono>
#include <memory>
#include <utility>

#include "dialogs/filter_thread.h"
#include "dialogs/progress_window.h"
#include "filters/cost.h"
#include "plugin/i18n.h"

namespace atelier::plugin {

FilterOutcome run_job(const Filter& filter, Image input, const ParamValues& values, std::map<std::string, Image> files,
                      bool interactive, int canvas_width, int canvas_height, LayerFrames* frames) {
  // The region the dialog estimated for (a filter over frames: the canvas, per frame).
  const int width = frames ? canvas_width : input.width, height = frames ? canvas_height : input.height;
  const auto start = std::chrono::steady_clock::now();
  dialogs::FilterThread run(filter, std::move(input), values, std::move(files), {canvas_width, canvas_height},
                            interactive ? dialogs::ProgressWindow::kSnapshotSide : 0, frames);
  std::unique_ptr<dialogs::ProgressWindow> window;
  if (interactive)
    window = std::make_unique<dialogs::ProgressWindow>(tr(filter.title), run.cancel_flag(), run.finish_flag());
  gimp_progress_init(tr(filter.title));

  double shown_fraction = -1;
  std::string shown_message;
  while (!run.done()) {
    if (frames) frames->serve();
    if (window)
      while (gtk_events_pending()) gtk_main_iteration();
    const auto [fraction, message] = run.progress();
    if (fraction != shown_fraction) gimp_progress_update(fraction);
    if (message != shown_message) gimp_progress_set_text(message.c_str());
    if (window) {
      window->update(fraction, message);
      const Image snapshot = run.take_snapshot();
      if (!snapshot.empty()) window->show_snapshot(snapshot);
    }
    shown_fraction = fraction;
    shown_message = message;
    g_usleep(frames ? 5000 : 50000);
  }
  FilterOutcome result = run.take_outcome();
  gimp_progress_end();
  // A run that ended by itself, without work kept from an earlier run, tells how far this machine's estimates are
  // off (the next dialogs correct for it).
  if (result.status == FilterOutcome::Status::kOk && !run.finish_flag()->load() && !result.reused_cached_work &&
      (!frames || result.frames_done > 0))
    record_finished_run(filter, values, width, height,
                        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
                        frames ? result.frames_done : 0);
  return result;
}

}  // namespace atelier::plugin
