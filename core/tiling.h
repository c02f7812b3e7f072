#pragma once
// Running a function over an image in overlapping tiles, so that device memory is bounded by the tile size: a
// tile plan (cores that partition the image, each widened by context), a loop over the tiles, and a runner that
// assembles the tiles' outputs in host memory, feathered or pasted core by core.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/progress.h"

namespace atelier {

// What a tile's context is where it reaches past the image.
enum class Border {
  Mirror,  // the image is mirror-padded (reflected, edge pixel not repeated): border tiles get full context
  Clip,    // regions stop at the image edge: a function that zero-pads at its input's border then sees exactly
           // what it sees on the whole image
};

// How the tiles' outputs are combined.
enum class Blend {
  Feather,  // linear ramps across the overlap between neighbouring tiles, weights normalised to sum to 1
  Core,     // each pixel from the tile whose core contains it: exact, no seams where fn is exact on cores
};

struct TileOptions {
  int64_t tile_size = 512;  // longest side of a tile's region, context included
  int64_t overlap = 32;     // context on each side of a core (the overlap of neighbouring regions is twice this)
  // Cores start at multiples of `align` and their sizes are multiples of it (but for one at an image edge that
  // is not one); with Border::Clip and an overlap that is a multiple of it, so are regions.
  int64_t align = 1;
  Border border = Border::Mirror;
};

// Half-open pixel rectangle [y0, y1) x [x0, x1).
struct Rect {
  int64_t y0 = 0, y1 = 0, x0 = 0, x1 = 0;
  int64_t height() const { return y1 - y0; }
  int64_t width() const { return x1 - x0; }
};

struct Tile {
  size_t index = 0;  // row-major position in the plan
  Rect core;         // image coordinates; the cores of a plan's tiles partition the image
  Rect region;       // the core and its context: what fn sees; with Border::Mirror it may reach past the image
  // The core in the region's own coordinates.
  Rect core_in_region() const {
    return {core.y0 - region.y0, core.y1 - region.y0, core.x0 - region.x0, core.x1 - region.x0};
  }
};

// Tiles for an image of height x width: as few cores per axis as fit into the tile size with the context, of
// equal size (rounded up to the alignment; the last may be smaller). Throws atelier::Error for an empty image
// or options that leave no room for a core.
class TilePlan {
 public:
  TilePlan(int64_t height, int64_t width, const TileOptions& options);

  int64_t height() const { return height_; }
  int64_t width() const { return width_; }
  const TileOptions& options() const { return options_; }
  const std::vector<Tile>& tiles() const { return tiles_; }
  size_t size() const { return tiles_.size(); }

 private:
  int64_t height_, width_;
  TileOptions options_;
  std::vector<Tile> tiles_;
};

// The tile's region of `image` ([N,C,H,W] with the plan's H x W), mirror-padded where it reaches past the image
// (a view where it does not), on the image's device.
at::Tensor tile_input(const at::Tensor& image, const Tile& tile);

using TileVisit = std::function<void(const Tile&)>;

// Calls fn for every tile in order; checks for cancellation before each tile (throws Cancelled) and reports
// `message` with the fraction of tiles done after each, counting the tiles when there are several
// ("stylising (3/12)").
void for_each_tile(const TilePlan& plan, const TileVisit& fn, const Progress& progress, const std::string& message);

// A pass over all tiles before the output is computed, e.g. gathering whole-image statistics that fn then uses.
struct GatherPass {
  TileVisit visit;
  std::function<void()> finish;  // optional: after the last tile (e.g. turning sums into statistics)
  std::string message = "measuring the image";
};

struct TiledRun {
  Blend blend = Blend::Feather;
  std::vector<GatherPass> gather;  // run in order, each over all tiles, before the output pass
  std::string message = "processing";
  // Host type of the assembled output; Undefined: fn's. Half precision halves a large output's host buffer (the
  // feathering weights are summed in float32 at least).
  at::ScalarType storage = at::ScalarType::Undefined;
};

// fn(tile) returns the output for the tile's region: [N,C',region height,region width] (C' may differ from the
// input's channels; the same N and C' for all tiles), on any device. Each output is moved to host memory before
// the next tile runs, so fn's device holds one tile's input and output at a time. Returns the assembled
// [N,C',H,W] on the CPU, detached from autograd, in run.storage or fn's floating-point type (Blend::Feather needs
// one). Progress is shared evenly between the tiles of all passes.
using TileFn = std::function<at::Tensor(const Tile&)>;
at::Tensor run_tiled(const TilePlan& plan, const TileFn& fn, const TiledRun& run, const Progress& progress);

// The same with fn(tile_input(image, tile), tile).
using TileTensorFn = std::function<at::Tensor(const at::Tensor& region, const Tile&)>;
at::Tensor run_tiled(const at::Tensor& image, const TilePlan& plan, const TileTensorFn& fn, const TiledRun& run,
                     const Progress& progress);

}  // namespace atelier
