#pragma once
// Stylize's Instant method, shared with Stylize Frames: choosing and loading a feed-forward style network of the
// model library (bundled, imported or trained); engine/instant_stylize.h runs it.
#include <memory>
#include <string>
#include <vector>

#include "filters/filter.h"

namespace atelier {

class TransformNet;

// fast-model: the network, used when `used_when` holds.
ParamSpec instant_network_param(std::vector<ParamCondition> used_when);

// The library's fast-style/NICK on ctx's device (a bundled one read where the program keeps it: nothing is
// written). The library is read afresh: the style may have been trained since the host opened it.
std::shared_ptr<TransformNet> load_instant_network(const std::string& nick, const RunContext& ctx);

}  // namespace atelier
