#pragma once
// The dialog of a plug-in-atelier-* procedure, generated from the filter's parameter declarations: one frame
// per ParamSpec::group (declaration order), sliders for Double params, only installed networks selectable, and
// a run-time estimate, a preview beside the options when `preview` is given (filter_preview.h); its Help opens
// the filter's page in help_dir (dialog_help.h). frames > 0: the filter runs over an animation of that many frames;
// its estimate (per frame) is shown for all of them. Returns FALSE when the user cancelled.
#include <libgimp/gimpui.h>

#include <string>

#include "dialogs/filter_preview.h"
#include "filters/filter.h"

namespace atelier::dialogs {

bool run_filter_dialog(GimpProcedure* procedure, GimpProcedureConfig* config, GimpDrawable* drawable, int width,
                       int height, const Filter& filter, const std::string& help_dir,
                       const PreviewSource* preview = nullptr, int frames = 0);

}  // namespace atelier::dialogs
