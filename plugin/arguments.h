#pragma once
// Mapping between a filter's parameter declarations (ParamSpec, scope kGimp) and GIMP procedure arguments:
// one argument per spec (Int -> int, Double -> double, Bool -> boolean, Choice -> string validated against the
// nicks (+ an auxiliary GimpChoice for the dialog), File -> file (any action, may be none, existence checked
// here; + an auxiliary open-file argument for the dialog), String ->
// string), named like the spec, so Script-Fu keywords equal the CLI flags.
#include <libgimp/gimp.h>

#include <string>
#include <vector>

#include "filters/filter.h"
#include "filters/params.h"

namespace atelier::plugin {

// "plug-in-atelier-" + filter.name
std::string procedure_name(const Filter& filter);
const Filter* find_plugin_filter(const std::string& procedure_name);  // nullptr if not ours

// The specs exposed to GIMP, in declaration order.
std::vector<const ParamSpec*> gimp_params(const Filter& filter);

// Adds one argument per GIMP-scoped spec (labels and help translated).
void add_arguments(GimpProcedure* procedure, const Filter& filter);

// The config property a dialog widget shows for a spec: the spec's own, or the auxiliary "twin" argument of a
// Choice (a GimpChoice for the drop-down) or a File (an open-file chooser).
std::string dialog_property(const ParamSpec& spec);
// Copies each Choice and File between its PDB argument and its dialog twin (invalid choices are not copied).
enum class TwinSync { kToDialog, kFromDialog };
void sync_dialog_twins(GimpProcedureConfig* config, const Filter& filter, TwinSync direction);

// Reads the config's values into ParamValues (validated; throws atelier::Error naming the bad value).
ParamValues read_values(GimpProcedureConfig* config, const Filter& filter);

}  // namespace atelier::plugin
