#pragma once
// How fast this machine runs the loss evaluations the iterative filters repeat, measured once and cached, so that
// the dialog's time estimate follows the machine it runs on instead of the development machine's constants
// (torch-free header).
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/background_task.h"
#include "core/progress.h"

namespace atelier {

// One evaluation of Stylize's loss on InceptionV3 on the CPU (forward and backward, both pixel phases in one
// batch, with the thread count core/thread_tuner.h would keep) costs fixed_seconds + megapixels x
// seconds_per_megapixel.
struct MachineSpeed {
  // The development machine with two threads (median of seven measurements, 2026-12-01), as the filters' cost
  // models were measured on it (docs/benchmarks.md).
  double fixed_seconds = 0.29;
  double seconds_per_megapixel = 4.2;
  bool measured = false;  // false: the development machine's figures
  int threads = 0;        // the CPU threads it was measured with

  // This host's finished runs (record_run_ratio): per cost model (CostEstimate::model), each run's real time over
  // its estimate before run_correction, at most kRecentRuns, the oldest first.
  std::map<std::string, std::vector<double>> run_ratios;
  static constexpr size_t kRecentRuns = 5;

  double evaluation_seconds(double megapixels) const { return fixed_seconds + megapixels * seconds_per_megapixel; }
  // This machine's time for work at `megapixels` over the development machine's (the machine the filters' cost
  // models were measured on): the factor their estimates are scaled by.
  double relative_to_development(double megapixels) const;
  // What the measurement misses, learnt from the runs: the median of `model`'s recorded ratios, within [0.2, 5]
  // (1 when none is recorded). The evaluations measured and a filter's whole run can scale differently from one
  // machine to another, and a measurement taken while the machine was busy is cached with the rest.
  double run_correction(const std::string& model) const;
};

// $XDG_CACHE_HOME/neural-atelier/machine-speed.json, else ~/.cache/neural-atelier/machine-speed.json.
std::string machine_speed_cache_path();
// The cached measurement for this host and `threads`, if any (a missing or unreadable file: none).
std::optional<MachineSpeed> load_machine_speed(const std::string& path, int threads);
// Writes the measurement for this host with its run ratios (other hosts' and thread counts' entries are kept).
// Throws atelier::Error.
void save_machine_speed(const std::string& path, const MachineSpeed& speed);
// Adds a finished run's real time over its estimate (before run_correction) to `model`'s ratios in this host's
// entry for `threads`, dropping the oldest beyond kRecentRuns; nothing when the entry holds no measurement (the
// ratio is relative to the estimate the measurement scaled). Throws atelier::Error when the cache cannot be written.
void record_run_ratio(const std::string& path, int threads, const std::string& model, double ratio);

// Times evaluations at 192x144 and 384x288 px on the CPU with InceptionV3 from the model library at
// `library_dir` (about 6 s on two cores, loading the network included), each with the default thread count and
// with one thread. Throws atelier::Error when InceptionV3 is not installed.
// progress's cancel flag is checked before every evaluation: raised, the measurement ends with atelier::Cancelled.
MachineSpeed measure_machine_speed(const std::string& library_dir, const Progress& progress = {});

// The dialog's measurement: the cached one at once when there is one, else measured on a worker thread (once per
// host and thread count) and cached. The destructor stops an unfinished measurement (within one evaluation,
// under a second) and waits for it: closing the dialog early does not hold up the run.
class MachineSpeedProbe {
 public:
  // library_dir empty: the user's model library.
  explicit MachineSpeedProbe(std::string library_dir = {}, std::string cache_path = machine_speed_cache_path());
  ~MachineSpeedProbe();
  MachineSpeedProbe(const MachineSpeedProbe&) = delete;
  MachineSpeedProbe& operator=(const MachineSpeedProbe&) = delete;

  bool measuring() const;
  // The measurement once done; the development machine's figures before (or when measuring failed).
  MachineSpeed speed() const;

 private:
  std::optional<MachineSpeed> cached_;
  std::unique_ptr<BackgroundTask<MachineSpeed>> task_;
};

}  // namespace atelier
