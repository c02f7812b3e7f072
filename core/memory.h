#pragma once
// Host memory checks, so that work too large for the machine fails up front with a clear message instead of
// being killed by the kernel half-way (torch-free header).
#include <cstdint>
#include <string>

namespace atelier {

// MemAvailable from /proc/meminfo (0 when unknown).
uint64_t available_memory_bytes();

// Resident memory of this process now (VmRSS) and at its peak (VmHWM), 0 when unknown, and restarting that peak
// from now (Linux).
uint64_t current_resident_bytes();
uint64_t peak_resident_bytes();
void reset_peak_resident();

// Returns the heap's freed pages and the tensor blocks kept for reuse to the system (glibc keeps memory freed in
// the middle of its heap resident, so the working memory of one tile or level would otherwise stay counted in the
// process's memory while the next, whole-image step allocates its own).
void release_freed_memory();

// Sets up LibTorch's CPU memory; call it first thing in main() (c10 reads its setting at the first allocation):
// - tensors of 2 MB and more on transparent huge pages (c10's THP_MEM_ALLOC_ENABLE, unless the environment sets
//   that variable): each large tensor is otherwise fresh memory touched 4 KB at a time, and those page faults took
//   about five sixths of a 12-megapixel Arbitrary painting's time;
// - those blocks kept for reuse once freed (core/tensor_block_cache.h), up to a quarter of the available memory
//   and at most 2 GB, or ATELIER_TENSOR_CACHE_MB megabytes where that is set (0: none kept).
// Figures in docs/benchmarks.md ("Huge pages for tensors", "Tensor blocks kept for reuse").
void set_up_tensor_memory();

// Throws OutOfMemory("<what> needs about X GB but only Y GB is available; <advice>") when `needed` exceeds
// the available memory. Does nothing when the available memory is unknown.
void require_memory(uint64_t needed, const std::string& what, const std::string& advice);

}  // namespace atelier
