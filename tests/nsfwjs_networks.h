#pragma once
// What the tests of the nsfwjs ports (InceptionV3, MobileNetV2) share: the network from the test model library, and
// the input that tests/fixtures/make_{inception,mobilenet}_reference.js fed the original models in TensorFlow.js.
#include <torch/torch.h>

#include <cmath>
#include <cstdint>
#include <memory>
#include <string>

#include "core/error.h"
#include "models/feature_network.h"
#include "models/model_library.h"
#include "tests/test_util.h"

namespace atelier::test {

// x[c,y,x] = 0.5 + 0.5*sin(0.37*x + 0.61*y + 1.3*c), computed in double, stored as float32.
inline torch::Tensor nsfwjs_reference_input(int64_t size) {
  auto t = torch::empty({1, 3, size, size});
  auto a = t.accessor<float, 4>();
  for (int64_t c = 0; c < 3; ++c)
    for (int64_t y = 0; y < size; ++y)
      for (int64_t x = 0; x < size; ++x) a[0][c][y][x] = float(0.5 + 0.5 * std::sin(0.37 * x + 0.61 * y + 1.3 * c));
  return t;
}

// The installed model `name`, loaded by `Load` once per test binary (loading converts its weights). Throws
// atelier::Error saying how to install it.
template <std::unique_ptr<FeatureNetwork> (*Load)(const std::string&, at::Device)>
FeatureNetwork& installed_network(const std::string& name) {
  static std::unique_ptr<FeatureNetwork> net = [&] {
    ModelLibrary lib(models_dir());
    if (!lib.installed(name))
      throw Error("the " + name + " model is not installed in '" + lib.dir() + "'; run './run atelier models install " +
                  name + "' (./run test installs it first)");
    return Load(lib.path(name), torch::kCPU);
  }();
  return *net;
}

}  // namespace atelier::test
