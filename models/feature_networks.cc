#include <ATen/core/Tensor.h>

#include "core/error.h"
#include "models/feature_network.h"
#include "models/inception_v3.h"
#include "models/model_library.h"

#include "models/vgg19.h"

namespace atelier {

constexpr int kInceptionInputPadding = 8;

std::vector<std::string> feature_network_names() {
  return {"auto", "inception_v3", "vgg19"};
}

std::unique_ptr<FeatureNetwork> load_feature_network(const std::string& name, const ModelLibrary& library,
                                                     at::Device device) {
  if (name == "auto")
    return load_feature_network(library.installed("vgg19") ? "vgg19" : "inception_v3", library, device);
  if (name == "inception_v3") {
    auto net = load_inception_v3(library.path("inception_v3"), device);
    // Reflect padding removes the bright border band the network's zero padding otherwise paints.
    static_cast<InceptionV3&>(*net).set_input_padding(kInceptionInputPadding);
    return net;
  }
  if (name == "vgg19") return load_vgg19(library.path("vgg19"), device);
  throw Error("unknown feature network '" + name + "'; choose auto, inception_v3 or vgg19");
}

}  // namespace atelier
