#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "core/device.h"
#include "core/error.h"
#include "core/image_statistics.h"
#include "core/losses/losses.h"
#include "tests/test_util.h"

using namespace atelier;

namespace {

class TextureLosses : public ::testing::Test {
 protected:
  void SetUp() override { at::set_num_threads(1); }
};

// `t` [N,C,H,W] with its H*W positions permuted (the same permutation for every channel).
at::Tensor permuted_positions(const at::Tensor& t, int64_t seed) {
  torch::manual_seed(seed);
  at::Tensor order = torch::randperm(t.size(2) * t.size(3), torch::kLong);
  return t.reshape({t.size(0), t.size(1), -1}).index_select(2, order).reshape(t.sizes());
}

std::vector<double> sorted_values(const at::Tensor& t) {
  at::Tensor flat = t.to(torch::kDouble).reshape(-1).contiguous();
  std::vector<double> v(flat.data_ptr<double>(), flat.data_ptr<double>() + flat.numel());
  std::sort(v.begin(), v.end());
  return v;
}

// The empirical quantile function of `sorted` (value k of n at quantile (k+0.5)/n, linear in between, constant
// beyond the ends) evaluated at the quantiles of `count` equally weighted values.
std::vector<double> quantiles(const std::vector<double>& sorted, size_t count) {
  const double n = static_cast<double>(sorted.size());
  std::vector<double> out;
  for (size_t j = 0; j < count; ++j) {
    const double q = (j + 0.5) / static_cast<double>(count);
    const double pos = q * n - 0.5;  // fractional index whose quantile is q
    if (pos <= 0) {
      out.push_back(sorted.front());
    } else if (pos >= n - 1) {
      out.push_back(sorted.back());
    } else {
      const size_t k = static_cast<size_t>(pos);
      const double w = pos - static_cast<double>(k);
      out.push_back((1 - w) * sorted[k] + w * sorted[k + 1]);
    }
  }
  return out;
}

double mean_squared_difference(const std::vector<double>& a, const std::vector<double>& b) {
  double sum = 0;
  for (size_t i = 0; i < a.size(); ++i) sum += (a[i] - b[i]) * (a[i] - b[i]);
  return sum / static_cast<double>(a.size());
}

// A smooth, structured colour image [1,3,h,w] in [0,1].
at::Tensor gradient_image(int64_t h, int64_t w) {
  at::Tensor y = torch::linspace(0, 1, h).view({h, 1}).expand({h, w});
  at::Tensor x = torch::linspace(0, 1, w).view({1, w}).expand({h, w});
  return torch::stack({x, y, (x * 6).sin() * 0.5 + 0.5}).unsqueeze(0).contiguous();
}

}  // namespace

TEST_F(TextureLosses, ZeroForPermutedPositionsAndPositiveForOtherFeatures) {
  torch::manual_seed(1);
  at::Tensor target = torch::rand({1, 8, 12, 10});
  at::Tensor features = torch::cat({permuted_positions(target, 2), permuted_positions(target, 3)});
  at::Tensor dirs = random_directions(8, 16, 5);
  EXPECT_LT(sliced_wasserstein_distance(features, target, dirs).item<double>(), 1e-10);
  EXPECT_LT(sliced_wasserstein_loss(features, target, dirs).item<double>(), 1e-8);

  // Same mean, half the contrast: Gram-like averages would move little, the sorted projections do.
  at::Tensor other = (torch::rand({2, 8, 12, 10}) - 0.5) * 0.5 + 0.5;
  EXPECT_GT(sliced_wasserstein_distance(other, target, dirs).item<double>(), 5e-3);
  EXPECT_GT(sliced_wasserstein_loss(other, target, dirs).item<double>(), 2e-2);
}

TEST_F(TextureLosses, OneChannelIsExact1DWasserstein) {
  torch::manual_seed(4);
  at::Tensor dirs = torch::ones({1, 1});
  for (auto type : {torch::kDouble, torch::kFloat}) {
    at::Tensor features = torch::randn({1, 1, 5, 7}, type);
    at::Tensor target = torch::randn({1, 1, 7, 5}, type) * 2 + 1;
    const double expected = mean_squared_difference(sorted_values(features), sorted_values(target));
    const double got = sliced_wasserstein_distance(features, target, dirs).item<double>();
    EXPECT_NEAR(got, expected, 1e-5 * expected) << "dtype " << type;
  }
}

TEST_F(TextureLosses, UnequalCountsCompareWithTargetQuantiles) {
  torch::manual_seed(6);
  at::Tensor dirs = torch::ones({1, 1}, torch::kDouble);
  at::Tensor features = torch::randn({1, 1, 5, 7}, torch::kDouble);  // 35 values
  const std::vector<double> f = sorted_values(features);
  for (auto [h, w] : {std::pair{4, 6}, std::pair{10, 5}, std::pair{9, 13}}) {
    at::Tensor target = torch::rand({1, 1, h, w}, torch::kDouble) * 3 - 1;
    const double expected = mean_squared_difference(f, quantiles(sorted_values(target), f.size()));
    EXPECT_NEAR(sliced_wasserstein_distance(features, target, dirs).item<double>(), expected, 1e-12)
        << "target " << h << "x" << w;
  }
  // A target holding every feature value twice has the same distribution: distance zero.
  at::Tensor doubled = torch::cat({features, features}, 2);  // [1,1,10,7]
  EXPECT_LT(sliced_wasserstein_distance(features, doubled, dirs).item<double>(), 1e-20);
}

TEST_F(TextureLosses, RandomDirectionsAreSeededUnitColumns) {
  at::Tensor d = random_directions(6, 9, 42);
  ASSERT_EQ(d.sizes(), (at::IntArrayRef{6, 9}));
  EXPECT_EQ(d.scalar_type(), torch::kFloat);
  EXPECT_TRUE(d.device().is_cpu());
  EXPECT_TRUE(torch::allclose(d.norm(2, {0}), torch::ones({9}), 0, 1e-5));
  EXPECT_TRUE(torch::equal(d, random_directions(6, 9, 42)));
  EXPECT_GT((d - random_directions(6, 9, 43)).abs().max().item<double>(), 0.1);
  // Directions point everywhere, not along one axis: both signs appear in every row.
  EXPECT_TRUE((d.gt(0).any(1) & d.lt(0).any(1)).all().item<bool>());
  EXPECT_TRUE(random_directions(1, 1, 0).abs().equal(torch::ones({1, 1})));
}

TEST_F(TextureLosses, AdamStepsMoveFeaturesTowardTargetDistribution) {
  torch::manual_seed(7);
  at::Tensor target = (torch::randn({1, 4, 10, 10}) * 3 + 2).requires_grad_(true);
  at::Tensor x = torch::randn({1, 4, 8, 8}).requires_grad_(true);
  at::Tensor dirs = random_directions(4, 16, 8);
  torch::optim::Adam adam({x}, torch::optim::AdamOptions(0.2));
  const double first = sliced_wasserstein_loss(x, target, dirs).item<double>();
  double last = first;
  for (int i = 0; i < 25; ++i) {
    adam.zero_grad();
    at::Tensor loss = sliced_wasserstein_loss(x, target, dirs);
    loss.backward();
    last = loss.item<double>();
    adam.step();
  }
  EXPECT_GT(first, 0.1);
  EXPECT_LT(last, 0.3 * first);
  EXPECT_FALSE(target.grad().defined());  // the target is a constant
}

TEST_F(TextureLosses, LossIsScaleIndependent) {
  torch::manual_seed(9);
  at::Tensor target = torch::rand({1, 5, 9, 9});
  at::Tensor features = torch::randn({2, 5, 6, 7});
  at::Tensor dirs = random_directions(5, 8, 1);
  const double base = sliced_wasserstein_loss(features, target, dirs).item<double>();
  const double scaled = sliced_wasserstein_loss(features * 10, target * 10, dirs).item<double>();
  EXPECT_NEAR(scaled, base, 1e-5 * base);
  EXPECT_NEAR(sliced_wasserstein_distance(features * 10, target * 10, dirs).item<double>(),
              100 * sliced_wasserstein_distance(features, target, dirs).item<double>(), 1e-3 * base * 100);
}

TEST_F(TextureLosses, HalfInputsAreComputedInFloat) {
  torch::manual_seed(10);
  at::Tensor target = torch::rand({1, 3, 6, 6}).to(torch::kHalf);
  at::Tensor features = torch::rand({1, 3, 6, 6}).to(torch::kHalf);
  at::Tensor dirs = random_directions(3, 4, 2);
  at::Tensor loss = sliced_wasserstein_loss(features, target, dirs);
  EXPECT_EQ(loss.scalar_type(), torch::kFloat);
  EXPECT_NEAR(loss.item<double>(),
              sliced_wasserstein_loss(features.to(torch::kFloat), target.to(torch::kFloat), dirs).item<double>(), 1e-6);
}

TEST_F(TextureLosses, MismatchedShapesAreExplained) {
  at::Tensor f = torch::rand({2, 4, 5, 5});
  EXPECT_NE(test::error_of([&] {
              sliced_wasserstein_loss(f, torch::rand({1, 3, 5, 5}), random_directions(4, 2, 0));
            }).find("channel counts differ"),
            std::string::npos);
  EXPECT_NE(test::error_of([&] {
              sliced_wasserstein_loss(f, torch::rand({1, 4, 5, 5}), random_directions(3, 2, 0));
            }).find("channel counts differ"),
            std::string::npos);
  EXPECT_NE(test::error_of([&] {
              sliced_wasserstein_loss(f, torch::rand({3, 4, 5, 5}), random_directions(4, 2, 0));
            }).find("target batch"),
            std::string::npos);
  EXPECT_NE(test::error_of([&] {
              sliced_wasserstein_loss(f, torch::rand({4, 5, 5}), random_directions(4, 2, 0));
            }).find("[N,C,H,W]"),
            std::string::npos);
  EXPECT_THROW(random_directions(0, 3, 1), Error);
}

TEST_F(TextureLosses, CudaMatchesCpu) {
  if (!cuda_available()) ATELIER_SKIP_ALLOWED("no GPU");
  torch::manual_seed(12);
  at::Tensor target = torch::rand({1, 16, 20, 18});
  at::Tensor features = torch::rand({2, 16, 15, 17});
  at::Tensor dirs = random_directions(16, 32, 3);
  at::Tensor gpu_dirs = random_directions(16, 32, 3, torch::kCUDA);
  EXPECT_TRUE(gpu_dirs.is_cuda());
  EXPECT_TRUE(torch::allclose(gpu_dirs.cpu(), dirs));
  const double cpu = sliced_wasserstein_loss(features, target, dirs).item<double>();
  at::Tensor gpu = sliced_wasserstein_loss(features.cuda(), target.cuda(), gpu_dirs);
  EXPECT_TRUE(gpu.is_cuda());
  EXPECT_NEAR(gpu.item<double>(), cpu, 1e-4 * cpu);
}

TEST_F(TextureLosses, ShuffledPixelsKeepTheHistogramAndLoseTheStructure) {
  at::Tensor img = gradient_image(40, 48);
  at::Tensor shuffled = shuffled_pixels(img, 1);
  ASSERT_EQ(shuffled.sizes(), img.sizes());
  EXPECT_LT(colour_histogram_distance(img, shuffled), 1e-9);
  EXPECT_GT((shuffled - img).abs().mean().item<double>(), 0.1);
  // Whole pixels move: every channel's values stay the same multiset, and colours stay together.
  for (int ch = 0; ch < 3; ++ch) EXPECT_EQ(sorted_values(img[0][ch]), sorted_values(shuffled[0][ch]));
  EXPECT_TRUE(torch::equal(shuffled_pixels(img, 1), shuffled));
  EXPECT_FALSE(torch::equal(shuffled_pixels(img, 2), shuffled));
  // Neighbours no longer resemble each other.
  auto roughness = [](const at::Tensor& t) { return (t.slice(3, 1) - t.slice(3, 0, -1)).abs().mean().item<double>(); };
  EXPECT_GT(roughness(shuffled), 10 * roughness(img));
}

TEST_F(TextureLosses, HistogramDistanceSeparatesDifferentImages) {
  EXPECT_NEAR(colour_histogram_distance(torch::zeros({1, 3, 8, 8}), torch::ones({1, 3, 5, 7})), 6.0, 1e-12);
  torch::manual_seed(13);
  at::Tensor dark = torch::rand({1, 3, 32, 32}) * 0.3;
  at::Tensor bright = torch::rand({1, 3, 24, 20}) * 0.3 + 0.7;
  EXPECT_GT(colour_histogram_distance(dark, bright), 5.9);
  // Two samples of the same distribution, at different sizes, are close.
  EXPECT_LT(colour_histogram_distance(torch::rand({1, 3, 64, 64}), torch::rand({1, 3, 48, 56})), 0.6);
  EXPECT_NEAR(colour_histogram_distance(dark, dark), 0.0, 1e-12);
}

// Edge agreement: 1 for the same picture (also recoloured or brighter: only the edges' strengths count), near 0
// for unrelated noise or a picture with its structure shuffled away, and the photo scaled down and up in between.
TEST_F(TextureLosses, GradientCorrelationFollowsTheEdges) {
  // Checks, a half-plane and a disc over the smooth gradients: sharp edges of several strengths.
  const at::Tensor y = torch::linspace(0, 1, 40).view({40, 1}).expand({40, 48});
  const at::Tensor x = torch::linspace(0, 1, 48).view({1, 48}).expand({40, 48});
  const at::Tensor checks = at::remainder((x * 5).floor() + (y * 4).floor(), 2) * 0.6;
  const at::Tensor disc = ((x - 0.5).square() + (y - 0.5).square() < 0.06).to(at::kFloat) * 0.4;
  const at::Tensor img =
      (gradient_image(40, 48) * 0.3 + torch::stack({checks, (x > 0.3).to(at::kFloat) * 0.5, disc}).unsqueeze(0))
          .clamp(0, 1);
  EXPECT_NEAR(gradient_correlation(img, img), 1.0, 1e-6);
  EXPECT_NEAR(gradient_correlation(img * 0.5 + 0.2, img), 1.0, 1e-5);
  EXPECT_LT(std::abs(gradient_correlation(shuffled_pixels(img, 3), img)), 0.2);
  torch::manual_seed(5);
  EXPECT_LT(std::abs(gradient_correlation(torch::rand({1, 3, 40, 48}), img)), 0.2);
  const at::Tensor blurred = at::upsample_bilinear2d(at::avg_pool2d(img, 2), {40, 48}, false);
  const double r = gradient_correlation(blurred, img);
  std::printf("[ info ] scaled down and up: %.3f\n", r);
  EXPECT_GT(r, 0.3);
  EXPECT_LT(r, 0.99);
  // The second image is resized to the first's size.
  EXPECT_GT(gradient_correlation(at::avg_pool2d(img, 2), img), 0.5);
  EXPECT_EQ(gradient_correlation(torch::zeros({1, 3, 8, 8}), img), 0.0);
  EXPECT_THROW(gradient_correlation(torch::zeros({1, 1, 8, 8}), img), Error);
}

// Crispness: a picture against itself is 1, a copy scaled up from half the size has a small part of the fine
// detail, noise has more than a smooth picture, a flat picture has none.
TEST_F(TextureLosses, HighFrequencyRatioFallsForAPictureScaledUp) {
  const at::Tensor y = torch::linspace(0, 1, 64).view({64, 1}).expand({64, 80});
  const at::Tensor x = torch::linspace(0, 1, 80).view({1, 80}).expand({64, 80});
  const at::Tensor checks = at::remainder((x * 16).floor() + (y * 12).floor(), 2);
  const at::Tensor img = torch::stack({checks, checks * 0.5 + 0.2, 1 - checks}).unsqueeze(0);
  EXPECT_NEAR(high_frequency_ratio(img, img), 1.0, 1e-6);
  const at::Tensor upscaled = at::upsample_bilinear2d(at::avg_pool2d(img, 2), {64, 80}, false);
  const double r = high_frequency_ratio(upscaled, img);
  std::printf("[ info ] scaled down and up: %.3f\n", r);
  EXPECT_LT(r, 0.6);
  EXPECT_GT(r, 0.05);
  // The second image is resized to the first's size first; a flat picture has no detail.
  EXPECT_NEAR(high_frequency_ratio(img, at::avg_pool2d(img, 2)), 1.0 / r, 1e-4 / r);
  EXPECT_EQ(high_frequency_ratio(torch::full({1, 3, 64, 80}, 0.5), img), 0.0);
  EXPECT_EQ(high_frequency_ratio(img, torch::full({1, 3, 64, 80}, 0.5)), 0.0);
  EXPECT_THROW(high_frequency_ratio(torch::zeros({1, 3, 2, 8}), img), Error);
}
