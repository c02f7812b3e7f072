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

// Returns the heap's freed pages to the system (glibc keeps memory freed in the middle of its heap resident, so
// the working memory of one tile or level would otherwise stay counted in the process's memory while the next,
// whole-image step allocates its own). Does nothing where the C library has no such call.
void release_freed_memory();

// Asks LibTorch to back its CPU tensors of 2 MB and more with transparent huge pages (c10's THP_MEM_ALLOC_ENABLE),
// unless the environment already sets that variable. Each large tensor is otherwise fresh memory from the system,
// touched page by page: 4 KB page faults took about five sixths of a 12-megapixel Arbitrary painting's time
// (docs/benchmarks.md). c10 reads the setting at its first allocation, so call this first thing in main().
void use_huge_pages_for_tensors();

// Throws OutOfMemory("<what> needs about X GB but only Y GB is available; <advice>") when `needed` exceeds
// the available memory. Does nothing when the available memory is unknown.
void require_memory(uint64_t needed, const std::string& what, const std::string& advice);

}  // namespace atelier
