// atlas::Engine: the only owner of igraph. One worker thread runs every analysis (analytics.h) with
// a time limit; the results are published as immutable snapshots that request threads read without
// locks. A run that fails (time limit, igraph error) changes nothing: the previous snapshot keeps
// serving.
//
// Incremental changes: a network's new input is shown at once by patching the served snapshot (new
// ties and members appear, newcomers placed next to their neighbours, metrics of the last run kept,
// `patched` set); small networks are then recomputed right away, large ones `debounce` after the
// last change. "Reaches the map" means: the tie is an edge of the served snapshot, so the next
// GET /atlas/data.json or /api/v1/atlas contains it.
//
// Thread-safety: every public function may be called from any thread. recompute() blocks the caller
// until the worker finished that run.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "atlas/analytics.h"
#include "atlas/snapshot.h"
#include "atlas/types.h"

namespace atlas {

struct EngineOptions {
  AnalyticsOptions analytics;                          // seed and thresholds (deadline is set per run)
  std::chrono::milliseconds time_limit{120'000};       // per full run
  // A network's first run: until it finishes nothing is served, so giving up early helps nobody (a
  // 100k-member network takes about a minute alone and could pass 120 s on a busy machine, again
  // and again).
  std::chrono::milliseconds first_time_limit{900'000};
  std::chrono::milliseconds debounce{15'000};          // large networks: full run this long after the last change
  std::size_t recompute_at_once_below = 2'000;         // members: smaller networks are recomputed at once
  std::function<std::int64_t()> clock;                 // unix seconds; default: the system clock
};

// How a full run went.
struct RunResult {
  enum class Outcome { Computed, TimeLimit, Failed };
  Outcome outcome = Outcome::Computed;
  std::string detail;                        // why it failed (for the log)
  std::shared_ptr<const Snapshot> serving;   // the snapshot served after the run (the old one on failure)
  std::chrono::milliseconds took{0};
  bool ok() const { return outcome == Outcome::Computed; }
};

class Engine {
 public:
  explicit Engine(EngineOptions options = {});
  ~Engine();  // finishes the running run, drops scheduled ones, stops the worker
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // A full run over `input` on the worker, warm-started from the served snapshot of the network.
  // On success the new snapshot is stored (listener) and served; on failure nothing changes.
  RunResult recompute(GraphInput input);
  RunResult recompute(std::shared_ptr<const GraphInput> input);

  // The network's input as it is now. Unchanged (same fingerprint): nothing. No snapshot yet or a
  // small network: a full run now (waited for). Otherwise: the served snapshot is patched with the
  // change now and a full run is scheduled after `debounce`.
  void update(GraphInput input);
  // The same with an input the caller keeps too (the refresh job applies the next change to it).
  void update(std::shared_ptr<const GraphInput> input);

  // Serves a snapshot read back from storage (start-up), patched to the current `input` when that
  // differs from what it was computed from (then a full run is scheduled).
  void restore(Snapshot stored, GraphInput input);
  void restore(Snapshot stored, std::shared_ptr<const GraphInput> input);

  // The snapshot served for a network, or nothing before its first run.
  std::shared_ptr<const Snapshot> current(std::int64_t network_id) const;

  // Called on the worker after every successful full run, before the snapshot is served; returns
  // the storage id it got (0 when not stored). An exception is logged and the snapshot still served.
  void set_on_computed(std::function<std::int64_t(const Snapshot&)> listener);

  // Runs every scheduled full run now and waits until the worker is idle (tests, benchmarks).
  void flush();

  // Positions for a patch: newcomers go to the mean of their positioned neighbours.
  static Snapshot patch(const Snapshot& served, std::shared_ptr<const GraphInput> input, std::uint64_t seed);

 private:
  struct Task {
    std::function<void()> work;
  };
  void loop();
  void post(std::function<void()> work);
  RunResult run_full(std::shared_ptr<const GraphInput> input);
  void publish(std::shared_ptr<const Snapshot> snapshot);
  std::int64_t now() const;

  EngineOptions options_;
  mutable std::mutex served_mutex_;
  std::map<std::int64_t, std::shared_ptr<const Snapshot>> served_;
  std::function<std::int64_t(const Snapshot&)> on_computed_;

  std::mutex queue_mutex_;
  std::condition_variable queue_changed_;
  std::deque<Task> tasks_;
  struct Scheduled {
    std::chrono::steady_clock::time_point due;
    std::shared_ptr<const GraphInput> input;
  };
  std::map<std::int64_t, Scheduled> scheduled_;  // by network
  bool busy_ = false;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace atlas
