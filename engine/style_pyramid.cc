#include "engine/style_pyramid.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "core/device.h"
#include "core/error.h"
#include "core/image_tensor.h"
#include "core/memory.h"
#include "core/tiling.h"
#include "engine/tiled_gatys.h"
#include "models/feature_network.h"

namespace atelier {
namespace {

// Measured with InceptionV3 on two CPU cores (docs/benchmarks.md): peak host memory per pixel optimised at once
// and seconds per megapixel-iteration (L-BFGS, its line search included; fast quality in 512 px tiles measured
// 5.3-5.5 s at 2048 and 4096 px on 2026-12-01; with two phases scaled by the same factor), with and without
// averaging two pixel phases.
constexpr double kBytesPerPixel = 3600, kBytesPerPixelOnePhase = 1900;
constexpr double kSecondsPerMegapixel = 8.7, kSecondsPerMegapixelOnePhase = 5.5;
// Without a budget: half the available memory (or this much when unknown), at most 16 GB.
constexpr double kDefaultBudgetBytes = 2e9, kMaxAutoBudgetBytes = 16e9;
// Tiles below this cannot hold enough context for the network's deep layers.
constexpr int kMinTile = 160;
constexpr int kTileAlign = 8;
// Exact mode: tiles start on the networks' total stride, and their context is at least 96 px (InceptionV3's
// smallest input, for a core of a few pixels at the image's edge).
constexpr int kExactAlign = 32, kExactMinContext = 96;
// Exact mode: each evaluation also runs every tile forward once to measure the whole image's Gram.
constexpr double kExactCostFactor = 4.0 / 3.0;

int round_down(double v, int multiple) {
  return std::max(multiple, static_cast<int>(v) / multiple * multiple);
}
int round_up(int v, int multiple) {
  return (v + multiple - 1) / multiple * multiple;
}

// How a level's tiles are laid out: independent tiles feather over mirror-padded context; exact ones see the
// image's own borders and start on the stride.
TileOptions tile_options(const PyramidRequest& r, int tile) {
  if (!r.exact) {
    const int overlap = r.overlap > 0 ? r.overlap : std::max(16, round_down(tile / 8, kTileAlign));
    return {tile, overlap, kTileAlign, Border::Mirror};
  }
  const int context =
      std::max(kExactMinContext, r.overlap > 0 ? round_up(r.overlap, kExactAlign) : round_down(tile / 8, kExactAlign));
  return {std::max(round_down(tile, kExactAlign), 2 * context + kExactAlign), context, kExactAlign, Border::Clip};
}

// Long sides of the pyramid: first, 2 x first, ... below the full size, then the full size.
std::vector<int> level_long_sides(int full, int first) {
  std::vector<int> sides;
  for (int s = std::max(first, 1); s < full; s *= 2) sides.push_back(s);
  sides.push_back(full);
  return sides;
}

int iterations_at(const PyramidRequest& r, size_t level, size_t levels) {
  const double t = levels == 1 ? 0.0 : static_cast<double>(level) / static_cast<double>(levels - 1);
  const double ratio = static_cast<double>(r.finest_iterations) / r.coarsest_iterations;
  return static_cast<int>(std::lround(r.coarsest_iterations * std::pow(ratio, t)));
}

double auto_budget(const std::optional<c10::Device>& device) {
  const uint64_t free = device ? device_free_memory_bytes(*device) : 0;
  return free > 0 ? std::min(static_cast<double>(free) / 2, kMaxAutoBudgetBytes) : kDefaultBudgetBytes;
}

}  // namespace

PyramidPlan plan_style_pyramid(const PyramidRequest& r) {
  const double bytes_per_pixel = r.phase_average ? kBytesPerPixel : kBytesPerPixelOnePhase;
  const double seconds_per_mp = r.phase_average ? kSecondsPerMegapixel : kSecondsPerMegapixelOnePhase;
  const double budget = r.budget_bytes > 0 ? r.budget_bytes : auto_budget(r.device);
  int tile = round_down(std::sqrt(budget / bytes_per_pixel), kTileAlign);
  if (r.max_tile > 0) tile = std::min(tile, round_down(r.max_tile, kTileAlign));
  tile = std::max(tile, kMinTile);
  const TileOptions options = tile_options(r, tile);
  const int overlap = static_cast<int>(options.overlap);
  if (2 * options.overlap + options.align > options.tile_size)
    throw Error("an overlap of " + std::to_string(overlap) + " px leaves no room in " + std::to_string(tile) +
                " px tiles; use a smaller overlap (at most " + std::to_string((tile - options.align) / 2) +
                ") or larger tiles (max-tile, memory)");

  PyramidPlan plan;
  plan.exact = r.exact;
  plan.budget_bytes = budget;
  const std::vector<int> sides = level_long_sides(std::max(r.width, r.height), r.first_long_side);
  for (size_t k = 0; k < sides.size(); ++k) {
    PyramidPlan::Level level;
    const auto [h, w] = fit_long_side(r.height, r.width, sides[k]);
    level.width = static_cast<int>(w);
    level.height = static_cast<int>(h);
    level.iterations = iterations_at(r, k, sides.size());
    const double pixels = static_cast<double>(w) * h;
    double piece_pixels = pixels, optimised_pixels = pixels;
    if (pixels * bytes_per_pixel > budget || (r.max_tile > 0 && std::max(w, h) > r.max_tile)) {
      const TilePlan tiles(h, w, options);
      level.tile_size = static_cast<int>(options.tile_size);
      level.overlap = overlap;
      level.tiles_x = 0;
      optimised_pixels = 0;
      for (const Tile& t : tiles.tiles()) {
        level.tiles_x += t.core.y0 == 0 ? 1 : 0;
        optimised_pixels += static_cast<double>(t.region.height() * t.region.width());
      }
      level.tiles_y = static_cast<int>(tiles.size()) / level.tiles_x;
      piece_pixels = static_cast<double>(options.tile_size) * options.tile_size;
      if (r.exact) optimised_pixels *= kExactCostFactor;
    }
    plan.peak_megabytes = std::max(plan.peak_megabytes, piece_pixels * bytes_per_pixel / 1048576.0);
    plan.seconds += optimised_pixels / 1e6 * seconds_per_mp * level.iterations;
    plan.levels.push_back(level);
  }
  return plan;
}

std::string PyramidPlan::describe() const {
  std::string out = std::to_string(levels.size()) + (levels.size() == 1 ? " level: " : " levels: ");
  for (size_t i = 0; i < levels.size(); ++i) {
    const Level& l = levels[i];
    out += (i ? ", " : "") + std::to_string(l.width) + "x" + std::to_string(l.height);
    if (l.tile_size == 0)
      out += " whole";
    else
      out += " in " + std::to_string(l.tiles_x) + "x" + std::to_string(l.tiles_y) + " tiles of " +
             std::to_string(l.tile_size) + " px";
    out += " (" + std::to_string(l.iterations) + " it.)";
  }
  return out;
}

at::Tensor run_style_pyramid(FeatureNetwork& net, const at::Tensor& content_full, const std::vector<StyleImage>& styles,
                             const PyramidPlan& plan, const PyramidRun& run, const Progress& progress) {
  const c10::Device device = net.device();
  const int64_t min_side = net.min_input_size() + (run.base.phase_average ? 1 : 0);
  double total_cost = 0;
  for (const auto& l : plan.levels) total_cost += static_cast<double>(l.width) * l.height * l.iterations;
  double done_cost = 0;
  at::Tensor result = run.start;  // the previous level's result, host memory
  for (size_t k = 0; k < plan.levels.size(); ++k) {
    const PyramidPlan::Level& level = plan.levels[k];
    const double cost = static_cast<double>(level.width) * level.height * level.iterations;
    const Progress level_progress = progress.sub(done_cost / total_cost, (done_cost + cost) / total_cost);
    done_cost += cost;
    const std::string label = "level " + std::to_string(k + 1) + "/" + std::to_string(plan.levels.size());
    // Whole-level images stay in host memory in half precision: at the full size they are what grows with the
    // output (docs/benchmarks.md); tiles and the optimisation work in float32.
    const at::Tensor content = ensure_min_side(resize(content_full, level.height, level.width), min_side).to(at::kHalf);
    if (progress.finishing() && result.defined()) {  // stopped early: the result so far, enlarged
      result = resize(result.to(at::kFloat), content.size(2), content.size(3)).clamp(0, 1).to(at::kHalf);
      continue;
    }

    // The level's style targets, computed once from the whole style image and shared by all its tiles.
    const int64_t style_side =
        std::llround(static_cast<double>(std::max(content.size(2), content.size(3))) * run.style_scale);
    GatysSettings settings = run.base;
    settings.optimizer.iterations = level.iterations;
    // (Only histogram matching reads the content: it stays in host memory otherwise.)
    const at::Tensor palette = run.colors == ColorPreservation::Histogram ? content.to(device, at::kFloat) : content;
    settings.grams = style_grams(net, settings.style_layers,
                                 style_targets(styles, net, style_side, run.colors, palette), level.tile_size);
    const at::Tensor start =
        result.defined() ? resize(result, content.size(2), content.size(3)).to(at::kHalf) : at::Tensor();
    result = at::Tensor();

    if (level.tile_size == 0) {
      settings.init = start;
      // (One whole level, as Stylize runs by default, needs no level in its messages.)
      const Progress whole = plan.levels.size() == 1 ? level_progress : level_progress.prefixed(label);
      result = gatys_optimize(net, content.to(device, at::kFloat), {}, settings, whole).to(at::kCPU, at::kHalf);
    } else if (plan.exact) {
      settings.init = start;
      result = gatys_optimize_tiled(net, content, settings, level.tile_size, level.overlap, plan.budget_bytes / 4,
                                    level_progress.prefixed(label))
                   .to(at::kHalf);
    } else {
      const TilePlan tiles(content.size(2), content.size(3),
                           {level.tile_size, level.overlap, kTileAlign, Border::Mirror});
      const size_t n = tiles.size();
      TiledRun tiled;
      tiled.blend = Blend::Feather;
      tiled.message = label;
      tiled.storage = at::kHalf;
      result = run_tiled(
          tiles,
          [&](const Tile& tile) {
            GatysSettings s = settings;
            if (start.defined()) s.init = tile_input(start, tile).to(device);
            s.seed = settings.seed + tile.index;
            const std::string where = label + ", tile " + std::to_string(tile.index + 1) + "/" + std::to_string(n);
            const Progress p = level_progress.sub(static_cast<double>(tile.index) / n, (tile.index + 1.0) / n);
            return gatys_optimize(net, tile_input(content, tile).to(device, at::kFloat), {}, s, p.prefixed(where));
          },
          tiled, level_progress);
    }
    // The level's working memory is freed; let the next level's whole-image buffers use it.
    release_freed_memory();
  }
  return result;
}

}  // namespace atelier
