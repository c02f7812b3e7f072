#include "plugin/arguments.h"

#include <cmath>
#include <memory>

#include "core/error.h"
#include "plugin/i18n.h"
#include "plugin/plugin_filters.h"

namespace atelier::plugin {
namespace {

struct GFree {
  void operator()(gchar* p) const { g_free(p); }
};
using GCharPtr = std::unique_ptr<gchar, GFree>;

}  // namespace

std::string dialog_property(const ParamSpec& spec) {
  if (spec.type == ParamType::Choice) return spec.name + "-choice";
  if (spec.type == ParamType::File) return spec.name + "-file";
  return spec.name;
}

void sync_dialog_twins(GimpProcedureConfig* config, const Filter& filter, TwinSync direction) {
  for (const ParamSpec* s : gimp_params(filter)) {
    if (s->type != ParamType::Choice && s->type != ParamType::File) continue;
    const std::string twin = dialog_property(*s);
    const char* from = direction == TwinSync::kToDialog ? s->name.c_str() : twin.c_str();
    const char* to = direction == TwinSync::kToDialog ? twin.c_str() : s->name.c_str();
    if (s->type == ParamType::File) {
      GFile* value = nullptr;
      GFile* current = nullptr;
      g_object_get(config, from, &value, nullptr);
      g_object_get(config, to, &current, nullptr);
      const bool same = value == current || (value && current && g_file_equal(value, current));
      if (!same) g_object_set(config, to, value, nullptr);
      if (value) g_object_unref(value);
      if (current) g_object_unref(current);
      continue;
    }
    gchar* value = nullptr;
    g_object_get(config, from, &value, nullptr);
    GCharPtr owned(value);
    gchar* current = nullptr;
    g_object_get(config, to, &current, nullptr);
    GCharPtr owned_current(current);
    bool valid = false;
    for (const ChoiceOption& c : s->choices) valid = valid || (value && c.nick == value);
    if (valid && (!current || std::string(current) != value)) g_object_set(config, to, value, nullptr);
  }
}

std::string procedure_name(const Filter& filter) {
  return "plug-in-atelier-" + filter.name;
}

const Filter* find_plugin_filter(const std::string& name) {
  for (const Filter* f : plugin_filters())
    if (procedure_name(*f) == name) return f;
  return nullptr;
}

std::vector<const ParamSpec*> gimp_params(const Filter& filter) {
  std::vector<const ParamSpec*> out;
  for (const ParamSpec& s : filter.params)
    if (s.scope & kGimp) out.push_back(&s);
  return out;
}

void add_arguments(GimpProcedure* p, const Filter& filter) {
  for (const ParamSpec* sp : gimp_params(filter)) {
    const ParamSpec& s = *sp;
    const char* name = s.name.c_str();
    const char* label = tr(s.label);
    const char* help = tr(s.help);
    switch (s.type) {
      case ParamType::Int:
        gimp_procedure_add_int_argument(p, name, label, help, static_cast<gint>(std::lround(s.min)),
                                        static_cast<gint>(std::lround(s.max)),
                                        static_cast<gint>(std::lround(s.default_number)), G_PARAM_READWRITE);
        break;
      case ParamType::Double:
        gimp_procedure_add_double_argument(p, name, label, help, s.min, s.max, s.default_number, G_PARAM_READWRITE);
        break;
      case ParamType::Bool:
        gimp_procedure_add_boolean_argument(p, name, label, help, s.default_bool, G_PARAM_READWRITE);
        break;
      case ParamType::Choice: {
        // The PDB argument is a string that read_values validates: for a GimpChoice argument, a Script-Fu
        // keyword call with an unknown nick only prints a GLib-CRITICAL and runs with the default. The dialog's
        // drop-down is an auxiliary GimpChoice argument kept in step with it (sync_dialog_twins).
        const std::string with_values = std::string(help) + " (" + choice_nicks(s) + ")";
        gimp_procedure_add_string_argument(p, name, label, with_values.c_str(), s.default_text.c_str(),
                                           G_PARAM_READWRITE);
        GimpChoice* choice = gimp_choice_new();
        gint id = 0;
        for (const ChoiceOption& c : s.choices) gimp_choice_add(choice, c.nick.c_str(), id++, tr(c.label), nullptr);
        gimp_procedure_add_choice_aux_argument(p, dialog_property(s).c_str(), label, help, choice,
                                               s.default_text.c_str(), G_PARAM_READWRITE);
        break;
      }
      case ParamType::File: {
        // ANY rather than OPEN: with OPEN, GIMP's core refuses a missing file before the plug-in runs, with a
        // message that does not name it ("'<not transformable to string>' … out of range"); read_values names it.
        GFile* def = s.default_text.empty() ? nullptr : g_file_new_for_path(s.default_text.c_str());
        // The dialog's file chooser needs OPEN: an auxiliary argument, kept in step like the choices.
        gimp_procedure_add_file_argument(p, name, label, help, GIMP_FILE_CHOOSER_ACTION_ANY, TRUE, def,
                                         G_PARAM_READWRITE);
        gimp_procedure_add_file_aux_argument(p, dialog_property(s).c_str(), label, help,
                                             GIMP_FILE_CHOOSER_ACTION_OPEN, TRUE, def, G_PARAM_READWRITE);
        if (def) g_object_unref(def);
        break;
      }
      case ParamType::String:
        gimp_procedure_add_string_argument(p, name, label, help, s.default_text.c_str(), G_PARAM_READWRITE);
        break;
    }
  }
}

ParamValues read_values(GimpProcedureConfig* config, const Filter& filter) {
  ParamValues values(filter.params);
  for (const ParamSpec* sp : gimp_params(filter)) {
    const ParamSpec& s = *sp;
    const char* name = s.name.c_str();
    switch (s.type) {
      case ParamType::Int: {
        gint v = 0;
        g_object_get(config, name, &v, nullptr);
        values.set_int(s.name, v);
        break;
      }
      case ParamType::Double: {
        gdouble v = 0;
        g_object_get(config, name, &v, nullptr);
        values.set_double(s.name, v);
        break;
      }
      case ParamType::Bool: {
        gboolean v = FALSE;
        g_object_get(config, name, &v, nullptr);
        values.set_bool(s.name, v != FALSE);
        break;
      }
      case ParamType::Choice:
      case ParamType::String: {
        gchar* v = nullptr;
        g_object_get(config, name, &v, nullptr);
        GCharPtr owned(v);
        values.set_text(s.name, v ? v : "");
        break;
      }
      case ParamType::File: {
        GFile* file = nullptr;
        g_object_get(config, name, &file, nullptr);
        if (!file) {
          values.set_text(s.name, "");
          break;
        }
        GCharPtr path(g_file_get_path(file));
        GCharPtr uri(g_file_get_uri(file));
        GCharPtr parse_name(g_file_get_parse_name(file));
        g_object_unref(file);
        // Script-Fu turns "" into a file named '' (not NULL): that means no file.
        const std::string given = parse_name ? parse_name.get() : "";
        if (given.empty() || (path && std::string(path.get()).empty())) {
          values.set_text(s.name, "");
          break;
        }
        if (!path)
          throw Error("'" + s.name + "': " + (uri ? uri.get() : "?") +
                      " is not a local file; copy it to a local folder and choose it there");
        if (!g_file_test(path.get(), G_FILE_TEST_EXISTS))
          throw Error("'" + s.name + "': the file '" + path.get() + "' does not exist; check the name and folder");
        if (g_file_test(path.get(), G_FILE_TEST_IS_DIR))
          throw Error("'" + s.name + "': '" + path.get() + "' is a folder; choose an image file");
        values.set_text(s.name, path.get());
        break;
      }
    }
  }
  return values;
}

}  // namespace atelier::plugin
