#include "plugin/plug_in.h"

#include <clocale>
#include <string>

#include "plugin/arguments.h"
#include "plugin/i18n.h"
#include "plugin/models_procedure.h"
#include "plugin/plugin_filters.h"
#include "plugin/procedure_support.h"
#include "plugin/run.h"

struct _AtelierPlugIn {
  GimpPlugIn parent_instance;
};

G_DEFINE_TYPE(AtelierPlugIn, atelier_plug_in, GIMP_TYPE_PLUG_IN)

namespace atelier::plugin {

void init_i18n() {
  setlocale(LC_ALL, "");
  bindtextdomain(GETTEXT_PACKAGE, locale_dir().c_str());
  bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
}

namespace {

GList* query_procedures(GimpPlugIn* plug_in) {
  // The help pages (tools/help_pages.py) as GIMP's help domain "neural-atelier": (gimp-help "neural-atelier"
  // "plug-in-atelier-stylize") opens Stylize's page. (The dialogs open their pages themselves: dialog_help.h.)
  GFile* help = g_file_new_for_path(help_dir().c_str());
  gimp_plug_in_set_help_domain(plug_in, GETTEXT_PACKAGE, help);
  g_object_unref(help);
  GList* names = nullptr;
  for (const Filter* f : plugin_filters()) names = g_list_append(names, g_strdup(procedure_name(*f).c_str()));
  if (registers_model_manager()) names = g_list_append(names, g_strdup(kModelsProcedure));
  return names;
}

GimpProcedure* create_procedure(GimpPlugIn* plug_in, const gchar* name) {
  if (registers_model_manager() && std::string(name) == kModelsProcedure) return create_models_procedure(plug_in);
  const Filter* filter = find_plugin_filter(name);
  if (!filter) return nullptr;
  GimpProcedure* p = gimp_image_procedure_new(plug_in, name, GIMP_PDB_PROC_TYPE_PLUGIN, run_filter,
                                              const_cast<Filter*>(filter), nullptr);
  gimp_procedure_set_image_types(p, "RGB*, GRAY*");
  // A filter over an animation works on the whole image, whatever is selected in the Layers dock.
  gimp_procedure_set_sensitivity_mask(p, filter->run_frames
                                             ? GIMP_PROCEDURE_SENSITIVE_DRAWABLE | GIMP_PROCEDURE_SENSITIVE_DRAWABLES |
                                                   GIMP_PROCEDURE_SENSITIVE_NO_DRAWABLES
                                             : GIMP_PROCEDURE_SENSITIVE_DRAWABLE);
  gimp_procedure_set_menu_label(p, tr(filter->menu_label));
  // Only our own submenu's name is ours to translate; "<Image>/Filters" is GIMP's path.
  gimp_procedure_add_menu_path(p, (std::string("<Image>/Filters/") + _("Neural")).c_str());
  gimp_procedure_set_documentation(p, tr(filter->blurb), tr(filter->help.empty() ? filter->blurb : filter->help), name);
  gimp_procedure_set_attribution(p, "Neural Atelier contributors", "Neural Atelier contributors", "2026");
  add_arguments(p, *filter);
  if (filter->run_frames)
    gimp_procedure_add_image_return_value(p, "new-image", "New image",
                                          "The stylised animation: one layer per frame, opened in a new window when "
                                          "the run is interactive",
                                          FALSE, G_PARAM_READWRITE);
  return p;
}

// Catalogs may live in the system locale dir, not only under the plug-in folder where GIMP's default looks, so
// bind the domain here and tell libgimp not to set up its own (returning FALSE); all strings are translated
// in-process.
gboolean set_i18n(GimpPlugIn*, const gchar*, gchar**, gchar**) {
  init_i18n();
  return FALSE;
}

}  // namespace
}  // namespace atelier::plugin

static void atelier_plug_in_class_init(AtelierPlugInClass* klass) {
  GimpPlugInClass* pc = GIMP_PLUG_IN_CLASS(klass);
  pc->query_procedures = atelier::plugin::query_procedures;
  pc->create_procedure = atelier::plugin::create_procedure;
  pc->set_i18n = atelier::plugin::set_i18n;
}

static void atelier_plug_in_init(AtelierPlugIn*) {}
