#pragma once
// What a run costs on the CPU, for the dialog's estimate: each filter declares its own cost model
// (Filter::estimate) from costs measured by `atelier bench` on two cores (docs/benchmarks.md) (torch-free header).
#include <string>

#include "filters/machine_speed.h"
#include "filters/params.h"

namespace atelier {

struct Filter;

struct CostEstimate {
  int width = 0, height = 0;  // the size the engine works at
  int iterations = 1;
  double seconds = 0;           // on the CPU
  double megabytes = 0;         // peak memory
  std::string plan;             // how the work is split, when that is worth showing ("3 levels: ..."); may be empty
  bool measured_speed = false;  // seconds scaled by a measurement of this machine (else the development machine's)
};

// Iterative work at a working size: `long_side` (0 = unchanged) caps the region's longer side, and each
// iteration costs `seconds_per_megapixel` per megapixel; memory is a base plus `megabytes_per_megapixel`.
CostEstimate iterative_cost(int width, int height, int long_side, int iterations, double seconds_per_megapixel,
                            double megabytes_per_megapixel);

// The filter's own model when it declares one, else a rough guess from its working size and iterations; the
// seconds scaled from the development machine to `speed` at the working size.
CostEstimate estimate_cost(const Filter& filter, const ParamValues& values, int width, int height,
                           const MachineSpeed& speed = MachineSpeed{});

}  // namespace atelier
