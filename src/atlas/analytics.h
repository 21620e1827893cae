// The analysis of one network's atlas with igraph: clusters (Leiden on modularity, warm-started),
// PageRank, betweenness (exact while cheap, sampled above), coreness, brokers, isolated members,
// discipline mix per cluster, figures, and the layout (layout.h).
//
// Thread-safety: igraph keeps global state (error handler, RNG, interruption handler) and is not
// thread-safe. Only atlas::Engine's worker calls analyse(); IgraphScope also holds a process-wide
// lock, so two engines in one process (tests) never run igraph at the same time.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "atlas/snapshot.h"
#include "atlas/types.h"

namespace atlas {

// Why a run did not produce a snapshot. Thrown inside the engine only; atlas::Engine turns it into a
// value (RunResult) at its boundary.
class RunFailed : public std::runtime_error {
 public:
  enum class Reason { TimeLimit, Igraph };
  RunFailed(Reason reason, const std::string& detail) : std::runtime_error(detail), reason_(reason) {}
  Reason reason() const { return reason_; }

 private:
  Reason reason_;
};

struct AnalyticsOptions {
  std::uint64_t seed = 20261129;  // igraph's RNG is seeded with this before every run: same input, same answer
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  // Betweenness is exact while members x ties stays at most this (1k/10k: 1e7, exact); above it,
  // shortest paths are counted from a seeded sample of k sources, k = max(kMinSources,
  // this / (members + ties)), and scaled by members / k (10k/100k: 454 sources; 100k/1M: 64).
  double exact_betweenness_work = 5e7;
  std::int64_t min_betweenness_sources = 64;
  int layout_iterations_cold = 200;  // Fruchterman-Reingold iterations without previous positions
  int layout_iterations_warm = 60;   // ... when most members keep their previous position
};

// The graph igraph sees: members 0..n-1 (positions in GraphInput::nodes) and one undirected,
// weighted edge per pair with at least one network-visible tie. Weight of a pair: 1 per declared tie
// plus 0.5 * log2(1 + weight) per derived tie (many shared breakfasts count, but not more than a tie
// both members declared).
struct WorkGraph {
  std::int64_t nodes = 0;
  std::vector<std::int64_t> endpoints;  // 2 per edge, first < second
  std::vector<double> weights;          // 1 per edge
  // Adjacency (CSR): neighbours of node i are adjacency[offsets[i] .. offsets[i + 1]).
  std::vector<std::int64_t> offsets;
  std::vector<std::int64_t> adjacency;
  std::int64_t edge_count() const { return static_cast<std::int64_t>(weights.size()); }
};
WorkGraph build_work_graph(const GraphInput& input, const NodeIndex& index);
// Fills offsets and adjacency from endpoints (build_work_graph does it; analyse does it late, see there).
void index_adjacency(WorkGraph& graph);

// While alive: holds the igraph lock, installs our error handler (errors become RunFailed, never an
// abort), removes igraph's interruption handler (see analytics.cpp: igraph 0.10.2 cannot be
// interrupted safely; the deadline is checked between steps and batches), seeds the RNG, and runs
// OpenMP (PageRank) on one thread. Restores the previous handlers when it goes away.
class IgraphScope {
 public:
  IgraphScope(std::uint64_t seed, std::chrono::steady_clock::time_point deadline);
  ~IgraphScope();
  IgraphScope(const IgraphScope&) = delete;
  IgraphScope& operator=(const IgraphScope&) = delete;
};
// Throws RunFailed(TimeLimit) when the deadline of the current IgraphScope has passed.
void check_deadline(const char* stage);
// Throws RunFailed(Igraph) with igraph's reason when `code` is not success.
void check_igraph(int code, const char* what);

// A full run over `input`. `previous` (same network) gives the warm start: its clusters seed Leiden and
// keep their ids, its positions seed the layout. Throws RunFailed (time limit, igraph error).
Snapshot analyse(std::shared_ptr<const GraphInput> input, const Snapshot* previous, const AnalyticsOptions& options);

}  // namespace atlas
