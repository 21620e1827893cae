// Periodic background work inside one knooppunt process: each registered job gets its own thread
// that runs it, sleeps its interval, and runs it again, until the runner stops. Never on an HTTP
// thread. Several instances behind one PostgreSQL run the same jobs side by side safely because
// every job claims the rows it works on in the database (see mail/sender.h) rather than assuming
// it is alone.
//
// Thread-safety: add() and stop() may be called from any thread; a job's work runs on its own thread
// only, one run at a time.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace jobs {

struct Job {
  std::string name;                          // for logs, e.g. "mail.outbox"
  std::chrono::milliseconds interval{2000};  // pause between the end of one run and the start of the next
  std::function<void()> work;  // an exception is logged and the job runs again after its interval
};

class Runner {
 public:
  Runner() = default;
  ~Runner();  // stop()
  Runner(const Runner&) = delete;
  Runner& operator=(const Runner&) = delete;

  // Starts the job's thread; its first run begins right away. Ignored once stopped.
  void add(Job job);
  // Wakes every sleeping job and waits for the running ones to finish their current run. Idempotent.
  void stop();
  // Wakes the named job now instead of after its interval (e.g. right after something was queued).
  void wake(const std::string& name);

 private:
  struct Slot {
    Job job;
    bool woken = false;
  };
  void loop(Slot& slot);

  std::mutex mutex_;
  std::condition_variable changed_;
  bool stopping_ = false;
  std::vector<std::unique_ptr<Slot>> slots_;
  std::vector<std::thread> threads_;
};

}  // namespace jobs
