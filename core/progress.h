#pragma once
// Progress reporting and cooperative cancellation for long-running engine work (torch-free header).
#include <atomic>
#include <functional>
#include <string>

#include "core/error.h"

namespace atelier {

class Progress {
 public:
  using Callback = std::function<void(double fraction, const std::string& message)>;

  Progress() = default;
  Progress(Callback cb, const std::atomic<bool>* cancel) : cb_(std::move(cb)), cancel_(cancel) {}

  // fraction in [0,1] of the whole job.
  void report(double fraction, const std::string& message = {}) const {
    if (cb_) cb_(fraction, message);
  }
  bool cancelled() const { return cancel_ && cancel_->load(std::memory_order_relaxed); }
  void check_cancel() const {
    if (cancelled()) throw Cancelled();
  }
  // A sub-range [begin, end) of this progress, for nested stages.
  Progress sub(double begin, double end) const {
    if (!cb_) return Progress(nullptr, cancel_);
    Callback parent = cb_;
    return Progress([parent, begin, end](double f, const std::string& m) { parent(begin + (end - begin) * f, m); },
                    cancel_);
  }
  // The same progress with every message prefixed ("level 2/3, tile 5/12: iteration 4/20").
  Progress prefixed(const std::string& prefix) const {
    if (!cb_) return Progress(nullptr, cancel_);
    Callback parent = cb_;
    return Progress(
        [parent, prefix](double f, const std::string& m) { parent(f, m.empty() ? prefix : prefix + ": " + m); },
        cancel_);
  }

 private:
  Callback cb_;
  const std::atomic<bool>* cancel_ = nullptr;
};

}  // namespace atelier
