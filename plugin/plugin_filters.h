#pragma once
// The filters this plug-in binary registers. The product binary links product_filters.cc (all_filters());
// the test binary links a file with test filters, so the plug-in code itself stays generic.
#include <vector>

#include "filters/filter.h"

namespace atelier::plugin {

const std::vector<const Filter*>& plugin_filters();

// Whether this binary registers Filters ▸ Neural ▸ Models… (the product does; the test binary, installed beside
// it, must not register the same procedure again).
bool registers_model_manager();

}  // namespace atelier::plugin
