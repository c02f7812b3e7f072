#pragma once
// OpenBLAS's own worker threads (torch-free header).
namespace atelier {

// Makes OpenBLAS (when it is the BLAS in use) compute on the calling thread only. Its pthread build parks its
// workers on condition variables, and a process whose LibTorch work moves between threads (the dialog's speed
// measurement, then its preview, then the run) was seen stuck there for good: the preview thread waiting in
// OpenBLAS's pthread_cond_wait at 0 % CPU. LibTorch parallelises its own loops (OpenMP, oneDNN) around the BLAS
// calls, so little is lost on the few cores this runs on. No effect with another BLAS.
void use_single_threaded_blas();

}  // namespace atelier
