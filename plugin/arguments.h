#pragma once
// Mapping between a filter's parameter declarations (ParamSpec, scope kGimp) and GIMP procedure arguments:
// one argument per spec (Int -> int, Double -> double, Bool -> boolean, Choice -> string validated against the
// nicks (+ an auxiliary GimpChoice for the dialog), File -> file (any action, may be none, existence checked
// here; + an auxiliary open-file argument for the dialog), String ->
// string), named like the spec, so Script-Fu keywords equal the CLI flags.
#include <libgimp/gimp.h>

#include <string>
#include <vector>

#include "dialogs/procedure_config.h"
#include "filters/filter.h"
#include "filters/params.h"

namespace atelier::plugin {

// "plug-in-atelier-" + filter.name
std::string procedure_name(const Filter& filter);
const Filter* find_plugin_filter(const std::string& procedure_name);  // nullptr if not ours

// Adds one argument per GIMP-scoped spec (labels and help translated).
void add_arguments(GimpProcedure* procedure, const Filter& filter);

// Shared with the dialog (dialogs/procedure_config.h).
using dialogs::dialog_property;
using dialogs::gimp_params;
using dialogs::read_values;
using dialogs::sync_dialog_twins;
using dialogs::TwinSync;

}  // namespace atelier::plugin
