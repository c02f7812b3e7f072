#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <iostream>

#include "core/error.h"
#include "core/image_io.h"
#include "core/image_tensor.h"
#include "engine/feedforward_stylize.h"
#include "models/transform_net.h"
#include "tests/test_util.h"

using namespace atelier;
namespace fs = std::filesystem;

namespace {

// The bundled wave network (models/fast-style/), loaded once per test process.
const TransformNet* wave() {
  static const std::shared_ptr<TransformNet> net = load_transform_net(test::bundled_fast_style("wave"), at::kCPU);
  return net.get();
}

#define REQUIRE_WAVE() ASSERT_NE(wave(), nullptr)

at::Tensor rgb(const Image& img) {
  return image_rgb_to_tensor(img);
}

}  // namespace

TEST(FeedforwardStylize, KeepsSizeAndAlpha) {
  REQUIRE_WAVE();
  const Image in = test::photo_like(37, 29);
  for (double scale : {1.0, 1.7, 0.8}) {
    Image out = feedforward_stylize(in, *wave(), scale, Progress());
    ASSERT_EQ(out.width, 37);
    ASSERT_EQ(out.height, 29);
    at::Tensor a_in = image_alpha_to_tensor(in), a_out = image_alpha_to_tensor(out);
    EXPECT_TRUE(torch::equal(a_in, a_out)) << scale;
    EXPECT_GT((rgb(out) - rgb(in)).abs().mean().item<double>(), 0.05) << scale;
  }
}

TEST(FeedforwardStylize, UntiledEqualsTheNetwork) {
  REQUIRE_WAVE();
  const Image in = test::photo_like(40, 28);
  Image out = feedforward_stylize(in, *wave(), 1.0, Progress());
  const double err = (rgb(out) - wave()->stylize(rgb(in))).abs().max().item<double>();
  EXPECT_LT(err, 1e-5);
}

TEST(FeedforwardStylize, TiledMatchesUntiled) {
  REQUIRE_WAVE();
  const int w = 158, h = 78;  // padded to 160 x 80: 4 x 2 tiles (cores of 40 px), at 1/4 resolution 2 x 1
  const Image in = test::photo_like(w, h);
  FeedforwardOptions tiled;
  tiled.tile_size = 72;
  tiled.overlap = 16;
  std::vector<double> fractions;
  const Image a = feedforward_stylize(in, *wave(), 1.0, Progress());
  const Image b = feedforward_stylize(
      in, *wave(), 1.0, Progress([&](double f, const std::string&) { fractions.push_back(f); }, nullptr), tiled);
  ASSERT_EQ(b.width, w);
  ASSERT_EQ(b.height, h);
  EXPECT_EQ(fractions.size(), 7u * 8u + 10u * 2u + 1u);  // 7 passes over 8 tiles, 10 over 2, done
  EXPECT_TRUE(std::is_sorted(fractions.begin(), fractions.end()));
  EXPECT_DOUBLE_EQ(fractions.back(), 1.0);
  EXPECT_TRUE(torch::equal(image_alpha_to_tensor(a), image_alpha_to_tensor(b)));
  at::Tensor diff = (rgb(a) - rgb(b)).abs();
  const double mean = diff.mean().item<double>(), max = diff.max().item<double>();
  std::cout << "[ info ] tiled vs untiled: mean |diff| " << mean << ", max " << max << "\n";
  EXPECT_LT(max, 1e-3);  // everywhere, seams included
}

TEST(FeedforwardStylize, ReportsProgressAndCancels) {
  REQUIRE_WAVE();
  const Image in = test::photo_like(100, 60);
  FeedforwardOptions opt;
  opt.tile_size = 96;
  opt.overlap = 16;
  std::atomic<bool> cancel{false};
  std::vector<double> fractions;
  Progress progress(
      [&](double f, const std::string&) {
        fractions.push_back(f);
        if (fractions.size() == 2) cancel = true;  // after the first of two tiles
      },
      &cancel);
  EXPECT_THROW(feedforward_stylize(in, *wave(), 1.0, progress, opt), Cancelled);
  EXPECT_EQ(fractions.size(), 2u);
  for (size_t i = 1; i < fractions.size(); ++i) EXPECT_GT(fractions[i], fractions[i - 1]);
}

TEST(FeedforwardStylize, RejectsBadArguments) {
  REQUIRE_WAVE();
  const Image in = test::photo_like(16, 16);
  const Image out = feedforward_stylize(in, *wave(), 1.0, Progress());
  EXPECT_EQ(out.width, 16);
  EXPECT_THROW(feedforward_stylize(in, *wave(), 0.0, Progress()), Error);
  EXPECT_THROW(feedforward_stylize(in, *wave(), std::nan(""), Progress()), Error);
  EXPECT_THROW(feedforward_stylize(in, *wave(), 1e-4, Progress()), Error);  // 160000 px a side
  FeedforwardOptions opt;
  opt.tile_size = 64;
  opt.overlap = 32;
  EXPECT_THROW(feedforward_stylize(in, *wave(), 1.0, Progress(), opt), Error);
  EXPECT_THROW(feedforward_stylize(Image(), *wave(), 1.0, Progress()), Error);
}
