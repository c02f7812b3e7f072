// Precompiled header of the engine, CLI and tests: LibTorch's heavy headers, parsed once per target.
#include <torch/torch.h>

#include <map>
#include <string>
#include <vector>
