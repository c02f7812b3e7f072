#pragma once
// PyTorch .pth/.pt state dicts (torch.save(model.state_dict(), f)) without Python: the zip format (PyTorch >= 1.6)
// and the legacy format (older releases; torchvision's VGG weights). Nothing in the file is executed.
#include <string>

#include "core/safetensors.h"

namespace atelier {

// Every tensor of the state dict, on the CPU, contiguous, in its stored dtype, keyed as in Python (nested dicts
// are flattened with '.'; non-tensor entries are skipped). Throws atelier::Error naming the file and the problem
// for missing, truncated, corrupt or non-PyTorch files and for pickles that hold anything but a state dict.
TensorMap load_pth_state_dict(const std::string& path);

// True if the file starts like a PyTorch checkpoint (a zip archive or a legacy pickle); false if unreadable.
bool looks_like_pth(const std::string& path);

}  // namespace atelier
