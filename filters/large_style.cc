#include "filters/large_style.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "core/color.h"
#include "core/error.h"
#include "core/image_tensor.h"
#include "core/memory.h"
#include "core/numbers.h"
#include "core/tiling.h"
#include "filters/gatys.h"
#include "filters/style_inputs.h"
#include "models/feature_network.h"
#include "models/model_library.h"

namespace atelier {
namespace {

// Measured with InceptionV3 on two CPU cores (docs/benchmarks.md): peak host memory per pixel optimised at once
// and seconds per megapixel-iteration (L-BFGS, its line search included, on 256 px tiles), with and without
// averaging two pixel phases.
constexpr double kBytesPerPixel = 3600, kBytesPerPixelOnePhase = 1900;
constexpr double kSecondsPerMegapixel = 23.0, kSecondsPerMegapixelOnePhase = 14.5;
// Without a budget: half the available memory (or this much when unknown), at most 16 GB.
constexpr double kDefaultBudgetBytes = 2e9, kMaxAutoBudgetBytes = 16e9;
// Tiles below this cannot hold enough context for the network's deep layers.
constexpr int kMinTile = 160;
constexpr int kTileAlign = 8;

// Iterations fall geometrically from the coarsest level, where the style takes hold (cheap: about 256 px), to the
// full size, where they refine detail started from the level below.
struct Quality {
  const char* nick;
  int coarsest_iterations, finest_iterations;
  bool phase_average;  // InceptionV3's stride-2 grid averaged away (1.6 times the cost)
};
constexpr Quality kQualities[] = {{"fast", 100, 12, false}, {"normal", 200, 30, true}, {"best", 300, 80, true}};

const Quality& quality_of(const ParamValues& v) {
  for (const Quality& q : kQualities)
    if (v.get_text("quality") == q.nick) return q;
  return kQualities[1];
}

std::vector<ParamSpec> make_params() {
  std::vector<ParamSpec> p =
      command_line_io_params("content", "Image to stylise (command line only; in GIMP: the active layer)");
  p.push_back(input_long_side_param());
  for (ParamSpec& spec : style_image_params({})) p.push_back(std::move(spec));
  const std::vector<ParamSpec> balance = style_balance_params({});
  p.push_back(balance[0]);
  p.push_back(number_param("style-scale", "Style s_cale",
                           "Size of the style's brush strokes relative to the result: the style image is seen at "
                           "this multiple of the result's size",
                           ParamType::Double, 0.05, 4, 1, "Style"));
  p.push_back(preserve_colors_param());
  p.push_back(balance[1]);
  p.push_back(balance[2]);
  p.push_back(choice_param("quality", "_Quality",
                           "Iterations per pyramid level: fast (a first look), normal, best (slow, cleanest)",
                           {{"fast", "Fast"}, {"normal", "Normal"}, {"best", "Best"}}, "normal", "Quality"));
  p.push_back(number_param("start-size", "Pyramid _start",
                           "Long side in pixels of the first, coarsest level; each next level doubles it up to the "
                           "full size", ParamType::Int, 128, 2048, 256, "Quality", 0));
  p.push_back(number_param("memory", "_Memory budget (MB)",
                           "Memory the optimisation may use at once; levels larger than this are done in tiles "
                           "(0 = half the free memory)", ParamType::Int, 0, 262144, 0, "Tiles", 0));
  p.push_back(number_param("max-tile", "Largest _tile",
                           "Longest side in pixels optimised at once, context included (0 = from the memory budget)",
                           ParamType::Int, 0, 8192, 0, "Tiles", 0));
  p.push_back(number_param("overlap", "O_verlap",
                           "Context in pixels on each side of a tile, blended with its neighbours (0 = an eighth of "
                           "the tile)", ParamType::Int, 0, 2048, 0, "Tiles", 0));
  p.push_back(choice_param("init", "Start _from", "The first level starts from the content image or from noise",
                           {{"content", "Content image"}, {"random", "Random noise"}}, "content", "Content"));
  p.push_back(feature_network_param("_Network", "Feature network; auto = VGG-19 when installed, else InceptionV3"));
  p.push_back(device_param("_Device"));
  p.push_back(seed_param("Se_ed", "Seed of the starting noise (same seed and settings give the same result)"));
  p.back().used_when = {{"init", {"random"}}};
  p.push_back(layer_name_param("O_utput layer name", "Large Tiled Style"));
  return p;
}

double budget_bytes(const ParamValues& v) {
  if (v.get_int("memory") > 0) return v.get_int("memory") * 1024.0 * 1024.0;
  const double available = static_cast<double>(available_memory_bytes());
  return available > 0 ? std::min(available / 2, kMaxAutoBudgetBytes) : kDefaultBudgetBytes;
}

int round_down(double v, int multiple) { return std::max(multiple, static_cast<int>(v) / multiple * multiple); }

// Long sides of the pyramid: start, 2 x start, ... below the full size, then the full size.
std::vector<int> level_long_sides(int full, int start) {
  std::vector<int> sides;
  for (int s = start; s < full; s *= 2) sides.push_back(s);
  sides.push_back(full);
  return sides;
}

}  // namespace

LargeStylePlan plan_large_style(const ParamValues& v, int width, int height) {
  const Quality& q = quality_of(v);
  const double bytes_per_pixel = q.phase_average ? kBytesPerPixel : kBytesPerPixelOnePhase;
  const double seconds_per_mp = q.phase_average ? kSecondsPerMegapixel : kSecondsPerMegapixelOnePhase;
  const double budget = budget_bytes(v);
  const int max_tile = v.get_int("max-tile");
  int tile = round_down(std::sqrt(budget / bytes_per_pixel), kTileAlign);
  if (max_tile > 0) tile = std::min(tile, round_down(max_tile, kTileAlign));
  tile = std::max(tile, kMinTile);
  const int overlap = v.get_int("overlap") > 0 ? v.get_int("overlap") : std::max(16, round_down(tile / 8, kTileAlign));
  if (2 * overlap + kTileAlign > tile)
    throw Error("an overlap of " + std::to_string(overlap) + " px leaves no room in " + std::to_string(tile) +
                " px tiles; use a smaller overlap (at most " + std::to_string((tile - kTileAlign) / 2) +
                ") or larger tiles (max-tile, memory)");

  LargeStylePlan plan;
  const std::vector<int> sides = level_long_sides(std::max(width, height), v.get_int("start-size"));
  for (size_t k = 0; k < sides.size(); ++k) {
    LargeStylePlan::Level level;
    const auto [h, w] = fit_long_side(height, width, sides[k]);
    level.width = static_cast<int>(w);
    level.height = static_cast<int>(h);
    const double t = sides.size() == 1 ? 0.0 : static_cast<double>(k) / static_cast<double>(sides.size() - 1);
    level.iterations = static_cast<int>(
        std::lround(q.coarsest_iterations * std::pow(static_cast<double>(q.finest_iterations) / q.coarsest_iterations, t)));
    const double pixels = static_cast<double>(w) * h;
    const bool whole = pixels * bytes_per_pixel <= budget && (max_tile == 0 || std::max(w, h) <= max_tile);
    double optimised_pixels = pixels;
    if (!whole) {
      const TilePlan tiles(h, w, {tile, overlap, kTileAlign, Border::Mirror});
      level.tile_size = tile;
      level.overlap = overlap;
      int columns = 0;
      for (const Tile& t : tiles.tiles()) columns += t.core.y0 == 0 ? 1 : 0;
      level.tiles_x = columns;
      level.tiles_y = static_cast<int>(tiles.size()) / columns;
      optimised_pixels = 0;
      for (const Tile& t : tiles.tiles()) optimised_pixels += static_cast<double>(t.region.height() * t.region.width());
      plan.peak_megabytes = std::max(plan.peak_megabytes, static_cast<double>(tile) * tile * bytes_per_pixel / 1048576.0);
    } else {
      plan.peak_megabytes = std::max(plan.peak_megabytes, pixels * bytes_per_pixel / 1048576.0);
    }
    plan.seconds += optimised_pixels / 1e6 * seconds_per_mp * level.iterations;
    plan.levels.push_back(level);
  }
  return plan;
}

std::string LargeStylePlan::describe() const {
  std::string out = std::to_string(levels.size()) + (levels.size() == 1 ? " level: " : " levels: ");
  for (size_t i = 0; i < levels.size(); ++i) {
    const Level& l = levels[i];
    out += (i ? ", " : "") + std::to_string(l.width) + "x" + std::to_string(l.height);
    if (l.tiles_x * l.tiles_y == 1 && l.tile_size == 0)
      out += " whole";
    else
      out += " in " + std::to_string(l.tiles_x) + "x" + std::to_string(l.tiles_y) + " tiles of " +
             std::to_string(l.tile_size) + " px";
    out += " (" + std::to_string(l.iterations) + " it.)";
  }
  return out;
}

namespace {

Image run_large_style(const Image& input, const ParamValues& v, const RunContext& ctx) {
  const std::vector<StyleImage> styles = styles_from_params(v, ctx);
  const LargeStylePlan plan = plan_large_style(v, input.width, input.height);
  const Progress& progress = ctx.progress;
  progress.report(0, "plan: " + plan.describe() + "; peak memory about " + format_fixed(plan.peak_megabytes, 0) +
                         " MB");
  auto net = load_feature_network(v.get_text("network"), *ctx.library, ctx.device);
  const Quality& quality = quality_of(v);
  const std::string preserve = v.get_text("preserve-colors");

  GatysSettings base;
  apply_style_balance(v, base);
  base.phase_average = quality.phase_average && net->name() == "inception_v3";
  base.random_init = v.get_text("init") == "random";
  base.seed = static_cast<uint64_t>(v.get_int("seed"));
  base.style_layers = net->default_style_layers();
  const int64_t min_side = net->min_input_size() + (base.phase_average ? 1 : 0);

  const at::Tensor content_full = image_rgb_to_tensor(input);  // host memory
  double total_cost = 0;
  for (const auto& l : plan.levels) total_cost += static_cast<double>(l.width) * l.height * l.iterations;
  double done_cost = 0;
  at::Tensor result;  // the previous level's result, host memory
  for (size_t k = 0; k < plan.levels.size(); ++k) {
    const LargeStylePlan::Level& level = plan.levels[k];
    const double cost = static_cast<double>(level.width) * level.height * level.iterations;
    const Progress level_progress = progress.sub(0.02 + 0.96 * done_cost / total_cost,
                                                 0.02 + 0.96 * (done_cost + cost) / total_cost);
    done_cost += cost;
    const std::string label = "level " + std::to_string(k + 1) + "/" + std::to_string(plan.levels.size());
    at::Tensor content = ensure_min_side(resize(content_full, level.height, level.width), min_side);
    const at::Tensor start = result.defined() ? resize(result, content.size(2), content.size(3)) : at::Tensor();

    // The style targets of the level, computed once from the whole style image and shared by all its tiles.
    const int64_t style_side = std::llround(std::max(content.size(2), content.size(3)) * v.get_double("style-scale"));
    GatysSettings settings = base;
    settings.optimizer.iterations = level.iterations;
    settings.grams = style_grams(*net, settings.style_layers,
                                 style_targets(styles, *net, style_side, preserve, content.to(ctx.device)));

    if (level.tile_size == 0) {
      settings.init = start;
      result = gatys_optimize(*net, content.to(ctx.device), {}, settings, level_progress.prefixed(label)).cpu();
      continue;
    }
    const TilePlan tiles(content.size(2), content.size(3),
                         {level.tile_size, level.overlap, kTileAlign, Border::Mirror});
    const size_t n = tiles.size();
    TiledRun run;
    run.blend = Blend::Feather;
    run.message = label;
    result = run_tiled(
        tiles,
        [&](const Tile& tile) {
          GatysSettings s = settings;
          if (start.defined()) s.init = tile_input(start, tile).to(ctx.device);
          s.seed = settings.seed + tile.index;
          const Progress p = level_progress.sub(static_cast<double>(tile.index) / n, (tile.index + 1.0) / n)
                                 .prefixed(label + ", tile " + std::to_string(tile.index + 1) + "/" + std::to_string(n));
          return gatys_optimize(*net, tile_input(content, tile).to(ctx.device), {}, s, p);
        },
        run, level_progress);
  }
  at::Tensor out = resize(result, input.height, input.width);
  if (preserve == "luminance") out = transfer_luminance(out, content_full);
  progress.report(1.0, "done; peak memory " + format_fixed(peak_resident_bytes() / 1048576.0, 0) + " MB");
  return tensor_to_image(out.clamp(0, 1), image_alpha_to_tensor(input));
}

CostEstimate large_style_cost(const ParamValues& v, int width, int height) {
  const LargeStylePlan plan = plan_large_style(v, width, height);
  CostEstimate e;
  e.width = width;
  e.height = height;
  e.iterations = plan.levels.back().iterations;
  e.seconds = plan.seconds;
  e.megabytes = plan.peak_megabytes + 600.0;  // the network and the images
  e.plan = plan.describe();
  return e;
}

}  // namespace

const Filter& large_style_filter() {
  static const Filter f{
      "large-tiled-style",
      "_Large Tiled Style...",
      "Large Tiled Style",
      "Repaint the layer in the style of another image at its full resolution, in bounded memory",
      "Paints coarse to fine: a pyramid of sizes from about 256 px up to the layer's size, each level starting "
      "from the one before. Levels larger than the memory budget are optimised in overlapping tiles that share the "
      "same style targets and are blended without seams. For photos and prints far larger than Stylize's working "
      "size.",
      make_params(),
      run_large_style,
      large_style_cost,
      "lower the memory budget or the largest tile (smaller tiles need less memory), or choose the CPU device",
      "large-style"};
  return f;
}

}  // namespace atelier
