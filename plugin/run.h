#pragma once
// The run function of every plug-in-atelier-* procedure (run_data: the const atelier::Filter*).
#include <libgimp/gimp.h>

namespace atelier::plugin {

GimpValueArray* run_filter(GimpProcedure* procedure, GimpRunMode run_mode, GimpImage* image, GimpDrawable** drawables,
                           GimpProcedureConfig* config, gpointer run_data);

}  // namespace atelier::plugin
