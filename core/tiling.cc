#include "core/tiling.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <string>
#include <vector>

#include "core/error.h"

namespace atelier {
namespace {

int64_t round_up(int64_t v, int64_t m) {
  return (v + m - 1) / m * m;
}

struct Span {
  int64_t core0, core1, region0, region1;
};

// Cores of at most `max_core` pixels partitioning [0, length), as equal as the alignment allows.
std::vector<Span> split_axis(int64_t length, int64_t max_core, const TileOptions& opt) {
  int64_t n = (length + max_core - 1) / max_core;
  const int64_t size = round_up((length + n - 1) / n, opt.align);
  n = (length + size - 1) / size;
  std::vector<Span> spans;
  for (int64_t i = 0; i < n; ++i) {
    const int64_t c0 = i * size, c1 = std::min(length, c0 + size);
    if (opt.border == Border::Clip)
      spans.push_back({c0, c1, std::max<int64_t>(0, c0 - opt.overlap), std::min(length, c1 + opt.overlap)});
    else
      spans.push_back({c0, c1, c0 - opt.overlap, c1 + opt.overlap});
  }
  return spans;
}

std::string size_text(int64_t h, int64_t w) {
  return std::to_string(w) + "x" + std::to_string(h);
}

// Index of coordinate i in [0, n) after mirror padding (reflection without repeating the edge pixel, repeated
// for contexts wider than the image).
int64_t mirror(int64_t i, int64_t n) {
  if (n == 1) return 0;
  const int64_t period = 2 * (n - 1);
  const int64_t m = ((i % period) + period) % period;
  return m < n ? m : period - m;
}

at::Tensor mirrored_axis(const at::Tensor& x, int64_t dim, int64_t begin, int64_t end) {
  const int64_t n = x.size(dim);
  if (begin >= 0 && end <= n) return x.slice(dim, begin, end);
  std::vector<int64_t> index;
  for (int64_t i = begin; i < end; ++i) index.push_back(mirror(i, n));
  return x.index_select(dim, at::tensor(index, at::TensorOptions().dtype(at::kLong).device(x.device())));
}

// Feathering weight along one axis for the region positions [from, to) of a tile with core [core0, core1) on an
// axis of `length`: 1 in the core away from neighbours, falling linearly across the 2 x overlap pixels shared with
// a neighbour so that the two tiles' weights sum to 1 there (and stay > 0 over the whole region).
at::Tensor feather_axis(int64_t from, int64_t to, int64_t core0, int64_t core1, int64_t length, int64_t overlap) {
  std::vector<float> w;
  for (int64_t p = from; p < to; ++p) {
    double v = 1.0;
    if (overlap > 0) {
      const double centre = static_cast<double>(p) + 0.5;
      if (core0 > 0) v = std::min(v, (centre - static_cast<double>(core0 - overlap)) / (2.0 * overlap));
      if (core1 < length) v = std::min(v, (static_cast<double>(core1 + overlap) - centre) / (2.0 * overlap));
    }
    w.push_back(static_cast<float>(v));
  }
  return at::tensor(w);
}

// The part of a tile's region that lies inside the image, in image coordinates.
Rect visible(const Tile& tile, int64_t height, int64_t width) {
  return {std::max<int64_t>(0, tile.region.y0), std::min(height, tile.region.y1), std::max<int64_t>(0, tile.region.x0),
          std::min(width, tile.region.x1)};
}

at::Tensor crop(const at::Tensor& x, const Rect& r) {
  return x.slice(2, r.y0, r.y1).slice(3, r.x0, r.x1);
}

Rect shifted(const Rect& r, int64_t dy, int64_t dx) {
  return {r.y0 - dy, r.y1 - dy, r.x0 - dx, r.x1 - dx};
}

std::string shape_text(const at::Tensor& x) {
  if (!x.defined()) return "nothing";
  std::string text = "[";
  for (int64_t d = 0; d < x.dim(); ++d) text += (d ? "," : "") + std::to_string(x.size(d));
  return text + "]";
}

// The output of one tile, checked against the region and the tiles before it, in host memory (detached: the
// runner is for inference and must not keep every tile's autograd graph alive).
at::Tensor checked_output(const at::Tensor& y, const Tile& tile, const at::Tensor& previous) {
  const bool region_size =
      y.defined() && y.dim() == 4 && y.size(2) == tile.region.height() && y.size(3) == tile.region.width();
  if (!region_size || (previous.defined() && (y.size(0) != previous.size(0) || y.size(1) != previous.size(1))))
    throw Error("tiling: the tile function returned " + shape_text(y) + " for a region of " +
                size_text(tile.region.height(), tile.region.width()) +
                " (expected [N,C,height,width], the same N and C for every tile)");
  return y.detach().to(at::kCPU);
}

}  // namespace

TilePlan::TilePlan(int64_t height, int64_t width, const TileOptions& options)
    : height_(height), width_(width), options_(options) {
  if (height < 1 || width < 1) throw Error("tiling: the image is empty (" + size_text(height, width) + ")");
  if (options.align < 1 || options.overlap < 0)
    throw Error("tiling: the alignment must be at least 1 and the overlap at least 0");
  if (options.tile_size < options.align)
    throw Error("tiling: the tile size " + std::to_string(options.tile_size) + " is smaller than the alignment " +
                std::to_string(options.align));
  const int64_t max_core = (options.tile_size - 2 * options.overlap) / options.align * options.align;
  if (max_core < options.align)
    throw Error("tiling: an overlap of " + std::to_string(options.overlap) + " pixels leaves no room in tiles of " +
                std::to_string(options.tile_size) + " pixels (the tile size must be at least 2 x overlap + " +
                std::to_string(options.align) + ")");
  const std::vector<Span> rows = split_axis(height, max_core, options), cols = split_axis(width, max_core, options);
  for (const Span& r : rows)
    for (const Span& c : cols)
      tiles_.push_back(
          {tiles_.size(), {r.core0, r.core1, c.core0, c.core1}, {r.region0, r.region1, c.region0, c.region1}});
}

at::Tensor tile_input(const at::Tensor& image, const Tile& tile) {
  return mirrored_axis(mirrored_axis(image, 2, tile.region.y0, tile.region.y1), 3, tile.region.x0, tile.region.x1);
}

void for_each_tile(const TilePlan& plan, const TileVisit& fn, const Progress& progress, const std::string& message) {
  const double n = static_cast<double>(plan.size());
  for (const Tile& tile : plan.tiles()) {
    progress.check_cancel();
    fn(tile);
    const std::string count = std::to_string(tile.index + 1) + "/" + std::to_string(plan.size());
    progress.report(static_cast<double>(tile.index + 1) / n,
                    plan.size() > 1 && !message.empty() ? message + " (" + count + ")" : message);
  }
}

at::Tensor run_tiled(const TilePlan& plan, const TileFn& fn, const TiledRun& run, const Progress& progress) {
  const double passes = static_cast<double>(run.gather.size() + 1);
  for (size_t i = 0; i < run.gather.size(); ++i) {
    const GatherPass& pass = run.gather[i];
    for_each_tile(plan, pass.visit, progress.sub(i / passes, (i + 1) / passes), pass.message);
    if (pass.finish) pass.finish();
  }

  const int64_t h = plan.height(), w = plan.width();
  at::Tensor out, weight_sum;
  auto assemble = [&](const Tile& tile) {
    const at::Tensor y = checked_output(fn(tile), tile, out);
    if (!out.defined()) {
      const at::ScalarType type = run.storage == at::ScalarType::Undefined ? y.scalar_type() : run.storage;
      if (run.blend == Blend::Feather && !at::isFloatingType(type))
        throw Error("tiling: feathered blending needs floating-point tile outputs");
      const at::TensorOptions host = y.options().device(at::kCPU).dtype(type);
      if (run.blend == Blend::Core) {
        out = at::empty({y.size(0), y.size(1), h, w}, host);
      } else {
        out = at::zeros({y.size(0), y.size(1), h, w}, host);
        weight_sum = at::zeros({1, 1, h, w}, host.dtype(at::isReducedFloatingType(type) ? at::kFloat : type));
      }
    }
    if (run.blend == Blend::Core) {
      crop(out, tile.core).copy_(crop(y, tile.core_in_region()));
      return;
    }
    const Rect seen = visible(tile, h, w);
    const int64_t overlap = plan.options().overlap;
    const at::Tensor weight = at::outer(feather_axis(seen.y0, seen.y1, tile.core.y0, tile.core.y1, h, overlap),
                                        feather_axis(seen.x0, seen.x1, tile.core.x0, tile.core.x1, w, overlap))
                                  .to(weight_sum.scalar_type())
                                  .view({1, 1, seen.height(), seen.width()});
    at::Tensor acc = crop(out, seen), sum = crop(weight_sum, seen);
    // A running weighted mean rather than sum(w y) / sum(w): equal tile outputs are reproduced bit for bit.
    sum.add_(weight);
    acc.add_((crop(y, shifted(seen, tile.region.y0, tile.region.x0)) - acc) * (weight / sum));
  };
  for_each_tile(plan, assemble, progress.sub((passes - 1) / passes, 1.0), run.message);
  return out;
}

at::Tensor run_tiled(const at::Tensor& image, const TilePlan& plan, const TileTensorFn& fn, const TiledRun& run,
                     const Progress& progress) {
  if (image.dim() != 4 || image.size(2) != plan.height() || image.size(3) != plan.width())
    throw Error("tiling: the image is not [N,C," + std::to_string(plan.height()) + "," + std::to_string(plan.width()) +
                "] as planned");
  return run_tiled(plan, [&](const Tile& tile) { return fn(tile_input(image, tile), tile); }, run, progress);
}

}  // namespace atelier
