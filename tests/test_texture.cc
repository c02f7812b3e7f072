// Texture Synthesize: the optimisation (statistics closer to the source than a shuffled copy, periodic results
// without seams, seeds) on a small network, and the filter end to end on InceptionV3 (sizes, training a generator,
// saving and reusing it, errors).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <set>

#include "core/image_statistics.h"
#include "core/image_tensor.h"
#include "core/losses/losses.h"
#include "core/safetensors.h"
#include "engine/texture_synthesis.h"
#include "filters/texture.h"
#include "models/model_library.h"
#include "tests/fake_network.h"
#include "tests/test_util.h"

using namespace atelier;

namespace {

// A texture with structure at two scales (soft blobs on a grid, finer stripes between them) and some grain, so that
// its colour histogram is continuous like a photographed texture's.
at::Tensor source_texture(int64_t size) {
  const at::Tensor y = torch::arange(size, torch::kFloat32).view({-1, 1}).expand({size, size});
  const at::Tensor x = torch::arange(size, torch::kFloat32).view({1, -1}).expand({size, size});
  const at::Tensor blobs = torch::sigmoid((torch::sin(x * 0.35) * torch::sin(y * 0.35) - 0.3) * 8);
  const at::Tensor stripes = torch::sin((x + y) * 1.3) * 0.5 + 0.5;
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(11);
  const at::Tensor grain = at::randn({3, size, size}, gen, torch::kFloat32) * 0.05;
  return (torch::stack({0.2 + 0.7 * blobs, 0.3 + 0.4 * stripes * (1 - blobs), 0.6 - 0.4 * blobs}) + grain)
      .clamp(0, 1)
      .unsqueeze(0);
}

// Mean absolute difference across the wrap-around seam (last column against first, last row against first) over
// the mean difference between neighbours inside.
double seam_ratio(const at::Tensor& x) {
  const double inside = 0.5 * ((x.slice(3, 1) - x.slice(3, 0, -1)).abs().mean().item<double>() +
                               (x.slice(2, 1) - x.slice(2, 0, -1)).abs().mean().item<double>());
  const double seam = 0.5 * ((x.select(3, 0) - x.select(3, -1)).abs().mean().item<double>() +
                             (x.select(2, 0) - x.select(2, -1)).abs().mean().item<double>());
  return seam / inside;
}

// Gram distance in the network's feature space, averaged over its layers (the statistic both losses aim at).
double gram_distance(FeatureNetwork& net, const at::Tensor& image, const at::Tensor& source) {
  torch::NoGradGuard no_grad;
  const TextureObjective gram(net, source, {}, TextureLossKind::Gram, false);
  return gram.loss(image, 0).item<double>();
}

ParamValues texture_values(const std::vector<std::pair<std::string, std::string>>& given) {
  ParamValues v(texture_filter().params);
  for (const auto& [name, value] : given) v.set_from_string(name, value);
  return v;
}

Image opaque_source(int size) {
  Image img = tensor_to_image(source_texture(size));
  for (size_t i = 3; i < img.rgba.size(); i += 4) img.rgba[i] = 0.5f;  // the result is opaque anyway
  return img;
}

}  // namespace

TEST(TextureSynthesis, OptimisedTextureIsCloserToTheSourceThanShuffledPixelsOrNoise) {
  at::set_num_threads(1);
  test::FakeNetwork net;
  const at::Tensor source = source_texture(64);
  const at::Tensor shuffled = shuffled_pixels(source, 5);
  const at::Tensor noise = torch::rand({1, 3, 64, 64});
  for (TextureLossKind kind : {TextureLossKind::Gram, TextureLossKind::Sliced}) {
    TextureOptimizeSettings s;
    s.width = s.height = 64;
    s.octaves = 2;
    s.iterations = 60;
    s.loss = kind;
    s.seed = 3;
    const at::Tensor result = optimize_texture(net, source, s, Progress());
    ASSERT_EQ(result.sizes(), source.sizes());
    const double d_result = gram_distance(net, result, source), d_shuffled = gram_distance(net, shuffled, source),
                 d_noise = gram_distance(net, noise, source);
    EXPECT_LT(d_result, 0.3 * d_shuffled) << "features: result " << d_result << ", shuffled " << d_shuffled;
    EXPECT_LT(d_result, 0.3 * d_noise) << "features: result " << d_result << ", noise " << d_noise;
    // An independent check: the colour histogram is closer to the source's than noise's is (by far for the sliced
    // loss, which matches the pixels' distribution itself).
    const double h_result = colour_histogram_distance(result, source),
                 h_noise = colour_histogram_distance(noise, source);
    EXPECT_LT(h_result, (kind == TextureLossKind::Sliced ? 0.4 : 0.8) * h_noise)
        << "colour histograms: result " << h_result << ", noise " << h_noise;
  }
}

TEST(TextureSynthesis, PeriodicResultsWrapWithoutASeam) {
  at::set_num_threads(1);
  test::FakeNetwork net;
  TextureOptimizeSettings s;
  s.width = 72;
  s.height = 56;
  s.octaves = 2;
  s.iterations = 40;
  s.periodic = true;
  s.seed = 1;
  const at::Tensor result = optimize_texture(net, source_texture(64), s, Progress());
  ASSERT_EQ(result.size(2), 56);
  ASSERT_EQ(result.size(3), 72);
  EXPECT_LT(seam_ratio(result), 1.3);
}

TEST(TextureSynthesis, PeriodicResizeKeepsThePeriod) {
  // Two periods of a cosine across 40 pixels, resized to 64: still two periods, continuous across the wrap.
  const at::Tensor x40 = torch::cos((torch::arange(40, torch::kFloat32) + 0.5) * (4 * M_PI / 40)).view({1, 1, 1, 40});
  const at::Tensor exact = torch::cos((torch::arange(64, torch::kFloat32) + 0.5) * (4 * M_PI / 64)).view({1, 1, 1, 64});
  const at::Tensor resized = resize_periodic(x40.expand({1, 1, 3, 40}).contiguous(), 3, 64);
  EXPECT_LT((resized.select(2, 1) - exact.select(2, 0)).abs().max().item<double>(), 0.02);
}

TEST(TextureSynthesis, SameSeedSameTextureOtherSeedAnother) {
  at::set_num_threads(1);
  test::FakeNetwork net;
  TextureOptimizeSettings s;
  s.width = s.height = 48;
  s.octaves = 1;
  s.iterations = 5;
  auto run = [&](uint64_t seed) {
    s.seed = seed;
    return optimize_texture(net, source_texture(48), s, Progress());
  };
  EXPECT_TRUE(at::equal(run(4), run(4)));
  EXPECT_GT((run(4) - run(5)).abs().mean().item<double>(), 0.02);
}

TEST(TextureFilter, ResultHasTheRequestedSizeAndIsOpaque) {
  ATELIER_REQUIRE(ModelLibrary().installed("inception_v3"),
                  "InceptionV3 is not installed (./run atelier models install inception_v3)");
  at::set_num_threads(1);
  const Filter& f = texture_filter();
  ModelLibrary library;
  RunContext ctx{&library, Progress(), {}};
  ctx.canvas_width = 120;
  ctx.canvas_height = 90;
  // 0 x 0: the canvas; a width alone keeps the canvas height.
  const ParamValues v = texture_values({{"width", "100"}, {"iterations", "3"}, {"octaves", "1"}, {"device", "cpu"}});
  const Image out = run_filter(f, opaque_source(96), v, ctx);
  EXPECT_EQ(out.width, 100);
  EXPECT_EQ(out.height, 90);
  for (size_t i = 3; i < out.rgba.size(); i += 4) ASSERT_EQ(out.rgba[i], 1.0f);
}

TEST(TextureFilter, GeneratorIsTrainedSavedListedAndReusedAtAnySize) {
  ATELIER_REQUIRE(ModelLibrary().installed("inception_v3"),
                  "InceptionV3 is not installed (./run atelier models install inception_v3)");
  at::set_num_threads(1);
  // A library of its own (the choices of the model parameter come from $ATELIER_MODELS_DIR), with InceptionV3.
  const std::string dir = test::temp_path("texture-library");
  std::filesystem::create_directories(dir);
  std::filesystem::create_symlink(ModelLibrary().path("inception_v3"), dir + "/inception_v3.safetensors");
  const char* old = std::getenv("ATELIER_MODELS_DIR");
  const std::string saved_env = old ? old : "";
  setenv("ATELIER_MODELS_DIR", dir.c_str(), 1);
  const Filter& f = texture_filter();
  ModelLibrary library(dir);
  RunContext ctx{&library, Progress(), {}};
  const ParamValues train = texture_values({{"method", "generator"},
                                            {"train-iterations", "12"},
                                            {"train-size", "64"},
                                            {"save-model", "bricks"},
                                            {"tileable", "true"},
                                            {"size", "80"},
                                            {"device", "cpu"},
                                            {"seed", "2"}});
  const Image trained = run_filter(f, opaque_source(96), train, ctx);
  EXPECT_EQ(trained.width, 80);
  ASSERT_TRUE(ModelLibrary(dir).installed("texture-net/bricks"));
  Metadata metadata;
  load_safetensors(ModelLibrary(dir).path("texture-net/bricks"), &metadata);
  EXPECT_EQ(metadata["atelier.kind"], "texture-net");
  EXPECT_EQ(metadata["network"], "inception_v3");
  EXPECT_EQ(metadata["source.sha256"].size(), 64u);

  // Reused without a source, at sizes it was not trained on; the same seed gives the same sample.
  auto sample = [&](int w, int h, int seed) {
    const ParamValues reuse = texture_values({{"method", "generator"},
                                              {"model", "bricks"},
                                              {"width", std::to_string(w)},
                                              {"height", std::to_string(h)},
                                              {"seed", std::to_string(seed)},
                                              {"device", "cpu"}});
    return run_filter(f, Image(), reuse, ctx);
  };
  EXPECT_EQ(sample(80, 80, 2).rgba, trained.rgba);
  const Image other = sample(150, 70, 9);
  EXPECT_EQ(other.width, 150);
  EXPECT_EQ(other.height, 70);
  EXPECT_NE(sample(80, 80, 3).rgba, trained.rgba);
  if (old)
    setenv("ATELIER_MODELS_DIR", saved_env.c_str(), 1);
  else
    unsetenv("ATELIER_MODELS_DIR");
}

// The dialog's mnemonics (unique, clear of GIMP's buttons; not every label has one) are checked for every filter by
// Params.DialogMnemonicsAreUniqueInEnglishAndGerman.
TEST(TextureFilter, DeclarationHasHelpAndValidDefaults) {
  const Filter& f = texture_filter();
  EXPECT_EQ(&find_filter("texture-synthesize"), &f);
  EXPECT_EQ(cli_command(f), "texture");
  for (const ParamSpec& p : f.params) EXPECT_FALSE(p.help.empty()) << p.name;
  const ParamValues v(f.params);  // defaults are valid
  EXPECT_EQ(v.get_text("method"), "optimize");
  EXPECT_EQ(v.get_text("model"), "new");
  EXPECT_EQ(f.result_size(v, 300, 200), std::make_pair(300, 200));  // 0 x 0: the canvas
}

TEST(TextureFilter, BadRequestsAreClearErrors) {
  const Filter& f = texture_filter();
  ModelLibrary library;
  RunContext ctx{&library, Progress(), {}};
  EXPECT_NE(
      test::error_of([&] { run_filter(f, Image(), texture_values({{"size", "64"}}), ctx); }).find("no source texture"),
      std::string::npos);
  EXPECT_NE(test::error_of([&] { run_filter(f, Image(), texture_values({}), ctx); }).find("give its width"),
            std::string::npos);
  EXPECT_NE(test::error_of([&] {
              run_filter(f, opaque_source(32),
                         texture_values({{"method", "generator"}, {"save-model", "../x"}, {"size", "32"}}), ctx);
            }).find("may only use letters"),
            std::string::npos);
  EXPECT_NE(test::error_of([&] { texture_values({{"model", "no-such-generator"}}); }).find("no-such-generator"),
            std::string::npos);
}
