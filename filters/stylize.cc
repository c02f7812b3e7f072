#include "filters/stylize.h"

#include "core/error.h"

namespace atelier {

namespace {
std::vector<ParamSpec> make_params() { return {}; }
}  // namespace

const Filter& stylize_filter() {
  static const Filter f{"stylize",
                        "_Stylize...",
                        "Neural Stylize",
                        "Repaint the layer in the style of another image (Gatys et al. neural style transfer)",
                        "",
                        make_params(),
                        [](const Image&, const ParamValues&, const RunContext&) -> Image {
                          throw Error("stylize: not implemented yet");
                        }};
  return f;
}

}  // namespace atelier
