#pragma once
// A filter's GIMP-scoped parameters in a procedure config: which config property a dialog widget shows for a
// spec, keeping the dialog's auxiliary twins in step with the PDB arguments, and reading the values back
// (validated). Used by the dialog and by the procedure's run (plugin/).
#include <libgimp/gimp.h>

#include <string>
#include <vector>

#include "filters/filter.h"
#include "filters/params.h"

namespace atelier::dialogs {

// The specs exposed to GIMP, in declaration order.
std::vector<const ParamSpec*> gimp_params(const Filter& filter);

// The config property a dialog widget shows for a spec: the spec's own, or the auxiliary "twin" argument of a
// Choice (a GimpChoice for the drop-down) or a File (an open-file chooser).
std::string dialog_property(const ParamSpec& spec);
// Copies each Choice and File between its PDB argument and its dialog twin (invalid choices are not copied).
enum class TwinSync { kToDialog, kFromDialog };
void sync_dialog_twins(GimpProcedureConfig* config, const Filter& filter, TwinSync direction);

// The value of a Layer or Channel parameter naming `item`: the key under which the run's image reader finds its
// pixels.
std::string item_key(GimpItem* item);

// Reads the config's values into ParamValues (validated; throws atelier::Error naming the bad value).
ParamValues read_values(GimpProcedureConfig* config, const Filter& filter);

}  // namespace atelier::dialogs
