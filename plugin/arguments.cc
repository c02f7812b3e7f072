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
        GimpChoice* choice = gimp_choice_new();
        gint id = 0;
        for (const ChoiceOption& c : s.choices) gimp_choice_add(choice, c.nick.c_str(), id++, tr(c.label), nullptr);
        gimp_procedure_add_choice_argument(p, name, label, help, choice, s.default_text.c_str(), G_PARAM_READWRITE);
        break;
      }
      case ParamType::File: {
        GFile* def = s.default_text.empty() ? nullptr : g_file_new_for_path(s.default_text.c_str());
        gimp_procedure_add_file_argument(p, name, label, help, GIMP_FILE_CHOOSER_ACTION_OPEN, TRUE, def,
                                         G_PARAM_READWRITE);
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
        g_object_unref(file);
        if (!path)
          throw Error("'" + s.name + "': " + (uri ? uri.get() : "?") +
                      " is not a local file; copy it to a local folder and choose it there");
        values.set_text(s.name, path.get());
        break;
      }
    }
  }
  return values;
}

}  // namespace atelier::plugin
