#include <gtest/gtest.h>
#include <torch/torch.h>

#include <atomic>
#include <cmath>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/safetensors.h"
#include "core/training.h"
#include "models/texture_generator.h"
#include "tests/test_util.h"

using namespace atelier;
using atelier::test::error_of;

namespace {

// A generator small enough to train in a fraction of a second, with reproducible initial weights.
TextureGenerator small_generator(bool tileable, uint64_t init_seed = 1) {
  torch::manual_seed(init_seed);
  TextureGeneratorConfig c;
  c.scales = 4;
  c.channels = 4;
  c.tileable = tileable;
  return TextureGenerator(c);
}

bool finite_in_unit_range(const at::Tensor& x) {
  return x.isfinite().all().item<bool>() && x.min().item<double>() >= 0.0 && x.max().item<double>() <= 1.0;
}

// Trains `g` for a few steps toward smooth samples with large-scale structure (little difference between
// neighbours relative to the variance). The loss sees only interior neighbours, never the wrap-around.
void train_smooth(TextureGenerator& g) {
  auto loss_fn = [&](int i) {
    at::Tensor x = g->sample(2, 32, 32, 100 + i);
    at::Tensor dx = x.slice(3, 1) - x.slice(3, 0, -1), dy = x.slice(2, 1) - x.slice(2, 0, -1);
    return (dx.square().mean() + dy.square().mean()) / (x.var({2, 3}).mean() + 1e-4);
  };
  TrainSettings s;
  s.iterations = 30;
  s.learning_rate = 0.03;
  s.final_learning_rate = 0.01;
  train_parameters(g->parameters(), loss_fn, s, Progress());
}

// Positions j (along a side of `size` pixels) where the coarsest scale's cell changes between j-1 and j, through
// the generator's chain of nearest upsamplings. Nearest upsampling leaves its own (weak) edges at these cell
// boundaries, and the wrap-around lies on one at every scale, so on a torus it is statistically like them.
at::Tensor cell_boundaries(int64_t size, int scales) {
  auto scale_size = [&](int k) { return (size + (int64_t{1} << k) - 1) >> k; };
  at::Tensor cell = at::arange(scale_size(scales - 1), at::kFloat).view({1, 1, 1, -1});
  for (int k = scales - 2; k >= 0; --k) cell = at::upsample_nearest2d(cell, {1, scale_size(k)});
  cell = cell.flatten();
  return at::nonzero(cell.slice(0, 1) != cell.slice(0, 0, -1)).flatten() + 1;
}

// Mean |difference| across the wrap-around divided by the mean |difference| across the interior cell boundaries,
// along dimension dim (3: horizontally, 2: vertically).
double wrap_to_interior(const at::Tensor& x, int64_t dim, int scales) {
  const at::Tensor j = cell_boundaries(x.size(dim), scales);
  const double wrap = (x.select(dim, 0) - x.select(dim, -1)).abs().mean().item<double>();
  const double inside = (x.index_select(dim, j) - x.index_select(dim, j - 1)).abs().mean().item<double>();
  return wrap / inside;
}

}  // namespace

// ---- TextureGenerator ----

TEST(TextureGenerator, SamplesHaveTheRequestedSizeAndRange) {
  torch::manual_seed(1);
  TextureGenerator g(TextureGeneratorConfig{});
  torch::NoGradGuard no_grad;
  const std::vector<std::pair<int64_t, int64_t>> sizes = {{16, 16}, {37, 53}, {128, 96}, {1, 1}, {1, 5}};
  for (const auto& [h, w] : sizes) {
    at::Tensor x = g->sample(2, h, w, 7);
    ASSERT_EQ(x.sizes(), at::IntArrayRef({2, 3, h, w})) << h << "x" << w;
    EXPECT_TRUE(finite_in_unit_range(x)) << h << "x" << w;
  }
  // Noise scales are ceil(size / 2^k), coarsest first.
  const std::vector<at::Tensor> noise = g->make_noise(1, 37, 53, 0);
  ASSERT_EQ(noise.size(), 5u);
  EXPECT_EQ(noise.front().sizes(), at::IntArrayRef({1, 3, 3, 4}));
  EXPECT_EQ(noise[3].sizes(), at::IntArrayRef({1, 3, 19, 27}));
  EXPECT_EQ(noise.back().sizes(), at::IntArrayRef({1, 3, 37, 53}));
}

TEST(TextureGenerator, UntrainedGivesMidGreyNoise) {
  torch::manual_seed(2);
  TextureGenerator g(TextureGeneratorConfig{});
  torch::NoGradGuard no_grad;
  at::Tensor x = g->sample(1, 64, 64, 3);
  EXPECT_NEAR(x.mean().item<double>(), 0.5, 0.15);
  EXPECT_GT(x.std().item<double>(), 0.01);                // noise, not a flat image
  EXPECT_LT((x - 0.5).abs().max().item<double>(), 0.48);  // not saturated
}

TEST(TextureGenerator, SameSeedSameSampleOtherSeedDifferent) {
  torch::manual_seed(3);
  TextureGenerator g(TextureGeneratorConfig{});
  torch::NoGradGuard no_grad;
  at::Tensor a = g->sample(1, 40, 24, 11), b = g->sample(1, 40, 24, 11), c = g->sample(1, 40, 24, 12);
  EXPECT_TRUE(at::equal(a, b));
  EXPECT_GT((a - c).abs().mean().item<double>(), 1e-3);
}

TEST(TextureGenerator, TileableSamplesWrapAroundWithoutSeam) {
  // Trained toward large-scale structure, a generator with mirrored padding shows a strong seam at the wrap-around
  // (checked too, so that the test is known to see a seam when there is one); circular padding shows none.
  for (const bool tileable : {true, false}) {
    TextureGenerator g = small_generator(tileable);
    train_smooth(g);
    torch::NoGradGuard no_grad;
    for (const auto& [h, w] : std::vector<std::pair<int64_t, int64_t>>{{64, 64}, {60, 44}}) {
      at::Tensor x = g->sample(16, h, w, 5);  // many samples: the wrap is one boundary of few
      const double ratio_x = wrap_to_interior(x, 3, g->config().scales);
      const double ratio_y = wrap_to_interior(x, 2, g->config().scales);
      SCOPED_TRACE("tileable " + std::to_string(tileable) + ", " + std::to_string(w) + "x" + std::to_string(h) +
                   ": wrap/interior " + std::to_string(ratio_x) + ", " + std::to_string(ratio_y));
      if (tileable) {
        EXPECT_LT(ratio_x, 1.5);
        EXPECT_LT(ratio_y, 1.5);
      } else {
        EXPECT_GT(std::max(ratio_x, ratio_y), 3.0);
      }
    }
  }
}

TEST(TextureGenerator, SaveAndLoadRestoreSamplesAndConfig) {
  TextureGenerator g = small_generator(true);
  train_smooth(g);  // weights away from their initial values
  const std::string path = test::temp_path("texture-roundtrip.safetensors");
  save_texture_generator(path, *g, {{"source.sha256", "abc123"}, {"atelier.kind", "overridden"}});

  Metadata meta;
  TextureGenerator loaded = load_texture_generator(path, &meta);
  EXPECT_EQ(meta["atelier.kind"], "texture-net");
  EXPECT_EQ(meta["source.sha256"], "abc123");
  EXPECT_EQ(loaded->config().scales, 4);
  EXPECT_EQ(loaded->config().channels, 4);
  EXPECT_EQ(loaded->config().noise_channels, 3);
  EXPECT_TRUE(loaded->config().tileable);
  EXPECT_EQ(loaded->device(), at::Device(at::kCPU));
  torch::NoGradGuard no_grad;
  EXPECT_TRUE(at::equal(g->sample(1, 33, 21, 9), loaded->sample(1, 33, 21, 9)));
}

TEST(TextureGenerator, LoadRejectsFilesThatAreNotTextureNetworks) {
  const std::string plain = test::temp_path("not-a-texture-net.safetensors");
  save_safetensors(plain, {{"weight", torch::zeros({3})}});
  std::string e = error_of([&] { load_texture_generator(plain); });
  EXPECT_NE(e.find(plain), std::string::npos) << e;
  EXPECT_NE(e.find("not a texture network"), std::string::npos) << e;

  const std::string style = test::temp_path("fast-style.safetensors");
  save_safetensors(style, {{"weight", torch::zeros({3})}}, {{"atelier.kind", "fast-style"}});
  e = error_of([&] { load_texture_generator(style); });
  EXPECT_NE(e.find(style), std::string::npos) << e;

  // Weights that do not fit the stored config.
  TextureGenerator g = small_generator(false);
  const std::string good = test::temp_path("texture-good.safetensors");
  save_texture_generator(good, *g);
  Metadata meta;
  TensorMap weights = load_safetensors(good, &meta);
  meta["atelier.channels"] = "5";
  const std::string wrong = test::temp_path("texture-wrong-config.safetensors");
  save_safetensors(wrong, weights, meta);
  e = error_of([&] { load_texture_generator(wrong); });
  EXPECT_NE(e.find(wrong), std::string::npos) << e;
  EXPECT_NE(e.find("shape"), std::string::npos) << e;

  meta["atelier.channels"] = "four";
  save_safetensors(wrong, weights, meta);
  e = error_of([&] { load_texture_generator(wrong); });
  EXPECT_NE(e.find(wrong), std::string::npos) << e;
  EXPECT_NE(e.find("atelier.channels"), std::string::npos) << e;
}

TEST(TextureGenerator, RejectsBadConfigsSizesAndNoise) {
  TextureGeneratorConfig c;
  c.scales = 0;
  EXPECT_NE(error_of([&] { TextureGenerator g(c); }).find("scales"), std::string::npos);
  TextureGenerator g = small_generator(false);
  EXPECT_NE(error_of([&] { g->make_noise(1, 0, 8, 0); }), "(no error)");
  std::vector<at::Tensor> noise = g->make_noise(1, 8, 8, 0);
  noise.pop_back();
  EXPECT_NE(error_of([&] { g->forward(noise); }).find("scales"), std::string::npos);
}

// ---- Training ----

TEST(Training, LowersTheLoss) {
  TextureGenerator g = small_generator(false);
  const at::Tensor target = torch::tensor({0.8f, 0.3f, 0.1f});
  auto loss_fn = [&](int i) { return (g->sample(2, 24, 24, i).mean({0, 2, 3}) - target).square().sum(); };
  TrainSettings s;
  s.iterations = 40;
  s.learning_rate = 0.05;
  s.final_learning_rate = 0.01;
  double first = NAN;
  const double last = train_parameters(g->parameters(), loss_fn, s, Progress(), [&](int i, double loss) {
    if (i == 1) first = loss;
  });
  EXPECT_LT(last, 0.05 * first) << "first " << first << ", last " << last;
  torch::NoGradGuard no_grad;
  at::Tensor x = g->sample(1, 32, 32, 99);
  EXPECT_TRUE(finite_in_unit_range(x));
  EXPECT_LT((x.mean({0, 2, 3}) - target).abs().max().item<double>(), 0.1);
}

TEST(Training, LearningRateDecaysGeometricallyAndProgressIsReported) {
  // With a constant gradient every Adam step moves by the learning rate: 0.1, 0.01, 0.001.
  at::Tensor w = torch::zeros({1}, torch::requires_grad());
  TrainSettings s;
  s.iterations = 3;
  s.learning_rate = 0.1;
  s.final_learning_rate = 0.001;
  s.max_gradient_norm = 0;
  std::vector<std::pair<double, std::string>> reports;
  Progress progress([&](double f, const std::string& m) { reports.emplace_back(f, m); }, nullptr);
  train_parameters({w}, [&](int) { return w.sum(); }, s, progress);
  EXPECT_NEAR(w.item<double>(), -0.111, 1e-4);
  ASSERT_EQ(reports.size(), 3u);
  EXPECT_DOUBLE_EQ(reports.back().first, 1.0);
  EXPECT_EQ(reports[1].second.rfind("iteration 2/3, loss -0.1", 0), 0u) << reports[1].second;
}

TEST(Training, ClipsTheGradientNorm) {
  // A gradient of 1e25 overflows Adam's float second moment (g^2 = inf), which would make the step 0; clipped to
  // norm 1 it gives Adam's ordinary first step of one learning rate.
  at::Tensor w = torch::zeros({4}, torch::requires_grad());
  TrainSettings s;
  s.iterations = 1;
  s.learning_rate = s.final_learning_rate = 0.1;
  s.max_gradient_norm = 1.0;
  train_parameters({w}, [&](int) { return (w * 1e25).sum(); }, s, Progress());
  EXPECT_TRUE(at::allclose(w, torch::full({4}, -0.1), 0, 1e-4)) << w;
}

TEST(Training, SkipsStepsWithNonFiniteLossOrGradients) {
  at::Tensor w = torch::ones({2}, torch::requires_grad());
  std::vector<at::Tensor> seen;  // w as each iteration found it
  auto loss_fn = [&](int i) {
    seen.push_back(w.detach().clone());
    if (i == 3) return (w * NAN).sum();                // loss not finite
    if (i == 4) return (w - w.detach()).sqrt().sum();  // loss 0, gradient NaN (0 * inf)
    return (w - 5).square().sum();
  };
  TrainSettings s;
  s.iterations = 6;
  std::vector<double> losses;
  const double last = train_parameters({w}, loss_fn, s, Progress(), [&](int, double l) { losses.push_back(l); });
  ASSERT_EQ(seen.size(), 6u);
  EXPECT_FALSE(at::equal(seen[0], seen[1]));  // ordinary steps move w
  EXPECT_TRUE(at::equal(seen[2], seen[3]));   // the NaN-loss step was skipped
  EXPECT_TRUE(at::equal(seen[3], seen[4]));   // the NaN-gradient step was skipped
  EXPECT_FALSE(at::equal(seen[4], seen[5]));
  EXPECT_TRUE(std::isnan(losses[2]));
  EXPECT_TRUE(std::isfinite(last));
  EXPECT_TRUE(w.isfinite().all().item<bool>());
}

TEST(Training, ThrowsAfterFiveNonFiniteStepsInARow) {
  at::Tensor w = torch::ones({2}, torch::requires_grad());
  int calls = 0;
  auto loss_fn = [&](int i) {
    ++calls;
    return i <= 2 ? w.square().sum() : (w * INFINITY).sum() * 0.0;  // NaN from iteration 3 on
  };
  TrainSettings s;
  s.iterations = 20;
  const std::string e = error_of([&] { train_parameters({w}, loss_fn, s, Progress()); });
  EXPECT_NE(e.find("training diverged"), std::string::npos) << e;
  EXPECT_NE(e.find("after 7 iterations"), std::string::npos) << e;
  EXPECT_EQ(calls, 7);
  EXPECT_TRUE(w.isfinite().all().item<bool>());
}

TEST(Training, CancelThrowsCancelled) {
  at::Tensor w = torch::ones({2}, torch::requires_grad());
  std::atomic<bool> cancel{false};
  int calls = 0;
  auto loss_fn = [&](int) {
    ++calls;
    return w.square().sum();
  };
  TrainSettings s;
  s.iterations = 50;
  Progress progress([](double, const std::string&) {}, &cancel);
  EXPECT_THROW(train_parameters({w}, loss_fn, s, progress,
                                [&](int i, double) {
                                  if (i == 3) cancel = true;
                                }),
               Cancelled);
  EXPECT_EQ(calls, 3);
}

TEST(Training, RejectsLossesThatDoNotDependOnTheParameters) {
  at::Tensor w = torch::ones({2}, torch::requires_grad());
  TrainSettings s;
  s.iterations = 2;
  EXPECT_NE(error_of([&] {
              train_parameters({w}, [](int) { return torch::ones({}); }, s, Progress());
            }).find("depends on the parameters"),
            std::string::npos);
}
