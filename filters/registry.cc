#include "core/error.h"
#include "filters/dream.h"
#include "filters/filter.h"
#include "filters/stylize.h"

namespace atelier {

const std::vector<const Filter*>& all_filters() {
  static const std::vector<const Filter*> filters = {&stylize_filter(), &dream_filter()};
  return filters;
}

const Filter& find_filter(const std::string& name) {
  for (const Filter* f : all_filters())
    if (f->name == name) return *f;
  throw Error("unknown filter '" + name + "'");
}

}  // namespace atelier
