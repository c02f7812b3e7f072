#pragma once
// A small window with a progress bar, a picture of the work in progress and the buttons Stop and Keep and Cancel
// for interactive runs. GIMP's status-bar Cancel kills the plug-in outright, so this is the clean way to stop:
// Cancel (or closing the window) raises the cancel flag that the engine checks once per iteration; Stop and Keep
// raises the finish flag, after which the run ends at its next step with the result so far.
#include <gtk/gtk.h>

#include <atomic>
#include <string>

#include "core/image.h"

namespace atelier::dialogs {

class ProgressWindow {
 public:
  ProgressWindow(const std::string& title, std::atomic<bool>* cancel, std::atomic<bool>* finish);
  ~ProgressWindow();
  ProgressWindow(const ProgressWindow&) = delete;
  ProgressWindow& operator=(const ProgressWindow&) = delete;

  void update(double fraction, const std::string& message);
  // The work in progress (any size; shown as it is, so the engine scales it to kSnapshotSide).
  void show_snapshot(const Image& picture);
  static constexpr int kSnapshotSide = 320;

 private:
  GtkWidget* window_ = nullptr;
  GtkWidget* bar_ = nullptr;
  GtkWidget* label_ = nullptr;
  GtkWidget* picture_ = nullptr;
  GtkWidget* keep_button_ = nullptr;
  std::atomic<bool>* cancel_;
  std::atomic<bool>* finish_;
};

}  // namespace atelier::dialogs
