#include "filters/instant_style.h"

#include "models/model_library.h"
#include "models/transform_net.h"

namespace atelier {

ParamSpec instant_network_param(std::vector<ParamCondition> used_when) {
  ParamSpec p = library_network_param("fast-model", "Instant networ_k",
                                      "Style network used by the Instant method: a bundled one, one trained with Train "
                                      "Instant Style, or one imported with 'atelier models import fast-style DIR'",
                                      ModelKind::FastStyle, "wave", "Style");
  p.used_when = std::move(used_when);
  return p;
}

std::shared_ptr<TransformNet> load_instant_network(const std::string& nick, const RunContext& ctx) {
  const ModelLibrary library(ctx.library->dir());
  const std::string name = model_name(ModelKind::FastStyle, nick);
  ctx.progress.report(0, "loading " + name);
  return load_transform_net(library.path(name), ctx.device);
}

}  // namespace atelier
