#include "dialogs/model_manager.h"

#include <libgimp/gimpui.h>

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <utility>

#include "core/background_task.h"
#include "core/error.h"
#include "core/progress.h"
#include "dialogs/i18n.h"
#include "models/model_library.h"

namespace atelier::dialogs {
namespace {

enum Column { kColName, kColKind, kColState, kColSize, kColLicence, kColSource, kColCount };

std::string printf_string(const char* format, const std::string& arg) {
  gchar* s = g_strdup_printf(format, arg.c_str());
  std::string out = s;
  g_free(s);
  return out;
}

// Install, Verify and Import run in the background (a download, a conversion, the checksum of 500 MB); the
// window polls the task and stays responsive. The work returns what to say when it is done.
using LibraryTask = BackgroundTask<std::string>;

// Whether a finished task succeeded, and what to say.
std::pair<bool, std::string> task_result(LibraryTask& task) {
  try {
    return {true, task.take()};
  } catch (const Cancelled&) {
    return {false, _("Cancelled; the model library is as it was.")};
  } catch (const std::exception& e) {
    return {false, user_message(e)};
  }
}

struct Manager {
  std::string dir;  // the library's folder
  GtkWidget* dialog = nullptr;
  GtkWidget* view = nullptr;
  GtkListStore* store = nullptr;  // owned by the view
  GtkWidget* details = nullptr;
  GtkWidget* install = nullptr;
  GtkWidget* verify = nullptr;
  GtkWidget* remove = nullptr;
  GtkWidget* import = nullptr;
  GtkWidget* bar = nullptr;
  GtkWidget* status = nullptr;
  GtkWidget* cancel = nullptr;
  std::unique_ptr<LibraryTask> task;
  std::string task_model;                   // the model the task works on, selected again when it ends
  std::function<void(Manager&)> task_done;  // runs on the main thread when the task has ended
  bool close_when_done = false;
  std::map<std::string, VerifyStatus> verified;  // this window's checks
};

const char* kind_label(ModelKind kind) {
  switch (kind) {
    case ModelKind::Feature: return _("Feature network");
    case ModelKind::FastStyle: return _("Instant style");
    case ModelKind::ArbitraryStyle: return _("Arbitrary style");
    case ModelKind::TextureNet: return _("Texture generator");
  }
  return "";
}

// The file a run reads for the model: the library's copy, else the one the program ships (read in place); "" when
// neither exists.
std::string usable_file(const ModelLibrary& library, const std::string& name) {
  return library.installed(name) ? library.file_path(name) : bundled_file(library.info(name));
}

std::string state_label(const Manager& m, const ModelLibrary& library, const std::string& name) {
  if (!library.installed(name))
    return bundled_file(library.info(name)).empty() ? _("Not installed") : _("Ready (comes with the program)");
  const auto it = m.verified.find(name);
  if (it == m.verified.end()) return _("Installed");
  switch (it->second) {
    case VerifyStatus::Ok: return _("Installed, verified");
    case VerifyStatus::NotPinned: return _("Installed (no checksum to verify)");
    case VerifyStatus::Mismatch: return _("Damaged: install it again");
    case VerifyStatus::Missing: break;
  }
  return _("Not installed");
}

std::string file_size(const std::string& path) {
  std::error_code ec;
  const auto bytes = std::filesystem::file_size(path, ec);
  if (ec) return "";
  gchar* s = g_format_size(bytes);
  std::string out = s;
  g_free(s);
  return out;
}

std::string selected_name(const Manager& m) {
  GtkTreeModel* model = nullptr;
  GtkTreeIter iter;
  if (!gtk_tree_selection_get_selected(gtk_tree_view_get_selection(GTK_TREE_VIEW(m.view)), &model, &iter)) return "";
  gchar* name = nullptr;
  gtk_tree_model_get(model, &iter, kColName, &name, -1);
  std::string out = name ? name : "";
  g_free(name);
  return out;
}

void set_status(Manager& m, const std::string& text) {
  gtk_label_set_text(GTK_LABEL(m.status), text.c_str());
}

// The progress bar and Stop keep their place while nothing runs (transparent), so that nothing jumps.
void show_progress(Manager& m, bool running, bool stoppable) {
  gtk_widget_set_opacity(m.bar, running ? 1 : 0);
  gtk_widget_set_opacity(m.cancel, running && stoppable ? 1 : 0);
  gtk_widget_set_sensitive(m.cancel, running && stoppable);
}

// The buttons that apply to the selected model, the details below the list.
void update_selection(Manager& m) {
  const std::string name = selected_name(m);
  const bool busy = static_cast<bool>(m.task);
  bool installable = false, installed = false, damaged = false;
  std::string details;
  if (!name.empty()) {
    try {
      const ModelLibrary library(m.dir);
      const ModelInfo& info = library.info(name);
      installed = library.installed(name);
      const std::string file = usable_file(library, name);
      // A bundled network needs no copy in the library (runs read it where the program keeps it); Install makes
      // one all the same, for a library that travels.
      installable = info.installable;
      const auto it = m.verified.find(name);
      damaged = it != m.verified.end() && it->second == VerifyStatus::Mismatch;
      gchar* text = g_markup_printf_escaped(
          "<b>%s</b>: %s\n%s %s\n%s %s\n%s %s", name.c_str(), info.description.c_str(),
          !file.empty() ? _("File:") : _("To install:"),
          !file.empty() ? (file + " (" + file_size(file) + ")").c_str()
                        : (installable ? _("click Install") : library.how_to_install(name).c_str()),
          _("Source:"), info.source.c_str(), _("Licence:"), info.licence.c_str());
      details = text;
      g_free(text);
    } catch (const Error& e) {
      gchar* text = g_markup_escape_text(e.what(), -1);
      details = text;
      g_free(text);
    }
  }
  gtk_label_set_markup(GTK_LABEL(m.details), details.c_str());
  gtk_widget_set_sensitive(m.install, !busy && installable && (!installed || damaged));
  gtk_widget_set_sensitive(m.verify, !busy && installed);
  gtk_widget_set_sensitive(m.remove, !busy && installed);
  gtk_widget_set_sensitive(m.import, !busy);
}

// Fills the list from the library on disk and selects `select` (else the first row).
void refresh(Manager& m, const std::string& select) {
  gtk_list_store_clear(m.store);
  try {
    const ModelLibrary library(m.dir);
    GtkTreeIter chosen;
    bool have_choice = false;
    for (const ModelInfo& info : library.known()) {
      GtkTreeIter iter;
      gtk_list_store_append(m.store, &iter);
      const std::string file = usable_file(library, info.name);
      gtk_list_store_set(m.store, &iter, kColName, info.name.c_str(), kColKind, kind_label(info.kind), kColState,
                         state_label(m, library, info.name).c_str(), kColSize,
                         file.empty() ? "" : file_size(file).c_str(), kColLicence, info.licence.c_str(), kColSource,
                         info.source.c_str(), -1);
      if (!have_choice || info.name == select) chosen = iter;
      have_choice = true;
    }
    if (gtk_tree_model_iter_n_children(GTK_TREE_MODEL(m.store), nullptr) > 0) {
      GtkTreeSelection* selection = gtk_tree_view_get_selection(GTK_TREE_VIEW(m.view));
      gtk_tree_selection_select_iter(selection, &chosen);
      GtkTreePath* path = gtk_tree_model_get_path(GTK_TREE_MODEL(m.store), &chosen);
      gtk_tree_view_scroll_to_cell(GTK_TREE_VIEW(m.view), path, nullptr, FALSE, 0, 0);
      gtk_tree_path_free(path);
    }
  } catch (const Error& e) {
    set_status(m, e.what());
  }
  update_selection(m);
}

gboolean poll_task(gpointer data) {
  Manager& m = *static_cast<Manager*>(data);
  if (!m.task) return G_SOURCE_CONTINUE;
  const auto [fraction, message] = m.task->progress(kUnknownFraction);
  if (fraction < 0)
    gtk_progress_bar_pulse(GTK_PROGRESS_BAR(m.bar));
  else
    gtk_progress_bar_set_fraction(GTK_PROGRESS_BAR(m.bar), fraction);
  if (!m.close_when_done && !message.empty()) set_status(m, message);
  if (!m.task->done()) return G_SOURCE_CONTINUE;
  const auto [ok, result] = task_result(*m.task);
  m.task.reset();
  if (ok && m.task_done) m.task_done(m);
  m.task_done = nullptr;
  show_progress(m, false, false);
  set_status(m, result);
  refresh(m, m.task_model);
  if (m.close_when_done) gtk_dialog_response(GTK_DIALOG(m.dialog), GTK_RESPONSE_CLOSE);
  return G_SOURCE_CONTINUE;
}

void start_task(Manager& m, const std::string& model, const std::string& what, bool cancellable, LibraryTask::Work work,
                std::function<void(Manager&)> done = nullptr) {
  m.task_model = model;
  m.task_done = std::move(done);
  set_status(m, what);
  gtk_progress_bar_set_fraction(GTK_PROGRESS_BAR(m.bar), 0);
  show_progress(m, true, cancellable);
  m.task = std::make_unique<LibraryTask>(std::move(work));
  update_selection(m);
}

void on_install(GtkButton*, gpointer data) {
  Manager& m = *static_cast<Manager*>(data);
  const std::string name = selected_name(m);
  if (name.empty()) return;
  m.verified.erase(name);
  start_task(m, name, printf_string(_("Installing %s…"), name), true, [dir = m.dir, name](const Progress& progress) {
    ModelLibrary library(dir);
    install_model(library, name, [](const std::string&) {}, progress);
    return printf_string(_("Installed %s."), name);
  });
}

void on_verify(GtkButton*, gpointer data) {
  Manager& m = *static_cast<Manager*>(data);
  const std::string name = selected_name(m);
  if (name.empty()) return;
  m.verified.erase(name);
  auto outcome = std::make_shared<Verification>();
  start_task(
      m, name, printf_string(_("Verifying %s…"), name), false,
      [dir = m.dir, name, outcome](const Progress&) {
        *outcome = verify_model(ModelLibrary(dir), name);
        switch (outcome->status) {
          case VerifyStatus::Ok: return printf_string(_("%s is intact: its checksum matches."), name);
          case VerifyStatus::NotPinned: return printf_string(_("%s has no published checksum to compare with."), name);
          case VerifyStatus::Mismatch:
            return printf_string(_("%s is damaged (its checksum does not match): install it again."), name);
          case VerifyStatus::Missing: break;
        }
        return printf_string(_("%s is not installed."), name);
      },
      [name, outcome](Manager& manager) { manager.verified[name] = outcome->status; });
}

void on_remove(GtkButton*, gpointer data) {
  Manager& m = *static_cast<Manager*>(data);
  const std::string name = selected_name(m);
  if (name.empty()) return;
  std::string again;
  try {
    const ModelLibrary library(m.dir);
    again = library.info(name).installable ? _("You can install it again here.")
                                           : _("It was imported or trained: it leaves the list, and only importing "
                                               "or training it again brings it back.");
  } catch (const Error&) {
  }
  GtkWidget* ask = gtk_message_dialog_new(GTK_WINDOW(m.dialog), GTK_DIALOG_MODAL, GTK_MESSAGE_QUESTION,
                                          GTK_BUTTONS_NONE, _("Remove the model “%s”?"), name.c_str());
  gtk_message_dialog_format_secondary_text(GTK_MESSAGE_DIALOG(ask), "%s %s",
                                           _("Its file is deleted from the model library."), again.c_str());
  gtk_dialog_add_buttons(GTK_DIALOG(ask), _("_Cancel"), GTK_RESPONSE_CANCEL, _("_Remove"), GTK_RESPONSE_ACCEPT,
                         nullptr);
  const gint response = gtk_dialog_run(GTK_DIALOG(ask));
  gtk_widget_destroy(ask);
  if (response != GTK_RESPONSE_ACCEPT) return;
  try {
    ModelLibrary library(m.dir);
    remove_model(library, name, [](const std::string&) {});
    m.verified.erase(name);
    set_status(m, printf_string(_("Removed %s."), name));
  } catch (const Error& e) {
    set_status(m, e.what());
  }
  refresh(m, name);
}

struct ImportRequest {
  std::string kind, path, name;
};

void update_import_kind(GtkComboBox* kind, gpointer data) {
  GtkWidget* dialog = static_cast<GtkWidget*>(data);
  auto* chooser = GTK_FILE_CHOOSER(g_object_get_data(G_OBJECT(dialog), "chooser"));
  auto* name = GTK_WIDGET(g_object_get_data(G_OBJECT(dialog), "name"));
  const bool style = gtk_combo_box_get_active(kind) == 1;
  gtk_file_chooser_set_action(chooser, style ? GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER : GTK_FILE_CHOOSER_ACTION_OPEN);
  gtk_widget_set_sensitive(name, style);
}

// Asks what to import (torchvision's VGG-19 file or a fast-style folder) and from where.
bool ask_import(GtkWindow* parent, ImportRequest* request) {
  GtkWidget* dialog =
      gimp_dialog_new(_("Import a Model"), "neural-atelier-import", GTK_WIDGET(parent), GTK_DIALOG_MODAL, nullptr,
                      nullptr, _("_Cancel"), GTK_RESPONSE_CANCEL, _("_Import"), GTK_RESPONSE_OK, nullptr);
  GtkWidget* grid = gtk_grid_new();
  gtk_grid_set_row_spacing(GTK_GRID(grid), 6);
  gtk_grid_set_column_spacing(GTK_GRID(grid), 12);
  gtk_container_set_border_width(GTK_CONTAINER(grid), 12);
  gtk_box_pack_start(GTK_BOX(gtk_dialog_get_content_area(GTK_DIALOG(dialog))), grid, TRUE, TRUE, 0);
  GtkWidget* kind = gtk_combo_box_text_new();
  gtk_combo_box_text_append_text(GTK_COMBO_BOX_TEXT(kind), _("VGG-19 weights (torchvision's vgg19-dcbb9e9d.pth)"));
  gtk_combo_box_text_append_text(GTK_COMBO_BOX_TEXT(kind),
                                 _("Instant style network (a fast-style folder with manifest.json)"));
  GtkWidget* chooser = gtk_file_chooser_button_new(_("Choose the model"), GTK_FILE_CHOOSER_ACTION_OPEN);
  GtkWidget* name = gtk_entry_new();
  gtk_entry_set_placeholder_text(GTK_ENTRY(name), _("the folder's name"));
  g_object_set_data(G_OBJECT(dialog), "chooser", chooser);
  g_object_set_data(G_OBJECT(dialog), "name", name);
  g_signal_connect(kind, "changed", G_CALLBACK(update_import_kind), dialog);
  gtk_combo_box_set_active(GTK_COMBO_BOX(kind), 0);
  GtkWidget* error = gtk_label_new("");
  gtk_label_set_xalign(GTK_LABEL(error), 0);
  gtk_label_set_line_wrap(GTK_LABEL(error), TRUE);
  int row = 0;
  for (auto [label, widget] :
       {std::pair<const char*, GtkWidget*>{_("_Kind:"), kind}, {_("_From:"), chooser}, {_("_Name:"), name}}) {
    GtkWidget* l = gtk_label_new_with_mnemonic(label);
    gtk_label_set_mnemonic_widget(GTK_LABEL(l), widget);
    gtk_label_set_xalign(GTK_LABEL(l), 0);
    gtk_widget_set_hexpand(widget, TRUE);
    gtk_grid_attach(GTK_GRID(grid), l, 0, row, 1, 1);
    gtk_grid_attach(GTK_GRID(grid), widget, 1, row++, 1, 1);
  }
  gtk_grid_attach(GTK_GRID(grid), error, 0, row, 2, 1);
  gtk_widget_show_all(dialog);
  bool ok = false;
  while (gimp_dialog_run(GIMP_DIALOG(dialog)) == GTK_RESPONSE_OK) {
    gchar* path = gtk_file_chooser_get_filename(GTK_FILE_CHOOSER(chooser));
    request->path = path ? path : "";
    g_free(path);
    request->kind = gtk_combo_box_get_active(GTK_COMBO_BOX(kind)) == 1 ? "fast-style" : "vgg19";
    // A style's name in the library: the one typed, else the folder's.
    request->name = request->kind == "fast-style" ? gtk_entry_get_text(GTK_ENTRY(name)) : "";
    if (request->kind == "fast-style" && request->name.empty())
      request->name = std::filesystem::path(request->path).filename().string();
    if (request->path.empty()) {
      gtk_label_set_text(GTK_LABEL(error), _("Choose the file or folder to import."));
    } else if (request->kind == "fast-style" && !valid_model_name(request->name)) {
      gtk_label_set_text(GTK_LABEL(error), _("The name may only use letters, digits, '_', '-' and '.': type one "
                                             "under Name."));
    } else {
      ok = true;
      break;
    }
  }
  gtk_widget_destroy(dialog);
  return ok;
}

void on_import(GtkButton*, gpointer data) {
  Manager& m = *static_cast<Manager*>(data);
  ImportRequest request;
  if (!ask_import(GTK_WINDOW(m.dialog), &request)) return;
  start_task(m, request.kind == "vgg19" ? std::string("vgg19") : model_name(ModelKind::FastStyle, request.name),
             printf_string(_("Importing %s…"), request.path), false, [dir = m.dir, request](const Progress&) {
               ModelLibrary library(dir);
               const std::string name =
                   import_model(library, request.kind, request.path, request.name, [](const std::string&) {});
               return printf_string(_("Imported %s."), name);
             });
}

void on_cancel(GtkButton*, gpointer data) {
  Manager& m = *static_cast<Manager*>(data);
  if (m.task) m.task->cancel();
  set_status(m, _("Cancelling…"));
}

GtkWidget* add_column(GtkWidget* view, const char* title, int column, bool expand) {
  GtkCellRenderer* cell = gtk_cell_renderer_text_new();
  if (expand) g_object_set(cell, "ellipsize", PANGO_ELLIPSIZE_END, nullptr);
  GtkTreeViewColumn* c = gtk_tree_view_column_new_with_attributes(title, cell, "text", column, nullptr);
  gtk_tree_view_column_set_resizable(c, TRUE);
  gtk_tree_view_column_set_expand(c, expand);
  gtk_tree_view_column_set_sort_column_id(c, column);
  gtk_tree_view_append_column(GTK_TREE_VIEW(view), c);
  return view;
}

GtkWidget* button(const char* label, GCallback on_click, Manager* m) {
  GtkWidget* b = gtk_button_new_with_mnemonic(label);
  g_signal_connect(b, "clicked", on_click, m);
  return b;
}

// A left-aligned, wrapping, selectable (paths, error messages) text at the end of `box`.
GtkWidget* add_text(GtkWidget* box, const std::string& text) {
  GtkWidget* label = gtk_label_new(text.c_str());
  gtk_label_set_xalign(GTK_LABEL(label), 0);
  gtk_label_set_line_wrap(GTK_LABEL(label), TRUE);
  gtk_label_set_selectable(GTK_LABEL(label), TRUE);
  gtk_box_pack_start(GTK_BOX(box), label, FALSE, FALSE, 0);
  return label;
}

void build(Manager& m) {
  m.dialog =
      gimp_dialog_new(_("Neural Atelier Models"), "neural-atelier-models", nullptr, static_cast<GtkDialogFlags>(0),
                      nullptr, nullptr, _("_Close"), GTK_RESPONSE_CLOSE, nullptr);
  gtk_window_set_default_size(GTK_WINDOW(m.dialog), 900, 560);
  GtkWidget* box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 8);
  gtk_container_set_border_width(GTK_CONTAINER(box), 12);
  gtk_box_pack_start(GTK_BOX(gtk_dialog_get_content_area(GTK_DIALOG(m.dialog))), box, TRUE, TRUE, 0);

  add_text(box, printf_string(_("Model library: %s"), m.dir));

  m.store = gtk_list_store_new(kColCount, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING,
                               G_TYPE_STRING);
  m.view = gtk_tree_view_new_with_model(GTK_TREE_MODEL(m.store));
  g_object_unref(m.store);  // the view holds it
  add_column(m.view, _("Model"), kColName, false);
  add_column(m.view, _("Kind"), kColKind, false);
  add_column(m.view, _("State"), kColState, false);
  add_column(m.view, _("Size"), kColSize, false);
  add_column(m.view, _("Licence"), kColLicence, true);
  add_column(m.view, _("Source"), kColSource, true);
  GtkWidget* scrolled = gtk_scrolled_window_new(nullptr, nullptr);
  gtk_scrolled_window_set_policy(GTK_SCROLLED_WINDOW(scrolled), GTK_POLICY_AUTOMATIC, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_shadow_type(GTK_SCROLLED_WINDOW(scrolled), GTK_SHADOW_IN);
  gtk_container_add(GTK_CONTAINER(scrolled), m.view);
  g_signal_connect_swapped(gtk_tree_view_get_selection(GTK_TREE_VIEW(m.view)), "changed",
                           G_CALLBACK(+[](Manager* manager) { update_selection(*manager); }), &m);
  // The actions beside the list, at its top.
  GtkWidget* actions = gtk_button_box_new(GTK_ORIENTATION_VERTICAL);
  gtk_button_box_set_layout(GTK_BUTTON_BOX(actions), GTK_BUTTONBOX_START);
  gtk_box_set_spacing(GTK_BOX(actions), 6);
  m.install = button(_("_Install"), G_CALLBACK(on_install), &m);
  m.verify = button(_("_Verify"), G_CALLBACK(on_verify), &m);
  m.remove = button(_("_Remove…"), G_CALLBACK(on_remove), &m);
  m.import = button(_("I_mport…"), G_CALLBACK(on_import), &m);
  gtk_widget_set_tooltip_text(m.install, _("Install the selected model into the model library"));
  gtk_widget_set_tooltip_text(m.verify, _("Compare the installed file with its published checksum"));
  gtk_widget_set_tooltip_text(m.remove, _("Delete the selected model's file from the model library"));
  gtk_widget_set_tooltip_text(m.import,
                              _("Add weights you have: torchvision's VGG-19 file or a fast-style network folder"));
  for (GtkWidget* b : {m.install, m.verify, m.remove, m.import}) gtk_container_add(GTK_CONTAINER(actions), b);
  GtkWidget* row = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_box_pack_start(GTK_BOX(row), scrolled, TRUE, TRUE, 0);
  gtk_box_pack_start(GTK_BOX(row), actions, FALSE, FALSE, 0);
  gtk_box_pack_start(GTK_BOX(box), row, TRUE, TRUE, 0);

  m.details = add_text(box, "");

  GtkWidget* progress_row = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);
  m.bar = gtk_progress_bar_new();
  gtk_widget_set_valign(m.bar, GTK_ALIGN_CENTER);
  gtk_widget_set_hexpand(m.bar, TRUE);
  m.cancel = button(_("_Stop"), G_CALLBACK(on_cancel), &m);
  gtk_box_pack_start(GTK_BOX(progress_row), m.bar, TRUE, TRUE, 0);
  gtk_box_pack_start(GTK_BOX(progress_row), m.cancel, FALSE, FALSE, 0);
  gtk_box_pack_start(GTK_BOX(box), progress_row, FALSE, FALSE, 0);
  m.status = add_text(box, "");

  gimp_window_set_transient(GTK_WINDOW(m.dialog));
  gtk_widget_show_all(m.dialog);
  show_progress(m, false, false);
}

}  // namespace

void run_model_manager(const std::string& select) {
  Manager m;
  try {
    m.dir = ModelLibrary::default_dir();
  } catch (const Error& e) {
    gimp_message(e.what());
    return;
  }
  build(m);
  refresh(m, select);
  const guint timer = g_timeout_add(100, poll_task, &m);
  while (true) {
    gimp_dialog_run(GIMP_DIALOG(m.dialog));
    if (!m.task) break;
    // Closed while a task runs: stop it (an import cannot stop midway and ends first), then close.
    m.close_when_done = true;
    m.task->cancel();
    set_status(m, _("Stopping, then closing…"));
  }
  g_source_remove(timer);
  gtk_widget_destroy(m.dialog);
}

bool offer_model_manager(const std::string& message, const std::string& model) {
  GtkWidget* ask = gtk_message_dialog_new(nullptr, GTK_DIALOG_MODAL, GTK_MESSAGE_ERROR, GTK_BUTTONS_NONE,
                                          _("The model “%s” is not installed"), model.c_str());
  gtk_message_dialog_format_secondary_text(
      GTK_MESSAGE_DIALOG(ask), "%s\n\n%s",
      _("Install it in the model manager (Filters ▸ Neural ▸ Models…); the filter then runs again."), message.c_str());
  gtk_dialog_add_buttons(GTK_DIALOG(ask), _("_Close"), GTK_RESPONSE_CLOSE, _("Open _Models…"), GTK_RESPONSE_ACCEPT,
                         nullptr);
  gtk_dialog_set_default_response(GTK_DIALOG(ask), GTK_RESPONSE_ACCEPT);
  gtk_window_set_title(GTK_WINDOW(ask), _("Model Not Installed"));
  gimp_window_set_transient(GTK_WINDOW(ask));
  const gint response = gtk_dialog_run(GTK_DIALOG(ask));
  gtk_widget_destroy(ask);
  if (response != GTK_RESPONSE_ACCEPT) return false;
  run_model_manager(model);
  try {
    return ModelLibrary().installed(model);
  } catch (const Error&) {
    return false;
  }
}

}  // namespace atelier::dialogs
