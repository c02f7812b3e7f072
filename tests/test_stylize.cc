#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <vector>

#include "core/error.h"
#include "core/image_io.h"
#include "core/image_statistics.h"
#include "core/image_tensor.h"
#include "core/losses/losses.h"
#include "engine/style_image.h"
#include "engine/stylize_optimize.h"
#include "filters/style_inputs.h"
#include "filters/stylize.h"
#include "models/feature_network.h"
#include "models/model_library.h"
#include "tests/fake_network.h"
#include "tests/test_util.h"

using namespace atelier;

namespace {

Image smooth_image(int w, int h, float alpha = 1.f) {
  Image img(w, h);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      float* p = img.pixel(x, y);
      p[0] = 0.2f + 0.6f * x / w;
      p[1] = 0.3f + 0.4f * y / h;
      p[2] = 0.5f;
      p[3] = alpha;
    }
  return img;
}

// Optimise-method values with a striped style image saved as a file (the filter loads it like a user's file).
ParamValues optimize_values(const std::string& style_name, int iterations) {
  const std::string style_path = test::temp_path(style_name);
  save_png(style_path, test::stripes_image(96, 96));
  ParamValues v(stylize_filter().params);
  v.set_text("style-image", style_path);
  v.set_int("size", 96);
  v.set_int("iterations", iterations);
  v.set_text("device", "cpu");
  return v;
}

// The defaults' regression bounds (DefaultsTakeThePaintingsColoursAndTextureAndKeepTheEdges), from its measured
// figures (texture 0.52, colour 0.48, edges 0.55 at 40 iterations; from the photo itself: 1.08, 0.91, 0.50) with
// room for other machines' kernels.
constexpr int kDefaultsTestIterations = 40;
// The default's steps, chosen with the quality harness (docs/quality.md, "Twice the steps"): fewer leave the
// result nearer its start. Twice the test's steps measured texture 0.47 against 0.52 (a share of 0.91).
constexpr int kDefaultIterationsAtLeast = 360;
constexpr double kTwiceTheStepsMaxTextureShare = 0.95;
constexpr double kDefaultsMaxTexture = 0.7, kDefaultsMaxColour = 0.65, kDefaultsMinEdges = 0.35;

double mean_abs_difference(const Image& a, const Image& b) {
  double d = 0;
  for (size_t i = 0; i < a.rgba.size(); ++i) d += std::abs(a.rgba[i] - b.rgba[i]);
  return d / a.rgba.size();
}

}  // namespace

TEST(StylizeFilter, DeclaresTheCommandLineContract) {
  const Filter& f = stylize_filter();
  ParamValues v(f.params);
  for (const char* name : {"content", "output", "style-image", "size", "iterations", "seed", "network", "init",
                           "method", "fast-model", "preserve-colors", "style-scale", "layer-name"})
    EXPECT_NO_THROW(v.spec(name)) << name;
  EXPECT_EQ(v.spec("content").scope, kCli);
  EXPECT_EQ(v.spec("layer-name").scope, kGimp);
  EXPECT_THROW(v.set_from_string("network", "resnet"), Error);
}

TEST(StylizeFilter, MissingOrUnreadableStyleImageIsAClearError) {
  const Filter& f = stylize_filter();
  ParamValues v(f.params);
  RunContext ctx;
  try {
    run_filter(f, smooth_image(40, 30), v, ctx);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("style image"), std::string::npos) << e.what();
  }
  const std::string junk = test::temp_path("not-a-style.jpg");
  std::ofstream(junk) << "garbage";
  v.set_text("style-image", junk);
  try {
    run_filter(f, smooth_image(40, 30), v, ctx);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("not-a-style.jpg"), std::string::npos) << e.what();
  }
}

TEST(StylizeFilter, InstantMethodUsesTheBundledNetwork) {
  const std::string dir = test::temp_path("instant-lib");
  ModelLibrary library(dir);
  const Filter& f = stylize_filter();
  ParamValues v(f.params);
  v.set_text("method", "feed-forward");
  v.set_text("fast-model", "scream");
  v.set_text("device", "cpu");
  Image input = smooth_image(50, 37, 0.5f);
  Image out = run_filter(f, input, v, RunContext{&library, Progress(), {}});
  ASSERT_EQ(out.width, 50);
  ASSERT_EQ(out.height, 37);
  EXPECT_FLOAT_EQ(out.pixel(10, 10)[3], 0.5f);  // alpha kept
  EXPECT_GT(mean_abs_difference(out, input), 0.05);
  // Read where the program keeps it: the run wrote nothing into the library (it ran on a worker thread in GIMP).
  EXPECT_FALSE(ModelLibrary(dir).installed("fast-style/scream"));
  EXPECT_FALSE(std::filesystem::exists(dir + "/fast-style"));
}

// Instant with preserved colours: luminance keeps the layer's chroma; histogram gives each channel of the result
// the layer's value distribution (the network's palette recoloured to the layer's), where without it the
// network's own palette shows.
TEST(StylizeFilter, InstantPreservesTheLayersColoursByLuminanceOrHistogram) {
  ModelLibrary library(test::temp_path("instant-colours-lib"));
  const Filter& f = stylize_filter();
  auto run_with = [&](const std::string& preserve) {
    ParamValues v(f.params);
    v.set_text("method", "feed-forward");
    v.set_text("fast-model", "scream");
    v.set_text("device", "cpu");
    v.set_text("preserve-colors", preserve);
    return run_filter(f, smooth_image(64, 48), v, RunContext{&library, Progress(), {}});
  };
  auto sorted_channel = [](const Image& img, int c) {
    std::vector<float> values;
    for (int y = 0; y < img.height; ++y)
      for (int x = 0; x < img.width; ++x) values.push_back(img.pixel(x, y)[c]);
    std::sort(values.begin(), values.end());
    return values;
  };
  // The largest gap between the two images' value distributions (quantiles), over the three channels.
  auto distribution_gap = [&](const Image& a, const Image& b) {
    double gap = 0;
    for (int c = 0; c < 3; ++c) {
      const std::vector<float> qa = sorted_channel(a, c), qb = sorted_channel(b, c);
      for (size_t i = 0; i < qa.size(); ++i) gap = std::max(gap, static_cast<double>(std::abs(qa[i] - qb[i])));
    }
    return gap;
  };
  const Image input = smooth_image(64, 48);
  const Image off = run_with("off"), histogram = run_with("histogram"), luminance = run_with("luminance");
  EXPECT_GT(distribution_gap(off, input), 0.2);
  EXPECT_LT(distribution_gap(histogram, input), 0.02);
  EXPECT_GT(mean_abs_difference(histogram, input), 0.02);  // the network's strokes, in the layer's colours
  EXPECT_GT(mean_abs_difference(histogram, luminance), 0.01);
  EXPECT_GT(mean_abs_difference(luminance, off), 0.02);
}

TEST(StylizeFilter, GatysMovesTheImageTowardTheStyle) {
  ModelLibrary library;
  ASSERT_TRUE(library.installed("inception_v3"))
      << "InceptionV3 is not installed in " << library.dir() << ": run './run atelier models install inception_v3'";
  const Image style = test::stripes_image(96, 96);
  const Filter& f = stylize_filter();
  ParamValues v = optimize_values("stripes.png", 8);
  Image content = smooth_image(96, 80);
  Image out = run_filter(f, content, v, RunContext{&library, Progress(), {}});
  ASSERT_EQ(out.width, 96);

  auto net = load_feature_network("inception_v3", library, at::kCPU);
  torch::NoGradGuard no_grad;
  const auto layers = net->default_style_layers();
  auto gram_distance = [&](const Image& img) {
    auto a = net->extract(image_rgb_to_tensor(img), layers);
    auto s = net->extract(image_rgb_to_tensor(style), layers);
    double d = 0;
    for (const auto& l : layers) d += gram_loss(a.at(l), gram_matrix(s.at(l))).item<double>();
    return d;
  };
  const double before = gram_distance(content), after = gram_distance(out);
  EXPECT_LT(after, 0.7 * before) << "style distance before " << before << ", after " << after;
}

// The defaults paint (issue #27): measured on a photo and a painting by statistics no method optimises, the
// default start (the photo in the painting's colours) moves the result much further toward the painting than the
// photo itself as the start, and keeps the photo's edges.
TEST(StylizeFilter, DefaultsTakeThePaintingsColoursAndTextureAndKeepTheEdges) {
  const std::string shared = test::shared_dir();
  ATELIER_REQUIRE(!shared.empty(), "../shared (the test pictures) is absent");
  ModelLibrary library(test::models_dir());
  ATELIER_REQUIRE(library.installed("inception_v3"), "InceptionV3 is not installed");
  at::set_num_threads(1);
  const Image photo = resize_long_side(load_image(shared + "/data/images/tubingen.jpg"), 128);
  const std::string style = shared + "/data/images/the_scream.jpg";
  ParamValues v(stylize_filter().params);
  v.set_text("style-image", style);
  v.set_int("size", 128);
  v.set_int("iterations", kDefaultsTestIterations);
  v.set_text("device", "cpu");
  const RunContext ctx{&library, Progress(), {}};
  const Image by_default = run_filter(stylize_filter(), photo, v, ctx);
  v.set_int("iterations", 2 * kDefaultsTestIterations);
  const Image twice_the_steps = run_filter(stylize_filter(), photo, v, ctx);
  v.set_int("iterations", kDefaultsTestIterations);
  v.set_text("init", "content");
  const Image from_photo = run_filter(stylize_filter(), photo, v, ctx);

  const at::Tensor p = image_rgb_to_tensor(photo);
  const at::Tensor painting = resize_long_side(image_rgb_to_tensor(load_image(style)), 128);
  auto texture = [&](const Image& img) {
    return filter_bank_texture_distance(image_rgb_to_tensor(img), painting) / filter_bank_texture_distance(p, painting);
  };
  auto colour = [&](const Image& img) {
    return colour_histogram_distance(image_rgb_to_tensor(img), painting) / colour_histogram_distance(p, painting);
  };
  auto edges = [&](const Image& img) { return gradient_correlation(image_rgb_to_tensor(img), p); };
  std::cout << "[ info ] default: texture " << texture(by_default) << ", colour " << colour(by_default) << ", edges "
            << edges(by_default) << "; from the photo: texture " << texture(from_photo) << ", colour "
            << colour(from_photo) << ", edges " << edges(from_photo) << "; twice the steps: texture "
            << texture(twice_the_steps) << ", edges " << edges(twice_the_steps) << "\n";
  EXPECT_LT(texture(by_default), kDefaultsMaxTexture);
  EXPECT_LT(colour(by_default), kDefaultsMaxColour);
  EXPECT_LT(texture(by_default), 0.8 * texture(from_photo));
  EXPECT_GT(edges(by_default), kDefaultsMinEdges);
  // More steps get further toward the painting and keep the edges: why the default spends them.
  EXPECT_LT(texture(twice_the_steps), kTwiceTheStepsMaxTextureShare * texture(by_default));
  EXPECT_GT(edges(twice_the_steps), kDefaultsMinEdges);
  EXPECT_GE(ParamValues(stylize_filter().params).get_int("iterations"), kDefaultIterationsAtLeast);
}

// A result painted smaller than the layer is enlarged with the layer's own detail by default (upscale=detail):
// sharper and closer to the photo's edges than the plain enlargement, and the same painting when scaled back down.
TEST(StylizeFilter, EnlargesWithTheLayersDetail) {
  const std::string shared = test::shared_dir();
  ATELIER_REQUIRE(!shared.empty(), "../shared (the test pictures) is absent");
  ModelLibrary library(test::models_dir());
  ATELIER_REQUIRE(library.installed("inception_v3"), "InceptionV3 is not installed");
  at::set_num_threads(1);
  const Image photo = resize_long_side(load_image(shared + "/data/images/tubingen.jpg"), 384);
  ParamValues v(stylize_filter().params);
  v.set_text("style-image", shared + "/data/images/the_scream.jpg");
  v.set_int("size", 96);
  v.set_int("iterations", 10);
  v.set_text("device", "cpu");
  EXPECT_EQ(v.get_text("upscale"), "detail");
  const RunContext ctx{&library, Progress(), {}};
  const Image detailed = run_filter(stylize_filter(), photo, v, ctx);
  v.set_text("upscale", "smooth");
  const Image smooth = run_filter(stylize_filter(), photo, v, ctx);
  ASSERT_EQ(detailed.width, photo.width);
  ASSERT_EQ(detailed.height, photo.height);

  const at::Tensor p = image_rgb_to_tensor(photo), d = image_rgb_to_tensor(detailed), s = image_rgb_to_tensor(smooth);
  std::cout << "[ info ] detail: " << high_frequency_ratio(d, p) << " (smooth " << high_frequency_ratio(s, p)
            << "), edges " << gradient_correlation(d, p) << " (smooth " << gradient_correlation(s, p) << ")\n";
  EXPECT_GT(high_frequency_ratio(d, p), 3 * high_frequency_ratio(s, p));
  EXPECT_GT(gradient_correlation(d, p), gradient_correlation(s, p) + 0.1);
  EXPECT_LT((resize_long_side(d, 96) - resize_long_side(s, 96)).abs().mean().item<double>(), 0.03);
}

// The start in the style's colours is the default, and gives way to kept colours: a start in the painting's
// palette would fight them.
TEST(StylizeFilter, StartsInTheStylesColoursUnlessColoursAreKept) {
  ParamValues v(stylize_filter().params);
  EXPECT_EQ(v.get_text("init"), "style-colors");
  EXPECT_EQ(start_from(v), StartFrom::StyleColours);
  for (const char* kept : {"luminance", "histogram"}) {
    v.set_text("preserve-colors", kept);
    EXPECT_EQ(start_from(v), StartFrom::Content) << kept;
  }
  v.set_text("init", "random");
  EXPECT_EQ(start_from(v), StartFrom::Random);

  // The start itself: the content's layout in the heaviest style's colour distribution.
  Image blocks = smooth_image(64, 48);  // the ramps with darker 8-px blocks: edges to keep
  for (int y = 0; y < blocks.height; ++y)
    for (int x = 0; x < blocks.width; ++x)
      if ((x / 8 + y / 8) % 2 == 0)
        for (int c = 0; c < 3; ++c) blocks.pixel(x, y)[c] *= 0.5f;
  const at::Tensor content = image_rgb_to_tensor(blocks);
  Image warm(40, 30);
  for (int y = 0; y < warm.height; ++y)
    for (int x = 0; x < warm.width; ++x) {
      float* p = warm.pixel(x, y);
      p[0] = 0.95f - 0.3f * y / warm.height;
      p[1] = 0.3f + 0.4f * x / warm.width;
      p[2] = 0.1f;
      p[3] = 1.f;
    }
  const std::vector<StyleImage> styles = {{test::stripes_image(40, 40), 0.2}, {warm, 0.8}};
  const at::Tensor start = content_in_style_colours(content, styles);
  ASSERT_EQ(start.sizes(), content.sizes());
  const at::Tensor palette = image_rgb_to_tensor(warm);
  EXPECT_LT(colour_histogram_distance(start, palette), 0.5 * colour_histogram_distance(content, palette));
  // (A monotone map along the palette's colour axes: the edges stay, their sign may turn.)
  EXPECT_GT(std::abs(gradient_correlation(start, content)), 0.5);
}

// With full-resolution, a layer larger than the working size is finished at its own size, level by level, and
// comes out sharper than the scaled-up working-size result.
TEST(StylizeFilter, FullResolutionFinishesAtTheLayersSize) {
  ModelLibrary library;
  ATELIER_REQUIRE(library.installed("inception_v3"), "InceptionV3 is not installed");
  at::set_num_threads(1);
  const Filter& f = stylize_filter();
  ParamValues v = optimize_values("stripes-full.png", 5);
  v.set_text("network", "inception_v3");
  const Image content = smooth_image(200, 150);
  v.set_text("upscale", "smooth");
  const Image soft = run_filter(f, content, v, RunContext{&library, Progress(), {}});

  v.set_bool("full-resolution", true);
  std::vector<std::string> messages;
  const Progress record([&](double, const std::string& m) { messages.push_back(m); }, nullptr);
  const Image sharp = run_filter(f, content, v, RunContext{&library, record, {}});
  ASSERT_EQ(sharp.width, 200);
  ASSERT_EQ(sharp.height, 150);
  bool planned = false;
  for (const auto& m : messages)
    planned = planned || (m.rfind("full resolution: ", 0) == 0 && m.find("200x150 whole") != std::string::npos);
  EXPECT_TRUE(planned);
  auto edge_energy = [](const Image& img) {
    const at::Tensor x = image_rgb_to_tensor(img);
    return (x.slice(3, 1) - x.slice(3, 0, -1)).abs().mean().item<double>() +
           (x.slice(2, 1) - x.slice(2, 0, -1)).abs().mean().item<double>();
  };
  EXPECT_GT(edge_energy(sharp), 1.2 * edge_energy(soft))
      << "full resolution " << edge_energy(sharp) << ", scaled up " << edge_energy(soft);
}

// Coarse to fine: scales halve from the working size down to the network's smallest input.
TEST(StylizeOptimize, ScalesHalveDownToTheNetworksSmallestInput) {
  EXPECT_EQ(stylize_scale_sides(384, 1, 76), std::vector<int>({384}));
  EXPECT_EQ(stylize_scale_sides(384, 2, 76), std::vector<int>({192, 384}));
  EXPECT_EQ(stylize_scale_sides(384, 3, 76), std::vector<int>({96, 192, 384}));
  EXPECT_EQ(stylize_scale_sides(384, 4, 76), std::vector<int>({96, 192, 384}));  // 48 px is too small
  EXPECT_EQ(stylize_scale_sides(100, 3, 76), std::vector<int>({100}));
}

// The finer scale continues from the coarser one's result: settled at the small scale, the image reaches a lower
// loss at the working size than the same iterations at the working size alone, measured with one loss.
TEST(StylizeOptimize, CoarseToFineStartsFromTheCoarseResultAndReachesALowerLoss) {
  test::FakeNetwork net;
  torch::manual_seed(11);
  const at::Tensor content = image_rgb_to_tensor(smooth_image(64, 48));
  const std::vector<StyleImage> styles = {{test::stripes_image(96, 96), 1.0}};
  StylizeOptimize request;
  request.schedule = {1, 6, 6};
  const at::Tensor one_scale = stylize_optimize(net, content, styles, request, Progress());
  request.schedule = {2, 6, 6};
  std::vector<std::string> messages;
  const Progress record([&](double, const std::string& m) { messages.push_back(m); }, nullptr);
  const at::Tensor two_scales = stylize_optimize(net, content, styles, request, record);
  ASSERT_EQ(two_scales.sizes(), content.sizes());
  bool coarse = false;
  for (const auto& m : messages) coarse = coarse || m.rfind("level 1/2", 0) == 0;
  EXPECT_TRUE(coarse);

  GatysSettings measure_settings;
  const GatysLayers layers = gatys_layers(net, measure_settings, true);
  const GatysLoss measure(
      net, content, style_grams(net, layers.style, style_targets(styles, net, 64, ColorPreservation::Off, content)),
      measure_settings);
  torch::NoGradGuard no_grad;
  const double one = measure(one_scale).item<double>(), two = measure(two_scales).item<double>();
  EXPECT_LT(two, one) << "two scales " << two << ", one scale " << one;
}

// "Stop and keep" during the coarse scale: the run ends at the working size from the coarse result, without
// iterations (or targets) at the finer scale.
TEST(StylizeOptimize, StopAndKeepAtTheCoarseScaleFinishesAtTheWorkingSize) {
  test::FakeNetwork net;
  torch::manual_seed(11);
  const at::Tensor content = image_rgb_to_tensor(smooth_image(64, 48));
  const std::vector<StyleImage> styles = {{test::stripes_image(96, 96), 1.0}};
  StylizeOptimize request;
  request.schedule = {2, 6, 6};
  std::atomic<bool> finish{false};
  std::vector<std::string> messages;
  Progress progress(
      [&](double, const std::string& m) {
        messages.push_back(m);
        if (m.rfind("level 1/2: iteration 2/", 0) == 0) finish = true;
      },
      nullptr);
  progress.with_finish(&finish);
  const at::Tensor result = stylize_optimize(net, content, styles, request, progress);
  ASSERT_EQ(result.sizes(), content.sizes());
  EXPECT_GT((result - content).abs().mean().item<double>(), 1e-3) << "the coarse iterations are kept";
  for (const std::string& m : messages) {
    EXPECT_EQ(m.find("level 1/2: iteration 3/"), std::string::npos) << m;
    EXPECT_EQ(m.rfind("level 2/2", 0), std::string::npos) << m;
  }
}

// The dialog's preview: Instant follows every change; Optimise runs when asked, as a short look (at most 40
// iterations, one scale, the working size only).
TEST(StylizeFilter, PreviewIsLiveForInstantAndAShortOptimiseOnRequest) {
  const Filter& f = stylize_filter();
  ASSERT_TRUE(f.preview);
  ParamValues v(f.params);
  v.set_int("scales", 3);
  v.set_bool("full-resolution", true);
  const PreviewPlan optimise = f.preview(v);
  EXPECT_FALSE(optimise.live);
  EXPECT_EQ(optimise.values.get_int("iterations"), 40);
  EXPECT_EQ(optimise.values.get_int("scales"), 1);
  EXPECT_FALSE(optimise.values.get_bool("full-resolution"));
  v.set_int("iterations", 12);
  EXPECT_EQ(f.preview(v).values.get_int("iterations"), 12) << "fewer iterations stay as they are";
  v.set_text("method", "feed-forward");
  EXPECT_TRUE(f.preview(v).live);
  EXPECT_EQ(f.preview(v).values.get_text("fast-model"), v.get_text("fast-model"));
}
