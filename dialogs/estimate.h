#pragma once
// A rough run-time / memory guess for the dialog, from the processed size and the iteration count (GIMP-free).
#include <string>

#include "filters/filter.h"
#include "filters/params.h"

namespace atelier::dialogs {

struct Estimate {
  int width = 0, height = 0;  // size the engine works at
  int iterations = 1;
  double seconds = 0;  // on the CPU
  double megabytes = 0;
};

// width/height: the region to process. Uses the "size" (longest side, when present), "iterations", "octaves",
// "method" and "style-scale" params, with per-filter costs measured on two CPU cores.
Estimate estimate_run(const Filter& filter, const ParamValues& values, int width, int height);

}  // namespace atelier::dialogs
