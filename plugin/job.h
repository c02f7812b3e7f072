#pragma once
// Runs a filter on a worker thread (dialogs/filter_thread.h) while the main thread keeps GIMP (progress) and GTK
// (our progress window) alive; libgimp and GTK are only ever touched from the main thread.
#include <map>
#include <string>

#include "core/image.h"
#include "filters/filter.h"
#include "filters/params.h"
#include "plugin/layer_frames.h"

namespace atelier::plugin {

// interactive: show our own progress window (Cancel, Stop and Keep, the work in progress; needs an initialised GTK).
// files: the images of the File parameters, loaded beforehand on the main thread (see file_images.h).
// canvas: the image's size (RunContext::canvas_width/height). frames set: the filter runs over the image's layers
// (the main thread serves their reads and writes while it waits).
FilterOutcome run_job(const Filter& filter, Image input, const ParamValues& values, std::map<std::string, Image> files,
                      bool interactive, int canvas_width, int canvas_height, LayerFrames* frames = nullptr);

}  // namespace atelier::plugin
