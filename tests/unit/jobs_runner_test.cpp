// jobs::Runner: periodic work on its own threads, robust against throwing jobs, and prompt to stop.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

#include "jobs/runner.h"

namespace {

using namespace std::chrono_literals;

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout = 5s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return condition();
}

}  // namespace

TEST(JobsRunner, RunsAJobRightAwayAndThenEveryInterval) {
  std::atomic<int> runs{0};
  jobs::Runner runner;
  runner.add({"count", 20ms, [&] { ++runs; }});
  EXPECT_TRUE(eventually([&] { return runs.load() >= 1; }, 1s));
  EXPECT_TRUE(eventually([&] { return runs.load() >= 4; }));
  runner.stop();
  const int after_stop = runs.load();
  std::this_thread::sleep_for(60ms);
  EXPECT_EQ(runs.load(), after_stop);
}

TEST(JobsRunner, StopWakesASleepingJobAtOnce) {
  std::atomic<int> runs{0};
  jobs::Runner runner;
  runner.add({"hourly", 1h, [&] { ++runs; }});
  ASSERT_TRUE(eventually([&] { return runs.load() == 1; }));
  const auto started = std::chrono::steady_clock::now();
  runner.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 500ms);
}

TEST(JobsRunner, AJobThatThrowsRunsAgainAtItsNextTurn) {
  std::atomic<int> runs{0};
  jobs::Runner runner;
  runner.add({"flaky", 10ms, [&] {
                if (++runs <= 2) throw std::runtime_error("database unavailable");
              }});
  EXPECT_TRUE(eventually([&] { return runs.load() >= 4; }));
}

TEST(JobsRunner, WakeRunsAJobBeforeItsInterval) {
  std::atomic<int> runs{0};
  jobs::Runner runner;
  runner.add({"mail.outbox", 1h, [&] { ++runs; }});
  ASSERT_TRUE(eventually([&] { return runs.load() == 1; }));
  runner.wake("mail.outbox");
  EXPECT_TRUE(eventually([&] { return runs.load() == 2; }, 1s));
}

TEST(JobsRunner, EachJobRunsOnItsOwnThreadNotTheCallers) {
  std::mutex mutex;
  std::set<std::thread::id> threads;
  std::atomic<int> runs{0};
  jobs::Runner runner;
  for (const char* name : {"a", "b"}) {
    runner.add({name, 1h, [&] {
                  std::lock_guard lock(mutex);
                  threads.insert(std::this_thread::get_id());
                  ++runs;
                }});
  }
  ASSERT_TRUE(eventually([&] { return runs.load() == 2; }));
  std::lock_guard lock(mutex);
  EXPECT_EQ(threads.size(), 2u);
  EXPECT_FALSE(threads.contains(std::this_thread::get_id()));
}

TEST(JobsRunner, AddingAfterStopDoesNothing) {
  std::atomic<int> runs{0};
  jobs::Runner runner;
  runner.stop();
  runner.add({"late", 10ms, [&] { ++runs; }});
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(runs.load(), 0);
}
