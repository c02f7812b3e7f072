#include "plugin/arguments.h"

#include <cmath>

#include "core/error.h"
#include "plugin/i18n.h"
#include "plugin/plugin_filters.h"

namespace atelier::plugin {

std::string procedure_name(const Filter& filter) {
  return "plug-in-atelier-" + filter.name;
}

const Filter* find_plugin_filter(const std::string& name) {
  for (const Filter* f : plugin_filters())
    if (procedure_name(*f) == name) return f;
  return nullptr;
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
        for (const ChoiceOption& c : current_choices(s))
          gimp_choice_add(choice, c.nick.c_str(), id++, tr(c.label), nullptr);
        gimp_procedure_add_choice_aux_argument(p, dialog_property(s).c_str(), label, help, choice,
                                               s.default_text.c_str(), G_PARAM_READWRITE);
        break;
      }
      case ParamType::File: {
        // ANY rather than OPEN: with OPEN, GIMP's core refuses a missing file before the plug-in runs, with a
        // message that does not name it ("'<not transformable to string>' … out of range"); read_values names it.
        GFile* def = s.default_text.empty() ? nullptr : g_file_new_for_path(s.default_text.c_str());
        // The dialog's file chooser needs OPEN (or SELECT_FOLDER): an auxiliary argument, kept in step like the
        // choices.
        gimp_procedure_add_file_argument(p, name, label, help, GIMP_FILE_CHOOSER_ACTION_ANY, TRUE, def,
                                         G_PARAM_READWRITE);
        gimp_procedure_add_file_aux_argument(
            p, dialog_property(s).c_str(), label, help,
            s.folder ? GIMP_FILE_CHOOSER_ACTION_SELECT_FOLDER : GIMP_FILE_CHOOSER_ACTION_OPEN, TRUE, def,
            G_PARAM_READWRITE);
        if (def) g_object_unref(def);
        break;
      }
      case ParamType::String:
        gimp_procedure_add_string_argument(p, name, label, help, s.default_text.c_str(), G_PARAM_READWRITE);
        break;
      case ParamType::Layer: gimp_procedure_add_layer_argument(p, name, label, help, TRUE, G_PARAM_READWRITE); break;
      case ParamType::Channel:
        gimp_procedure_add_channel_argument(p, name, label, help, TRUE, G_PARAM_READWRITE);
        break;
    }
  }
}

}  // namespace atelier::plugin
