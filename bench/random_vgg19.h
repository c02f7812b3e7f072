#pragma once
// A VGG-19 with random weights in torchvision's layout (torch-free header): the FLOPs of the real network for
// timings where it is not installed, and a feature network no filter optimises with for judging results.
#include <string>

namespace atelier {

// Writes the weights (seed 0, He-initialised, zero biases) to DIR/vgg19-random.safetensors unless that file
// exists, and returns its path.
std::string random_vgg19(const std::string& dir);

}  // namespace atelier
