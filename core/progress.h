#pragma once
// Progress reporting, cooperative cancellation, "stop and keep" and pictures of the work in progress for
// long-running engine work (torch-free header).
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "core/error.h"
#include "core/image.h"

namespace atelier {

// Where a host shows the work in progress (GIMP's progress window): at most one picture per interval, scaled to
// fit long_side, so that showing costs nothing next to the work. Thread-safe: the engine offers pictures from its
// worker thread.
class SnapshotSink {
 public:
  using Show = std::function<void(const Image&)>;
  SnapshotSink(Show show, std::chrono::milliseconds interval, int long_side)
      : show_(std::move(show)), interval_(interval), long_side_(long_side), last_(now_ns()) {}
  bool due() const { return now_ns() - last_.load(std::memory_order_relaxed) >= interval_ns(); }
  void show(const Image& picture) const {
    last_.store(now_ns(), std::memory_order_relaxed);
    show_(picture);
  }
  int long_side() const { return long_side_; }

 private:
  static int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
  int64_t interval_ns() const { return std::chrono::duration_cast<std::chrono::nanoseconds>(interval_).count(); }
  Show show_;
  std::chrono::milliseconds interval_;
  int long_side_;
  mutable std::atomic<int64_t> last_;
};

class Progress {
 public:
  using Callback = std::function<void(double fraction, const std::string& message)>;

  Progress() = default;
  Progress(Callback cb, const std::atomic<bool>* cancel) : cb_(std::move(cb)), cancel_(cancel) {}

  // "Stop and keep": when *finish is raised, iterative work ends after its current step and every later stage
  // does no further iterations, so that the run returns the result as it is now.
  Progress& with_finish(const std::atomic<bool>* finish) {
    finish_ = finish;
    return *this;
  }
  Progress& with_snapshots(std::shared_ptr<const SnapshotSink> sink) {
    snapshots_ = std::move(sink);
    return *this;
  }

  // fraction in [0,1] of the whole job.
  void report(double fraction, const std::string& message = {}) const {
    if (cb_) cb_(fraction, message);
  }
  bool cancelled() const { return cancel_ && cancel_->load(std::memory_order_relaxed); }
  void check_cancel() const {
    if (cancelled()) throw Cancelled();
  }
  bool finishing() const { return finish_ && finish_->load(std::memory_order_relaxed); }
  // The host wants a picture of the work in progress now (offer_snapshot() in core/image_tensor.h gives one).
  const SnapshotSink* snapshot_due() const { return snapshots_ && snapshots_->due() ? snapshots_.get() : nullptr; }

  // A sub-range [begin, end) of this progress, for nested stages.
  Progress sub(double begin, double end) const {
    Progress out = *this;
    if (!cb_) return out;
    Callback parent = cb_;
    out.cb_ = [parent, begin, end](double f, const std::string& m) { parent(begin + (end - begin) * f, m); };
    return out;
  }
  // The same progress with every message prefixed ("level 2/3, tile 5/12: iteration 4/20").
  Progress prefixed(const std::string& prefix) const {
    Progress out = *this;
    if (!cb_) return out;
    Callback parent = cb_;
    out.cb_ = [parent, prefix](double f, const std::string& m) { parent(f, m.empty() ? prefix : prefix + ": " + m); };
    return out;
  }

 private:
  Callback cb_;
  const std::atomic<bool>* cancel_ = nullptr;
  const std::atomic<bool>* finish_ = nullptr;
  std::shared_ptr<const SnapshotSink> snapshots_;
};

}  // namespace atelier
