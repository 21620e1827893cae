#include "atlas/engine.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <future>
#include <numbers>
#include <random>

namespace atlas {

Engine::Engine(EngineOptions options) : options_(std::move(options)) {
  worker_ = std::thread([this] { loop(); });
}

Engine::~Engine() {
  {
    std::lock_guard lock(queue_mutex_);
    stopping_ = true;
    scheduled_.clear();
  }
  queue_changed_.notify_all();
  worker_.join();
}

std::int64_t Engine::now() const {
  if (options_.clock) return options_.clock();
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

void Engine::set_on_computed(std::function<std::int64_t(const Snapshot&)> listener) {
  std::lock_guard lock(queue_mutex_);
  on_computed_ = std::move(listener);
}

std::shared_ptr<const Snapshot> Engine::current(std::int64_t network_id) const {
  std::lock_guard lock(served_mutex_);
  const auto found = served_.find(network_id);
  return found == served_.end() ? nullptr : found->second;
}

void Engine::publish(std::shared_ptr<const Snapshot> snapshot) {
  std::lock_guard lock(served_mutex_);
  served_[snapshot->network_id] = std::move(snapshot);
}

void Engine::post(std::function<void()> work) {
  {
    std::lock_guard lock(queue_mutex_);
    tasks_.push_back(Task{std::move(work)});
  }
  queue_changed_.notify_all();
}

void Engine::loop() {
  std::unique_lock lock(queue_mutex_);
  while (true) {
    if (stopping_) {
      tasks_.clear();
      return;
    }
    if (!tasks_.empty()) {
      Task task = std::move(tasks_.front());
      tasks_.pop_front();
      busy_ = true;
      lock.unlock();
      task.work();
      lock.lock();
      busy_ = false;
      queue_changed_.notify_all();
      continue;
    }
    // The earliest scheduled run that is due.
    auto earliest = scheduled_.end();
    for (auto it = scheduled_.begin(); it != scheduled_.end(); ++it) {
      if (earliest == scheduled_.end() || it->second.due < earliest->second.due) earliest = it;
    }
    if (earliest != scheduled_.end() && earliest->second.due <= std::chrono::steady_clock::now()) {
      auto input = std::move(earliest->second.input);
      scheduled_.erase(earliest);
      busy_ = true;
      lock.unlock();
      const RunResult result = run_full(std::move(input));
      if (!result.ok()) spdlog::warn("atlas: scheduled run failed ({}); the previous snapshot keeps serving", result.detail);
      lock.lock();
      busy_ = false;
      queue_changed_.notify_all();
      continue;
    }
    if (earliest != scheduled_.end()) {
      queue_changed_.wait_until(lock, earliest->second.due);
    } else {
      queue_changed_.wait(lock);
    }
  }
}

RunResult Engine::run_full(std::shared_ptr<const GraphInput> input) {
  const auto started = std::chrono::steady_clock::now();
  RunResult result;
  const std::shared_ptr<const Snapshot> previous = current(input->network_id);
  AnalyticsOptions analytics = options_.analytics;
  analytics.deadline = started + (previous ? options_.time_limit : options_.first_time_limit);
  try {
    auto snapshot = std::make_shared<Snapshot>(analyse(input, previous.get(), analytics));
    snapshot->computed_at = now();
    snapshot->took_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
    std::function<std::int64_t(const Snapshot&)> listener;
    {
      std::lock_guard lock(queue_mutex_);
      listener = on_computed_;
    }
    if (listener) {
      try {
        snapshot->id = listener(*snapshot);
      } catch (const std::exception& error) {
        spdlog::error("atlas: storing the snapshot of network {} failed: {}", snapshot->network_id, error.what());
      }
    }
    // Ties that arrived while this run was busy are already shown (a patched snapshot newer than the
    // one this run started from): keep showing them on top of the new results.
    const std::shared_ptr<const Snapshot> latest = current(input->network_id);
    if (latest && latest != previous && latest->patched && latest->input_fingerprint != snapshot->input_fingerprint) {
      auto repatched = std::make_shared<Snapshot>(patch(*snapshot, latest->input, options_.analytics.seed));
      publish(repatched);
      result.serving = std::move(repatched);
    } else {
      publish(snapshot);
      result.serving = std::move(snapshot);
    }
  } catch (const RunFailed& failure) {
    result.outcome = failure.reason() == RunFailed::Reason::TimeLimit ? RunResult::Outcome::TimeLimit
                                                                      : RunResult::Outcome::Failed;
    result.detail = failure.what();
    result.serving = previous;
  } catch (const std::exception& error) {  // e.g. out of memory: still a failed run, never a crash
    result.outcome = RunResult::Outcome::Failed;
    result.detail = error.what();
    result.serving = previous;
  }
  result.took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  if (result.ok()) {
    spdlog::info("atlas: network {} computed in {} ms ({} members, {} ties)", input->network_id, result.took.count(),
                 result.serving->figures.members, result.serving->figures.ties);
  }
  return result;
}

RunResult Engine::recompute(GraphInput input) {
  return recompute(std::make_shared<const GraphInput>(std::move(input)));
}

RunResult Engine::recompute(std::shared_ptr<const GraphInput> shared) {
  {
    std::lock_guard lock(queue_mutex_);
    scheduled_.erase(shared->network_id);  // this run supersedes a scheduled one
  }
  // Shared with the task: when the engine stops before running it, the promise breaks instead of
  // leaving the caller waiting.
  auto promise = std::make_shared<std::promise<RunResult>>();
  auto future = promise->get_future();
  post([this, shared, promise] { promise->set_value(run_full(shared)); });
  try {
    return future.get();
  } catch (const std::future_error&) {
    RunResult stopped;
    stopped.outcome = RunResult::Outcome::Failed;
    stopped.detail = "the atlas engine stopped";
    stopped.serving = current(shared->network_id);
    return stopped;
  }
}

void Engine::update(GraphInput input) { update(std::make_shared<const GraphInput>(std::move(input))); }

void Engine::update(std::shared_ptr<const GraphInput> shared) {
  const std::shared_ptr<const Snapshot> served = current(shared->network_id);
  if (served && served->input_fingerprint == fingerprint(*shared)) return;
  if (!served || shared->nodes.size() < options_.recompute_at_once_below) {
    const RunResult result = recompute(std::move(shared));
    if (!result.ok()) spdlog::warn("atlas: run failed ({}); the previous snapshot keeps serving", result.detail);
    return;
  }
  publish(std::make_shared<const Snapshot>(patch(*served, shared, options_.analytics.seed)));
  {
    std::lock_guard lock(queue_mutex_);
    scheduled_[shared->network_id] = Scheduled{std::chrono::steady_clock::now() + options_.debounce, shared};
  }
  queue_changed_.notify_all();
}

void Engine::restore(Snapshot stored, GraphInput input) {
  restore(std::move(stored), std::make_shared<const GraphInput>(std::move(input)));
}

void Engine::restore(Snapshot stored, std::shared_ptr<const GraphInput> shared) {
  const bool changed = stored.input_fingerprint != fingerprint(*shared);
  Snapshot served = patch(stored, shared, options_.analytics.seed);
  served.patched = changed;
  publish(std::make_shared<const Snapshot>(std::move(served)));
  if (changed) {
    {
      std::lock_guard lock(queue_mutex_);
      scheduled_[shared->network_id] = Scheduled{std::chrono::steady_clock::now(), shared};
    }
    queue_changed_.notify_all();
  }
}

void Engine::flush() {
  std::unique_lock lock(queue_mutex_);
  for (auto& [network, run] : scheduled_) run.due = std::chrono::steady_clock::now();
  queue_changed_.notify_all();
  queue_changed_.wait(lock, [this] { return stopping_ || (tasks_.empty() && scheduled_.empty() && !busy_); });
}

Snapshot Engine::patch(const Snapshot& served, std::shared_ptr<const GraphInput> input, std::uint64_t seed) {
  Snapshot patched;
  patched.id = served.id;
  patched.network_id = input->network_id;
  patched.computed_at = served.computed_at;
  patched.took_ms = served.took_ms;
  patched.input_fingerprint = fingerprint(*input);
  patched.patched = true;
  patched.input = input;
  patched.index = index_nodes(*input);
  patched.clusters = served.clusters;
  patched.figures = served.figures;
  patched.modularity = served.modularity;
  patched.next_cluster_id = served.next_cluster_id;

  const std::size_t n = input->nodes.size();
  patched.metrics.resize(n);
  std::vector<bool> known(n, false);
  for (std::size_t i = 0; i < n; ++i) {
    if (const NodeMetrics* before = served.metrics_of(input->nodes[i].account_id)) {
      patched.metrics[i] = *before;
      known[i] = true;
    }
  }
  // Newcomers: the mean position of their known neighbours (any tie kind) and the cluster most of
  // them are in; without known neighbours a spot on the rim and a cluster of their own.
  std::vector<std::vector<std::size_t>> known_neighbours(n);
  bool any_new = false;
  for (std::size_t i = 0; i < n && !any_new; ++i) any_new = !known[i];
  if (any_new) {
    for (const Edge& edge : input->edges) {
      const std::optional<std::size_t> a = patched.index.find(edge.a);
      const std::optional<std::size_t> b = patched.index.find(edge.b);
      if (!a || !b) continue;
      if (!known[*a] && known[*b]) known_neighbours[*a].push_back(*b);
      if (!known[*b] && known[*a]) known_neighbours[*b].push_back(*a);
    }
  }
  std::mt19937_64 random(seed ^ patched.input_fingerprint);
  std::uniform_real_distribution<double> jitter(-0.03, 0.03);
  std::uniform_real_distribution<double> angle(0, 2 * std::numbers::pi);
  for (std::size_t i = 0; i < n; ++i) {
    if (known[i]) continue;
    NodeMetrics& metrics = patched.metrics[i];
    metrics.provisional = true;
    const auto& around = known_neighbours[i];
    if (around.empty()) {
      const double a = angle(random);
      metrics.x = 0.98 * std::cos(a);
      metrics.y = 0.98 * std::sin(a);
      metrics.cluster = patched.next_cluster_id++;
      continue;
    }
    std::map<std::int64_t, int> votes;
    for (const std::size_t j : around) {
      metrics.x += patched.metrics[j].x;
      metrics.y += patched.metrics[j].y;
      ++votes[patched.metrics[j].cluster];
    }
    metrics.x = std::clamp(metrics.x / static_cast<double>(around.size()) + jitter(random), -1.0, 1.0);
    metrics.y = std::clamp(metrics.y / static_cast<double>(around.size()) + jitter(random), -1.0, 1.0);
    metrics.cluster = std::max_element(votes.begin(), votes.end(), [](const auto& l, const auto& r) {
                        return l.second < r.second;
                      })->first;
  }
  recount_clusters(patched);
  for (const std::int64_t broker : served.brokers) {
    if (patched.index.contains(broker)) patched.brokers.push_back(broker);
  }
  patched.isolated = isolated_members(*input, patched.index);
  patched.ties = std::make_shared<const TieAdjacency>(build_tie_adjacency(*input, patched.index));
  return patched;
}

}  // namespace atlas
