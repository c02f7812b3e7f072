#pragma once
// Feed-forward style transfer of a whole image with a pretrained transform network, tiled for large images
// (torch-free header).
#include <vector>

#include "core/image.h"
#include "core/progress.h"

namespace atelier {

class TransformNet;

// Largest working image (pixels) stylised in one piece by default, and its peak memory per pixel (measured:
// docs/benchmarks.md, Train Instant Style).
inline constexpr int64_t kWholeImagePixels = 4 << 20;
inline constexpr int64_t kWholeImageBytesPerPixel = 800;

struct FeedforwardOptions {
  // Longest tile side in working pixels, context included; images up to this size run in one piece. Larger
  // images give the same result (up to float rounding) with device memory bounded by the tile size: the network
  // runs tile by tile in several passes that gather the whole image's normalisation statistics (about twice the
  // work of one run), keeping a few 1/4-resolution activations (128 channels, 32 bytes per pixel) in host memory.
  // 0: the whole image in one piece up to kWholeImagePixels when the memory it needs is available (on the CPU:
  // half of it), else tiles of 512 px.
  int tile_size = 0;
  // Context around each tile's core on every side (at least 16 px, the receptive field of the tiled layers).
  int overlap = 32;
  // For a network conditioned per region (TransformNet::regions() > 1): each region's weight at every pixel of the
  // input (width x height floats, row-major), one plane per region; at each pixel the weights are divided by
  // their sum (where it is 0, the regions share the pixel equally).
  std::vector<std::vector<float>> region_weights;
};

// Stylises `input` (RGBA, straight alpha, [0,1]) at its resolution divided by style_scale (> 1: larger brush
// strokes, < 1: finer), on the network's device. Returns an image of the input's size with the input's alpha.
// Reports progress per tile and throws Cancelled when cancelled, OutOfMemory when the device runs out of memory,
// atelier::Error for invalid arguments.
Image feedforward_stylize(const Image& input, const TransformNet& net, double style_scale, const Progress& progress);
Image feedforward_stylize(const Image& input, const TransformNet& net, double style_scale, const Progress& progress,
                          const FeedforwardOptions& options);

}  // namespace atelier
