#pragma once
// The dialog of a plug-in-atelier-* procedure, generated from the filter's parameter declarations: one frame
// per ParamSpec::group (declaration order), sliders for Double params, only installed networks selectable, and
// a run-time estimate. Returns FALSE when the user cancelled.
#include <libgimp/gimpui.h>

#include "filters/filter.h"

namespace atelier::dialogs {

bool run_filter_dialog(GimpProcedure* procedure, GimpProcedureConfig* config, GimpDrawable* drawable, int width,
                       int height, const Filter& filter);

}  // namespace atelier::dialogs
