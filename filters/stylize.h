#pragma once
// Stylize: Gatys et al. neural style transfer by optimisation on pretrained network features.
#include <vector>

#include "filters/filter.h"

namespace atelier {

// Parameters (GIMP argument / Script-Fu keyword / CLI flag): see make_params() in stylize.cc.
const Filter& stylize_filter();

struct StyleImage {
  Image image;
  double weight = 1.0;
};

// The styles named by style-image / style-image-2 / style-blend (loads the files; clear errors if unreadable).
std::vector<StyleImage> styles_from_params(const ParamValues& values, const RunContext& ctx);
// The Instant method: a bundled/imported feed-forward network (fast-model), tiled for large images.
Image run_instant_stylize(const Image& input, const ParamValues& values, const RunContext& ctx);
// Stylize with any number of weighted styles (the CLI's repeated --style / --style-weight).
Image run_stylize(const Image& input, const std::vector<StyleImage>& styles, const ParamValues& values,
                  const RunContext& ctx);

}  // namespace atelier
