#pragma once
// Work on a worker thread while the thread that started it stays free to poll (GTK and libgimp are only ever
// touched from the main thread): the plug-in's runs, the dialog's previews, the model manager's installs and the
// dialog's measurement of the machine all run as one of these (torch-free header).
#include <atomic>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>
#include <utility>

#include "core/progress.h"

namespace atelier {

// The work gets a Progress: its reports are what progress() returns, its cancel flag is raised by cancel() (a stop
// request to the thread, as destroying the task makes: the destructor asks the work to stop and waits for it), its
// finish flag ("Stop and keep") by finish(). The work's result, or the exception it threw, waits for take().
template <typename Result>
class BackgroundTask {
 public:
  using Work = std::function<Result(const Progress&)>;
  // configure: adds to the work's Progress before it starts (pictures of the work in progress).
  explicit BackgroundTask(Work work, const std::function<void(Progress&)>& configure = {})
      : state_(std::make_shared<State>()) {
    Progress progress(
        [state = state_](double fraction, const std::string& message) {
          std::lock_guard<std::mutex> lock(state->mutex);
          state->fraction = fraction;
          if (!message.empty()) state->message = message;
        },
        &state_->cancel);
    progress.with_finish(&state_->finish);
    if (configure) configure(progress);
    worker_ = std::jthread([state = state_, work = std::move(work), progress](std::stop_token stop) {
      const std::stop_callback on_stop(stop, [&state] { state->cancel.store(true); });
      try {
        state->result.emplace(work(progress));
      } catch (...) {
        state->error = std::current_exception();
      }
      state->done.store(true);
    });
  }
  BackgroundTask(const BackgroundTask&) = delete;
  BackgroundTask& operator=(const BackgroundTask&) = delete;

  bool done() const { return state_->done.load(); }
  void cancel() { worker_.request_stop(); }
  void finish() { state_->finish.store(true); }
  // The flags the work's Progress reads, for a window whose buttons raise them.
  std::atomic<bool>* cancel_flag() { return &state_->cancel; }
  std::atomic<bool>* finish_flag() { return &state_->finish; }
  // The latest fraction the work reported (`initial` before its first report) and its latest message.
  std::pair<double, std::string> progress(double initial = 0) const {
    std::lock_guard<std::mutex> lock(state_->mutex);
    return {state_->fraction.value_or(initial), state_->message};
  }
  // Once done(): the result, or nullptr when the work threw.
  const Result* result() const { return done() && state_->result ? &*state_->result : nullptr; }
  // Waits for the work; returns its result or throws what it threw (atelier::Cancelled when it was cancelled).
  Result take() {
    if (worker_.joinable()) worker_.join();
    if (state_->error) std::rethrow_exception(state_->error);
    return std::move(*state_->result);
  }

 private:
  struct State {
    std::atomic<bool> cancel{false}, finish{false}, done{false};
    mutable std::mutex mutex;
    std::optional<double> fraction;
    std::string message;
    std::optional<Result> result;
    std::exception_ptr error;
  };
  std::shared_ptr<State> state_;
  std::jthread worker_;  // last: stopped and joined before the state it shares goes
};

}  // namespace atelier
