#pragma once
// What every program of the project sets up first thing in main(): atelier, the plug-in and the unit tests, so that
// they compute alike and the benchmarks measure what GIMP runs (torch-free header).
namespace atelier {

// LibTorch's CPU memory (set_up_tensor_memory, core/memory.h), then OpenBLAS on the calling thread
// (use_single_threaded_blas, core/blas_threads.h): its workers spinning beside LibTorch's own threads took half of
// a two-core machine (an Arbitrary fitting step 0.50 s with them, 0.23 s without; docs/benchmarks.md).
void set_up_process();

}  // namespace atelier
