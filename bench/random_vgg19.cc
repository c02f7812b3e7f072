#include "bench/random_vgg19.h"

#include <torch/torch.h>

#include <cmath>
#include <filesystem>

#include "core/safetensors.h"

namespace atelier {

std::string random_vgg19(const std::string& dir) {
  const std::string path = dir + "/vgg19-random.safetensors";
  if (std::filesystem::exists(path)) return path;
  const int cfg[] = {64, 64, 0, 128, 128, 0, 256, 256, 256, 256, 0, 512, 512, 512, 512, 0, 512, 512, 512, 512};
  torch::manual_seed(0);
  TensorMap w;
  int64_t in = 3, index = 0;
  for (int c : cfg) {
    if (c == 0) {
      index += 1;  // pool
      continue;
    }
    w["features." + std::to_string(index) + ".weight"] = torch::randn({c, in, 3, 3}) * std::sqrt(2.0 / (9 * in));
    w["features." + std::to_string(index) + ".bias"] = torch::zeros({c});
    index += 2;  // conv + relu
    in = c;
  }
  save_safetensors(path, w);
  return path;
}

}  // namespace atelier
