#pragma once
// Small tensors kept on disk between runs under a key (a digest of what they were computed from), so that a later
// run with the same inputs skips the work that made them: a GIMP plug-in is a new process for every run.
#include <ATen/core/Tensor.h>

#include <cstddef>
#include <optional>
#include <string>

namespace atelier {

class DiskTensorCache {
 public:
  // Keeps at most `max_entries` tensors in `dir` (created when first needed), the least recently used given up
  // first. dir empty: keeps and finds nothing.
  DiskTensorCache(std::string dir, size_t max_entries);

  // The tensor kept under `key` (on the CPU), if any. A missing, unreadable or damaged entry is none: the caller
  // computes it again. Never throws.
  std::optional<at::Tensor> find(const std::string& key) const;
  // Keeps `value` under `key` (written whole or not at all). Never throws: a folder that cannot be written only
  // loses the entry.
  void keep(const std::string& key, const at::Tensor& value) const;

 private:
  std::string path(const std::string& key) const;
  void give_up_oldest() const;

  std::string dir_;
  size_t max_entries_;
};

}  // namespace atelier
