#pragma once
// The filters this plug-in binary registers. The product binary links product_filters.cc (all_filters());
// the test binary links a file with test filters, so the plug-in code itself stays generic.
#include <vector>

#include "filters/filter.h"

namespace atelier::plugin {

const std::vector<const Filter*>& plugin_filters();

}  // namespace atelier::plugin
