// STUBS, to be deleted on merge: import_fast_style (models/transform_net.h, fast-style branch) is implemented by
// another branch.
#include <ATen/core/Tensor.h>

#include <memory>
#include <string>

#include "core/error.h"
#include "models/feature_network.h"

namespace atelier {

void import_fast_style(const std::string&, const std::string&) {
  throw Error("importing fast-style models is not available in this build yet");
}

}  // namespace atelier
