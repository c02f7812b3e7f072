#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <set>

#include "core/error.h"
#include "core/image_io.h"
#include "core/image_tensor.h"
#include "core/progress.h"
#include "engine/deep_dream.h"
#include "fake_network.h"
#include "filters/dream.h"
#include "models/feature_network.h"
#include "models/model_library.h"
#include "test_util.h"

using namespace atelier;
using atelier::test::error_of;

namespace {

using TinyNet = test::FakeNetwork;  // layers "a" (full size), "b" (1/2), "c" (1/4)

// A smooth deterministic test picture [1,3,h,w] in [0,1].
at::Tensor picture(int64_t h, int64_t w) {
  at::Tensor y = at::linspace(0, 1, h).view({1, 1, h, 1});
  at::Tensor x = at::linspace(0, 1, w).view({1, 1, 1, w});
  at::Tensor r = 0.5 + 0.4 * at::sin(6 * x + 2 * y);
  at::Tensor g = 0.5 + 0.3 * at::cos(5 * y - 3 * x);
  at::Tensor b = 0.3 + 0.4 * x * y;
  return at::cat({r, g, b}, 1).contiguous();
}

DreamSettings small_settings(LayerDoses layers) {
  DreamSettings s;
  s.layers = std::move(layers);
  s.step_size = 0.02;
  s.iterations = 8;
  s.octaves = 2;
  s.octave_scale = 1.5;
  s.jitter = 2;
  s.seed = 7;
  return s;
}

// DeepDream's objective computed here from the network's raw activations (independent of the filter's own
// objective()): the dose-weighted sum of each layer's mean squared activation.
double expected_objective(FeatureNetwork& net, const at::Tensor& img, const LayerDoses& layers) {
  std::vector<std::string> names;
  for (const auto& l : layers) names.push_back(l.first);
  torch::NoGradGuard no_grad;
  const auto features = net.extract(img, names);
  double sum = 0;
  for (const auto& [name, dose] : layers) {
    const at::Tensor f = features.at(name).to(at::kDouble);
    sum += dose * (f * f).sum().item<double>() / static_cast<double>(f.numel());
  }
  return sum;
}

}  // namespace

TEST(Dream, RaisesDoseWeightedActivation) {
  TinyNet net;
  const at::Tensor img = picture(40, 48);
  for (const LayerDoses& layers : {LayerDoses{{"b", 1.0}}, LayerDoses{{"a", 1.0}, {"c", 0.5}}}) {
    const double before = expected_objective(net, img, layers);
    EXPECT_NEAR(dream_objective(net, img, layers), before, 1e-5 * std::abs(before)) << "objective definition";
    const at::Tensor out = deep_dream(net, img, small_settings(layers));
    const double after = expected_objective(net, out, layers);
    EXPECT_GT(after, before * 1.2) << "first layer " << layers[0].first;
    EXPECT_GE(out.min().item<float>(), 0.f);
    EXPECT_LE(out.max().item<float>(), 1.f);
  }
}

TEST(Dream, NegativeDoseLowersActivation) {
  TinyNet net;
  const at::Tensor img = picture(40, 48);
  const double before = expected_objective(net, img, {{"b", 1.0}});
  const at::Tensor out = deep_dream(net, img, small_settings({{"b", -1.0}}));
  EXPECT_LT(expected_objective(net, out, {{"b", 1.0}}), before * 0.8);
}

TEST(Dream, ZeroDoseLeavesImageUnchanged) {
  TinyNet net;
  const at::Tensor img = picture(33, 29);
  const at::Tensor out = deep_dream(net, img, small_settings({{"a", 0.0}, {"c", 0.0}}));
  EXPECT_TRUE(at::equal(out, img));
  // A zero-dose layer next to others changes nothing either.
  EXPECT_TRUE(at::equal(deep_dream(net, img, small_settings({{"b", 1.0}, {"c", 0.0}})),
                        deep_dream(net, img, small_settings({{"b", 1.0}}))));
}

// Asking for more octaves than fit above the network's minimum runs all of them (a smaller octave scale), and
// says so in the progress, instead of silently dropping some.
TEST(Dream, OctavesThatDoNotFitAreSpreadNotDropped) {
  TinyNet net;
  std::vector<std::string> messages;
  DreamSettings s = small_settings({{"b", 1.0}});
  s.octaves = 3;
  s.octave_scale = 2.0;
  s.iterations = 1;
  const int64_t min_side = net.min_input_size();
  const at::Tensor img = picture(min_side * 2, min_side * 2);  // 1/2 fits, 1/4 would not
  int steps = 0;
  Progress progress(
      [&](double, const std::string& m) {
        if (!m.empty()) messages.push_back(m);
        if (m.find(", step ") != std::string::npos) ++steps;
      },
      nullptr);
  deep_dream(net, img, s, progress);
  EXPECT_EQ(steps, 3) << "one step in each of the 3 octaves";
  bool told = false;
  for (const auto& m : messages) told = told || m.find("octave scale lowered") != std::string::npos;
  EXPECT_TRUE(told);
}

TEST(Dream, OctavesKeepRequestedSize) {
  const auto sizes = octave_sizes(100, 60, 4, 1.4, 8);
  ASSERT_EQ(sizes.size(), 4u);
  EXPECT_EQ(sizes.back(), (std::pair<int64_t, int64_t>{100, 60}));
  EXPECT_EQ(sizes.front(), (std::pair<int64_t, int64_t>{36, 22}));  // 100/1.4^3, 60/1.4^3
  for (size_t i = 1; i < sizes.size(); ++i) EXPECT_GT(sizes[i].first, sizes[i - 1].first);
  EXPECT_EQ(octave_sizes(20, 20, 4, 2.0, 8).size(), 2u);  // 5 px and 2.5 px octaves are below the minimum

  TinyNet net;
  DreamSettings s = small_settings({{"b", 1.0}});
  s.octaves = 3;
  s.iterations = 2;
  const at::Tensor out = deep_dream(net, picture(37, 23), s);
  EXPECT_EQ(out.sizes(), (std::vector<int64_t>{1, 3, 37, 23}));
  EXPECT_THROW(deep_dream(net, picture(6, 20), s), Error);  // below the network's minimum size
}

TEST(Dream, SeedMakesItDeterministic) {
  TinyNet net;
  const at::Tensor img = picture(32, 32);
  DreamSettings s = small_settings({{"b", 1.0}});
  s.iterations = 4;
  const at::Tensor first = deep_dream(net, img, s);
  EXPECT_TRUE(at::equal(first, deep_dream(net, img, s)));
  s.seed = 8;
  EXPECT_FALSE(at::equal(first, deep_dream(net, img, s)));
}

TEST(Dream, ProgressAndCancel) {
  TinyNet net;
  const at::Tensor img = picture(24, 24);
  DreamSettings s = small_settings({{"a", 1.0}});
  s.octaves = 2;
  s.iterations = 3;
  std::atomic<bool> cancel{false};
  std::vector<double> fractions;
  Progress progress([&](double f, const std::string&) { fractions.push_back(f); }, &cancel);
  deep_dream(net, img, s, progress);
  ASSERT_EQ(fractions.size(), 6u);  // one report per step
  EXPECT_DOUBLE_EQ(fractions.back(), 1.0);
  for (size_t i = 1; i < fractions.size(); ++i) EXPECT_GT(fractions[i], fractions[i - 1]);

  // Raised after the 4th step: the 5th step does not run.
  int steps = 0;
  Progress cancelling([&](double, const std::string&) { cancel = ++steps == 4; }, &cancel);
  EXPECT_THROW(deep_dream(net, img, s, cancelling), Cancelled);
  EXPECT_EQ(steps, 4);
  cancel = true;
  EXPECT_THROW(deep_dream(net, img, s, Progress(nullptr, &cancel)), Cancelled);
}

// "Stop and keep" after the 2nd of 3 steps in the first of 2 octaves: no more steps, and the result is the
// requested size (the octave left only enlarges what was dreamt).
TEST(Dream, StopAndKeepEndsTheStepsAndFinishesAtTheFullSize) {
  TinyNet net;
  const at::Tensor img = picture(24, 24);
  DreamSettings s = small_settings({{"a", 1.0}});
  s.octaves = 2;
  s.iterations = 3;
  std::atomic<bool> finish{false};
  int steps = 0;
  Progress progress([&](double, const std::string&) { finish = ++steps == 2; }, nullptr);
  progress.with_finish(&finish);
  const at::Tensor out = deep_dream(net, img, s, progress);
  EXPECT_EQ(steps, 2);
  EXPECT_EQ(out.sizes(), img.sizes());
  EXPECT_GT((out - img).abs().max().item<double>(), 1e-4);
}

// The dialog's preview follows every change with the same values (the small copy is the only saving).
TEST(Dream, PreviewIsLive) {
  const Filter& f = dream_filter();
  ASSERT_TRUE(f.preview);
  ParamValues v(f.params);
  v.set_int("octaves", 3);
  const PreviewPlan plan = f.preview(v);
  EXPECT_TRUE(plan.live);
  EXPECT_EQ(plan.values.get_int("octaves"), 3);
}

TEST(Dream, BadSettingsAndLayers) {
  TinyNet net;
  const at::Tensor img = picture(16, 16);
  EXPECT_THROW(deep_dream(net, img, small_settings({})), Error);
  const std::string msg = error_of([&] { deep_dream(net, img, small_settings({{"mixed3", 1.0}})); });
  EXPECT_NE(msg.find("mixed3"), std::string::npos) << msg;
  EXPECT_NE(msg.find("a, b, c"), std::string::npos) << msg;
  DreamSettings s = small_settings({{"a", 1.0}});
  s.octave_scale = 1.0;
  EXPECT_THROW(deep_dream(net, img, s), Error);
  EXPECT_THROW(deep_dream(net, at::zeros({1, 4, 16, 16}), small_settings({{"a", 1.0}})), Error);
}

TEST(Dream, ParseLayerDoses) {
  using D = std::vector<std::pair<std::string, double>>;
  EXPECT_EQ(parse_layer_doses(""), D{});
  EXPECT_EQ(parse_layer_doses("  "), D{});
  EXPECT_EQ(parse_layer_doses("mixed3:1.0, mixed4:0.5"), (D{{"mixed3", 1.0}, {"mixed4", 0.5}}));
  EXPECT_EQ(parse_layer_doses("mixed3:1,mixed4:-0.5"), (D{{"mixed3", 1.0}, {"mixed4", -0.5}}));
  EXPECT_EQ(parse_layer_doses("mixed3 : 2; mixed5 activation_3:1e-1"),
            (D{{"mixed3", 2.0}, {"mixed5", 1.0}, {"activation_3", 0.1}}));
  EXPECT_NE(error_of([] { parse_layer_doses("mixed3:abc"); }).find("dose of layer mixed3 must be a number"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_layer_doses("mixed3:"); }).find("dose of layer mixed3 must be a number"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_layer_doses("mixed3:1:2"); }).find("mixed3"), std::string::npos);
  EXPECT_NE(error_of([] { parse_layer_doses(":1"); }).find("no layer name"), std::string::npos);
  EXPECT_NE(error_of([] { parse_layer_doses("a:1, a:2"); }).find("twice"), std::string::npos);
  EXPECT_THROW(parse_layer_doses("a:nan"), Error);

  const std::string unknown = error_of([] { check_layer_names({{"mixed3", 1}, {"b", 1}}, {"a", "b"}, "tiny"); });
  EXPECT_NE(unknown.find("unknown layer 'mixed3'"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("valid layers are: a, b"), std::string::npos) << unknown;
  EXPECT_NO_THROW(check_layer_names({{"a", 1}, {"b", -1}}, {"a", "b"}, "tiny"));
}

TEST(Dream, LayersForDepth) {
  using D = std::vector<std::pair<std::string, double>>;
  std::vector<std::string> inception = {"activation_1", "activation_2"};
  for (int i = 0; i <= 10; ++i) {
    inception.push_back("activation_" + std::to_string(i + 3));
    inception.push_back("mixed" + std::to_string(i));
  }
  EXPECT_EQ(layers_for_depth(inception, 0), (D{{"mixed0", 1.0}}));
  EXPECT_EQ(layers_for_depth(inception, 1), (D{{"mixed10", 1.0}}));
  const D third = layers_for_depth(inception, 1.0 / 3);  // the classic mixed3 + half of mixed4
  ASSERT_EQ(third.size(), 2u);
  EXPECT_EQ(third[0].first, "mixed3");
  EXPECT_NEAR(third[0].second, 1.0, 1e-9);
  EXPECT_EQ(third[1].first, "mixed4");
  EXPECT_NEAR(third[1].second, 0.5, 1e-9);
  EXPECT_EQ(layers_for_depth({"conv1_1", "relu1_1", "conv5_1", "relu5_1"}, 1), (D{{"relu5_1", 1.0}}));
  EXPECT_EQ(layers_for_depth({"a", "b", "c"}, 0.5), (D{{"b", 1.0}}));
  EXPECT_THROW(layers_for_depth({}, 0.5), Error);
}

TEST(Dream, FilterDeclaration) {
  const auto& filters = all_filters();
  auto it = std::find(filters.begin(), filters.end(), &dream_filter());
  ASSERT_NE(it, filters.end());
  EXPECT_EQ((*(it - 1))->name, "texture-synthesize");  // menu order: Stylize, Texture Synthesize, Neural Dream, ...
  EXPECT_EQ(&find_filter("dream"), &dream_filter());
  const Filter& f = dream_filter();
  std::set<std::string> names;
  std::set<char> mnemonics;
  for (const ParamSpec& p : f.params) {
    names.insert(p.name);
    EXPECT_FALSE(p.help.empty()) << p.name;
    if (p.scope & kGimp) {
      const size_t u = p.label.find('_');
      ASSERT_NE(u, std::string::npos) << p.name << " has no mnemonic";
      const char m = static_cast<char>(std::tolower(p.label[u + 1]));
      EXPECT_TRUE(mnemonics.insert(m).second) << "mnemonic of " << p.name << " is used twice";
    }
  }
  for (const char* n : {"layers", "depth", "step-size", "iterations", "octaves", "octave-scale", "jitter", "seed",
                        "keep-colors", "network", "device", "size", "layer-name", "input", "output"})
    EXPECT_TRUE(names.count(n)) << n;
  ParamValues v(f.params);  // defaults are valid
  EXPECT_EQ(v.get_int("octaves"), 4);
  EXPECT_DOUBLE_EQ(v.get_double("octave-scale"), 1.4);
  EXPECT_EQ(v.get_text("network"), "auto");
  EXPECT_EQ(v.spec("layer-name").scope, kGimp);
  EXPECT_EQ(v.spec("input").scope, kCli);
  EXPECT_EQ(v.spec("output").scope, kCli);
}

// The real InceptionV3 from the model library (installed by ./run test); skipped when absent, except in CI.
TEST(Dream, InceptionMixed3Rises) {
  ModelLibrary library(test::models_dir());
  ATELIER_REQUIRE(!test::models_dir().empty() && library.installed("inception_v3"),
                  "inception_v3 is not installed in $ATELIER_MODELS_DIR");
  auto net = load_feature_network("inception_v3", library, at::kCPU);
  const int64_t side = std::max<int64_t>(96, net->min_input_size());
  at::Tensor img = picture(side, side);
  const std::string dog = test::shared_dir().empty() ? "" : test::shared_dir() + "/data/images/dog.jpg";
  if (!dog.empty() && std::filesystem::exists(dog)) img = resize(image_rgb_to_tensor(load_image(dog)), side, side);
  DreamSettings s;
  s.layers = {{"mixed3", 1.0}};
  s.octaves = 1;
  s.iterations = 4;
  const double before = dream_objective(*net, img, s.layers);
  const double after = dream_objective(*net, deep_dream(*net, img, s), s.layers);
  EXPECT_GT(after, before * 1.05) << "before " << before << ", after " << after;
  std::printf("mean(mixed3^2): %.4g before, %.4g after 4 steps\n", before, after);

  // The whole filter: size kept, alpha kept.
  Image input(90, 70);
  for (int y = 0; y < input.height; ++y)
    for (int x = 0; x < input.width; ++x) {
      float* p = input.pixel(x, y);
      p[0] = x / 90.f, p[1] = y / 70.f, p[2] = 0.5f, p[3] = x < 45 ? 1.f : 0.25f;
    }
  ParamValues v(dream_filter().params);
  v.set_text("network", "inception_v3");
  v.set_text("device", "cpu");
  v.set_int("iterations", 2);
  v.set_int("octaves", 1);
  v.set_int("size", 0);
  v.set_bool("keep-colors", true);
  RunContext ctx;
  ctx.library = &library;
  const Image out = run_filter(dream_filter(), input, v, ctx);
  ASSERT_EQ(out.width, 90);
  ASSERT_EQ(out.height, 70);
  EXPECT_FLOAT_EQ(out.pixel(10, 10)[3], 1.f);
  EXPECT_FLOAT_EQ(out.pixel(80, 10)[3], 0.25f);

  // Strength scales the change the dream makes: none at 0, half of the whole change at 0.5 (up to clamping).
  v.set_bool("keep-colors", false);
  auto change = [&](double strength) {
    v.set_double("strength", strength);
    return image_rgb_to_tensor(run_filter(dream_filter(), input, v, ctx)) - image_rgb_to_tensor(input);
  };
  EXPECT_LT(change(0).abs().max().item<double>(), 1e-6);
  const at::Tensor whole = change(1), half = change(0.5);
  EXPECT_GT(whole.abs().mean().item<double>(), 1e-3);
  EXPECT_NEAR(half.abs().sum().item<double>() / whole.abs().sum().item<double>(), 0.5, 0.05);
}
