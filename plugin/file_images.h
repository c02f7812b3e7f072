#pragma once
// Image files named by a filter's parameters (style images), read with GIMP's own loaders, and layers chosen by
// them: every format GIMP
// opens (WebP, TIFF, HEIF, EXR, XCF, …), with its colour management, the visible layers merged.
#include <libgimp/gimp.h>

#include <map>
#include <string>

#include "core/image.h"
#include "filters/filter.h"
#include "filters/params.h"

namespace atelier::plugin {

// Loads the file of every non-empty File parameter of `filter`, and the pixels of every Layer parameter's layer
// (keyed by its value), on the main thread: libgimp is not thread-safe.
// Throws atelier::Error naming the file and GIMP's reason when one cannot be loaded.
std::map<std::string, Image> load_parameter_files(const Filter& filter, const ParamValues& values);

}  // namespace atelier::plugin
