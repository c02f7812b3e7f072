// atelier bench: the engine's benchmarks (bench/benchmarks.h) with options from the command line.
#include <cstdio>

#include "bench/benchmarks.h"
#include "cli/commands.h"

namespace atelier::cli {

int bench_command(const Args& args) {
  const std::optional<BenchOptions> options = parse_bench_options(args);
  if (!options) {
    std::printf("%s", kBenchmarksHelp);
    return 0;
  }
  run_benchmarks(*options);
  return 0;
}

}  // namespace atelier::cli
