#pragma once
// Mapping between a filter's parameter declarations (ParamSpec, scope kGimp) and GIMP procedure arguments:
// one argument per spec (Int -> int, Double -> double, Bool -> boolean, Choice -> GimpChoice, File -> file
// (open, may be none), String -> string), named like the spec, so Script-Fu keywords equal the CLI flags.
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

// Reads the config's values into ParamValues (validated; throws atelier::Error naming the bad value).
ParamValues read_values(GimpProcedureConfig* config, const Filter& filter);

}  // namespace atelier::plugin
