#pragma once
// Intra-op threads for work repeated many times at one size (an optimisation's loss evaluations). On small images
// the threads' synchronisation can cost more than it saves: on two cores one InceptionV3 evaluation at 128 px
// took 79 ms on one thread and 305 ms on two while OpenBLAS's own worker spun beside them, and 103 and 84 ms once
// it no longer did (docs/benchmarks.md). Where that turns over depends on the machine, its BLAS and the size.
// So it is measured: the work runs with the default thread count and with one thread, timed after a warm-up each,
// and the faster is kept for the rest. Results differ between the two only by float rounding. (torch-free header)
#include <chrono>
#include <functional>
#include <utility>

namespace atelier {

class ThreadTuner {
 public:
  // Seconds on some steady clock; tests give their own, so that what they check does not hang on the machine's load.
  using Clock = std::function<double()>;
  // The default is the current intra-op thread count.
  explicit ThreadTuner(Clock clock = steady_seconds);
  ~ThreadTuner();  // restores it
  ThreadTuner(const ThreadTuner&) = delete;
  ThreadTuner& operator=(const ThreadTuner&) = delete;

  // Runs `work` with the thread count the tuning has reached so far.
  template <class Work>
  auto run(Work&& work) {
    next();
    const double start = clock_();
    auto result = std::forward<Work>(work)();
    finished(clock_() - start);
    return result;
  }

  // The thread count kept, once the tuning is over (0 before).
  int chosen() const { return chosen_; }

 private:
  static double steady_seconds() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
  }
  void next();                    // sets the thread count for the next call
  void finished(double seconds);  // records a call's time
  Clock clock_;
  int default_threads_ = 1;
  int calls_ = 0;
  int chosen_ = 0;
  double default_seconds_ = 0;
};

}  // namespace atelier
