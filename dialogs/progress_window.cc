#include "dialogs/progress_window.h"

#include <libgimp/gimpui.h>

#include "dialogs/i18n.h"
#include "dialogs/pixbuf.h"

namespace atelier::dialogs {
namespace {

constexpr gint kResponseKeep = 1;

struct Flags {
  std::atomic<bool>* cancel;
  std::atomic<bool>* finish;
};

void on_response(GtkDialog* dialog, gint response, gpointer data) {
  const Flags* flags = static_cast<const Flags*>(data);
  if (response == kResponseKeep) {
    flags->finish->store(true);
    gtk_dialog_set_response_sensitive(dialog, kResponseKeep, FALSE);
  } else {
    flags->cancel->store(true);
  }
}

}  // namespace

ProgressWindow::ProgressWindow(const std::string& title, std::atomic<bool>* cancel, std::atomic<bool>* finish)
    : cancel_(cancel), finish_(finish) {
  window_ = gimp_dialog_new(title.c_str(), "neural-atelier-progress", nullptr, static_cast<GtkDialogFlags>(0), nullptr,
                            nullptr, _("Stop and _Keep"), kResponseKeep, _("_Cancel"), GTK_RESPONSE_CANCEL, nullptr);
  keep_button_ = gtk_dialog_get_widget_for_response(GTK_DIALOG(window_), kResponseKeep);
  gtk_widget_set_tooltip_text(keep_button_, _("End the run now and keep the result so far as the new layer"));
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
  // Below the bar, so that the buttons' places stay where they were until the first picture arrives.
  picture_ = gtk_image_new();
  gtk_box_pack_start(GTK_BOX(box), picture_, FALSE, FALSE, 0);

  // Cancel and closing the window cancel (GtkDialog turns delete-event into a response); Stop and Keep finishes.
  g_signal_connect_data(
      window_, "response", G_CALLBACK(on_response), new Flags{cancel_, finish_},
      +[](gpointer data, GClosure*) { delete static_cast<Flags*>(data); }, static_cast<GConnectFlags>(0));
  gimp_window_set_transient(GTK_WINDOW(window_));
  gtk_widget_show_all(window_);
  gtk_widget_hide(picture_);
}

ProgressWindow::~ProgressWindow() {
  gtk_widget_destroy(window_);
}

void ProgressWindow::update(double fraction, const std::string& message) {
  gtk_progress_bar_set_fraction(GTK_PROGRESS_BAR(bar_), fraction);
  if (cancel_->load())
    gtk_label_set_text(GTK_LABEL(label_), _("Cancelling…"));
  else if (finish_->load())
    gtk_label_set_text(GTK_LABEL(label_), _("Finishing with the result so far…"));
  else if (!message.empty())
    gtk_label_set_text(GTK_LABEL(label_), message.c_str());
}

void ProgressWindow::show_snapshot(const Image& picture) {
  GdkPixbuf* pixbuf = pixbuf_from_image(picture);
  if (!pixbuf) return;
  gtk_image_set_from_pixbuf(GTK_IMAGE(picture_), pixbuf);  // the image holds its own reference
  g_object_unref(pixbuf);
  gtk_widget_show(picture_);
}

}  // namespace atelier::dialogs
