// STUBS, to be deleted on merge: import_vgg19 / load_vgg19 (models/vgg19.h, vgg19 branch) and import_fast_style
// (models/transform_net.h, fast-style branch) are implemented by other branches.
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
