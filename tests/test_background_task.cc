// core/background_task.h: the one way work leaves the main thread (the plug-in's runs, previews, the model
// manager, the machine measurement).
#include "core/background_task.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>

#include "core/error.h"

namespace atelier {
namespace {

using namespace std::chrono_literals;

// Polls as a dialog does until the task is done (at most ten seconds).
template <typename T>
void wait_until_done(const BackgroundTask<T>& task) {
  for (int i = 0; i < 1000 && !task.done(); ++i) std::this_thread::sleep_for(10ms);
  ASSERT_TRUE(task.done());
}

TEST(BackgroundTask, GivesTheResultAndTheLatestProgress) {
  BackgroundTask<std::string> task([](const Progress& progress) {
    progress.report(0.25, "a quarter");
    progress.report(0.5);  // no message: the last one stays
    return std::string("painted");
  });
  wait_until_done(task);
  const auto [fraction, message] = task.progress();
  EXPECT_DOUBLE_EQ(fraction, 0.5);
  EXPECT_EQ(message, "a quarter");
  ASSERT_NE(task.result(), nullptr);
  EXPECT_EQ(*task.result(), "painted");
  EXPECT_EQ(task.take(), "painted");
}

TEST(BackgroundTask, ProgressBeforeTheFirstReportIsTheGivenInitialFraction) {
  std::atomic<bool> go{false};
  BackgroundTask<int> task([&go](const Progress&) {
    while (!go) std::this_thread::sleep_for(1ms);
    return 1;
  });
  EXPECT_DOUBLE_EQ(task.progress(-1).first, -1);
  EXPECT_FALSE(task.done());
  EXPECT_EQ(task.result(), nullptr);
  go = true;
  EXPECT_EQ(task.take(), 1);
}

TEST(BackgroundTask, TakeRethrowsWhatTheWorkThrew) {
  BackgroundTask<int> task([](const Progress&) -> int { throw Error("no network to measure with"); });
  wait_until_done(task);
  EXPECT_EQ(task.result(), nullptr);
  try {
    task.take();
    FAIL() << "take() returned";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "no network to measure with");
  }
}

TEST(BackgroundTask, CancelStopsTheWorkAtItsNextCheck) {
  std::atomic<int> steps{0};
  BackgroundTask<int> task([&steps](const Progress& progress) {
    for (;;) {
      progress.check_cancel();
      ++steps;
      std::this_thread::sleep_for(1ms);
    }
    return 0;
  });
  while (steps < 3) std::this_thread::sleep_for(1ms);
  task.cancel();
  EXPECT_THROW(task.take(), Cancelled);
}

TEST(BackgroundTask, FinishAsksTheWorkToKeepWhatItHas) {
  BackgroundTask<int> task([](const Progress& progress) {
    int steps = 0;
    while (!progress.finishing()) {
      ++steps;
      std::this_thread::sleep_for(1ms);
    }
    return steps;
  });
  std::this_thread::sleep_for(20ms);
  task.finish();
  EXPECT_GT(task.take(), 0);
}

TEST(BackgroundTask, DestroyingItStopsTheWorkAndWaitsForIt) {
  std::atomic<bool> ended{false};
  {
    BackgroundTask<int> task([&ended](const Progress& progress) {
      while (!progress.cancelled()) std::this_thread::sleep_for(1ms);
      ended = true;
      return 0;
    });
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_TRUE(ended);
}

TEST(BackgroundTask, ConfigureAddsToTheWorksProgress) {
  std::atomic<bool> finish{true};
  BackgroundTask<bool> task([](const Progress& progress) { return progress.finishing(); },
                            [&finish](Progress& progress) { progress.with_finish(&finish); });
  EXPECT_TRUE(task.take());
}

}  // namespace
}  // namespace atelier
