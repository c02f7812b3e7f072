#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <iostream>

#include "core/error.h"
#include "core/image_io.h"
#include "core/image_statistics.h"
#include "core/image_tensor.h"
#include "core/safetensors.h"
#include "core/temp_dir.h"
#include "engine/feedforward_stylize.h"
#include "engine/style_training.h"
#include "filters/stylize.h"
#include "filters/stylize_arbitrary.h"
#include "models/arbitrary_style.h"
#include "models/feature_network.h"
#include "models/model_library.h"
#include "models/transform_net.h"
#include "tests/test_util.h"

using namespace atelier;

namespace {

std::string bundled_arbitrary_style() {
  return test::source_dir() + "/../models/arbitrary-style/magenta_separable.safetensors";
}

// The real InceptionV3 of the test library (installed by ./run test), loaded once.
std::shared_ptr<FeatureNetwork> inception() {
  static const std::shared_ptr<FeatureNetwork> net = []() -> std::shared_ptr<FeatureNetwork> {
    ModelLibrary library(test::models_dir());
    if (test::models_dir().empty() || !library.installed("inception_v3")) return nullptr;
    return load_feature_network("inception_v3", library, at::kCPU);
  }();
  return net;
}
#define REQUIRE_INCEPTION() \
  ATELIER_REQUIRE(inception() != nullptr, "inception_v3 is not installed in $ATELIER_MODELS_DIR")

// Styles unlike each other and unlike the photo: diagonal red/yellow stripes; blue and white checks.
Image stripes(int side) {
  Image img(side, side);
  for (int y = 0; y < side; ++y)
    for (int x = 0; x < side; ++x) {
      const bool on = ((x + y) / 6) % 2 == 0;
      float* p = img.pixel(x, y);
      p[0] = 0.95f, p[1] = on ? 0.85f : 0.1f, p[2] = 0.05f, p[3] = 1.f;
    }
  return img;
}
Image checks(int side) {
  Image img(side, side);
  for (int y = 0; y < side; ++y)
    for (int x = 0; x < side; ++x) {
      const bool on = (x / 10 + y / 10) % 2 == 0;
      float* p = img.pixel(x, y);
      p[0] = on ? 0.1f : 0.95f, p[1] = on ? 0.2f : 0.95f, p[2] = on ? 0.8f : 0.95f, p[3] = 1.f;
    }
  return img;
}

// The distance between two images' palettes: per channel, the mean gap between their values at 64 quantiles
// (the 1-D Wasserstein distance of the channels' value distributions), averaged over R, G, B.
double palette_distance(const Image& a, const Image& b) {
  auto quantiles = [](const Image& img) {
    const at::Tensor rgb = image_rgb_to_tensor(img).reshape({3, -1});
    return std::get<0>(rgb.sort(1)).index_select(1, (at::linspace(0, 1, 64) * (rgb.size(1) - 1)).round().to(at::kLong));
  };
  return (quantiles(a) - quantiles(b)).abs().mean().item<double>();
}

ParamValues arbitrary_values(const std::vector<std::string>& styles, int fit_steps) {
  ParamValues v(stylize_filter().params);
  v.set_text("method", "arbitrary");
  v.set_text("device", "cpu");
  v.set_int("fit-steps", fit_steps);
  for (const std::string& s : styles) v.set_from_string("style", s);
  return v;
}

std::string saved(const std::string& name, const Image& img) {
  const std::string path = test::temp_path(name);
  save_image(path, img);
  return path;
}

}  // namespace

// Magenta's transformer as TensorFlow.js runs it (tests/fixtures/make_arbitrary_style_reference.js): the layer
// layout, zero padding, nearest up-sampling, batch and conditional instance normalisation and the sigmoid.
TEST(ArbitraryStyle, TransformerMatchesTfjsReference) {
  const TensorMap ref = load_safetensors(test::fixture("arbitrary_style_reference.safetensors"));
  const ArbitraryStyle model(bundled_arbitrary_style(), nullptr, at::kCPU);
  const auto net = model.network(ref.at("embedding"));
  torch::NoGradGuard no_grad;
  const at::Tensor out = net->forward(ref.at("input"));
  const at::Tensor expected = ref.at("output");
  ASSERT_EQ(out.sizes(), expected.sizes());
  // float32 through 16 layers in a different order of summation: a few 1e-6 (measured 2e-6).
  EXPECT_LT((out - expected).abs().max().item<double>(), 2e-5);
  EXPECT_GT(expected.std().item<double>(), 0.05);  // a real picture, not a constant
}

// The fit re-conditions one network on the embedding at each step: it paints as a network built for that
// embedding, and the gradient reaches the embedding only (the convolutions' own weights are not fitted, and
// computing their gradients cost a quarter of every step).
TEST(ArbitraryStyle, ReconditionedNetworkPaintsAsANewOneAndDifferentiatesOnlyTheEmbedding) {
  const TensorMap ref = load_safetensors(test::fixture("arbitrary_style_reference.safetensors"));
  const ArbitraryStyle model(bundled_arbitrary_style(), nullptr, at::kCPU);
  const at::Tensor target = ref.at("embedding").reshape({ArbitraryStyle::kEmbeddingSize});
  const auto net = model.network(at::zeros_like(target));
  const at::Tensor embedding = target.clone().requires_grad_(true);
  model.condition(*net, embedding);
  const at::Tensor out = net->forward(ref.at("input"));
  out.mean().backward();
  ASSERT_TRUE(embedding.grad().defined());
  EXPECT_GT(embedding.grad().abs().max().item<double>(), 0);
  for (const at::Tensor& p : net->parameters()) {
    EXPECT_FALSE(p.requires_grad());
    EXPECT_FALSE(p.grad().defined());
  }
  torch::NoGradGuard no_grad;
  // With and without gradients the kernels sum in other orders: about 1e-6 apart (measured 1.1e-6).
  EXPECT_LT((out - model.network(target)->forward(ref.at("input"))).abs().max().item<double>(), 2e-5);
  EXPECT_THROW(model.condition(*net, at::zeros({3})), Error);
}

TEST(ArbitraryStyle, RefusesAnotherKindOfModel) {
  const std::string wave = test::bundled_fast_style("wave");
  EXPECT_NE(test::error_of([&] { ArbitraryStyle(wave, nullptr, at::kCPU); }).find("not the arbitrary-style network"),
            std::string::npos);
  EXPECT_NE(test::error_of([&] {
              ArbitraryStyle(bundled_arbitrary_style(), nullptr, at::kCPU).embed(at::rand({1, 3, 64, 64}));
            }).find("InceptionV3"),
            std::string::npos);
}

// Large layers run in tiles whose normalisation uses the whole image's statistics: the same picture, without seams
// (the batch-normalised first layers need no statistics pass: 1 + 10 + 3 passes instead of 3 + 10 + 3).
TEST(ArbitraryStyle, TiledEqualsUntiled) {
  const TensorMap ref = load_safetensors(test::fixture("arbitrary_style_reference.safetensors"));
  const ArbitraryStyle model(bundled_arbitrary_style(), nullptr, at::kCPU);
  const auto net = model.network(ref.at("embedding"));
  const Image in = test::photo_like(158, 78);
  FeedforwardOptions tiled;
  tiled.tile_size = 72;
  tiled.overlap = 16;
  std::vector<double> fractions;
  const Image a = feedforward_stylize(in, *net, 1.0, Progress());
  const Image b = feedforward_stylize(
      in, *net, 1.0, Progress([&](double f, const std::string&) { fractions.push_back(f); }, nullptr), tiled);
  EXPECT_EQ(fractions.size(), 5u * 8u + 10u * 2u + 1u);  // 5 passes over 8 tiles, 10 over 2, done
  const at::Tensor diff = (image_rgb_to_tensor(a) - image_rgb_to_tensor(b)).abs();
  std::cout << "[ info ] tiled vs untiled: max |diff| " << diff.max().item<double>() << "\n";
  EXPECT_LT(diff.max().item<double>(), 1e-3);
  EXPECT_GT((image_rgb_to_tensor(a) - image_rgb_to_tensor(in)).abs().mean().item<double>(), 0.05);
}

// Painting (no gradients) runs on channels-last activations with the large separable layers computed in bands of
// rows (up1, up2 and the 9x9 output layer at 640x480); training runs in NCHW in one piece: the same picture.
TEST(ArbitraryStyle, PaintsInBandsAsInOnePiece) {
  const TensorMap ref = load_safetensors(test::fixture("arbitrary_style_reference.safetensors"));
  const ArbitraryStyle model(bundled_arbitrary_style(), nullptr, at::kCPU);
  const auto net = model.network(ref.at("embedding"));
  const at::Tensor photo = image_rgb_to_tensor(test::photo_like(640, 480));
  at::Tensor banded;
  {
    torch::NoGradGuard no_grad;
    banded = net->forward(photo);
  }
  ASSERT_TRUE(at::GradMode::is_enabled());
  const at::Tensor whole = net->forward(photo).detach();
  ASSERT_EQ(banded.sizes(), whole.sizes());
  EXPECT_TRUE(banded.is_contiguous());
  const double diff = (banded - whole).abs().max().item<double>();
  std::cout << "[ info ] banded, channels-last vs in one piece, NCHW: max |diff| " << diff << "\n";
  EXPECT_LT(diff, 1e-4);
  EXPECT_GT((whole - photo).abs().mean().item<double>(), 0.05);
}

// What InceptionV3 reads of a style differs from style to style, and fitting on the layer lowers the style loss
// (the filter's Fitting steps): the painted layer's colours move toward the style's.
TEST(ArbitraryStyle, FittingMovesThePaintingTowardTheStyle) {
  REQUIRE_INCEPTION();
  const ArbitraryStyle model(bundled_arbitrary_style(), inception(), at::kCPU);
  const at::Tensor a = model.embed(image_rgb_to_tensor(stripes(128)));
  const at::Tensor b = model.embed(image_rgb_to_tensor(checks(128)));
  EXPECT_GT((a - b).norm().item<double>(), 0.1 * a.norm().item<double>());

  const std::string shared = test::shared_dir();
  ATELIER_REQUIRE(!shared.empty(), "../shared (the test pictures) is absent");
  ModelLibrary library(test::models_dir());
  const Image layer = resize_long_side(load_image(shared + "/data/images/tubingen.jpg"), 128);
  const std::string style = shared + "/data/images/starry_night.jpg";
  std::vector<std::string> messages;
  RunContext ctx{&library, Progress([&](double, const std::string& m) { messages.push_back(m); }, nullptr), {}};
  const Image fitted_layer = run_filter(stylize_filter(), layer, arbitrary_values({style}, 12), ctx);
  ASSERT_EQ(fitted_layer.width, layer.width);
  ASSERT_EQ(fitted_layer.height, layer.height);

  // The fit itself, at the engine's own weights (Optimise's balance): its loss falls, and the network's painting
  // moves toward the painting by a measure the fit does not optimise, the palette. (The filter then recolours its
  // result to the painting's palette anyway: DefaultsKeepThePhotosEdgesAndTakeThePaintingsPalette.)
  const Image painting = load_image(style);
  const at::Tensor content = image_rgb_to_tensor(resize_long_side(layer, kFitLongSide));
  const at::Tensor painting_rgb = image_rgb_to_tensor(painting);
  ArbitraryRequest request;
  request.fit_steps = 12;
  const at::Tensor start = model.embed(painting_rgb);
  const at::Tensor end = fit_embedding(model, *inception(), content, painting_rgb, start, request, Progress());
  StyleTrainSettings settings;
  const StyleTrainingObjective objective(*inception(), resize_long_side(painting_rgb, kFitLongSide), settings);
  torch::NoGradGuard no_grad;
  const at::Tensor read = model.network(start)->forward(content), fitted = model.network(end)->forward(content);
  const double before = objective.loss(content, read).total.item<double>();
  const double after = objective.loss(content, fitted).total.item<double>();
  const double photo_gap = palette_distance(layer, painting),
               read_gap = palette_distance(tensor_to_image(read), painting);
  const double fitted_gap = palette_distance(tensor_to_image(fitted), painting);
  std::cout << "[ info ] loss " << before << " read, " << after << " after 12 steps; palette's distance to the "
            << "style's: photo " << photo_gap << ", read " << read_gap << ", fitted " << fitted_gap << "\n";
  EXPECT_LT(after, 0.7 * before);
  EXPECT_LT(fitted_gap, 0.85 * read_gap);
  EXPECT_TRUE(std::any_of(messages.begin(), messages.end(),
                          [](const std::string& m) { return m.find("iteration 12/12") != std::string::npos; }));
}

// The defaults keep the photo's edges and take the painting's palette: the fit's content weight is 30 times
// Optimise's (the old 1 is content-weight 1/30 now), and the painted layer is recoloured to the painting's colour
// distribution unless the layer's colours are kept. Measured with statistics no step optimises.
TEST(ArbitraryStyle, DefaultsKeepThePhotosEdgesAndTakeThePaintingsPalette) {
  REQUIRE_INCEPTION();
  const std::string shared = test::shared_dir();
  ATELIER_REQUIRE(!shared.empty(), "../shared (the test pictures) is absent");
  ModelLibrary library(test::models_dir());
  const Image layer = resize_long_side(load_image(shared + "/data/images/tubingen.jpg"), 192);
  const std::string style = shared + "/data/images/the_scream.jpg";
  const Image painting = load_image(style);
  RunContext ctx{&library, Progress(), {}};
  auto run_with = [&](const std::string& content_weight, const std::string& colours) {
    ParamValues v = arbitrary_values({style}, 12);
    if (!content_weight.empty()) v.set_from_string("content-weight", content_weight);
    if (!colours.empty()) v.set_text("preserve-colors", colours);
    return run_filter(stylize_filter(), layer, v, ctx);
  };
  const Image defaults = run_with("", ""), old_weight = run_with("0.0333333", ""), kept = run_with("", "luminance");
  const at::Tensor photo = image_rgb_to_tensor(layer), style_rgb = image_rgb_to_tensor(painting);
  auto edges = [&](const Image& img) { return gradient_correlation(image_rgb_to_tensor(img), photo); };
  auto colour_gap = [&](const Image& img) {
    return colour_histogram_distance(image_rgb_to_tensor(img), style_rgb) / colour_histogram_distance(photo, style_rgb);
  };
  std::cout << "[ info ] edges: defaults " << edges(defaults) << ", content weight as before " << edges(old_weight)
            << "; colour distance over the photo's: defaults " << colour_gap(defaults) << ", colours kept "
            << colour_gap(kept) << "\n";
  EXPECT_GT(edges(defaults), 1.2 * edges(old_weight));
  EXPECT_LT(colour_gap(defaults), 0.6);
  EXPECT_LT(colour_gap(defaults), 0.7 * colour_gap(kept));
}

// Style amount: 0 paints the layer in its own style, 1 in the style's; in between lies in between. Blending two
// styles is the weighted mean of their embeddings: a blend with weight 0 for the second is the first alone.
TEST(ArbitraryStyle, AmountAndBlendMoveBetweenStyles) {
  REQUIRE_INCEPTION();
  ModelLibrary library(test::models_dir());
  const Image layer = test::photo_like(80, 64);
  const std::string first = saved("stripes-a.png", stripes(128)), second = saved("checks-b.png", checks(128));
  RunContext ctx{&library, Progress(), {}};
  auto run_with = [&](double amount, const std::vector<std::string>& styles, const std::string& weights) {
    ParamValues v = arbitrary_values(styles, 0);
    v.set_double("style-amount", amount);
    if (!weights.empty())
      for (const char* w : {"1", weights.c_str()}) v.set_from_string("style-weight", w);
    return image_rgb_to_tensor(run_filter(stylize_filter(), layer, v, ctx));
  };
  const at::Tensor none = run_with(0, {first}, ""), half = run_with(0.5, {first}, ""), full = run_with(1, {first}, "");
  const at::Tensor in = image_rgb_to_tensor(layer);
  const double d_none = (none - in).abs().mean().item<double>(), d_full = (full - in).abs().mean().item<double>();
  const double d_half = (half - in).abs().mean().item<double>();
  std::cout << "[ info ] mean |result - layer|: amount 0 " << d_none << ", 0.5 " << d_half << ", 1 " << d_full << "\n";
  EXPECT_LT(d_none, d_half);
  EXPECT_LT(d_half, d_full);

  const at::Tensor alone = run_with(1, {first}, ""), blend_zero = run_with(1, {first, second}, "0");
  EXPECT_LT((alone - blend_zero).abs().max().item<double>(), 1e-4);
  const at::Tensor blend_half = run_with(1, {first, second}, "1");
  EXPECT_GT((alone - blend_half).abs().mean().item<double>(), 0.01);

  ParamValues v = arbitrary_values({first, second}, 0);
  for (const char* w : {"0", "0"}) v.set_from_string("style-weight", w);
  EXPECT_NE(test::error_of([&] { run_filter(stylize_filter(), layer, v, ctx); }).find("weights add up to 0"),
            std::string::npos);
}

// A run again on the same layer and style takes the fit from the cache folder: the same picture without fitting,
// and with another amount or blend the fit is still the one kept. A changed layer or another number of steps is
// fitted anew, and so is one that "stop and keep" cut short. Without a cache folder (benchmarks, tests) nothing is
// kept.
TEST(ArbitraryStyle, RunningAgainReusesTheKeptFit) {
  REQUIRE_INCEPTION();
  ModelLibrary library(test::models_dir());
  const TempDir cache("atelier-fit-cache");
  const Image layer = test::photo_like(80, 64);
  const std::string style = saved("stripes-fit.png", stripes(128)), other = saved("checks-fit.png", checks(128));
  int reused = 0;
  std::vector<std::string> messages;
  RunContext ctx{&library, Progress([&](double, const std::string& m) { messages.push_back(m); }, nullptr), {}};
  ctx.cache_dir = cache.path();
  ctx.on_cached_work = [&reused] { ++reused; };
  auto run_with = [&](const Image& input, int steps, double amount, const std::vector<std::string>& styles) {
    ParamValues v = arbitrary_values(styles, steps);
    v.set_double("style-amount", amount);
    return image_rgb_to_tensor(run_filter(stylize_filter(), input, v, ctx));
  };
  const at::Tensor first = run_with(layer, 3, 1, {style});
  EXPECT_EQ(reused, 0);
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(cache.path() + "/arbitrary-fits"),
                          std::filesystem::directory_iterator()),
            1);
  messages.clear();
  const at::Tensor again = run_with(layer, 3, 1, {style});
  EXPECT_EQ(reused, 1);
  EXPECT_LT((again - first).abs().max().item<double>(), 1e-6);
  EXPECT_TRUE(std::any_of(messages.begin(), messages.end(), [](const std::string& m) {
    return m.find("kept from an earlier run") != std::string::npos;
  }));
  EXPECT_FALSE(std::any_of(messages.begin(), messages.end(),
                           [](const std::string& m) { return m.find("iteration") != std::string::npos; }));
  run_with(layer, 3, 0.5, {style});
  EXPECT_EQ(reused, 2);
  run_with(layer, 3, 1, {style, other});  // the first style's fit kept, the second's new
  EXPECT_EQ(reused, 3);

  Image changed = layer;
  for (int y = 0; y < changed.height / 2; ++y)
    for (int x = 0; x < changed.width; ++x) changed.pixel(x, y)[0] = 1.f - changed.pixel(x, y)[0];
  run_with(changed, 3, 1, {style});
  run_with(layer, 2, 1, {style});
  EXPECT_EQ(reused, 3);

  // A fit cut short by "stop and keep" is not kept.
  const std::atomic<bool> finish{true};
  ctx.progress.with_finish(&finish);
  run_with(layer, 4, 1, {style});
  ctx.progress.with_finish(nullptr);
  run_with(layer, 4, 1, {style});
  EXPECT_EQ(reused, 3);

  ctx.cache_dir.clear();
  run_with(layer, 3, 1, {style});
  EXPECT_EQ(reused, 3);
}

// The dialog's preview prepares the run: with the whole layer as RunContext::original, a preview on a small copy
// fits the style on the layer and keeps the fit, and the run on the layer then reuses it. The plan names what the
// fit depends on (another amount keeps it, another strength or style does not), and the estimate says how much of
// the run that is.
TEST(ArbitraryStyle, APreviewOnACopyFitsTheStyleForTheRun) {
  REQUIRE_INCEPTION();
  ModelLibrary library(test::models_dir());
  const TempDir cache("atelier-fit-prepared");
  const Image layer = test::photo_like(160, 128);
  const Image copy = resize_long_side(layer, 80);
  const std::string style = saved("stripes-prepared.png", stripes(128));
  const Filter& f = stylize_filter();
  const ParamValues v = arbitrary_values({style}, 3);
  const PreviewPlan plan = f.preview(v);
  EXPECT_TRUE(plan.live);
  ASSERT_FALSE(plan.prepares.empty());

  int reused = 0;
  RunContext ctx{&library, Progress(), {}};
  ctx.cache_dir = cache.path();
  ctx.on_cached_work = [&reused] { ++reused; };
  ctx.original = &layer;
  const Image preview = run_filter(f, copy, plan.values, ctx);
  EXPECT_EQ(preview.width, copy.width);
  EXPECT_EQ(preview.height, copy.height);
  EXPECT_EQ(reused, 0);
  ctx.original = nullptr;
  run_filter(f, layer, v, ctx);
  EXPECT_EQ(reused, 1) << "the run on the layer fitted again";
  run_filter(f, copy, plan.values, ctx);  // a preview without the layer fits on its copy: another fit
  EXPECT_EQ(reused, 1);

  ParamValues other = v;
  other.set_double("style-amount", 0.5);
  EXPECT_EQ(f.preview(other).prepares, plan.prepares);
  other.set_double("style-strength", 2);
  EXPECT_NE(f.preview(other).prepares, plan.prepares);
  EXPECT_NE(f.preview(arbitrary_values({style, style}, 3)).prepares, plan.prepares);
  EXPECT_TRUE(f.preview(arbitrary_values({style}, 0)).prepares.empty()) << "no fit, nothing to prepare";

  const CostEstimate e = estimate_cost(f, v, 1024, 768);
  EXPECT_GT(e.prepared_seconds, 0);
  EXPECT_LT(e.prepared_seconds, e.seconds);
  EXPECT_EQ(estimate_cost(f, arbitrary_values({style}, 0), 1024, 768).prepared_seconds, 0);
}

// A network conditioned per region paints each region in its own style: with all the weight on one region it is
// that style's network; with two halves each half is near its own style's painting (the halves share the
// normalisation statistics, so near, not equal); tiles give the same picture.
TEST(ArbitraryStyle, RegionsPaintEachStyleWhereItsWeightsSay) {
  const TensorMap ref = load_safetensors(test::fixture("arbitrary_style_reference.safetensors"));
  const ArbitraryStyle model(bundled_arbitrary_style(), nullptr, at::kCPU);
  const at::Tensor a = ref.at("embedding");
  const at::Tensor b = at::flip(a, {0});  // another style: the same numbers in the other order
  const auto net_a = model.network(a), net_b = model.network(b);
  const auto regional = model.regional_network({a, b});
  EXPECT_EQ(regional->regions(), 2);
  EXPECT_EQ(net_a->regions(), 1);
  const int w = 96, h = 64;
  const Image in = test::photo_like(w, h);
  const auto plane = [&](auto inside) {
    std::vector<float> p(static_cast<size_t>(w) * h);
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) p[static_cast<size_t>(y) * w + x] = inside(x) ? 1.f : 0.f;
    return p;
  };
  FeedforwardOptions all_a;
  all_a.region_weights = {plane([](int) { return true; }), plane([](int) { return false; })};
  const at::Tensor painted_a = image_rgb_to_tensor(feedforward_stylize(in, *net_a, 1.0, Progress()));
  const at::Tensor painted_b = image_rgb_to_tensor(feedforward_stylize(in, *net_b, 1.0, Progress()));
  EXPECT_GT((painted_a - painted_b).abs().mean().item<double>(), 0.03);
  const at::Tensor regional_a = image_rgb_to_tensor(feedforward_stylize(in, *regional, 1.0, Progress(), all_a));
  EXPECT_LT((regional_a - painted_a).abs().max().item<double>(), 1e-4);

  FeedforwardOptions halves;
  halves.region_weights = {plane([&](int x) { return x < w / 2; }), plane([&](int x) { return x >= w / 2; })};
  const at::Tensor split = image_rgb_to_tensor(feedforward_stylize(in, *regional, 1.0, Progress(), halves));
  const auto gap = [](const at::Tensor& x, const at::Tensor& y, int64_t x0, int64_t x1) {
    return (x - y).slice(3, x0, x1).abs().mean().item<double>();
  };
  const int64_t margin = 16;  // the boundary: both styles' conditioning reach across it through the convolutions
  const double left_a = gap(split, painted_a, 0, w / 2 - margin), left_b = gap(split, painted_b, 0, w / 2 - margin);
  const double right_b = gap(split, painted_b, w / 2 + margin, w), right_a = gap(split, painted_a, w / 2 + margin, w);
  std::cout << "[ info ] left half: to style a " << left_a << ", to b " << left_b << "; right half: to b " << right_b
            << ", to a " << right_a << "\n";
  EXPECT_LT(left_a, 0.3 * left_b);
  EXPECT_LT(right_b, 0.3 * right_a);

  FeedforwardOptions tiled = halves;
  tiled.tile_size = 48;
  tiled.overlap = 16;
  const at::Tensor split_tiled = image_rgb_to_tensor(feedforward_stylize(in, *regional, 1.0, Progress(), tiled));
  EXPECT_LT((split_tiled - split).abs().max().item<double>(), 1e-3);

  EXPECT_NE(test::error_of([&] { feedforward_stylize(in, *regional, 1.0, Progress()); }).find("2 regions"),
            std::string::npos);
  FeedforwardOptions short_plane = halves;
  short_plane.region_weights[1].resize(10);
  EXPECT_NE(test::error_of([&] {
              feedforward_stylize(in, *regional, 1.0, Progress(), short_plane);
            }).find("region 2 has 10 weights"),
            std::string::npos);
}

// Stylize ▸ Arbitrary with a mask per style (--style-mask): each half of the layer is painted near the painting of
// its own style alone; where no style's mask reaches, the layer is left as it was, to the pixel; masks of another
// size and more masks than styles are refused.
TEST(ArbitraryStyle, StyleMasksGiveEachStyleItsRegion) {
  REQUIRE_INCEPTION();
  ModelLibrary library(test::models_dir());
  const int w = 96, h = 64;
  const Image layer = test::photo_like(w, h);
  const std::string first = saved("region-stripes.png", stripes(128)), second = saved("region-checks.png", checks(128));
  const auto mask = [](const std::string& name, auto inside, int mw, int mh) {
    Image m(mw, mh);
    for (int y = 0; y < mh; ++y)
      for (int x = 0; x < mw; ++x) {
        float* p = m.pixel(x, y);
        p[0] = p[1] = p[2] = inside(x) ? 1.f : 0.f;
        p[3] = 1.f;
      }
    return saved(name, m);
  };
  const std::string left = mask("region-left.png", [&](int x) { return x < w / 2; }, w, h);
  const std::string right = mask("region-right.png", [&](int x) { return x >= w / 2; }, w, h);
  RunContext ctx{&library, Progress(), {}};
  auto run_with = [&](const std::vector<std::string>& styles, const std::vector<std::string>& masks) {
    ParamValues v = arbitrary_values(styles, 0);
    for (const std::string& m : masks) v.set_from_string("style-mask", m);
    return image_rgb_to_tensor(run_filter(stylize_filter(), layer, v, ctx));
  };
  const at::Tensor only_first = run_with({first}, {}), only_second = run_with({second}, {});
  const at::Tensor split = run_with({first, second}, {left, right});
  const auto gap = [](const at::Tensor& x, const at::Tensor& y, int64_t x0, int64_t x1) {
    return (x - y).slice(3, x0, x1).abs().mean().item<double>();
  };
  const int64_t margin = 16;
  const double left_own = gap(split, only_first, 0, w / 2 - margin);
  const double left_other = gap(split, only_second, 0, w / 2 - margin);
  const double right_own = gap(split, only_second, w / 2 + margin, w);
  const double right_other = gap(split, only_first, w / 2 + margin, w);
  std::cout << "[ info ] left half: to its style's painting " << left_own << ", to the other's " << left_other
            << "; right half: " << right_own << ", " << right_other << "\n";
  EXPECT_LT(left_own, 0.6 * left_other);    // measured 0.30
  EXPECT_LT(right_own, 0.6 * right_other);  // measured 0.49

  // One style on the left half only: the right half is the layer itself.
  const at::Tensor half = run_with({first}, {left});
  const at::Tensor in = image_rgb_to_tensor(layer);
  EXPECT_EQ((half - in).slice(3, w / 2, w).abs().max().item<double>(), 0.0);
  EXPECT_GT(gap(half, in, 0, w / 2), 0.02);

  const std::string small = mask("region-small.png", [](int) { return true; }, w / 2, h);
  EXPECT_NE(test::error_of([&] { run_with({first}, {small}); }).find("a region must have the layer's size"),
            std::string::npos);
  EXPECT_NE(test::error_of([&] { run_with({first}, {left, right}); }).find("2 --style-mask values for 1 styles"),
            std::string::npos);
}
