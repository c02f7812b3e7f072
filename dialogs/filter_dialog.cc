#include "dialogs/filter_dialog.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "core/error.h"
#include "dialogs/dialog_help.h"
#include "dialogs/i18n.h"
#include "dialogs/procedure_config.h"
#include "filters/cost.h"
#include "filters/machine_speed.h"

namespace atelier::dialogs {
namespace {

struct DialogState {
  const Filter* filter;
  GimpProcedureDialog* dialog;
  GtkWidget* estimate;
  int width, height;
  const MachineSpeedProbe* speed;
  FilterPreview* preview;  // nullptr: none
  int frames = 0;          // > 0: a filter over an animation of this many frames (its estimate is per frame)
};

std::string take(gchar* text) {
  std::string out = text ? text : "";
  g_free(text);
  return out;
}

std::string format_duration(double seconds) {
  if (seconds < 1) return _("under a second");
  if (seconds < 90) return take(g_strdup_printf(_("about %d s"), static_cast<int>(std::lround(seconds))));
  return take(g_strdup_printf(_("about %d min"), static_cast<int>(std::lround(seconds / 60))));
}

void show_estimate(const DialogState& state, const ParamValues& values) {
  CostEstimate e = estimate_cost(*state.filter, values, state.width, state.height, state.speed->speed());
  const bool prepared = e.prepared_seconds > 0 && state.preview && state.preview->prepared(values);
  if (prepared) e.seconds = std::max(0.0, e.seconds - e.prepared_seconds);
  if (state.frames > 0) {
    e.plan = take(g_strdup_printf(_("%d frames, %s each"), state.frames, format_duration(e.seconds).c_str()));
    e.seconds *= state.frames;
  }
  gchar* text = g_markup_printf_escaped(_("<i>Estimate: %s on the CPU, %.1f GB of memory (%d×%d px, %d "
                                          "iterations); a GPU is much faster.</i>"),
                                        format_duration(e.seconds).c_str(), e.megabytes / 1024.0, e.width, e.height,
                                        e.iterations);
  std::string markup = text;
  g_free(text);
  if (!e.plan.empty()) {
    gchar* plan = g_markup_printf_escaped(_("<i>Plan: %s.</i>"), e.plan.c_str());
    markup = std::string(plan) + "\n" + markup;
    g_free(plan);
  }
  if (prepared)
    markup += std::string("\n") + _("<i>Shorter: the preview has done part of the work, and the run reuses it.</i>");
  if (state.speed->measuring())
    markup += std::string("\n") + _("<i>Measuring this computer's speed…</i>");
  else if (e.runs_learnt_from > 0)
    markup += std::string("\n") + _("<i>Corrected by how long your last runs took on this computer.</i>");
  gtk_label_set_markup(GTK_LABEL(state.estimate), markup.c_str());
}

// Options a parameter ignores for the current values (the declaration's used_when) are greyed out.
void update_sensitivity(const DialogState& state, const ParamValues& values) {
  for (const ParamSpec* s : gimp_params(*state.filter)) {
    if (s->used_when.empty()) continue;
    GtkWidget* w = gimp_procedure_dialog_get_widget(state.dialog, dialog_property(*s).c_str(), G_TYPE_NONE);
    if (w) gtk_widget_set_sensitive(w, param_in_use(*s, values));
  }
}

// values_changed false: only the estimate is refreshed (the speed measurement ended), the preview keeps its run.
void on_config_changed(GimpProcedureConfig* config, DialogState* state, bool values_changed = true) {
  try {
    sync_dialog_twins(config, *state->filter, TwinSync::kFromDialog);
    const ParamValues values = read_values(config, *state->filter);
    show_estimate(*state, values);
    update_sensitivity(*state, values);
    if (state->preview && values_changed) state->preview->values_changed(&values);
  } catch (const std::exception&) {
    gtk_label_set_text(GTK_LABEL(state->estimate), "");
    if (state->preview) state->preview->values_changed(nullptr);
  }
}

// Options that are valid but not usable now (a network that is not installed) cannot be chosen; a remembered
// choice that became unusable falls back to the default. Returns false when no option is usable.
bool restrict_to_available(GimpProcedureConfig* config, const ParamSpec& spec) {
  const std::string property = dialog_property(spec);
  GParamSpec* pspec = g_object_class_find_property(G_OBJECT_GET_CLASS(config), property.c_str());
  if (!pspec) return true;
  GimpChoice* choice = gimp_param_spec_choice_get_choice(pspec);
  gchar* current = nullptr;
  g_object_get(config, property.c_str(), &current, nullptr);
  const std::string now = take(current);
  bool any = false, now_usable = true;
  for (const ChoiceOption& c : current_choices(spec)) {
    if (!gimp_choice_is_valid(choice, c.nick.c_str())) continue;
    gimp_choice_set_sensitive(choice, c.nick.c_str(), c.available);
    any = any || (c.available && c.nick != spec.default_text);
    if (c.nick == now) now_usable = c.available;
  }
  if (!now_usable) g_object_set(config, property.c_str(), spec.default_text.c_str(), nullptr);
  return any;
}

// The topmost layer of `image` that is not `except` nor a group; nullptr when none.
GimpLayer* topmost_layer(GimpImage* image, GimpDrawable* except) {
  GimpLayer** layers = gimp_image_get_layers(image);
  GimpLayer* found = nullptr;
  for (GimpLayer** l = layers; l && *l && !found; ++l)
    if (GIMP_DRAWABLE(*l) != except && !gimp_item_is_group(GIMP_ITEM(*l))) found = *l;
  g_free(layers);
  return found;
}

// A style (or other image) the filter needs and nobody chose yet: with several layers in the image, the topmost
// other layer is the default, so that "paint this layer in the style of that one" needs no file at all. A filter
// over an animation takes it from another open image instead (the image's other layers are its frames).
void preselect_other_layer(GimpProcedureConfig* config, const Filter& filter, GimpDrawable* drawable) {
  if (!drawable) return;
  std::vector<const ParamSpec*> wanted;
  try {
    wanted = layers_to_preselect(read_values(config, filter));
  } catch (const Error&) {
    return;  // a remembered value that is no longer valid: the dialog shows it, the run explains it
  }
  if (wanted.empty()) return;
  GimpImage* own = gimp_item_get_image(GIMP_ITEM(drawable));
  GimpLayer* other = nullptr;
  if (!filter.run_frames) {
    other = topmost_layer(own, drawable);
  } else {
    GimpImage** images = gimp_get_images();
    for (GimpImage** i = images; i && *i && !other; ++i)
      if (*i != own) other = topmost_layer(*i, nullptr);
    g_free(images);
  }
  for (const ParamSpec* s : wanted)
    if (other) g_object_set(config, s->name.c_str(), other, nullptr);
}

// The options scroll when the screen is too short for them (Stylize has two dozen); the preview stands beside them.
// The row with OK and Cancel stays below, outside the scrolling (GIMP 3.0's procedure dialog packs it into the
// content area with the options).
void place_beside_scrolled_options(GtkDialog* dialog, GtkWidget* preview) {
  GtkWidget* content = gtk_dialog_get_content_area(dialog);
  GtkWidget* ok = gtk_dialog_get_widget_for_response(dialog, GTK_RESPONSE_OK);
  GtkWidget* options = gtk_box_new(GTK_ORIENTATION_VERTICAL, 0);
  GList* children = gtk_container_get_children(GTK_CONTAINER(content));
  for (GList* c = children; c; c = c->next) {
    GtkWidget* child = GTK_WIDGET(c->data);
    if (ok && (ok == child || gtk_widget_is_ancestor(ok, child))) continue;
    g_object_ref(child);
    gtk_container_remove(GTK_CONTAINER(content), child);
    gtk_box_pack_start(GTK_BOX(options), child, TRUE, TRUE, 0);
    g_object_unref(child);
  }
  g_list_free(children);
  GtkWidget* scrolled = gtk_scrolled_window_new(nullptr, nullptr);
  gtk_scrolled_window_set_policy(GTK_SCROLLED_WINDOW(scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height(GTK_SCROLLED_WINDOW(scrolled), TRUE);
  gtk_scrolled_window_set_propagate_natural_width(GTK_SCROLLED_WINDOW(scrolled), TRUE);
  // Room for the dialog's title and buttons on the screen the dialog opens on.
  GdkRectangle screen{0, 0, 1024, 768};
  if (GdkMonitor* m = gdk_display_get_primary_monitor(gdk_display_get_default())) gdk_monitor_get_workarea(m, &screen);
  gtk_scrolled_window_set_max_content_height(GTK_SCROLLED_WINDOW(scrolled), std::max(300, screen.height - 220));
  gtk_container_add(GTK_CONTAINER(scrolled), options);
  GtkWidget* row = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_box_pack_start(GTK_BOX(row), scrolled, TRUE, TRUE, 0);
  if (preview) gtk_box_pack_start(GTK_BOX(row), preview, FALSE, FALSE, 0);
  gtk_box_pack_start(GTK_BOX(content), row, TRUE, TRUE, 0);
  gtk_box_reorder_child(GTK_BOX(content), row, 0);
  gtk_widget_show_all(row);
}

}  // namespace

bool run_filter_dialog(GimpProcedure* procedure, GimpProcedureConfig* config, GimpDrawable* drawable, int width,
                       int height, const Filter& filter, const std::string& help_dir,
                       const PreviewSource* preview_source, int frames) {
  gimp_ui_init(GETTEXT_PACKAGE);
  sync_dialog_twins(config, filter, TwinSync::kToDialog);
  preselect_other_layer(config, filter, drawable);
  GtkWidget* dialog = gimp_procedure_dialog_new(procedure, config, tr(filter.title));
  route_help_to_our_pages(dialog, help_dir, filter.name);
  auto* pd = GIMP_PROCEDURE_DIALOG(dialog);
  GList* top = nullptr;

  for (const ParamSpec* s : gimp_params(filter)) {
    if (s->type == ParamType::Double) {
      GtkWidget* scale = gimp_procedure_dialog_get_scale_entry(pd, s->name.c_str(), 1.0);
      gimp_label_spin_set_digits(GIMP_LABEL_SPIN(scale), s->digits);
      // Wide ranges (a weight of 1 that may go up to 100): the slider covers the useful part around the default,
      // the spin button still accepts the whole range.
      const double useful = std::max(std::abs(s->default_number), 1e-6) * 10;
      if (s->max > useful && useful > s->min)
        gimp_scale_entry_set_bounds(GIMP_SCALE_ENTRY(scale), s->min, useful, FALSE);
    }
    if (s->type == ParamType::Choice && !restrict_to_available(config, *s) && s->role == ParamRole::kFeatureNetwork) {
      gimp_procedure_dialog_get_label(pd, "no-network",
                                      _("<b>No feature network is installed.</b>\nInstall one in a terminal with:\n"
                                        "<tt>atelier models install inception_v3</tt>"),
                                      TRUE, FALSE);
      top = g_list_append(top, const_cast<gchar*>("no-network"));
    }
  }

  // One frame per group, in declaration order; ungrouped parameters go directly into the dialog.
  std::vector<std::string> groups;
  std::vector<std::string> ids;  // keeps the id strings alive while the dialog exists
  ids.reserve(4 * filter.params.size() + 1);
  auto widget_id = [&ids](const ParamSpec* s) {
    return const_cast<gchar*>(ids.emplace_back(dialog_property(*s)).c_str());
  };
  for (const ParamSpec* s : gimp_params(filter)) {
    if (s->group.empty()) {
      top = g_list_append(top, widget_id(s));
      continue;
    }
    bool seen = false;
    for (const auto& g : groups) seen = seen || g == s->group;
    if (seen) continue;
    groups.push_back(s->group);
    const std::string n = std::to_string(groups.size());
    const std::string& box = ids.emplace_back("group-box-" + n);
    const std::string& title = ids.emplace_back("group-title-" + n);
    const std::string& frame = ids.emplace_back("group-frame-" + n);
    GList* props = nullptr;
    for (const ParamSpec* t : gimp_params(filter))
      if (t->group == s->group) props = g_list_append(props, widget_id(t));
    gimp_procedure_dialog_fill_box_list(pd, box.c_str(), props);
    g_list_free(props);
    gimp_procedure_dialog_get_label(pd, title.c_str(), tr(s->group), FALSE, FALSE);
    gimp_procedure_dialog_fill_frame(pd, frame.c_str(), title.c_str(), FALSE, box.c_str());
    top = g_list_append(top, const_cast<gchar*>(frame.c_str()));
  }

  // The estimate follows this machine's speed, measured once in the background (a few seconds) and cached.
  const MachineSpeedProbe speed;
  std::unique_ptr<FilterPreview> preview;
  if (preview_source && filter.preview)
    preview = std::make_unique<FilterPreview>(filter, *preview_source, [&speed] { return speed.measuring(); });
  DialogState state{&filter,       pd,     gimp_procedure_dialog_get_label(pd, "estimate", "", TRUE, FALSE),
                    width,         height, &speed,
                    preview.get(), frames};
  gtk_label_set_line_wrap(GTK_LABEL(state.estimate), TRUE);
  gtk_label_set_max_width_chars(GTK_LABEL(state.estimate), 50);
  top = g_list_append(top, const_cast<gchar*>("estimate"));

  gimp_procedure_dialog_fill_list(pd, top);
  g_list_free(top);
  place_beside_scrolled_options(GTK_DIALOG(dialog), preview ? preview->widget() : nullptr);
  on_config_changed(config, &state);
  // The preview that did part of the run's work ahead shortens the estimate.
  if (preview) preview->on_prepared([config, &state] { on_config_changed(config, &state, false); });
  gulong handler = g_signal_connect(config, "notify", G_CALLBACK(+[](GimpProcedureConfig* c, GParamSpec*, gpointer v) {
                                      on_config_changed(c, static_cast<DialogState*>(v));
                                    }),
                                    &state);
  struct Refresh {
    GimpProcedureConfig* config;
    DialogState* state;
    bool finished = false;
  } refresh{config, &state};
  guint poll = 0;
  if (speed.measuring())
    poll = g_timeout_add(
        250,
        +[](gpointer data) -> gboolean {
          auto* r = static_cast<Refresh*>(data);
          if (r->state->speed->measuring()) return G_SOURCE_CONTINUE;
          on_config_changed(r->config, r->state, false);
          r->finished = true;
          return G_SOURCE_REMOVE;
        },
        &refresh);
  const bool ok = gimp_procedure_dialog_run(pd);
  if (poll && !refresh.finished) g_source_remove(poll);
  g_signal_handler_disconnect(config, handler);
  sync_dialog_twins(config, filter, TwinSync::kFromDialog);
  gtk_widget_destroy(dialog);
  return ok;
}

}  // namespace atelier::dialogs
