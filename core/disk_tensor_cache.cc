#include "core/disk_tensor_cache.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <exception>
#include <filesystem>
#include <system_error>
#include <utility>
#include <vector>

#include "core/safetensors.h"

namespace atelier {
namespace fs = std::filesystem;

namespace {
constexpr const char* kExtension = ".safetensors";
constexpr const char* kTensorName = "value";
}  // namespace

DiskTensorCache::DiskTensorCache(std::string dir, size_t max_entries)
    : dir_(std::move(dir)), max_entries_(std::max<size_t>(max_entries, 1)) {}

std::string DiskTensorCache::path(const std::string& key) const {
  return (fs::path(dir_) / (key + kExtension)).string();
}

std::optional<at::Tensor> DiskTensorCache::find(const std::string& key) const {
  if (dir_.empty()) return std::nullopt;
  const std::string file = path(key);
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) return std::nullopt;
  try {
    TensorMap kept = load_safetensors(file);
    const auto it = kept.find(kTensorName);
    if (it == kept.end() || !at::isfinite(it->second).all().item<bool>()) return std::nullopt;
    fs::last_write_time(file, fs::file_time_type::clock::now(), ec);  // used now: given up last
    return it->second;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

void DiskTensorCache::keep(const std::string& key, const at::Tensor& value) const {
  if (dir_.empty()) return;
  try {
    std::error_code ec;
    fs::create_directories(dir_, ec);
    save_safetensors(path(key), {{kTensorName, value.detach().to(at::kCPU).contiguous()}});
    give_up_oldest();
  } catch (const std::exception&) {
    // An unwritable folder or a full disk: the next run computes it again.
  }
}

void DiskTensorCache::give_up_oldest() const {
  std::error_code ec;
  std::vector<std::pair<fs::file_time_type, fs::path>> entries;
  for (const fs::directory_entry& e : fs::directory_iterator(dir_, ec))
    if (e.path().extension() == kExtension) entries.emplace_back(e.last_write_time(ec), e.path());
  if (entries.size() <= max_entries_) return;
  std::sort(entries.begin(), entries.end());
  for (size_t i = 0; i + max_entries_ < entries.size(); ++i) fs::remove(entries[i].second, ec);
}

}  // namespace atelier
