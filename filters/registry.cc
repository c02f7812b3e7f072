#include <string>

#include "core/error.h"
#include "core/image_io.h"
#include "filters/dream.h"
#include "filters/filter.h"
#include "filters/large_style.h"
#include "filters/stylize.h"
#include "filters/stylize_frames.h"
#include "filters/texture.h"
#include "filters/train_style.h"

namespace atelier {

const std::vector<const Filter*>& all_filters() {
  static const std::vector<const Filter*> filters = {&stylize_filter(),     &stylize_frames_filter(),
                                                     &texture_filter(),     &dream_filter(),
                                                     &large_style_filter(), &train_style_filter()};
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

}  // namespace atelier
