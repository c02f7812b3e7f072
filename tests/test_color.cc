#include <gtest/gtest.h>
#include <torch/torch.h>

#include <iostream>

#include "core/color.h"
#include "core/error.h"
#include "core/image_tensor.h"

using namespace atelier;

namespace {

at::Tensor random_image(int64_t h, int64_t w, uint64_t seed) {
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  return at::rand({1, 3, h, w}, gen, at::kFloat);
}

at::Tensor luma(const at::Tensor& rgb) {
  return 0.299 * rgb.select(1, 0) + 0.587 * rgb.select(1, 1) + 0.114 * rgb.select(1, 2);
}

}  // namespace

TEST(Color, TransferLuminanceKeepsOriginalChroma) {
  // Mid-range colours so that no clamping happens.
  const at::Tensor original = 0.3 + 0.4 * random_image(12, 10, 1);
  const at::Tensor styled = 0.35 + 0.3 * random_image(12, 10, 2);
  const at::Tensor out = transfer_luminance(styled, original);
  ASSERT_EQ(out.sizes(), original.sizes());
  EXPECT_TRUE(at::allclose(luma(out), luma(styled), 0, 1e-5));
  // Chroma is the original's: the differences from luminance match.
  EXPECT_TRUE(at::allclose(out.select(1, 2) - luma(out), original.select(1, 2) - luma(original), 0, 1e-5));
  EXPECT_TRUE(at::allclose(out.select(1, 0) - luma(out), original.select(1, 0) - luma(original), 0, 1e-5));
  // Against itself it is the identity.
  EXPECT_TRUE(at::allclose(transfer_luminance(original, original), original, 0, 1e-5));
  // A grey dream on a coloured photo gets the photo's colours back.
  const at::Tensor grey = luma(original).unsqueeze(1).expand({1, 3, 12, 10}).contiguous();
  EXPECT_TRUE(at::allclose(transfer_luminance(grey, original), original, 0, 1e-5));
}

TEST(Color, TransferLuminanceClampsAndChecks) {
  const at::Tensor out = transfer_luminance(at::ones({1, 3, 4, 4}), random_image(4, 4, 3));
  EXPECT_GE(out.min().item<float>(), 0.f);
  EXPECT_LE(out.max().item<float>(), 1.f);
  // A differently sized original is resized to the styled image.
  EXPECT_EQ(transfer_luminance(at::ones({1, 3, 4, 4}), at::ones({1, 3, 8, 10})).sizes(),
            (std::vector<int64_t>{1, 3, 4, 4}));
  EXPECT_THROW(transfer_luminance(at::ones({3, 4, 4}), at::ones({3, 4, 4})), Error);
}

TEST(Color, MatchHistogramTakesReferenceDistribution) {
  const at::Tensor source = random_image(16, 16, 4);
  const at::Tensor reference = random_image(16, 16, 5).pow(3);  // darker palette
  const at::Tensor out = match_histogram(source, reference);
  ASSERT_EQ(out.sizes(), source.sizes());
  for (int64_t c = 0; c < 3; ++c) {
    const at::Tensor got = std::get<0>(out.select(1, c).reshape(-1).sort());
    const at::Tensor want = std::get<0>(reference.select(1, c).reshape(-1).sort());
    EXPECT_TRUE(at::allclose(got, want, 0, 1e-6)) << "channel " << c;
    // Monotonic: the source's order is kept.
    const at::Tensor order = source.select(1, c).reshape(-1).argsort();
    const at::Tensor mapped = out.select(1, c).reshape(-1).index_select(0, order);
    EXPECT_TRUE((mapped.slice(0, 1) >= mapped.slice(0, 0, -1)).all().item<bool>());
  }
  EXPECT_TRUE(at::allclose(match_histogram(source, source), source, 0, 1e-6));
}

TEST(Color, MatchHistogramKeepsFlatAreasFlatAndAcceptsOtherSizes) {
  at::Tensor source = random_image(8, 8, 6);
  source.slice(2, 0, 4).fill_(0.5);  // a flat half
  const at::Tensor out = match_histogram(source, random_image(20, 30, 7));
  ASSERT_EQ(out.sizes(), source.sizes());
  const at::Tensor flat = out.slice(2, 0, 4);
  for (int64_t c = 0; c < 3; ++c)
    EXPECT_EQ(std::get<0>(at::unique_consecutive(flat.select(1, c).reshape(-1))).numel(), 1);
  EXPECT_THROW(match_histogram(at::ones({1, 1, 4, 4}), at::ones({1, 3, 4, 4})), Error);
}

// A grey reference (all channels equal, slightly warm) and a grey image with colour speckle: per-channel matching
// keeps the speckle, matching along the reference's colour axes removes it and keeps the light/dark structure.
TEST(Color, MatchColourDistributionRemovesSpeckleThatPerChannelMatchingKeeps) {
  const at::Tensor grey = random_image(40, 40, 3).select(1, 0).unsqueeze(1);
  const at::Tensor reference = at::cat({grey * 0.6 + 0.22, grey * 0.6 + 0.2, grey * 0.6 + 0.2}, 1);
  const at::Tensor structure = random_image(30, 50, 4).select(1, 0).unsqueeze(1);
  const at::Tensor speckled = (structure.expand({1, 3, 30, 50}) + 0.2 * (random_image(30, 50, 5) - 0.5)).clamp(0, 1);
  auto chroma = [](const at::Tensor& rgb) {  // mean spread between the channels, minus the reference's warm offset
    return (std::get<0>(rgb.max(1)) - std::get<0>(rgb.min(1))).mean().item<double>();
  };
  const at::Tensor per_channel = match_histogram(speckled, reference);
  const at::Tensor matched = match_colour_distribution(speckled, reference);
  ASSERT_EQ(matched.sizes(), speckled.sizes());
  EXPECT_GT(chroma(per_channel), 0.05);
  EXPECT_NEAR(chroma(matched), chroma(reference), 0.01);
  // The structure survives: the result's lightness follows the image's.
  const at::Tensor a = luma(matched).flatten() - luma(matched).mean(),
                   b = luma(speckled).flatten() - luma(speckled).mean();
  EXPECT_GT((a * b).sum().item<double>() / (a.norm() * b.norm()).item<double>(), 0.9);
  EXPECT_THROW(match_colour_distribution(torch::rand({1, 2, 4, 4}), reference), Error);
}

// The binned mapping for large layers: on its own sample it is match_colour_distribution to within its bins; fitted
// on a smaller copy of an image it recolours the full-size image as the exact mapping of that image would; `amount`
// goes part of the way; alpha is kept.
TEST(Color, ColourDistributionMatchFollowsTheExactMatchFromASmallerSample) {
  const at::Tensor reference =
      (random_image(60, 80, 8) * 0.5 + at::tensor({0.4, 0.2, 0.1}).view({1, 3, 1, 1})).clamp(0, 1);
  // A smooth image with structure at every scale, so that its smaller copy has the same colour distribution.
  const at::Tensor large = at::upsample_bilinear2d(random_image(24, 32, 9), {192, 256}, false).clamp(0, 1);
  const Image image = tensor_to_image(large);
  const at::Tensor exact = match_colour_distribution(large, reference);

  const ColourDistributionMatch on_itself(large, reference);
  Image same = image;
  on_itself.apply(same);
  const at::Tensor same_t = image_rgb_to_tensor(same);
  EXPECT_LT((same_t - exact).abs().mean().item<double>(), 2e-3);
  EXPECT_LT((same_t - exact).abs().max().item<double>(), 0.02);

  const ColourDistributionMatch from_sample(resize(large, 48, 64), reference);
  Image full = image;
  from_sample.apply(full);
  const at::Tensor full_t = image_rgb_to_tensor(full);
  const double gap = (full_t - exact).abs().mean().item<double>();
  std::cout << "[ info ] mean |sampled - exact| " << gap << ", exact moved the image by "
            << (exact - large).abs().mean().item<double>() << "\n";
  EXPECT_LT(gap, 0.02);
  EXPECT_LT(gap, 0.2 * (exact - large).abs().mean().item<double>());

  Image half = image;
  half.rgba[3] = 0.25f;
  from_sample.apply(half, 0.5);
  const at::Tensor half_t = image_rgb_to_tensor(half);
  EXPECT_LT((half_t - (large + full_t) / 2).abs().max().item<double>(), 1e-5);
  EXPECT_EQ(half.rgba[3], 0.25f);
  Image none = image;
  from_sample.apply(none, 0);
  EXPECT_EQ(none.rgba, image.rgba);
  EXPECT_THROW(ColourDistributionMatch(torch::rand({1, 2, 4, 4}), reference), Error);
}
