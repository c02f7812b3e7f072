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
  double prepared_seconds = 0;  // of those, what the dialog's preview can do ahead for the run (PreviewPlan::prepares)
  double megabytes = 0;         // peak memory
  std::string plan;             // how the work is split, when that is worth showing ("3 levels: ..."); may be empty
  bool measured_speed = false;  // seconds scaled by a measurement of this machine (else the development machine's)
  // Which of the filter's cost models made it: "stylize/optimize" (the filter's name, and its method parameter's
  // value or what its estimate sets here).
  std::string model;
  double seconds_before_runs = 0;  // seconds before the correction learnt from this host's runs
  int runs_learnt_from = 0;        // how many of this host's runs corrected it (0: none)
};

// Iterative work at a working size: `long_side` (0 = unchanged) caps the region's longer side, and each
// iteration costs `seconds_per_megapixel` per megapixel; memory is a base plus `megabytes_per_megapixel`.
CostEstimate iterative_cost(int width, int height, int long_side, int iterations, double seconds_per_megapixel,
                            double megabytes_per_megapixel);

// The filter's own model when it declares one, else a rough guess from its working size and iterations; the
// seconds scaled from the development machine to `speed` at the working size, then corrected by the runs of the
// same cost model on this host (MachineSpeed::run_correction).
CostEstimate estimate_cost(const Filter& filter, const ParamValues& values, int width, int height,
                           const MachineSpeed& speed = MachineSpeed{});

// Runs shorter than this are not recorded: loading and the machine's other work dominate them.
constexpr double kShortestRecordedRunSeconds = 10.0;

// After a run that ended by itself (not cancelled or stopped early) in `seconds` on a width x height region (for a
// filter over frames: the canvas, with `frames` the frames done, as its estimate is per frame): records on this
// host how its time compared with the estimate, so that the next estimates of that cost model follow
// (record_run_ratio). Runs on a GPU, shorter runs and hosts without a measured speed in `cache_path` are not
// recorded. Never throws: a cache that cannot be written only loses the record.
void record_finished_run(const Filter& filter, const ParamValues& values, int width, int height, double seconds,
                         int frames = 0, const std::string& cache_path = machine_speed_cache_path());

}  // namespace atelier
