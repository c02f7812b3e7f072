#pragma once
// Filters ▸ Neural ▸ Models…: the procedure that opens the model manager (dialogs/model_manager.h).
#include <libgimp/gimp.h>

namespace atelier::plugin {

inline constexpr const char* kModelsProcedure = "plug-in-atelier-models";

GimpProcedure* create_models_procedure(GimpPlugIn* plug_in);

}  // namespace atelier::plugin
