#include "engine/feedforward_stylize.h"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/image_tensor.h"
#include "core/memory.h"
#include "core/tiling.h"
#include "models/transform_net.h"

namespace atelier {
namespace {

constexpr int64_t kAlign = TransformNet::kSizeMultiple;
constexpr int64_t kMaxWorkingSide = 32768;
// More than the receptive field of the tiled parts of the network (layers 0-2 and 13-15), in full-res pixels.
constexpr int64_t kMinContext = 16;

constexpr int kDefaultTile = 512;

int64_t round_up(int64_t v, int64_t m) {
  return (v + m - 1) / m * m;
}

// Whether one pass over the whole (padded) image fits: one pass is about twice as fast as the tiled passes.
bool whole_image_fits(const at::Tensor& padded, at::Device device) {
  const int64_t pixels = padded.size(2) * padded.size(3);
  if (pixels > kWholeImagePixels) return false;
  if (!device.is_cpu()) return true;
  const uint64_t available = available_memory_bytes();
  return available == 0 || static_cast<uint64_t>(pixels * kWholeImageBytesPerPixel) <= available / 2;
}

// One progress range per pass over the tiles, sized by the pass's tiles.
class PassProgress {
 public:
  PassProgress(const Progress& progress, double steps) : progress_(progress), steps_(steps) {}
  Progress next(size_t tiles) {
    const double begin = done_ / steps_;
    done_ += static_cast<double>(tiles);
    return progress_.sub(begin, done_ / steps_);
  }

 private:
  const Progress& progress_;
  double steps_, done_ = 0;
};

TileCore core_of(const Tile& tile) {
  const Rect c = tile.core_in_region();
  return {c.y0, c.y1, c.x0, c.x1};
}

Rect quarter(const Rect& r) {
  return {r.y0 / 4, r.y1 / 4, r.x0 / 4, r.x1 / 4};
}

at::Tensor crop(const at::Tensor& x, const Rect& r) {
  return x.slice(2, r.y0, r.y1).slice(3, r.x0, r.x1);
}

// Runs the network over `padded` tile by tile with exactly the result of one run over the whole image: every
// tile is normalised with the whole image's statistics. Those of the full- and half-resolution layers are
// gathered over all tiles' cores, one pass per layer (each pass running the layers before it with the
// statistics found so far); at 1/4 resolution the residual blocks run layer by layer over the whole activation.
// Tiles get more context than the receptive field of what runs in them and their regions stop at the image edge
// (where the network's convolutions zero-pad), so their cores are exact and are pasted without seams.
at::Tensor stylize_tiled(const at::Tensor& padded, const TransformNet& net, const RegionWeights* regions,
                         const Progress& progress, const FeedforwardOptions& opt) {
  const int64_t h = padded.size(2), w = padded.size(3);
  const int64_t context = std::max<int64_t>(kMinContext, round_up(opt.overlap, kAlign));
  const TilePlan plan(h, w, {opt.tile_size, context, kAlign, Border::Clip});
  // 1/4 resolution: tiles of the same memory use (128 instead of 32 channels, no 9x9 convolutions), one pixel of
  // context for the 3x3 convolutions.
  const int64_t low_core = std::max<int64_t>(kAlign, opt.tile_size / 2 / kAlign * kAlign);
  const TilePlan low_plan(h / 4, w / 4, {low_core + 2, 1, kAlign, Border::Clip});
  constexpr size_t kDown = TransformNet::kFirstResidual, kUp = TransformNet::kFirstUp,
                   kLayers = TransformNet::kNormLayers;
  // Passes: one per down-sampling layer normalised with the image's statistics (and one for the last, which
  // keeps its output), per residual layer, per up-sampling layer and the output.
  size_t down_passes = 1;
  for (size_t layer = 0; layer + 1 < kDown; ++layer) down_passes += net.fixed_statistics(layer) ? 0 : 1;
  PassProgress passes(
      progress, static_cast<double>((down_passes + kLayers - kUp + 1) * plan.size() + (kUp - kDown) * low_plan.size()));
  NormStats stats;
  stats.mean.resize(kLayers);
  stats.var.resize(kLayers);
  auto merge = [&stats](const MomentSums& sums, size_t layer) {
    const NormStats measured = sums.stats();
    stats.mean[layer] = measured.mean[layer];
    stats.var[layer] = measured.var[layer];
  };

  at::Tensor low = at::empty({1, 128, h / 4, w / 4});  // conv3's output, pre-normalisation
  for (size_t layer = 0; layer < kDown; ++layer) {
    if (layer + 1 < kDown && net.fixed_statistics(layer)) continue;
    MomentSums sums;
    auto measure = [&](const Tile& tile) {
      TransformNet::Run how;
      how.last = layer;
      how.fixed = &stats;
      how.sums = &sums;
      how.core = core_of(tile);
      how.regions = regions;
      how.y0 = tile.region.y0;
      how.x0 = tile.region.x0;
      const at::Tensor y = net.run(tile_input(padded, tile), how);
      if (layer == kDown - 1) crop(low, quarter(tile.core)).copy_(crop(y, quarter(tile.core_in_region())));
    };
    for_each_tile(plan, measure, passes.next(plan.size()), "measuring image statistics");
    merge(sums, layer);
  }

  // The residual blocks, layer by layer over the whole 1/4-resolution activation (kept in host memory).
  auto convolve_tiled = [&](size_t layer, const at::Tensor& x) {
    MomentSums sums;
    auto convolve = [&](const at::Tensor& region, const Tile& tile) {
      at::Tensor y = net.convolve(layer, region);
      sums.add(layer, crop(y, tile.core_in_region()));
      return y;
    };
    TiledRun run;
    run.blend = Blend::Core;
    run.message = "stylising";
    const at::Tensor pre = run_tiled(x, low_plan, convolve, run, passes.next(low_plan.size()));
    merge(sums, layer);
    return net.activate(layer, pre, stats, regions);
  };
  low = net.activate(kDown - 1, low, stats, regions);
  for (size_t layer = kDown; layer < kUp; layer += 2) {
    at::Tensor inner = convolve_tiled(layer, low);
    low = convolve_tiled(layer + 1, inner).add_(low);
  }

  // Up-sampling: a statistics pass per normalisation layer, then the output.
  auto up_run = [&](const Tile& tile, size_t last, MomentSums* sums) {
    TransformNet::Run how;
    how.first = kUp;
    how.last = last;
    how.fixed = &stats;
    how.sums = sums;
    how.core = core_of(tile);
    how.regions = regions;
    how.y0 = tile.region.y0;
    how.x0 = tile.region.x0;
    return net.run(crop(low, quarter(tile.region)), how);
  };
  TiledRun run;
  run.blend = Blend::Core;
  run.message = "stylising";
  std::vector<MomentSums> up_sums(kLayers - kUp);
  for (size_t layer = kUp; layer < kLayers; ++layer) {
    MomentSums* sums = &up_sums[layer - kUp];
    run.gather.push_back({[&up_run, layer, sums](const Tile& tile) { up_run(tile, layer, sums); },
                          [&merge, layer, sums] { merge(*sums, layer); }, "measuring image statistics"});
  }
  auto output = [&](const Tile& tile) { return up_run(tile, kLayers - 1, nullptr); };
  return run_tiled(plan, output, run, passes.next(plan.size() * (kLayers - kUp + 1)));
}

// The regions' weights at the working size, padded as the image is, normalised to add up to 1 at every pixel.
std::unique_ptr<RegionWeights> working_regions(const FeedforwardOptions& opt, const TransformNet& net, int64_t h,
                                               int64_t w, int64_t wh, int64_t ww) {
  const int64_t k = net.regions();
  if (opt.region_weights.empty()) {
    if (k > 1) throw Error("fast style: the network paints " + std::to_string(k) + " regions; give their weights");
    return nullptr;
  }
  if (static_cast<int64_t>(opt.region_weights.size()) != k)
    throw Error("fast style: " + std::to_string(opt.region_weights.size()) + " region weight planes for a network of " +
                std::to_string(k) + " regions");
  at::Tensor planes = at::empty({1, k, h, w});
  for (int64_t i = 0; i < k; ++i) {
    const std::vector<float>& p = opt.region_weights[static_cast<size_t>(i)];
    if (static_cast<int64_t>(p.size()) != h * w)
      throw Error("fast style: region " + std::to_string(i + 1) + " has " + std::to_string(p.size()) +
                  " weights for an image of " + std::to_string(w) + "x" + std::to_string(h) + " pixels");
    planes[0][i].copy_(at::from_blob(const_cast<float*>(p.data()), {h, w}));
  }
  planes = pad_to_multiple(resize(planes.clamp_min(0), wh, ww), kAlign).clamp_min(0);
  const at::Tensor sum = planes.sum(1, true);
  planes = at::where(sum > 1e-6, planes / sum.clamp_min(1e-6), at::full_like(planes, 1.0 / static_cast<double>(k)));
  return std::make_unique<RegionWeights>(planes);
}

}  // namespace

Image feedforward_stylize(const Image& input, const TransformNet& net, double style_scale, const Progress& progress) {
  return feedforward_stylize(input, net, style_scale, progress, FeedforwardOptions{});
}

Image feedforward_stylize(const Image& input, const TransformNet& net, double style_scale, const Progress& progress,
                          const FeedforwardOptions& opt) {
  if (input.empty() || input.rgba.size() != static_cast<size_t>(input.width) * input.height * 4)
    throw Error("fast style: the input image is empty or inconsistent");
  if (!std::isfinite(style_scale) || style_scale <= 0)
    throw Error("fast style: style scale must be a positive number, got " + std::to_string(style_scale));
  if (opt.overlap < 0 ||
      (opt.tile_size != 0 && opt.tile_size < 2 * std::max(kMinContext, round_up(opt.overlap, kAlign)) + 4 * kAlign))
    throw Error("fast style: tile size " + std::to_string(opt.tile_size) + " is too small for an overlap of " +
                std::to_string(opt.overlap) + " pixels (needs at least 2 x max(overlap, 16) + 16)");
  const int64_t h = input.height, w = input.width;
  const int64_t wh = std::max<int64_t>(1, std::llround(static_cast<double>(h) / style_scale));
  const int64_t ww = std::max<int64_t>(1, std::llround(static_cast<double>(w) / style_scale));
  if (std::max(wh, ww) > kMaxWorkingSide)
    throw Error("fast style: style scale " + std::to_string(style_scale) + " would process a " + std::to_string(ww) +
                "x" + std::to_string(wh) + " image; use a larger style scale (at most " +
                std::to_string(kMaxWorkingSide) + " pixels a side)");

  c10::InferenceMode guard;
  const std::unique_ptr<RegionWeights> regions = working_regions(opt, net, h, w, wh, ww);
  at::Tensor work = resize(image_rgb_to_tensor(input), wh, ww);
  at::Tensor padded = pad_to_multiple(work, kAlign);
  at::Tensor styled;
  FeedforwardOptions tiles = opt;
  bool whole = padded.size(2) <= opt.tile_size && padded.size(3) <= opt.tile_size;
  if (opt.tile_size == 0) {
    whole = whole_image_fits(padded, net.device());
    tiles.tile_size = kDefaultTile;
  }
  if (whole) {
    progress.check_cancel();
    progress.report(0.0, "stylising");
    TransformNet::Run how;
    how.regions = regions.get();
    styled = net.run(padded, how).slice(2, 0, wh).slice(3, 0, ww).to(at::kCPU);
  } else {
    styled = stylize_tiled(padded, net, regions.get(), progress, tiles).slice(2, 0, wh).slice(3, 0, ww);
  }
  progress.report(1.0, "done");
  return tensor_to_image(resize(styled, h, w).clamp(0, 1), image_alpha_to_tensor(input));
}

}  // namespace atelier
