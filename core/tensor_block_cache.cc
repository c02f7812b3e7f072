#include "core/tensor_block_cache.h"

#include <c10/core/CPUAllocator.h>
#include <c10/core/impl/alloc_cpu.h>

#include <list>
#include <map>
#include <mutex>
#include <unordered_map>

namespace atelier {
namespace {

constexpr size_t kBlockGranule = size_t{2} << 20;  // c10 backs blocks of this size and more with huge pages

class TensorBlockCache final : public c10::Allocator {
 public:
  explicit TensorBlockCache(uint64_t limit) : limit_(limit) {}

  // Small blocks are the C library's and go straight back to it; only the kept sizes pass through the cache.
  c10::DataPtr allocate(size_t n) override {
    const c10::Device cpu(c10::DeviceType::CPU);
    if (n < kBlockGranule) {
      void* p = c10::alloc_cpu(n);
      return {p, p, &c10::free_cpu, cpu};
    }
    void* p = take((n + kBlockGranule - 1) / kBlockGranule * kBlockGranule);
    return {p, p, &release, cpu};
  }
  // ideep (oneDNN) allocates through the raw interface, which frees every block with this one deleter: the data
  // pointer is its own context, and release() hands a block it did not keep track of to the C library.
  c10::DeleterFnPtr raw_deleter() const override { return &release; }
  void copy_data(void* dest, const void* src, std::size_t count) const override { default_copy_data(dest, src, count); }

  void release_all() {
    std::lock_guard lock(mutex_);
    for (const Kept& k : kept_) c10::free_cpu(k.p);
    kept_.clear();
    by_size_.clear();
    kept_bytes_ = 0;
  }
  uint64_t kept_bytes() {
    std::lock_guard lock(mutex_);
    return kept_bytes_;
  }

  static TensorBlockCache* instance;

 private:
  // Kept blocks from the least recently freed to the most, and the same by size.
  struct Kept;
  using KeptList = std::list<Kept>;
  using BySize = std::multimap<size_t, KeptList::iterator>;
  struct Kept {
    void* p;
    size_t size;
    BySize::iterator by_size;
  };

  void forget(KeptList::iterator k) {
    kept_bytes_ -= k->size;
    by_size_.erase(k->by_size);
    kept_.erase(k);
  }

  void* take(size_t size) {
    {
      std::lock_guard lock(mutex_);
      // A kept block of this size, or one at most a quarter larger (tiles at the image's edge are smaller).
      auto it = by_size_.lower_bound(size);
      if (it != by_size_.end() && it->first <= size + size / 4) {
        const KeptList::iterator k = it->second;
        void* p = k->p;
        live_[p] = k->size;
        forget(k);
        return p;
      }
    }
    void* p = c10::alloc_cpu(size);
    std::lock_guard lock(mutex_);
    live_[p] = size;
    return p;
  }

  void give_back(void* p) {
    std::unique_lock lock(mutex_);
    auto it = live_.find(p);
    if (it == live_.end()) {  // a small block, freed through the raw interface
      lock.unlock();
      c10::free_cpu(p);
      return;
    }
    const size_t size = it->second;
    live_.erase(it);
    if (size > limit_) {
      lock.unlock();
      c10::free_cpu(p);
      return;
    }
    // The least recently freed go first: a tiled run frees the same sizes tile after tile, so those stay.
    while (kept_bytes_ + size > limit_) {
      c10::free_cpu(kept_.front().p);
      forget(kept_.begin());
    }
    const KeptList::iterator k = kept_.insert(kept_.end(), Kept{p, size, {}});
    k->by_size = by_size_.emplace(size, k);
    kept_bytes_ += size;
  }

  static void release(void* p) {
    if (p) instance->give_back(p);
  }

  const uint64_t limit_;
  std::mutex mutex_;
  KeptList kept_;
  BySize by_size_;
  std::unordered_map<void*, size_t> live_;
  uint64_t kept_bytes_ = 0;
};

// The allocator LibTorch calls lives as long as the process: tensors may be freed during exit.
TensorBlockCache* TensorBlockCache::instance = nullptr;

}  // namespace

void cache_large_tensor_blocks(uint64_t limit_bytes) {
  static std::once_flag once;
  std::call_once(once, [limit_bytes] {
    TensorBlockCache::instance = new TensorBlockCache(limit_bytes);
    c10::SetCPUAllocator(TensorBlockCache::instance, /*priority=*/1);
  });
}

void release_cached_tensor_blocks() {
  if (TensorBlockCache::instance) TensorBlockCache::instance->release_all();
}

uint64_t cached_tensor_bytes() {
  return TensorBlockCache::instance ? TensorBlockCache::instance->kept_bytes() : 0;
}

}  // namespace atelier
