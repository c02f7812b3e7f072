#include "dialogs/dialog_help.h"

#include <libgimp/gimpui.h>

#include "dialogs/i18n.h"

namespace atelier::dialogs {
namespace {

struct HelpPage {
  GtkWidget* dialog;
  std::string help_dir, page;
};

void show(const HelpPage& help) {
  const std::string path = help_page_path(help.help_dir, help.page);
  gchar* uri = g_filename_to_uri(path.c_str(), nullptr, nullptr);
  GError* error = nullptr;
  if (!uri || !gtk_show_uri_on_window(GTK_WINDOW(help.dialog), uri, GDK_CURRENT_TIME, &error)) {
    g_message(_("The help page could not be opened in a web browser (%s). Open it yourself: %s"),
              error ? error->message : _("no browser is set up for web pages"), path.c_str());
    if (error) g_error_free(error);
  }
  g_free(uri);
}

gboolean on_show_help(GtkWidget*, GtkWidgetHelpType, gpointer help) {
  show(*static_cast<const HelpPage*>(help));
  return TRUE;
}

void on_help_clicked(GtkButton*, gpointer help) {
  show(*static_cast<const HelpPage*>(help));
}

}  // namespace

std::string help_page_path(const std::string& help_dir, const std::string& page) {
  for (const gchar* const* lang = g_get_language_names(); *lang; ++lang) {
    const std::string folder = std::string(*lang) == "C" ? "en" : *lang;
    gchar* path = g_build_filename(help_dir.c_str(), folder.c_str(), (page + ".html").c_str(), nullptr);
    const std::string found = path;
    g_free(path);
    if (g_file_test(found.c_str(), G_FILE_TEST_IS_REGULAR)) return found;
  }
  gchar* path = g_build_filename(help_dir.c_str(), "en", (page + ".html").c_str(), nullptr);
  const std::string english = path;
  g_free(path);
  return english;
}

void route_help_to_our_pages(GtkWidget* dialog, const std::string& help_dir, const std::string& page) {
  auto* help = new HelpPage{dialog, help_dir, page};
  // F1: GimpDialog's handlers of "show-help" are blocked, ours answers instead.
  g_signal_handlers_block_matched(dialog, G_SIGNAL_MATCH_ID, g_signal_lookup("show-help", GTK_TYPE_WIDGET), 0, nullptr,
                                  nullptr, nullptr);
  g_signal_connect_data(
      dialog, "show-help", G_CALLBACK(on_show_help), help,
      +[](gpointer data, GClosure*) { delete static_cast<HelpPage*>(data); }, static_cast<GConnectFlags>(0));
  // The Help button: the same.
  if (GtkWidget* button = gtk_dialog_get_widget_for_response(GTK_DIALOG(dialog), GTK_RESPONSE_HELP)) {
    g_signal_handlers_block_matched(button, G_SIGNAL_MATCH_ID, g_signal_lookup("clicked", GTK_TYPE_BUTTON), 0, nullptr,
                                    nullptr, nullptr);
    g_signal_connect(button, "clicked", G_CALLBACK(on_help_clicked), help);
  }
}

}  // namespace atelier::dialogs
