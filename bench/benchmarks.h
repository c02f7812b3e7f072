#pragma once
// Per-iteration timings of the filters' algorithms (`atelier bench`), printed to stdout as JSON lines, one per
// configuration (torch-free header).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "filters/machine_speed.h"

namespace atelier {

// The methods `--arbitrary` compares: Arbitrary fitted and with 0 fitting steps, Optimise, Instant.
inline const std::vector<std::string> kArbitraryMethods = {"arbitrary", "arbitrary-read", "optimize", "instant"};

struct BenchOptions {
  std::vector<int64_t> sizes = {256, 512};                        // square image sides
  std::vector<std::string> networks = {"inception_v3", "vgg19"};  // vgg19: random weights unless installed
  int iterations = 5;                                             // timed Gatys iterations (after one warm-up)
  std::string device = "auto";
  // Non-empty: only Large Tiled Style runs instead, at these widths (height 3/4), with this largest tile, in
  // each tiling mode; on synthetic pictures unless content and style files are given; results saved to
  // output_dir when set.
  std::vector<int64_t> large_style_sizes;
  int max_tile = 256;
  std::vector<std::string> tilings = {"independent"};
  std::string content_image, style_image, output_dir;
  // Non-empty: only Texture Synthesize runs instead, on these source images (the filter's defaults, a tileable
  // result of texture_size px, a generator trained for train_iterations).
  std::vector<std::string> texture_sources;
  int texture_size = 256;
  int train_iterations = 300;
  // Only Train Instant Style runs instead: training speed at `sizes` (timed `iterations`) and Instant's 1024x768
  // inference.
  bool train_style = false;
  // Non-empty: only Stylize's time to quality runs instead, each schedule "SCALES:ITERATIONS[:COARSE][:sequential]"
  // on content_image and style_image at working_size.
  std::vector<std::string> stylize_schedules;
  int working_size = 384;
  // Non-empty: only Stylize Frames runs instead, on the first frame_count frames of these clips (video files or
  // folders) at working_size, against style_image.
  std::vector<std::string> frame_clips;
  int frame_count = 24;
  std::vector<std::string> frame_methods = {"feed-forward", "optimize"};
  double temporal_weight = 0;  // the consistent runs' weight; 0 = the filter's default
  // Non-empty: only Stylize's Arbitrary method runs instead, beside Optimise and Instant, on these
  // "CONTENT:STYLE[:INSTANT_NETWORK]" pairs (the content at working_size); then its time and peak memory for
  // content_image at these widths (height 3/4) with style_image.
  std::vector<std::string> arbitrary_pairs;
  // The methods run on those pairs (kArbitraryMethods: all of them by default).
  std::vector<std::string> arbitrary_methods = kArbitraryMethods;
  std::vector<int64_t> arbitrary_widths;
  // Non-empty: only the quality harness runs instead, on these "PHOTO:PAINTING[:REFERENCE]" triples, with each of
  // quality_configs ("NAME" or "NAME:key=value;key=value", Stylize's values, or with filter=large-style Large Tiled
  // Style's; empty: Stylize's defaults and Arbitrary);
  // the photo at the reference's size, else with its long side at quality_size.
  std::vector<std::string> quality_pairs;
  std::vector<std::string> quality_configs;
  int quality_size = 512;
};

// Times Gatys L-BFGS iterations per network and size, and one DeepDream octave at 512 px on InceptionV3.
// Throws atelier::Error for bad options and missing models.
void run_benchmarks(const BenchOptions& options);

// Texture Synthesize per source (bench/texture_benchmarks.cc): time of the optimisation, training speed and
// sampling time of a generator at 512 and 2048 px, and for each result how far its texture statistics are from
// the source's (feature-space Gram and sliced distances, colour histograms) next to a pixel-shuffled copy of the
// source and to noise.
void run_texture_benchmarks(const BenchOptions& options);

// Large Tiled Style (bench/large_style_benchmarks.cc): time and peak memory per output size and tiling mode,
// and the result's style and content distances, their spread over the image's parts, and the edge energy at the
// tile boundaries relative to the whole image.
void run_large_style_benchmarks(const BenchOptions& options);

// Stylize's Arbitrary method (bench/arbitrary_benchmarks.cc): per pair and method (Arbitrary fitted and read,
// Optimise, Instant) the result's texture statistics and colour histograms against the painting's, relative to the
// photo's, and its edge agreement with the photo; the time and peak memory of whole layers.
void run_arbitrary_benchmarks(const BenchOptions& options);

// The quality harness (bench/quality_benchmarks.cc): per pair and configuration of Stylize, and for the pair's
// reference picture, measures that no method optimises: the texture statistics, colour histograms and a referee
// network's Gram matrices against the painting's, relative to the photo's own; the edge agreement with the photo;
// the crispness (high-frequency energy against the photo's at the same size); and each configuration's style
// distances relative to the reference's.
void run_quality_benchmarks(const BenchOptions& options);

// Train Instant Style (bench/train_style_benchmarks.cc): seconds per training iteration at each of the options'
// sizes on InceptionV3, and Instant's time for a 1024x768 photo, tiled as the filter runs it and in one pass.
void run_train_style_benchmarks(const BenchOptions& options);

// Stylize's Optimise method (bench/stylize_benchmarks.cc): per schedule the time and the loss of the result,
// all measured with the same loss at the working size.
void run_stylize_benchmarks(const BenchOptions& options);

// Stylize Frames (bench/frames_benchmarks.cc): per clip and method, the warping error of consecutive results
// (flicker), the filter-bank texture distance to the style and the time per frame, each frame stylised on its own
// (temporal weight 0) and with the default temporal consistency.
void run_frames_benchmarks(const BenchOptions& options);

// Measures this machine's speed as the dialog's estimate does (filters/machine_speed.h) and prints it as a JSON
// line ("benchmark": "machine_speed"), so that each estimate a benchmark prints can be traced to it.
MachineSpeed report_machine_speed(const std::string& library_dir);

// The options of `atelier bench ARGS...` (bench/bench_options.cc); nullopt for --help. Throws atelier::Error for
// an unknown option or a bad value, naming it.
std::optional<BenchOptions> parse_bench_options(const std::vector<std::string>& args);

// What `atelier bench --help` prints.
inline constexpr const char* kBenchmarksHelp =
    "usage: atelier bench [--sizes 256,512] [--networks inception_v3,vgg19] [--iterations 5] [--device D]\n"
    "       atelier bench --large-style 512,1024 [--max-tile 256] [--tiling independent,exact]\n"
    "                     [--content C --style S] [--output-dir DIR] [--device D]\n"
    "       atelier bench --texture A.png,B.png [--texture-size 256] [--train-iterations 300]\n"
    "       atelier bench --train-style [--sizes 256] [--iterations 5] [--device D]\n"
    "       atelier bench --stylize 1:200,2:60:150 --content C --style S [--working-size 384] [--output-dir DIR]\n"
    "       atelier bench --frames CLIP,... --style S [--frame-count 24] [--working-size 384] [--output-dir DIR]\n"
    "                     [--methods feed-forward,optimize] [--temporal-weight W]\n"
    "       atelier bench --arbitrary PHOTO:PAINTING[:NETWORK],... [--working-size 384] [--output-dir DIR]\n"
    "                     [--arbitrary-widths 1024,4000 --content C --style S]\n"
    "       atelier bench --quality PHOTO:PAINTING[:REFERENCE],... [--config NAME[:KEY=VALUE;...]]...\n"
    "                     [--quality-size 512] [--output-dir DIR] [--device D]\n"
    "Times Gatys L-BFGS iterations (after one warm-up) and one DeepDream octave at 512 px (InceptionV3), and\n"
    "prints one JSON object per line.\n"
    "vgg19 uses random weights in torchvision's layout unless the real model is installed.\n"
    "--large-style 512,1024 [--max-tile 256] instead times Large Tiled Style (quality fast) at those widths, with\n"
    "its peak memory (to show that memory follows the tile and not the output) and the result's style and content\n"
    "distances, their spread over the image and the edge energy at tile boundaries (seams; 1 = none).\n"
    "--texture A.png,B.png [--texture-size 256] [--train-iterations 300] instead times Texture Synthesize on those\n"
    "sources (optimisation, generator training and sampling at 512 and 2048 px) and measures how close each\n"
    "result's texture statistics come to the source's, next to a pixel-shuffled copy of the source and noise.\n"
    "--train-style instead times Train Instant Style's training iterations at --sizes (batch 1, InceptionV3) and\n"
    "Instant's stylisation of a 1024x768 photo (tiled as the filter runs it, and in one pass).\n"
    "--stylize SCALES:ITERATIONS[:COARSE_ITERATIONS][:sequential],... instead runs Stylize's Optimise method with\n"
    "each schedule (coarse to fine over SCALES scales; sequential: the pixel phases one after the other) and\n"
    "prints its time and the loss of its result, every result measured with the same loss at the working size;\n"
    "image=FILE (a result of the working size made elsewhere) is only measured.\n"
    "--frames CLIP,... (video files or folders of frames) --style S instead runs Stylize Frames on the first\n"
    "--frame-count frames of each clip at --working-size, with both methods, each frame on its own and with\n"
    "temporal consistency, and prints the warping error of consecutive results (flicker), the filter-bank texture\n"
    "distance to S and the time per frame; --output-dir keeps the frames.\n"
    "--arbitrary PHOTO:PAINTING[:NETWORK],... instead runs Stylize's Arbitrary method (fitted, and as read),\n"
    "Optimise and, given a bundled NETWORK, Instant on each photo (long side --working-size) and prints each\n"
    "result's texture statistics and colour histograms' distance to the painting's over the photo's own\n"
    "(texture_ratio, colour_ratio: below 1 = closer to the painting) and its edge agreement with the photo;\n"
    "--arbitrary-methods arbitrary,arbitrary-read,optimize,instant (default: all) chooses among those;\n"
    "--arbitrary-widths then times whole layers of those widths (height 3/4) with their peak memory.\n"
    "--quality PHOTO:PAINTING[:REFERENCE],... instead runs Stylize with each --config (Stylize's values by their\n"
    "CLI names without dashes, e.g. --config strong:style-strength=4;scales=2; default: the defaults, and\n"
    "method=arbitrary; filter=large-style runs Large Tiled Style with its values instead) on each photo, at the "
    "REFERENCE picture's size (e.g. a classic VGG-19 result) or with its\n"
    "long side at --quality-size, and prints for each result and for the reference: texture_ratio, colour_ratio\n"
    "and referee_ratio (filter-bank statistics, colour histograms and a random-weight VGG-19's Gram matrices:\n"
    "the distance to the painting over the photo's own; below 1 = closer to the painting), edge_correlation with\n"
    "the photo and high_frequency_ratio (fine detail against the photo's; below 1 = softer), then each\n"
    "configuration's ratios over the reference's (docs/quality.md).\n";

}  // namespace atelier
