#pragma once
// A small window with a progress bar and a Cancel button for interactive runs. GIMP's status-bar Cancel kills
// the plug-in outright, so this is the clean way to stop: Cancel (or closing the window) raises the flag that
// the engine checks once per iteration.
#include <gtk/gtk.h>

#include <atomic>
#include <string>

namespace atelier::dialogs {

class ProgressWindow {
 public:
  ProgressWindow(const std::string& title, std::atomic<bool>* cancel);
  ~ProgressWindow();
  ProgressWindow(const ProgressWindow&) = delete;
  ProgressWindow& operator=(const ProgressWindow&) = delete;

  void update(double fraction, const std::string& message);

 private:
  GtkWidget* window_ = nullptr;
  GtkWidget* bar_ = nullptr;
  GtkWidget* label_ = nullptr;
  std::atomic<bool>* cancel_;
};

}  // namespace atelier::dialogs
