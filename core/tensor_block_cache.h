#pragma once
// LibTorch's CPU tensors of 2 MB and more kept for reuse instead of given back to the system (torch-free header).
//
// Why by hand: LibTorch caches device memory (CUDA) but not host memory, and glibc hands every block above its
// mmap threshold (32 MB at most) back to the kernel when freed. A tiled painting allocates the same tile-sized
// tensors pass after pass, and each came back as fresh pages to be faulted in and zeroed by the kernel: a fifth of
// a 12-megapixel Arbitrary painting's time after huge pages (docs/benchmarks.md). Neither glibc (its tunables are
// read before main() and cannot lift the 32 MB limit at run time) nor LibTorch offers a cache for this.
#include <cstdint>

namespace atelier {

// Installs the cache as LibTorch's CPU allocator (once; later calls do nothing). Freed blocks are kept, by size
// rounded up to 2 MB, while the kept ones total at most `limit_bytes`; a tensor of a kept size takes one of them.
void cache_large_tensor_blocks(uint64_t limit_bytes);

// Gives every kept block back to the system (the tensors alive keep theirs). Does nothing before the cache is
// installed.
void release_cached_tensor_blocks();

// The bytes kept for reuse now (0 before the cache is installed).
uint64_t cached_tensor_bytes();

}  // namespace atelier
