#pragma once
// Per-iteration timings of the filters' algorithms (`atelier bench`), printed to stdout as JSON lines, one per
// configuration (torch-free header).
#include <cstdint>
#include <string>
#include <vector>

namespace atelier {

struct BenchOptions {
  std::vector<int64_t> sizes = {256, 512};                       // square image sides
  std::vector<std::string> networks = {"inception_v3", "vgg19"};  // vgg19: random weights unless installed
  int iterations = 5;                                             // timed Gatys iterations (after one warm-up)
  std::string device = "auto";
};

// Times Gatys L-BFGS iterations per network and size, and one DeepDream octave at 512 px on InceptionV3.
// Throws atelier::Error for bad options and missing models.
void run_benchmarks(const BenchOptions& options);

// What `atelier bench --help` prints after the usage line.
inline constexpr const char* kBenchmarksHelp =
    "Times Gatys L-BFGS iterations (after one warm-up) and one DeepDream octave at 512 px (InceptionV3), and\n"
    "prints one JSON object per line.\n"
    "vgg19 uses random weights in torchvision's layout unless the real model is installed.\n";

}  // namespace atelier
