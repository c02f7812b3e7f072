#pragma once
// Runs a filter on a worker thread while the main thread keeps GIMP (progress) and GTK (the Cancel window)
// alive; libgimp and GTK are only ever touched from the main thread.
#include <map>
#include <string>

#include "core/image.h"
#include "filters/filter.h"
#include "filters/params.h"

namespace atelier::plugin {

struct JobResult {
  enum class Status { kOk, kCancelled, kOutOfMemory, kFailed };
  Status status = Status::kFailed;
  Image image;
  std::string message;  // for kOutOfMemory / kFailed
};

// interactive: show our own progress window (Cancel, Stop and Keep, the work in progress; needs an initialised GTK).
// files: the images of the File parameters, loaded beforehand on the main thread (see file_images.h).
// canvas: the image's size (RunContext::canvas_width/height).
JobResult run_job(const Filter& filter, const Image& input, const ParamValues& values,
                  const std::map<std::string, Image>& files, bool interactive, int canvas_width, int canvas_height);

}  // namespace atelier::plugin
