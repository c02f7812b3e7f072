#include "filters/stylize_arbitrary.h"

#include <memory>
#include <string>

#include "core/error.h"
#include "models/arbitrary_style.h"
#include "models/feature_network.h"
#include "models/model_library.h"

namespace atelier {
namespace {

constexpr const char* kModelNick = "magenta";  // arbitrary-style/magenta

ArbitraryStyle load_arbitrary_style(const RunContext& ctx, const std::shared_ptr<FeatureNetwork>& inception) {
  return ArbitraryStyle(ModelLibrary(ctx.library->dir()).path(model_name(ModelKind::ArbitraryStyle, kModelNick)),
                        inception, ctx.device);
}

}  // namespace

std::vector<ParamSpec> style_region_params(const std::vector<ParamCondition>& used_when) {
  std::vector<ParamSpec> p;
  p.push_back(channel_param("style-channel", "Region of the style",
                            "A channel of the image (e.g. a saved selection) where the style paints, its grey levels "
                            "the amount; none = everywhere",
                            "Style"));
  p.push_back(channel_param("style-channel-2", "Region of the second style",
                            "A channel of the image where the second style paints; none = everywhere (with both "
                            "regions set, what neither covers keeps the layer's look)",
                            "Style"));
  p.push_back(text_param("style-mask", "Style mask",
                         "grey image of the input's size where the --style of the same position paints (white = "
                         "fully, black = not at all); repeat in the order of the styles, an empty value for a style "
                         "that paints everywhere",
                         ParamType::File, "", "Style", kCli));
  p.back().repeatable = true;
  for (ParamSpec& s : p) s.used_when = used_when;
  return p;
}

StyleRegions style_regions(const ParamValues& v) {
  return {v.get_list("style-mask"), v.get_text("style-channel"), v.get_text("style-channel-2")};
}

void read_style_regions(std::vector<StyleImage>& styles, const StyleRegions& r, const RunContext& ctx) {
  if (r.masks.size() > styles.size())
    throw Error(std::to_string(r.masks.size()) + " --style-mask values for " + std::to_string(styles.size()) +
                " styles; give one per --style, in the same order");
  for (size_t i = 0; i < r.masks.size(); ++i)
    if (!r.masks[i].empty()) styles[i].mask = ctx.read_image(r.masks[i]);
  if (!r.channel.empty() && !styles.empty()) styles[0].mask = ctx.read_image(r.channel);
  if (!r.channel_2.empty()) {
    if (styles.size() < 2)
      throw Error(
          "a region for the second style (style-channel-2) but no second style image; choose one "
          "(style-image-2) or clear the region");
    styles[1].mask = ctx.read_image(r.channel_2);
  }
}

std::vector<ParamSpec> arbitrary_params(const std::vector<ParamCondition>& used_when) {
  std::vector<ParamSpec> p;
  p.push_back(number_param("style-amount", "Style amount",
                           "How much of the style: 0 = the layer's own look, 1 = the full style (the style's "
                           "description blended with the layer's own)",
                           ParamType::Double, 0, 1, 1, "Style"));
  p.push_back(number_param("fit-steps", "Fitting steps",
                           "Arbitrary method: steps that refine how the network paints each style, fitted on the "
                           "layer at 256 px (about 0.25 s each on two CPU cores; the dialog's preview makes the fit "
                           "and keeps it, so the run and later runs on the same layer and style skip it); 0 = "
                           "instant, as the network reads the style (weaker)",
                           ParamType::Int, 0, 500, kDefaultFitSteps, "Quality", 0));
  for (ParamSpec& s : p) s.used_when = used_when;
  return p;
}

Image arbitrary_stylize(const Image& input, const std::vector<StyleImage>& styles, const ArbitraryRequest& request,
                        const RunContext& ctx) {
  check_arbitrary_styles(input, styles);
  ctx.progress.report(0, "loading the arbitrary-style network");
  const std::shared_ptr<FeatureNetwork> inception = load_feature_network("inception_v3", *ctx.library, ctx.device);
  const ArbitraryStyle model = load_arbitrary_style(ctx, inception);
  ctx.progress.check_cancel();
  return arbitrary_stylize(input, styles, request, model, *inception, ctx.progress);
}

}  // namespace atelier
