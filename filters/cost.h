#pragma once
// What a run costs on the CPU, for the dialog's estimate: each filter declares its own cost model
// (Filter::estimate) from costs measured by `atelier bench` on two cores (docs/benchmarks.md) (torch-free header).
#include <string>

#include "filters/params.h"

namespace atelier {

struct Filter;

struct CostEstimate {
  int width = 0, height = 0;  // the size the engine works at
  int iterations = 1;
  double seconds = 0;    // on the CPU
  double megabytes = 0;  // peak memory
  std::string plan;      // how the work is split, when that is worth showing ("3 levels: ..."); may be empty
};

// Iterative work at a working size: `long_side` (0 = unchanged) caps the region's longer side, and each
// iteration costs `seconds_per_megapixel` per megapixel; memory is a base plus `megabytes_per_megapixel`.
CostEstimate iterative_cost(int width, int height, int long_side, int iterations, double seconds_per_megapixel,
                            double megabytes_per_megapixel);

// The filter's own model when it declares one, else a rough guess from its working size and iterations.
CostEstimate estimate_cost(const Filter& filter, const ParamValues& values, int width, int height);

}  // namespace atelier
