#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <atomic>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/tiling.h"
#include "tests/test_util.h"

using namespace atelier;
using atelier::test::error_of;

namespace {

TileOptions options(int64_t tile_size, int64_t overlap, Border border, int64_t align = 1) {
  TileOptions opt;
  opt.tile_size = tile_size;
  opt.overlap = overlap;
  opt.align = align;
  opt.border = border;
  return opt;
}

TiledRun blended(Blend blend) {
  TiledRun run;
  run.blend = blend;
  return run;
}

at::Tensor random_image(int64_t n, int64_t c, int64_t h, int64_t w) {
  torch::manual_seed(7);
  return torch::rand({n, c, h, w});
}

// Plans with several tiles per axis, cores of unequal sizes, and (Mirror) context past the image.
const std::vector<TileOptions>& varied_options() {
  static const std::vector<TileOptions> all = {
      options(16, 3, Border::Mirror),  options(16, 3, Border::Clip),   options(20, 4, Border::Mirror, 4),
      options(20, 4, Border::Clip, 4), options(11, 4, Border::Mirror), options(64, 8, Border::Clip),
      options(12, 0, Border::Mirror),
  };
  return all;
}

std::string describe(const TileOptions& o) {
  return "tile " + std::to_string(o.tile_size) + ", overlap " + std::to_string(o.overlap) + ", align " +
         std::to_string(o.align) + (o.border == Border::Mirror ? ", mirror" : ", clip");
}

}  // namespace

TEST(Tiling, CoresPartitionTheImageAndRegionsAddContext) {
  for (const TileOptions& o : varied_options()) {
    const TilePlan plan(37, 53, o);
    at::Tensor covered = torch::zeros({37, 53}, torch::kInt);
    for (const Tile& t : plan.tiles()) {
      covered.slice(0, t.core.y0, t.core.y1).slice(1, t.core.x0, t.core.x1) += 1;
      EXPECT_EQ(t.core.y0 % o.align, 0) << describe(o);
      EXPECT_EQ(t.core.x0 % o.align, 0) << describe(o);
      if (o.border == Border::Mirror) {
        EXPECT_EQ(t.region.y0, t.core.y0 - o.overlap) << describe(o);
        EXPECT_EQ(t.region.x1, t.core.x1 + o.overlap) << describe(o);
      } else {
        EXPECT_EQ(t.region.y0, std::max<int64_t>(0, t.core.y0 - o.overlap)) << describe(o);
        EXPECT_EQ(t.region.x1, std::min<int64_t>(53, t.core.x1 + o.overlap)) << describe(o);
      }
    }
    EXPECT_TRUE(torch::equal(covered, torch::ones_like(covered))) << describe(o);
    EXPECT_GT(plan.size(), 1u) << describe(o);
  }
  const TilePlan single(30, 20, options(64, 8, Border::Clip));
  ASSERT_EQ(single.size(), 1u);
  EXPECT_EQ(single.tiles()[0].region.y1, 30);
  EXPECT_EQ(single.tiles()[0].region.x1, 20);
}

TEST(Tiling, TileInputIsTheMirrorPaddedImage) {
  const at::Tensor image = random_image(1, 2, 7, 9);
  const at::Tensor padded = at::reflection_pad2d(image, {3, 3, 3, 3});  // left, right, top, bottom
  const TilePlan plan(7, 9, options(10, 3, Border::Mirror));
  for (const Tile& t : plan.tiles()) {
    const at::Tensor expected =
        padded.slice(2, t.region.y0 + 3, t.region.y1 + 3).slice(3, t.region.x0 + 3, t.region.x1 + 3);
    EXPECT_TRUE(torch::equal(tile_input(image, t), expected)) << t.index;
  }
  // Context wider than the image keeps reflecting: ... 1 0 1 | 0 1 2 | 1 0 1 2 ...
  const at::Tensor row = torch::arange(3, torch::kFloat).view({1, 1, 1, 3});
  Tile wide;
  wide.region = {0, 1, -4, 7};
  EXPECT_TRUE(torch::equal(tile_input(row, wide).flatten(),
                           torch::tensor({0.f, 1.f, 2.f, 1.f, 0.f, 1.f, 2.f, 1.f, 0.f, 1.f, 2.f})));
}

TEST(Tiling, IdentityReproducesTheImage) {
  const at::Tensor image = random_image(2, 3, 37, 53);
  auto identity = [](const at::Tensor& region, const Tile&) { return region.clone(); };
  for (const TileOptions& o : varied_options())
    for (Blend blend : {Blend::Feather, Blend::Core}) {
      const at::Tensor out = run_tiled(image, TilePlan(37, 53, o), identity, blended(blend), Progress());
      EXPECT_TRUE(torch::equal(out, image)) << describe(o) << (blend == Blend::Core ? ", core" : ", feather");
    }
}

TEST(Tiling, FeatheredWeightsSumToOne) {
  for (const TileOptions& o : varied_options()) {
    const TilePlan plan(37, 53, o);
    auto ones = [](const Tile& t) { return torch::ones({1, 1, t.region.height(), t.region.width()}); };
    EXPECT_TRUE(torch::equal(run_tiled(plan, ones, blended(Blend::Feather), Progress()), torch::ones({1, 1, 37, 53})))
        << describe(o);

    // Each tile answers with its own one-hot channel: the output is the normalised weights, tile by tile.
    const int64_t n = static_cast<int64_t>(plan.size());
    auto one_hot = [n](const Tile& t) {
      at::Tensor y = torch::zeros({1, n, t.region.height(), t.region.width()});
      y.select(1, static_cast<int64_t>(t.index)).fill_(1);
      return y;
    };
    const at::Tensor weights = run_tiled(plan, one_hot, blended(Blend::Feather), Progress());
    EXPECT_LT((weights.sum(1) - 1).abs().max().item<double>(), 1e-6) << describe(o);
    EXPECT_GE(weights.min().item<double>(), 0.0) << describe(o);
    for (const Tile& t : plan.tiles()) {
      // Nothing outside the tile's region; all of it at least `overlap` pixels from a neighbouring core.
      at::Tensor outside = weights[0][static_cast<int64_t>(t.index)].clone();
      outside.slice(0, std::max<int64_t>(0, t.region.y0), t.region.y1)
          .slice(1, std::max<int64_t>(0, t.region.x0), t.region.x1)
          .zero_();
      EXPECT_EQ(outside.abs().max().item<double>(), 0.0) << describe(o) << ", tile " << t.index;
    }
  }
  // Linear across the overlap: two tiles side by side with cores [0,8) and [8,16), overlap 4.
  const TilePlan pair(1, 16, options(16, 4, Border::Clip));
  ASSERT_EQ(pair.size(), 2u);
  auto left = [](const Tile& t) { return torch::full({1, 1, 1, t.region.width()}, t.index == 0 ? 1.f : 0.f); };
  const at::Tensor ramp = run_tiled(pair, left, blended(Blend::Feather), Progress()).flatten();
  const at::Tensor expected = torch::tensor(
      {1.f, 1.f, 1.f, 1.f, 0.9375f, 0.8125f, 0.6875f, 0.5625f, 0.4375f, 0.3125f, 0.1875f, 0.0625f, 0.f, 0.f, 0.f, 0.f});
  EXPECT_TRUE(torch::allclose(ramp, expected, 0, 1e-6)) << ramp;
}

// Half-precision storage (large outputs): the same blend as in float, to half precision, in half.
TEST(Tiling, HalfStorageKeepsTheBlendToHalfPrecision) {
  const at::Tensor image = random_image(1, 3, 37, 53);
  auto shifted_ramp = [](const at::Tensor& region, const Tile& t) { return region * 0.75 + 0.002 * t.index; };
  for (const TileOptions& o : varied_options()) {
    const TilePlan plan(37, 53, o);
    const at::Tensor reference = run_tiled(image, plan, shifted_ramp, blended(Blend::Feather), Progress());
    TiledRun half = blended(Blend::Feather);
    half.storage = at::kHalf;
    const at::Tensor out = run_tiled(image, plan, shifted_ramp, half, Progress());
    EXPECT_EQ(out.scalar_type(), at::kHalf) << describe(o);
    EXPECT_LT((out.to(at::kFloat) - reference).abs().max().item<double>(), 2e-3) << describe(o);
  }
}

TEST(Tiling, PointwiseFunctionTiledEqualsUntiled) {
  const at::Tensor image = random_image(1, 3, 37, 53);
  // Exactly rounded arithmetic only, and another channel count.
  auto pointwise = [](const at::Tensor& x) {
    return torch::cat({x * x, x * 0.5 + 1, x.narrow(1, 0, 1) - x.narrow(1, 2, 1)}, 1);
  };
  const at::Tensor expected = pointwise(image);
  for (const TileOptions& o : varied_options())
    for (Blend blend : {Blend::Feather, Blend::Core}) {
      const at::Tensor out = run_tiled(
          image, TilePlan(37, 53, o), [&](const at::Tensor& r, const Tile&) { return pointwise(r); }, blended(blend),
          Progress());
      EXPECT_TRUE(torch::equal(out, expected)) << describe(o);
    }
}

TEST(Tiling, ConvolutionWithinTheContextMatchesTheWholeImageOnCores) {
  const at::Tensor image = random_image(1, 3, 37, 53);
  torch::manual_seed(11);
  const at::Tensor w3 = torch::randn({4, 3, 3, 3}), w5 = torch::randn({2, 4, 5, 5});
  // Receptive field: 1 + 2 = 3 pixels each side.
  auto convs = [&](const at::Tensor& x) { return at::conv2d(at::conv2d(x, w3, {}, 1, 1), w5, {}, 1, 2); };
  const at::Tensor zero_padded = convs(image);
  const at::Tensor mirror_padded =
      at::conv2d(at::conv2d(at::reflection_pad2d(image, {3, 3, 3, 3}), w3), w5);  // no padding: 37 x 53 left
  auto fn = [&](const at::Tensor& r, const Tile&) { return convs(r); };
  // The same sums over the same pixels, but oneDNN picks its kernel (and so the summation order) by CPU and input
  // shape: a tile and the whole image may round differently in the last bits. 1e-5 of the values' magnitude is
  // float32 rounding of 3 x 3 x 3 then 4 x 5 x 5 products; a misplaced or missing pixel is of the magnitude itself.
  const double tolerance = 1e-5 * zero_padded.abs().max().item<double>();
  auto max_difference = [](const at::Tensor& a, const at::Tensor& b) { return (a - b).abs().max().item<double>(); };
  for (int64_t overlap : {3, 5}) {
    const at::Tensor clip =
        run_tiled(image, TilePlan(37, 53, options(20, overlap, Border::Clip)), fn, blended(Blend::Core), Progress());
    EXPECT_LT(max_difference(clip, zero_padded), tolerance) << overlap;
    const at::Tensor mirror =
        run_tiled(image, TilePlan(37, 53, options(20, overlap, Border::Mirror)), fn, blended(Blend::Core), Progress());
    EXPECT_LT(max_difference(mirror, mirror_padded), tolerance) << overlap;
  }
  // Too little context: the cores' borders differ, by far more than the rounding.
  const at::Tensor short_context =
      run_tiled(image, TilePlan(37, 53, options(20, 1, Border::Clip)), fn, blended(Blend::Core), Progress());
  EXPECT_GT(max_difference(short_context, zero_padded), 1000 * tolerance);
}

TEST(Tiling, FunctionSeesAtMostTheTileSize) {
  const at::Tensor image = random_image(1, 3, 101, 67);
  for (const TileOptions& o : varied_options()) {
    int64_t largest = 0;
    auto fn = [&](const at::Tensor& r, const Tile&) {
      largest = std::max({largest, r.size(2), r.size(3)});
      return r;
    };
    const at::Tensor out = run_tiled(image, TilePlan(101, 67, o), fn, blended(Blend::Feather), Progress());
    EXPECT_LE(largest, o.tile_size) << describe(o);
    EXPECT_TRUE(out.device().is_cpu());
  }
}

TEST(Tiling, GatherPassesSeeEveryCorePixelOnceBeforeTheOutput) {
  const TilePlan plan(37, 53, options(16, 3, Border::Mirror));
  at::Tensor seen = torch::zeros({37, 53}, torch::kInt);
  std::vector<std::string> events;
  TiledRun run;
  run.blend = Blend::Core;
  run.gather.push_back({[&](const Tile& t) {
                          seen.slice(0, t.core.y0, t.core.y1).slice(1, t.core.x0, t.core.x1) += 1;
                          if (t.index == 0) events.push_back("gather 1");
                        },
                        [&] { events.push_back("finish 1"); }});
  run.gather.push_back({[&](const Tile& t) {
                          if (t.index == 0) events.push_back("gather 2");
                        },
                        nullptr});
  std::vector<double> fractions;
  Progress progress([&](double f, const std::string&) { fractions.push_back(f); }, nullptr);
  run_tiled(
      plan,
      [&](const Tile& t) {
        if (t.index == 0) events.push_back("output");
        return torch::zeros({1, 1, t.region.height(), t.region.width()});
      },
      run, progress);
  EXPECT_TRUE(torch::equal(seen, torch::ones_like(seen)));
  EXPECT_EQ(events, (std::vector<std::string>{"gather 1", "finish 1", "gather 2", "output"}));
  EXPECT_EQ(fractions.size(), 3 * plan.size());
  EXPECT_TRUE(std::is_sorted(fractions.begin(), fractions.end()));
  EXPECT_NEAR(fractions.back(), 1.0, 1e-12);
}

TEST(Tiling, ProgressCountsTheTiles) {
  const TilePlan plan(37, 53, options(16, 3, Border::Mirror));
  std::vector<std::string> messages;
  for_each_tile(
      plan, [](const Tile&) {}, Progress([&](double, const std::string& m) { messages.push_back(m); }, nullptr),
      "stylising");
  ASSERT_EQ(messages.size(), plan.size());
  EXPECT_EQ(messages[1], "stylising (2/" + std::to_string(plan.size()) + ")");
}

TEST(Tiling, CancelThrows) {
  const TilePlan plan(37, 53, options(16, 3, Border::Mirror));
  std::atomic<bool> cancel{false};
  int calls = 0;
  Progress progress([&](double, const std::string&) { cancel = true; }, &cancel);
  auto fn = [&](const Tile& t) {
    ++calls;
    return torch::zeros({1, 1, t.region.height(), t.region.width()});
  };
  EXPECT_THROW(run_tiled(plan, fn, blended(Blend::Feather), progress), Cancelled);
  EXPECT_EQ(calls, 1);
  calls = 0;
  EXPECT_THROW(for_each_tile(plan, [&](const Tile&) { ++calls; }, progress, "x"), Cancelled);
  EXPECT_EQ(calls, 0);
}

TEST(Tiling, RejectsBadOptionsAndOutputs) {
  EXPECT_NE(error_of([] { TilePlan(100, 100, options(16, 6, Border::Mirror, 8)); }).find("overlap of 6"),
            std::string::npos);
  EXPECT_NE(error_of([] { TilePlan(100, 100, options(10, 5, Border::Clip)); }).find("at least 2 x overlap + 1"),
            std::string::npos);
  EXPECT_NE(error_of([] { TilePlan(100, 100, options(3, 0, Border::Clip, 4)); }).find("smaller than the alignment"),
            std::string::npos);
  EXPECT_NE(error_of([] { TilePlan(0, 100, options(16, 2, Border::Clip)); }).find("empty"), std::string::npos);
  EXPECT_THROW(TilePlan(10, 10, options(16, -1, Border::Clip)), Error);

  const TilePlan plan(37, 53, options(16, 3, Border::Mirror));
  auto too_small = [](const Tile& t) { return torch::zeros({1, 1, t.region.height() - 1, t.region.width()}); };
  EXPECT_NE(error_of([&] { run_tiled(plan, too_small, blended(Blend::Core), Progress()); }).find("region of"),
            std::string::npos);
  auto varying = [](const Tile& t) {
    return torch::zeros({1, t.index == 0 ? 1 : 2, t.region.height(), t.region.width()});
  };
  EXPECT_THROW(run_tiled(plan, varying, blended(Blend::Core), Progress()), Error);
  auto integers = [](const Tile& t) { return torch::zeros({1, 1, t.region.height(), t.region.width()}, torch::kInt); };
  EXPECT_THROW(run_tiled(plan, integers, blended(Blend::Feather), Progress()), Error);
  EXPECT_THROW(run_tiled(
                   torch::zeros({1, 3, 36, 53}), plan, [](const at::Tensor& r, const Tile&) { return r; },
                   blended(Blend::Core), Progress()),
               Error);
}
