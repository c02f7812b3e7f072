#pragma once
// safetensors files: the project's weight format (JSON header + raw little-endian tensors; no code runs on
// load). https://github.com/huggingface/safetensors
#include <ATen/core/Tensor.h>

#include <map>
#include <string>

namespace atelier {

using TensorMap = std::map<std::string, at::Tensor>;
using Metadata = std::map<std::string, std::string>;

// Loads every tensor (CPU, contiguous, in the stored dtype). Throws atelier::Error naming the file and the
// problem for missing, truncated or malformed files.
TensorMap load_safetensors(const std::string& path, Metadata* metadata = nullptr);

// Throws atelier::Error naming the file and the first tensor that holds NaN or infinity: a damaged weight file
// would otherwise produce black or garbage images that look like a success.
void require_finite_weights(const TensorMap& weights, const std::string& path);

// Writes tensors (any device; stored as their dtype) atomically (temp file + rename).
void save_safetensors(const std::string& path, const TensorMap& tensors, const Metadata& metadata = {});

}  // namespace atelier
