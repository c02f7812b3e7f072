// Placeholder until the inception/vgg branches land (replaced on merge).
#include "core/error.h"
#include "models/feature_network.h"
#include "models/model_library.h"

namespace atelier {
std::unique_ptr<FeatureNetwork> load_feature_network(const std::string& name, const ModelLibrary&, at::Device) {
  throw Error("feature network '" + name + "' is not available yet");
}
std::vector<std::string> feature_network_names() { return {"inception_v3", "vgg19"}; }
}  // namespace atelier
