#include <cmath>
#include <string>

#include "core/error.h"
#include "core/image_io.h"
#include "filters/dream.h"
#include "filters/filter.h"
#include "filters/large_style.h"
#include "filters/stylize.h"

namespace atelier {

const std::vector<const Filter*>& all_filters() {
  static const std::vector<const Filter*> filters = {&stylize_filter(), &dream_filter(), &large_style_filter()};
  return filters;
}

const Filter& find_filter(const std::string& name) {
  for (const Filter* f : all_filters())
    if (f->name == name) return *f;
  throw Error("unknown filter '" + name + "'");
}

Image RunContext::read_image(const std::string& path) const {
  return image_reader ? image_reader(path) : load_image(path);
}

void check_result(const Filter& filter, const Image& input, const Image& result) {
  if (result.width != input.width || result.height != input.height || result.rgba.size() != input.rgba.size())
    throw Error("internal error: " + filter.name + " returned " + std::to_string(result.width) + "x" +
                std::to_string(result.height) + " for a " + std::to_string(input.width) + "x" +
                std::to_string(input.height) + " input; please report this");
  for (float v : result.rgba)
    if (!std::isfinite(v))
      throw Error(filter.title + " produced an invalid image (NaN or infinite values), so nothing was written. The "
                  "model's weights may be damaged (check with 'atelier models verify', or install the model again), "
                  "or the settings made the computation diverge: try a smaller step size or learning rate.");
}

}  // namespace atelier
