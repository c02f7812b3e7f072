#include <ATen/core/Tensor.h>

#include <algorithm>
#include <sstream>

#include "core/error.h"
#include "models/feature_network.h"
#include "models/inception_v3.h"
#include "models/model_library.h"

#include "models/vgg19.h"

namespace atelier {

constexpr int kInceptionInputPadding = 8;

void check_extract_request(const std::string& title, const std::vector<std::string>& valid, const std::string& head,
                           int64_t min_size, const at::Tensor& image, const std::vector<std::string>& layers) {
  for (const auto& n : layers) {
    if (n == head || std::find(valid.begin(), valid.end(), n) != valid.end()) continue;
    std::string list;
    for (const auto& v : valid) list += (list.empty() ? "" : ", ") + v;
    throw Error(title + " has no layer '" + n + "'; valid layers: " + list);
  }
  if (image.dim() != 4 || image.size(1) != 3) {
    std::ostringstream msg;
    msg << title << " expects an RGB image tensor [N,3,H,W], got " << image.sizes();
    throw Error(msg.str());
  }
  if (std::min(image.size(2), image.size(3)) < min_size)
    throw Error("the image is " + std::to_string(image.size(3)) + "x" + std::to_string(image.size(2)) + " pixels; " +
                title + " needs at least " + std::to_string(min_size) + " on each side");
}

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
