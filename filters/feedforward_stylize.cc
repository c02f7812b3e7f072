#include "filters/feedforward_stylize.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/image_tensor.h"
#include "models/transform_net.h"

namespace atelier {
namespace {

constexpr int64_t kAlign = TransformNet::kSizeMultiple;
constexpr int64_t kMaxWorkingSide = 32768;
// More than the receptive field of the tiled parts of the network (layers 0-2 and 13-15), in full-res pixels.
constexpr int64_t kMinContext = 16;

int64_t round_up(int64_t v, int64_t m) { return (v + m - 1) / m * m; }

struct Span {
  int64_t core0, core1, region0, region1;
};

// Cores of at most `core` pixels (multiples of kAlign) partitioning [0, length), each widened by `overlap`.
std::vector<Span> split_axis(int64_t length, int64_t core, int64_t overlap) {
  int64_t n = (length + core - 1) / core;
  const int64_t size = round_up((length + n - 1) / n, kAlign);
  n = (length + size - 1) / size;
  std::vector<Span> spans;
  for (int64_t i = 0; i < n; ++i) {
    const int64_t c0 = i * size, c1 = std::min(length, c0 + size);
    spans.push_back({c0, c1, std::max<int64_t>(0, c0 - overlap), std::min(length, c1 + overlap)});
  }
  return spans;
}

// Runs the network over `padded` tile by tile with exactly the result of one run over the whole image: every
// tile is normalised with the whole image's statistics. Those of the full- and half-resolution layers are
// gathered over all tiles' cores, one pass per layer (each pass running the layers before it with the
// statistics found so far); at 1/4 resolution the residual blocks run layer by layer over the whole activation.
// Tiles get more context than the receptive field of what runs in them, so their cores are exact and are pasted
// without seams.
at::Tensor run_tiled(const at::Tensor& padded, const TransformNet& net, const Progress& progress,
                     const FeedforwardOptions& opt) {
  const int64_t h = padded.size(2), w = padded.size(3);
  const int64_t context = std::max<int64_t>(kMinContext, round_up(opt.overlap, kAlign));
  const int64_t core = std::max<int64_t>(kAlign, (opt.tile_size - 2 * context) / kAlign * kAlign);
  const std::vector<Span> rows = split_axis(h, core, context), cols = split_axis(w, core, context);
  const size_t tiles = rows.size() * cols.size();
  constexpr size_t kDown = TransformNet::kFirstResidual, kUp = TransformNet::kFirstUp,
                   kLayers = TransformNet::kNormLayers;
  // 1/4 resolution: tiles of the same memory use (128 instead of 32 channels, no 9x9 convolutions).
  const int64_t low_core = std::max<int64_t>(kAlign, opt.tile_size / 2 / kAlign * kAlign);
  const std::vector<Span> low_rows = split_axis(h / 4, low_core, 1), low_cols = split_axis(w / 4, low_core, 1);
  const size_t low_tiles = low_rows.size() * low_cols.size();
  // Passes: one per down-sampling layer, per residual layer, per up-sampling layer and the output.
  const double steps = static_cast<double>((kDown + kLayers - kUp + 1) * tiles + (kUp - kDown) * low_tiles);
  size_t done = 0;
  auto tile_done = [&](const char* what) {
    ++done;
    progress.report(static_cast<double>(done) / steps, std::string(what) + " (" + std::to_string(done) + "/" +
                                                           std::to_string(static_cast<size_t>(steps)) + ")");
  };
  auto merge = [](NormStats& into, const NormStats& from, size_t layer) {
    into.mean[layer] = from.mean[layer];
    into.var[layer] = from.var[layer];
  };
  NormStats stats;
  stats.mean.resize(kLayers);
  stats.var.resize(kLayers);

  at::Tensor low = torch::empty({1, 128, h / 4, w / 4});  // conv3's output, pre-normalisation
  for (size_t layer = 0; layer < kDown; ++layer) {
    MomentSums sums;
    for (const Span& r : rows) {
      for (const Span& c : cols) {
        progress.check_cancel();
        TransformNet::Run how;
        how.last = layer;
        how.fixed = &stats;
        how.sums = &sums;
        how.core = {r.core0 - r.region0, r.core1 - r.region0, c.core0 - c.region0, c.core1 - c.region0};
        at::Tensor y = net.run(padded.slice(2, r.region0, r.region1).slice(3, c.region0, c.region1), how);
        if (layer == kDown - 1)
          low.slice(2, r.core0 / 4, r.core1 / 4)
              .slice(3, c.core0 / 4, c.core1 / 4)
              .copy_(y.slice(2, how.core.y0 / 4, how.core.y1 / 4).slice(3, how.core.x0 / 4, how.core.x1 / 4));
        tile_done("measuring image statistics");
      }
    }
    merge(stats, sums.stats(), layer);
  }

  // The residual blocks, layer by layer over the whole 1/4-resolution activation (kept in host memory); each 3x3
  // convolution runs in tiles with one pixel of context.
  auto convolve_tiled = [&](size_t layer, const at::Tensor& x) {
    at::Tensor y = torch::empty_like(x);
    MomentSums sums;
    for (const Span& r : low_rows) {
      for (const Span& c : low_cols) {
        progress.check_cancel();
        at::Tensor t = net.convolve(layer, x.slice(2, r.region0, r.region1).slice(3, c.region0, c.region1))
                           .slice(2, r.core0 - r.region0, r.core1 - r.region0)
                           .slice(3, c.core0 - c.region0, c.core1 - c.region0);
        sums.add(layer, t);
        y.slice(2, r.core0, r.core1).slice(3, c.core0, c.core1).copy_(t);
        tile_done("stylising");
      }
    }
    merge(stats, sums.stats(), layer);
    return net.activate(layer, y, stats);
  };
  low = net.activate(kDown - 1, low, stats);
  for (size_t layer = kDown; layer < kUp; layer += 2) {
    at::Tensor inner = convolve_tiled(layer, low);
    low = convolve_tiled(layer + 1, inner) + low;
  }

  at::Tensor out = torch::empty({1, 3, h, w});
  for (size_t layer = kUp; layer <= kLayers; ++layer) {
    const bool output = layer == kLayers;
    MomentSums sums;
    for (const Span& r : rows) {
      for (const Span& c : cols) {
        progress.check_cancel();
        TransformNet::Run how;
        how.first = kUp;
        how.last = std::min(layer, kLayers - 1);
        how.fixed = &stats;
        how.sums = output ? nullptr : &sums;
        how.core = {r.core0 - r.region0, r.core1 - r.region0, c.core0 - c.region0, c.core1 - c.region0};
        at::Tensor y = net.run(low.slice(2, r.region0 / 4, r.region1 / 4).slice(3, c.region0 / 4, c.region1 / 4), how);
        if (output)
          out.slice(2, r.core0, r.core1)
              .slice(3, c.core0, c.core1)
              .copy_(y.slice(2, how.core.y0, how.core.y1).slice(3, how.core.x0, how.core.x1));
        tile_done(output ? "stylising" : "measuring image statistics");
      }
    }
    if (!output) merge(stats, sums.stats(), layer);
  }
  return out;
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
  if (opt.overlap < 0 || opt.tile_size < 2 * std::max(kMinContext, round_up(opt.overlap, kAlign)) + 4 * kAlign)
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
  at::Tensor work = resize(image_rgb_to_tensor(input), wh, ww);
  at::Tensor padded = pad_to_multiple(work, kAlign);
  at::Tensor styled;
  if (padded.size(2) <= opt.tile_size && padded.size(3) <= opt.tile_size) {
    progress.check_cancel();
    progress.report(0.0, "stylising");
    styled = net.stylize(work).to(at::kCPU);
  } else {
    styled = run_tiled(padded, net, progress, opt).slice(2, 0, wh).slice(3, 0, ww);
  }
  progress.report(1.0, "done");
  return tensor_to_image(resize(styled, h, w).clamp(0, 1), image_alpha_to_tensor(input));
}

}  // namespace atelier
