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
#include "plugin/pixels.h"

namespace atelier::plugin {

// The pixels a filter works on, over which Channel parameters are read: the layer, its region (the layer's
// coordinates) and the long side the region is scaled to (0: not scaled; the preview's size for a preview).
struct InputArea {
  GimpDrawable* layer = nullptr;
  Region region;
  int long_side = 0;
};

// Loads the file of every non-empty File parameter of `filter`, the pixels of every Layer parameter's layer and
// of every Channel parameter's channel over `area` (keyed by their values), on the main thread: libgimp is not
// thread-safe. Throws atelier::Error naming the file and GIMP's reason when one cannot be loaded, and for a
// channel of another image than area's (or a channel where there is no area).
std::map<std::string, Image> load_parameter_files(const Filter& filter, const ParamValues& values,
                                                  const InputArea* area = nullptr);

}  // namespace atelier::plugin
