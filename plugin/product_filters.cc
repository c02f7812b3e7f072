#include "filters/filter.h"
#include "plugin/plugin_filters.h"

namespace atelier::plugin {

const std::vector<const Filter*>& plugin_filters() {
  return all_filters();
}

bool registers_model_manager() {
  return true;
}

}  // namespace atelier::plugin
