#include "core/thread_tuner.h"

#include <ATen/Parallel.h>

namespace atelier {
namespace {

// Calls 0 and 2 warm up (new primitives and buffers for the thread count), 1 and 3 are timed.
constexpr int kTunedAfter = 4;

}  // namespace

ThreadTuner::ThreadTuner(Clock clock) : clock_(std::move(clock)), default_threads_(at::get_num_threads()) {
  if (default_threads_ <= 1) chosen_ = default_threads_;
}

ThreadTuner::~ThreadTuner() {
  if (at::get_num_threads() != default_threads_) at::set_num_threads(default_threads_);
}

void ThreadTuner::next() {
  const int threads = chosen_ > 0 ? chosen_ : (calls_ < 2 ? default_threads_ : 1);
  if (at::get_num_threads() != threads) at::set_num_threads(threads);
}

void ThreadTuner::finished(double seconds) {
  if (chosen_ > 0) return;
  ++calls_;
  if (calls_ == 2) default_seconds_ = seconds;
  if (calls_ == kTunedAfter) chosen_ = seconds < default_seconds_ ? 1 : default_threads_;
}

}  // namespace atelier
