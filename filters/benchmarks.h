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
  // Non-empty: only Large Tiled Style runs instead, at these widths (height 3/4), with this largest tile.
  std::vector<int64_t> large_style_sizes;
  int max_tile = 256;
};

// Times Gatys L-BFGS iterations per network and size, and one DeepDream octave at 512 px on InceptionV3.
// Throws atelier::Error for bad options and missing models.
void run_benchmarks(const BenchOptions& options);

// What `atelier bench --help` prints after the usage line.
inline constexpr const char* kBenchmarksHelp =
    "Times Gatys L-BFGS iterations (after one warm-up) and one DeepDream octave at 512 px (InceptionV3), and\n"
    "prints one JSON object per line.\n"
    "vgg19 uses random weights in torchvision's layout unless the real model is installed.\n"
    "--large-style 512,1024 [--max-tile 256] instead times Large Tiled Style (quality fast) at those widths, with\n"
    "its peak memory, to show that memory follows the tile and not the output.\n";

}  // namespace atelier
