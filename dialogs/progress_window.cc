#include "dialogs/progress_window.h"

#include <libgimp/gimpui.h>

#include "dialogs/i18n.h"

namespace atelier::dialogs {

ProgressWindow::ProgressWindow(const std::string& title, std::atomic<bool>* cancel) : cancel_(cancel) {
  window_ = gimp_dialog_new(title.c_str(), "neural-atelier-progress", nullptr, static_cast<GtkDialogFlags>(0), nullptr,
                            nullptr, _("_Cancel"), GTK_RESPONSE_CANCEL, nullptr);
  gtk_window_set_default_size(GTK_WINDOW(window_), 360, -1);
  GtkWidget* box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 6);
  gtk_container_set_border_width(GTK_CONTAINER(box), 12);
  gtk_box_pack_start(GTK_BOX(gtk_dialog_get_content_area(GTK_DIALOG(window_))), box, TRUE, TRUE, 0);
  label_ = gtk_label_new(_("Starting…"));
  gtk_label_set_xalign(GTK_LABEL(label_), 0.0);
  gtk_box_pack_start(GTK_BOX(box), label_, FALSE, FALSE, 0);
  bar_ = gtk_progress_bar_new();
  gtk_progress_bar_set_show_text(GTK_PROGRESS_BAR(bar_), TRUE);
  gtk_box_pack_start(GTK_BOX(box), bar_, FALSE, FALSE, 0);

  // Both the Cancel button and closing the window cancel (GtkDialog turns delete-event into a response).
  g_signal_connect(window_, "response", G_CALLBACK(+[](GtkDialog*, gint, gpointer flag) {
                     static_cast<std::atomic<bool>*>(flag)->store(true);
                   }),
                   cancel_);
  gimp_window_set_transient(GTK_WINDOW(window_));
  gtk_widget_show_all(window_);
}

ProgressWindow::~ProgressWindow() {
  gtk_widget_destroy(window_);
}

void ProgressWindow::update(double fraction, const std::string& message) {
  gtk_progress_bar_set_fraction(GTK_PROGRESS_BAR(bar_), fraction);
  if (cancel_->load())
    gtk_label_set_text(GTK_LABEL(label_), _("Cancelling…"));
  else if (!message.empty())
    gtk_label_set_text(GTK_LABEL(label_), message.c_str());
}

}  // namespace atelier::dialogs
