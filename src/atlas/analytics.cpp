#include "atlas/analytics.h"

#include <dlfcn.h>
#include <igraph.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <fstream>
#include <map>
#include <mutex>
#include <numeric>
#include <random>
#include <set>
#include <tuple>

#include "atlas/layout.h"

namespace atlas {

namespace {

// --- igraph's global state, owned by whoever holds the lock.
std::mutex igraph_mutex;
std::atomic<std::int64_t> deadline_ns{std::numeric_limits<std::int64_t>::max()};
thread_local std::string last_igraph_error;

std::int64_t to_ns(std::chrono::steady_clock::time_point point) {
  if (point == std::chrono::steady_clock::time_point::max()) return std::numeric_limits<std::int64_t>::max();
  return std::chrono::duration_cast<std::chrono::nanoseconds>(point.time_since_epoch()).count();
}

bool past_deadline() {
  return to_ns(std::chrono::steady_clock::now()) > deadline_ns.load(std::memory_order_relaxed);
}

// igraph reports an error: remember why and free its temporaries (what igraph_error_handler_ignore
// does); the function then returns the error code, which check_igraph turns into RunFailed.
void on_igraph_error(const char* reason, const char* file, int line, igraph_error_t error) {
  last_igraph_error = std::string(igraph_strerror(error)) + ": " + (reason ? reason : "") + " (" +
                      (file ? file : "?") + ":" + std::to_string(line) + ")";
  IGRAPH_FINALLY_FREE();
}

void on_igraph_warning(const char* reason, const char*, int) {
  spdlog::debug("igraph: {}", reason ? reason : "");
}


// PageRank (PRPACK) runs on OpenMP; on a shared two-core machine one thread is faster. libgomp is
// loaded by igraph already; its ICV is per thread, so this is called on the thread that runs igraph.
void use_one_openmp_thread() {
  using SetThreads = void (*)(int);
  if (void* symbol = dlsym(RTLD_DEFAULT, "omp_set_num_threads")) reinterpret_cast<SetThreads>(symbol)(1);
}

struct HeldHandlers {
  igraph_error_handler_t* error = nullptr;
  igraph_warning_handler_t* warning = nullptr;
  igraph_interruption_handler_t* interruption = nullptr;
};
thread_local HeldHandlers held;
thread_local std::unique_lock<std::mutex> held_lock;

// RAII for igraph objects.
struct Graph {
  igraph_t graph{};
  bool alive = false;
  ~Graph() { release(); }
  void release() {
    if (alive) igraph_destroy(&graph);
    alive = false;
  }
};
struct RealVector {
  igraph_vector_t vector{};
  explicit RealVector(igraph_integer_t size) { check_igraph(igraph_vector_init(&vector, size), "vector"); }
  ~RealVector() { igraph_vector_destroy(&vector); }
  double at(std::size_t i) const { return VECTOR(vector)[i]; }
};
struct IntVector {
  igraph_vector_int_t vector{};
  explicit IntVector(igraph_integer_t size) { check_igraph(igraph_vector_int_init(&vector, size), "vector"); }
  ~IntVector() { igraph_vector_int_destroy(&vector); }
  igraph_integer_t& at(std::size_t i) { return VECTOR(vector)[i]; }
};

double pair_weight(const Edge& edge) {
  return is_declared(edge.kind) ? 1.0 : 0.5 * std::log2(1.0 + std::max(0.0, static_cast<double>(edge.weight)));
}

// New clusters take the id of the previous cluster they overlap most (greedy on the largest
// overlaps, each previous id used once); the others get fresh ids. Deterministic.
std::vector<std::int64_t> stable_cluster_ids(const std::vector<igraph_integer_t>& membership,
                                             const std::vector<std::int64_t>& previous_cluster,  // -1: none
                                             std::int64_t& next_cluster_id) {
  std::map<std::pair<igraph_integer_t, std::int64_t>, std::int64_t> overlap;
  igraph_integer_t communities = 0;
  for (std::size_t i = 0; i < membership.size(); ++i) {
    communities = std::max(communities, membership[i] + 1);
    if (previous_cluster[i] >= 0) ++overlap[{membership[i], previous_cluster[i]}];
  }
  std::vector<std::tuple<std::int64_t, igraph_integer_t, std::int64_t>> candidates;  // -count, new, old
  candidates.reserve(overlap.size());
  for (const auto& [key, count] : overlap) candidates.emplace_back(-count, key.first, key.second);
  std::sort(candidates.begin(), candidates.end());
  std::vector<std::int64_t> id_of(static_cast<std::size_t>(communities), -1);
  std::set<std::int64_t> used;
  for (const auto& [negative_count, community, old_id] : candidates) {
    auto& slot = id_of[static_cast<std::size_t>(community)];
    if (slot >= 0 || used.contains(old_id)) continue;
    slot = old_id;
    used.insert(old_id);
  }
  // Fresh ids in order of the communities' first member, so a rerun gives the same ids.
  std::vector<std::int64_t> result(membership.size());
  for (std::size_t i = 0; i < membership.size(); ++i) {
    auto& slot = id_of[static_cast<std::size_t>(membership[i])];
    if (slot < 0) slot = next_cluster_id++;
    result[i] = slot;
  }
  return result;
}

// The process's resident memory now and at its peak, in MiB (Linux /proc), or -1.
std::pair<long, long> resident_mib() {
  std::ifstream status("/proc/self/status");
  long now = -1;
  long peak = -1;
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) == 0) now = std::stol(line.substr(6)) / 1024;
    if (line.rfind("VmHWM:", 0) == 0) peak = std::stol(line.substr(6)) / 1024;
  }
  return {now, peak};
}

// Logs how long each stage of a run took and the memory then (debug level: the benchmark and
// `--log-level debug`).
class StageTimer {
 public:
  void done(const char* stage) {
    const auto now = std::chrono::steady_clock::now();
    if (spdlog::should_log(spdlog::level::debug)) {
      const auto [resident, peak] = resident_mib();
      spdlog::debug("atlas: {} took {:.1f} ms (resident {} MiB, peak so far {} MiB)", stage,
                    std::chrono::duration<double, std::milli>(now - last_).count(), resident, peak);
    }
    last_ = now;
  }

 private:
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

}  // namespace

// --- IgraphScope

IgraphScope::IgraphScope(std::uint64_t seed, std::chrono::steady_clock::time_point deadline) {
  held_lock = std::unique_lock<std::mutex>(igraph_mutex);
  held.error = igraph_set_error_handler(on_igraph_error);
  held.warning = igraph_set_warning_handler(on_igraph_warning);
  // No interruption handler: in igraph 0.10.2 an interrupted function returns without running its
  // cleanup, leaving entries on igraph's cleanup stack that point into its finished stack frame (the
  // next error frees them: a crash, seen in Leiden and betweenness). The deadline is checked by us
  // between steps and between batches of a step instead (see analyse()).
  held.interruption = igraph_set_interruption_handler(nullptr);
  deadline_ns.store(to_ns(deadline));
  igraph_rng_seed(igraph_rng_default(), seed);
  use_one_openmp_thread();
}

IgraphScope::~IgraphScope() {
  igraph_set_error_handler(held.error);
  igraph_set_warning_handler(held.warning);
  igraph_set_interruption_handler(held.interruption);
  deadline_ns.store(std::numeric_limits<std::int64_t>::max());
  held_lock.unlock();
}

void check_deadline(const char* stage) {
  if (past_deadline()) throw RunFailed(RunFailed::Reason::TimeLimit, std::string("time limit reached during ") + stage);
}

void check_igraph(int code, const char* what) {
  if (code == IGRAPH_SUCCESS) return;
  if (code == IGRAPH_INTERRUPTED || past_deadline()) {
    throw RunFailed(RunFailed::Reason::TimeLimit, std::string("time limit reached during ") + what);
  }
  throw RunFailed(RunFailed::Reason::Igraph, std::string(what) + ": " + last_igraph_error);
}

// --- The graph

namespace {

// The pairs and their weights, without the adjacency (index_adjacency adds it).
WorkGraph work_graph_edges(const GraphInput& input, const NodeIndex& index) {
  struct Pair {
    std::int64_t a, b;
    double weight;
  };
  std::vector<Pair> pairs;
  pairs.reserve(input.edges.size());
  for (const Edge& edge : input.edges) {
    if (!is_network_visible_in(input, index, edge)) continue;
    auto a = static_cast<std::int64_t>(index.at(edge.a));
    auto b = static_cast<std::int64_t>(index.at(edge.b));
    if (a == b) continue;
    if (a > b) std::swap(a, b);
    pairs.push_back({a, b, pair_weight(edge)});
  }
  std::sort(pairs.begin(), pairs.end(), [](const Pair& l, const Pair& r) { return l.a != r.a ? l.a < r.a : l.b < r.b; });
  WorkGraph graph;
  graph.nodes = static_cast<std::int64_t>(input.nodes.size());
  graph.endpoints.reserve(2 * pairs.size());
  graph.weights.reserve(pairs.size());
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    if (i > 0 && pairs[i].a == pairs[i - 1].a && pairs[i].b == pairs[i - 1].b) {
      graph.weights.back() += pairs[i].weight;
      continue;
    }
    graph.endpoints.push_back(pairs[i].a);
    graph.endpoints.push_back(pairs[i].b);
    graph.weights.push_back(pairs[i].weight);
  }
  pairs = {};  // freed before the adjacency is built: the peak of a 1M-tie network is made here
  graph.endpoints.shrink_to_fit();
  graph.weights.shrink_to_fit();
  return graph;
}

}  // namespace

void index_adjacency(WorkGraph& graph) {
  const auto n = static_cast<std::size_t>(graph.nodes);
  graph.offsets.assign(n + 1, 0);
  for (const std::int64_t endpoint : graph.endpoints) ++graph.offsets[static_cast<std::size_t>(endpoint) + 1];
  for (std::size_t i = 0; i < n; ++i) graph.offsets[i + 1] += graph.offsets[i];
  graph.adjacency.resize(graph.endpoints.size());
  std::vector<std::int64_t> fill(graph.offsets.begin(), graph.offsets.end() - 1);
  for (std::size_t e = 0; e + 1 < graph.endpoints.size(); e += 2) {
    const auto a = static_cast<std::size_t>(graph.endpoints[e]);
    const auto b = static_cast<std::size_t>(graph.endpoints[e + 1]);
    graph.adjacency[static_cast<std::size_t>(fill[a]++)] = static_cast<std::int64_t>(b);
    graph.adjacency[static_cast<std::size_t>(fill[b]++)] = static_cast<std::int64_t>(a);
  }
}

WorkGraph build_work_graph(const GraphInput& input, const NodeIndex& index) {
  WorkGraph graph = work_graph_edges(input, index);
  index_adjacency(graph);
  return graph;
}

// --- The run

Snapshot analyse(std::shared_ptr<const GraphInput> input, const Snapshot* previous, const AnalyticsOptions& options) {
  IgraphScope scope(options.seed, options.deadline);
  StageTimer timer;
  Snapshot snapshot;
  snapshot.network_id = input->network_id;
  snapshot.input = input;
  snapshot.index = index_nodes(*input);
  snapshot.input_fingerprint = fingerprint(*input);
  snapshot.next_cluster_id = previous ? previous->next_cluster_id : 1;

  // The edge list lives in igraph's graph while igraph needs it, and in `work` before and after: never
  // both during Leiden, whose aggregate graphs were a hub-heavy 100k network's peak (+94 MiB). The
  // adjacency is built after the igraph stages for the same reason.
  timer.done("indexing the members");
  WorkGraph work = work_graph_edges(*input, snapshot.index);
  timer.done("listing the pairs");
  const auto n = static_cast<std::size_t>(work.nodes);
  const std::int64_t m = work.edge_count();
  check_deadline("building the graph");

  Graph graph;
  {
    igraph_vector_int_t edges;
    igraph_vector_int_view(&edges, work.endpoints.data(), static_cast<igraph_integer_t>(work.endpoints.size()));
    check_igraph(igraph_create(&graph.graph, &edges, work.nodes, IGRAPH_UNDIRECTED), "creating the graph");
    graph.alive = true;
    work.endpoints = {};
  }
  igraph_vector_t weights;
  igraph_vector_view(&weights, work.weights.data(), m);
  timer.done("building the graph");

  // Clusters: Leiden on modularity (node weights = strengths, resolution = 1 / 2m), started from the
  // previous clusters (compacted to 0..k-1; new members start alone).
  std::vector<std::int64_t> previous_cluster(n, -1);
  if (previous) {
    for (std::size_t i = 0; i < n; ++i) {
      if (const NodeMetrics* before = previous->metrics_of(input->nodes[i].account_id)) {
        if (!before->provisional) previous_cluster[i] = before->cluster;
      }
    }
  }
  std::vector<igraph_integer_t> membership(n);
  {
    std::map<std::int64_t, igraph_integer_t> dense;
    igraph_integer_t next = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (previous_cluster[i] >= 0) {
        auto [it, inserted] = dense.emplace(previous_cluster[i], next);
        if (inserted) ++next;
        membership[i] = it->second;
      }
    }
    for (std::size_t i = 0; i < n; ++i) {
      if (previous_cluster[i] < 0) membership[i] = next++;
    }
  }
  const double total_weight = std::accumulate(work.weights.begin(), work.weights.end(), 0.0);
  if (n > 0 && total_weight > 0) {
    RealVector strength(0);
    check_igraph(igraph_strength(&graph.graph, &strength.vector, igraph_vss_all(), IGRAPH_ALL, IGRAPH_LOOPS, &weights),
                 "strengths");
    IntVector leiden_membership(work.nodes);
    for (std::size_t i = 0; i < n; ++i) leiden_membership.at(i) = membership[i];
    igraph_integer_t clusters = 0;
    igraph_real_t quality = 0;
    // n_iterations >= 2: in igraph 0.10.2, -1 ("until stable") stops after one pass.
    const igraph_error_t leiden = igraph_community_leiden(&graph.graph, &weights, &strength.vector, 1.0 / (2.0 * total_weight), 0.01,
                                         /*start=*/true, /*n_iterations=*/2, &leiden_membership.vector, &clusters,
                                         &quality);
    check_igraph(leiden, "Leiden clustering");
    for (std::size_t i = 0; i < n; ++i) membership[i] = leiden_membership.at(i);
    igraph_real_t modularity = 0;
    check_igraph(igraph_modularity(&graph.graph, &leiden_membership.vector, &weights, 1.0, IGRAPH_UNDIRECTED, &modularity),
                 "modularity");
    snapshot.modularity = modularity;
  } else {
    for (std::size_t i = 0; i < n; ++i) membership[i] = static_cast<igraph_integer_t>(i);
  }
  const std::vector<std::int64_t> cluster = stable_cluster_ids(membership, previous_cluster, snapshot.next_cluster_id);
  // The metrics are made only now: they would add 5 MiB at 100k to the peak Leiden makes.
  snapshot.metrics.assign(n, NodeMetrics{});
  for (std::size_t i = 0; i < n; ++i) snapshot.metrics[i].cluster = cluster[i];
  check_deadline("clustering");
  timer.done("clustering");

  // PageRank over the weighted graph. ARPACK rather than igraph's default PRPACK: the same answer
  // (power method on the same matrix), but PRPACK copies the graph into its own structures and was the
  // peak of a 100k-member run's memory (+45 MiB over everything else).
  if (n > 0) {
    RealVector rank(0);
    igraph_real_t eigenvalue = 0;
    check_igraph(igraph_pagerank(&graph.graph, IGRAPH_PAGERANK_ALGO_ARPACK, &rank.vector, &eigenvalue, igraph_vss_all(),
                                 false, 0.85, m > 0 ? &weights : nullptr, nullptr),
                 "PageRank");
    for (std::size_t i = 0; i < n; ++i) snapshot.metrics[i].pagerank = rank.at(i);
  }
  check_deadline("PageRank");
  timer.done("PageRank");

  // Betweenness over hops (the chains a member can follow), exact (from every member) or from a
  // seeded sample of sources, counted a batch of sources at a time so the deadline is checked often.
  if (n > 2 && m > 0) {
    const double work_exact = static_cast<double>(n) * static_cast<double>(m);
    std::vector<igraph_integer_t> sources(n);
    std::iota(sources.begin(), sources.end(), 0);
    double scale = 1;
    if (work_exact > options.exact_betweenness_work) {
      const auto k = static_cast<std::size_t>(std::clamp<std::int64_t>(
          std::max<std::int64_t>(options.min_betweenness_sources,
                                 static_cast<std::int64_t>(options.exact_betweenness_work /
                                                           static_cast<double>(work.nodes + m))),
          1, work.nodes));
      std::mt19937_64 random(options.seed);
      std::shuffle(sources.begin(), sources.end(), random);
      sources.resize(k);
      std::sort(sources.begin(), sources.end());
      // Each sampled source stands for n / k sources.
      scale = static_cast<double>(n) / static_cast<double>(k);
    }
    std::vector<double> between(n, 0.0);
    constexpr std::size_t kBatch = 32;
    for (std::size_t first = 0; first < sources.size(); first += kBatch) {
      const std::size_t count = std::min(kBatch, sources.size() - first);
      igraph_vector_int_t batch_ids;
      igraph_vector_int_view(&batch_ids, sources.data() + first, static_cast<igraph_integer_t>(count));
      igraph_vs_t batch;
      check_igraph(igraph_vs_vector(&batch, &batch_ids), "betweenness sources");
      RealVector part(0);
      check_igraph(igraph_betweenness_subset(&graph.graph, &part.vector, igraph_vss_all(), false, batch,
                                             igraph_vss_all(), nullptr),
                   "betweenness");
      for (std::size_t i = 0; i < n; ++i) between[i] += part.at(i);
      check_deadline("betweenness");
    }
    const double pairs = static_cast<double>(n - 1) * static_cast<double>(n - 2) / 2.0;
    for (std::size_t i = 0; i < n; ++i) snapshot.metrics[i].betweenness = std::min(1.0, between[i] * scale / pairs);
  }
  check_deadline("betweenness");
  timer.done("betweenness");

  // Coreness.
  if (n > 0) {
    IntVector cores(0);
    check_igraph(igraph_coreness(&graph.graph, &cores.vector, IGRAPH_ALL), "coreness");
    for (std::size_t i = 0; i < n; ++i) snapshot.metrics[i].coreness = cores.at(i);
  }
  check_deadline("coreness");
  timer.done("coreness");

  // The layout makes its own igraph graph: this one goes first, so the two never take memory at once.
  // Its edges (in creation order, so `work.weights` still lines up) come back into `work` first.
  work.endpoints.resize(static_cast<std::size_t>(2 * m));
  if (m > 0) {  // (a view of no data cannot be resized by igraph)
    igraph_vector_int_t edges;
    igraph_vector_int_view(&edges, work.endpoints.data(), static_cast<igraph_integer_t>(work.endpoints.size()));
    check_igraph(igraph_get_edgelist(&graph.graph, &edges, false), "reading the edges back");
  }
  graph.release();
  for (std::size_t e = 0; e + 1 < work.endpoints.size(); e += 2) {
    // igraph keeps an undirected edge as (larger, smaller); WorkGraph promises first < second.
    if (work.endpoints[e] > work.endpoints[e + 1]) std::swap(work.endpoints[e], work.endpoints[e + 1]);
  }
  index_adjacency(work);

  // Layout from the previous positions.
  std::vector<std::optional<Point>> previous_position(n);
  if (previous) {
    for (std::size_t i = 0; i < n; ++i) {
      if (const NodeMetrics* before = previous->metrics_of(input->nodes[i].account_id)) {
        previous_position[i] = Point{before->x, before->y};
      }
    }
  }
  const std::vector<Point> positions = compute_layout(work, previous_position, cluster, options);
  for (std::size_t i = 0; i < n; ++i) {
    snapshot.metrics[i].x = positions[i].x;
    snapshot.metrics[i].y = positions[i].y;
  }
  timer.done("layout");

  // Clusters with their discipline mix; names carry over with the ids.
  if (previous) snapshot.clusters = previous->clusters;
  recount_clusters(snapshot);
  snapshot.ties = std::make_shared<const TieAdjacency>(build_tie_adjacency(*input, snapshot.index));

  // Isolated members: no or one distinct neighbour. Brokers: members whose neighbours lie in two or
  // more clusters (they tie knowledge groups together) and who sit on shortest chains (betweenness
  // > 0), strongest betweenness first; at most max(10, 1% of members), never more than 200.
  std::vector<std::pair<double, std::int64_t>> broker_candidates;
  for (std::size_t i = 0; i < n; ++i) {
    const auto begin = static_cast<std::size_t>(work.offsets[i]);
    const auto end = static_cast<std::size_t>(work.offsets[i + 1]);
    if (end - begin <= 1) snapshot.isolated.push_back(input->nodes[i].account_id);
    std::set<std::int64_t> neighbour_clusters;
    for (std::size_t at = begin; at < end; ++at) {
      neighbour_clusters.insert(cluster[static_cast<std::size_t>(work.adjacency[at])]);
      if (neighbour_clusters.size() >= 2) break;
    }
    if (neighbour_clusters.size() >= 2 && snapshot.metrics[i].betweenness > 0) {
      broker_candidates.emplace_back(-snapshot.metrics[i].betweenness, input->nodes[i].account_id);
    }
  }
  std::sort(broker_candidates.begin(), broker_candidates.end());
  const std::size_t broker_cap = std::min<std::size_t>(200, std::max<std::size_t>(10, n / 100));
  for (std::size_t i = 0; i < broker_candidates.size() && i < broker_cap; ++i) {
    snapshot.brokers.push_back(broker_candidates[i].second);
  }

  snapshot.figures.members = static_cast<std::int64_t>(n);
  snapshot.figures.ties = m;
  snapshot.figures.density =
      n > 1 ? static_cast<double>(m) / (static_cast<double>(n) * static_cast<double>(n - 1) / 2.0) : 0.0;
  snapshot.figures.clusters =
      std::count_if(snapshot.clusters.begin(), snapshot.clusters.end(), [](const Cluster& c) { return c.size >= 2; });
  snapshot.figures.isolated = static_cast<std::int64_t>(snapshot.isolated.size());
  timer.done("clusters, brokers and figures");
  return snapshot;
}

}  // namespace atlas
