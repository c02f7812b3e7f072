#include "plugin/models_procedure.h"

#include <libgimp/gimpui.h>

#include <exception>
#include <string>

#include "core/error.h"
#include "dialogs/model_manager.h"
#include "plugin/i18n.h"
#include "plugin/procedure_support.h"

namespace atelier::plugin {
namespace {

GimpValueArray* run_models(GimpProcedure* procedure, GimpProcedureConfig* config, gpointer) {
  GimpRunMode mode = GIMP_RUN_NONINTERACTIVE;
  g_object_get(config, "run-mode", &mode, nullptr);
  if (mode == GIMP_RUN_NONINTERACTIVE)
    return failure(procedure, GIMP_PDB_CALLING_ERROR,
                   _("The model manager is a window. Scripts manage models with the command line: 'atelier models "
                     "list', 'install', 'verify', 'import' and 'remove'."));
  if (!gtk_init_check(nullptr, nullptr))
    return failure(procedure, GIMP_PDB_CALLING_ERROR, _("The model manager needs a display."));
  gimp_ui_init(GETTEXT_PACKAGE);
  try {
    dialogs::run_model_manager();
  } catch (const std::exception& e) {
    return failure(procedure, GIMP_PDB_EXECUTION_ERROR, user_message(e));
  }
  return gimp_procedure_new_return_values(procedure, GIMP_PDB_SUCCESS, nullptr);
}

}  // namespace

GimpProcedure* create_models_procedure(GimpPlugIn* plug_in) {
  GimpProcedure* p =
      gimp_procedure_new(plug_in, kModelsProcedure, GIMP_PDB_PROC_TYPE_PLUGIN, run_models, nullptr, nullptr);
  gimp_procedure_add_enum_argument(p, "run-mode", "Run mode", "The run mode", GIMP_TYPE_RUN_MODE, GIMP_RUN_INTERACTIVE,
                                   G_PARAM_READWRITE);
  gimp_procedure_set_sensitivity_mask(p, GIMP_PROCEDURE_SENSITIVE_ALWAYS);
  gimp_procedure_set_menu_label(p, _("_Models…"));
  gimp_procedure_add_menu_path(p, (std::string("<Image>/Filters/") + _("Neural")).c_str());
  gimp_procedure_set_documentation(
      p, _("Install, verify, import and remove the networks of Neural Atelier"),
      _("Lists the feature networks, instant styles and texture generators that Neural Atelier knows, with their "
        "state, size, licence and source, and installs, verifies, imports and removes them."),
      kModelsProcedure);
  gimp_procedure_set_attribution(p, "Neural Atelier contributors", "Neural Atelier contributors", "2026");
  return p;
}

}  // namespace atelier::plugin
