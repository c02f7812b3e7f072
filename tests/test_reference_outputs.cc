// The filters' outputs for fixed seeds and settings, compared with stored references (tests/fixtures/references/):
// refactoring the engine must not change what users get. The tolerance covers float noise only (summation order,
// thread count), not a changed algorithm.
//
// To record new references deliberately (an intended change of results), run the suite with
// ATELIER_UPDATE_REFERENCES=1 and commit the files it writes, saying why the results changed.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "core/image_io.h"
#include "core/safetensors.h"
#include "filters/filter.h"
#include "models/model_library.h"
#include "tests/test_util.h"

using namespace atelier;

namespace {

// Largest per-channel difference allowed (results are in [0,1]). The runs use one thread: with more, the
// summation order (and so the rounding) changes with the thread count, and a few optimisation or DeepDream steps
// amplify that to ~1e-2 (measured: 0.007 Optimise, 0.15 at one pixel for Dream, with 2 threads vs 1).
constexpr double kMaxDifference = 2e-3;
// DeepDream climbs the gradient with steps normalised by its mean size, so a rounding difference in one step moves
// later steps' pixels: across machines (the same kernels' blocking differs with the CPU's caches) a few pixels
// differ by up to 0.15 and the mean by 0.005 (measured on an AMD EPYC under AVX2 kernels: max 0.063, mean 0.0052; 2
// threads vs 1: 0.15 at one pixel), while a changed algorithm moves the mean by about as much as the dream itself
// (printed: mean |dream - picture|). Dream is judged by its mean difference.
constexpr double kDreamMeanDifference = 0.01;

// A deterministic picture with edges, gradients and a few shapes (content for every filter).
Image test_picture(int w, int h) {
  Image img(w, h);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      float* p = img.pixel(x, y);
      const float u = static_cast<float>(x) / w, v = static_cast<float>(y) / h;
      const float dx = u - 0.6f, dy = v - 0.45f;
      const bool disc = dx * dx + dy * dy < 0.06f;
      const bool bar = x % 23 < 5;
      p[0] = disc ? 0.9f : 0.15f + 0.5f * u;
      p[1] = bar ? 0.2f : 0.35f + 0.4f * v;
      p[2] = disc ? 0.2f : 0.55f + 0.3f * std::sin(9.0f * u + 4.0f * v);
      p[3] = 1.f;
    }
  return img;
}

at::Tensor rgb_of(const Image& img) {
  at::Tensor t = torch::from_blob(const_cast<float*>(img.rgba.data()), {img.height, img.width, 4}, at::kFloat);
  return t.slice(2, 0, 3).clone();
}

std::string reference_path(const std::string& name) {
  return test::fixture("references/" + name + ".safetensors");
}

// max_diff, mean_diff: the largest and the mean difference allowed.
void expect_matches_reference(const std::string& name, const Image& result, double max_allowed = kMaxDifference,
                              double mean_allowed = kMaxDifference) {
  const at::Tensor rgb = rgb_of(result);
  const std::string path = reference_path(name);
  if (const char* update = std::getenv("ATELIER_UPDATE_REFERENCES"); update && std::string(update) == "1") {
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    save_safetensors(path, {{"rgb", rgb}}, {{"what", "reference output of tests/test_reference_outputs.cc"}});
    GTEST_SKIP() << "wrote " << path;
  }
  ASSERT_TRUE(std::filesystem::exists(path)) << path << " is missing (ATELIER_UPDATE_REFERENCES=1 records it)";
  const at::Tensor want = load_safetensors(path).at("rgb");
  ASSERT_EQ(want.sizes(), rgb.sizes()) << name << ": the result has another size than the reference";
  const double max_diff = (want - rgb).abs().max().item<double>();
  const double mean_diff = (want - rgb).abs().mean().item<double>();
  EXPECT_LE(max_diff, max_allowed) << name << ": mean difference " << mean_diff;
  EXPECT_LE(mean_diff, mean_allowed) << name << ": largest difference " << max_diff;
}

// Runs a filter on the CPU with one thread, with values given as on the command line.
Image run(const std::string& filter_name, const std::vector<std::pair<std::string, std::string>>& values,
          const Image& input) {
  at::set_num_threads(1);
  const Filter& filter = find_filter(filter_name);
  ParamValues v(filter.params);
  v.set_text("device", "cpu");
  for (const auto& [name, value] : values) v.set_from_string(name, value);
  ModelLibrary library;
  return run_filter(filter, input, v, RunContext{&library, Progress(), {}});
}

// The style image of the Optimise cases, as a file (the filter reads it like a user's file).
std::string stripes_file() {
  static const std::string path = [] {
    const std::string p = test::temp_path("reference-style.png");
    save_png(p, test::stripes_image(90, 90));
    return p;
  }();
  return path;
}

bool inception_installed() {
  return ModelLibrary().installed("inception_v3");
}
#define REQUIRE_INCEPTION() \
  ATELIER_REQUIRE(inception_installed(), "InceptionV3 is not installed (./run atelier models install inception_v3)")

// Optimise, 4 L-BFGS steps at 84 px from `init` (the default: the content in the style's colours; "content": the
// start that was the default before the quality harness, docs/quality.md).
Image four_optimise_steps(const std::string& init) {
  return run("stylize",
             {{"style-image", stripes_file()},
              {"size", "84"},
              {"iterations", "4"},
              {"init", init},
              {"network", "inception_v3"},
              {"seed", "7"}},
             test_picture(84, 78));
}

}  // namespace

TEST(ReferenceOutputs, StylizeOptimize) {
  REQUIRE_INCEPTION();
  expect_matches_reference("stylize_optimise_style_colours", four_optimise_steps("style-colors"));
}

TEST(ReferenceOutputs, StylizeOptimizeFromTheContent) {
  REQUIRE_INCEPTION();
  expect_matches_reference("stylize_optimise", four_optimise_steps("content"));
}

TEST(ReferenceOutputs, StylizeOptimizeAdamFromNoise) {
  REQUIRE_INCEPTION();
  const Image out = run("stylize",
                        {{"style-image", stripes_file()},
                         {"size", "80"},
                         {"iterations", "5"},
                         {"optimizer", "adam"},
                         {"init", "random"},
                         {"preserve-colors", "luminance"},
                         {"network", "inception_v3"},
                         {"seed", "3"}},
                        test_picture(80, 80));
  expect_matches_reference("stylize_optimise_adam_noise", out);
}

TEST(ReferenceOutputs, StylizeInstant) {
  const Image out = run("stylize", {{"method", "feed-forward"}, {"fast-model", "wave"}}, test_picture(70, 52));
  expect_matches_reference("stylize_instant", out);
}

// Working size 560x80 (style scale 0.5) is above the 512 px tile: the tiled path.
TEST(ReferenceOutputs, StylizeInstantTiled) {
  const Image out = run("stylize", {{"method", "feed-forward"}, {"fast-model", "udnie"}, {"style-scale", "0.5"}},
                        test_picture(280, 40));
  expect_matches_reference("stylize_instant_tiled", out);
}

// The references were made with the whole dream added (strength 1, the only setting then).
TEST(ReferenceOutputs, Dream) {
  REQUIRE_INCEPTION();
  const Image out = run("dream",
                        {{"size", "88"},
                         {"octaves", "2"},
                         {"iterations", "3"},
                         {"network", "inception_v3"},
                         {"seed", "5"},
                         {"strength", "1"}},
                        test_picture(88, 80));
  std::cout << "[ info ] mean |dream - picture| "
            << (rgb_of(out) - rgb_of(test_picture(88, 80))).abs().mean().item<double>() << "\n";
  expect_matches_reference("dream", out, 1.0, kDreamMeanDifference);
}

TEST(ReferenceOutputs, DreamWithLayerDosesAndKeptColours) {
  REQUIRE_INCEPTION();
  const Image out = run("dream",
                        {{"layers", "mixed2:1, mixed4:-0.5"},
                         {"size", "80"},
                         {"octaves", "1"},
                         {"iterations", "4"},
                         {"keep-colors", "true"},
                         {"network", "inception_v3"},
                         {"seed", "11"},
                         {"strength", "1"}},
                        test_picture(80, 90));
  std::cout << "[ info ] mean |dream - picture| "
            << (rgb_of(out) - rgb_of(test_picture(80, 90))).abs().mean().item<double>() << "\n";
  expect_matches_reference("dream_doses", out, 1.0, kDreamMeanDifference);
}
