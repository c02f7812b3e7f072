#include "engine/instant_stylize.h"

#include "core/color.h"
#include "core/image_tensor.h"
#include "engine/feedforward_stylize.h"
#include "models/transform_net.h"

namespace atelier {

Image instant_stylize(const Image& input, const TransformNet& net, double style_scale, ColorPreservation colors,
                      const Progress& progress, std::vector<std::vector<float>> region_weights) {
  FeedforwardOptions options;
  options.region_weights = std::move(region_weights);
  Image out = feedforward_stylize(input, net, style_scale, progress, options);
  if (colors == ColorPreservation::Luminance)
    out = tensor_to_image(transfer_luminance(image_rgb_to_tensor(out), image_rgb_to_tensor(input)));
  else if (colors == ColorPreservation::Histogram)
    out = tensor_to_image(match_histogram(image_rgb_to_tensor(out), image_rgb_to_tensor(input)));
  return out;
}

}  // namespace atelier
