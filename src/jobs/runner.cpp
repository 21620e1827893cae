#include "jobs/runner.h"

#include <spdlog/spdlog.h>

#include <exception>

namespace jobs {

Runner::~Runner() { stop(); }

void Runner::add(Job job) {
  std::lock_guard lock(mutex_);
  if (stopping_) return;
  slots_.push_back(std::make_unique<Slot>(Slot{std::move(job), false}));
  Slot& slot = *slots_.back();
  threads_.emplace_back([this, &slot] { loop(slot); });
}

void Runner::stop() {
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    threads.swap(threads_);
  }
  changed_.notify_all();
  for (auto& thread : threads) thread.join();
}

void Runner::wake(const std::string& name) {
  {
    std::lock_guard lock(mutex_);
    for (auto& slot : slots_) {
      if (slot->job.name == name) slot->woken = true;
    }
  }
  changed_.notify_all();
}

void Runner::loop(Slot& slot) {
  while (true) {
    try {
      slot.job.work();
    } catch (const std::exception& error) {
      spdlog::error("job {} failed: {}", slot.job.name, error.what());
    } catch (...) {
      spdlog::error("job {} failed with an unknown exception", slot.job.name);
    }
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, slot.job.interval, [&] { return stopping_ || slot.woken; });
    if (stopping_) return;
    slot.woken = false;
  }
}

}  // namespace jobs
