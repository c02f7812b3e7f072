#pragma once
// Stylize's Arbitrary method as an engine piece: any style image, in one pass of Magenta's arbitrary-style network
// at the layer's resolution (models/arbitrary_style.h), with a style amount, several styles blended and a style
// per region.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/image.h"
#include "core/progress.h"
#include "engine/style_image.h"

namespace atelier {

class ArbitraryStyle;
class FeatureNetwork;

// The long side at which a style's embedding is fitted to the layer.
inline constexpr int64_t kFitLongSide = 256;

struct ArbitraryRequest {
  double amount = 1.0;       // style-amount
  double style_scale = 1.0;  // the layer is painted at its size divided by this
  ColorPreservation colors = ColorPreservation::Off;
  // fit-steps: Adam steps refining each style's embedding on the layer scaled to kFitLongSide, with the Gatys
  // losses weighted as below (Stylize's style-strength, content-weight, tv-weight); 0 = the embedding as
  // InceptionV3 reads it.
  int fit_steps = 0;
  double style_weight = 100, content_weight = 1, tv_weight = 10;
  // Where fitted embeddings are kept for later runs (core/disk_tensor_cache.h), under a digest of everything the
  // fit sees: the layer at kFitLongSide, the style as read and seen, the weights and steps. A run again on the same
  // layer and style with another amount, scale, colours, blend or regions then skips the fit. Empty: none kept.
  std::string fit_cache_dir;
  std::function<void()> on_fit_reused;  // called (if set) for each style whose fit was taken from the cache
  // The layer the fit is made on when the input is a smaller copy of it (the dialog's preview): the fit is then
  // the one the run on the layer makes, and keeps for it. nullptr: the input.
  const Image* fit_layer = nullptr;
};

// Refines a style's embedding (`start`, as ArbitraryStyle::embed reads it) with request.fit_steps Adam steps so
// that the network paints `content` (the layer at kFitLongSide, [1,3,h,w] on the model's device) in `style` as
// Stylize's Optimise method would judge it (StyleTrainingObjective: the Gram, content and smoothness losses on
// InceptionV3, weighted as the request says).
at::Tensor fit_embedding(const ArbitraryStyle& model, FeatureNetwork& inception, const at::Tensor& content,
                         const at::Tensor& style, const at::Tensor& start, const ArbitraryRequest& request,
                         const Progress& progress);

// Throws atelier::Error, saying what to do, for no styles, weights that do not add up to a positive number, or a
// mask of another size than the layer (before any network is loaded). Returns the weights' sum.
double check_arbitrary_styles(const Image& input, const std::vector<StyleImage>& styles);

// Paints `input` in the blend of `styles` (weights need not sum to 1; they must not sum to 0): each style's
// embedding read (and fitted), blended by weight, moved toward the layer's own by `amount`, then one pass of the
// network over the layer at its resolution, tiled when large. Styles with a mask paint where it says: the
// network's normalisation takes each pixel's scale and shift from the styles there, blended by mask times weight
// (so the statistics change region by region, soft where the masks are); pixels that no style covers keep the
// layer's own (partly covered ones are mixed). With request.colors Off the painted layer then takes the paintings'
// palette, request.amount of the way: the blend's (style_palette), or with masks each style's where it paints.
// `inception` is the feature network `model` reads styles with, on the device the work runs on. Throws atelier::Error
// as check_arbitrary_styles; Cancelled when cancelled.
Image arbitrary_stylize(const Image& input, const std::vector<StyleImage>& styles, const ArbitraryRequest& request,
                        const ArbitraryStyle& model, FeatureNetwork& inception, const Progress& progress);

}  // namespace atelier
