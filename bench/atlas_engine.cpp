// The atlas engine on synthetic networks (bench/atlas_synthetic.h): full recompute time and peak
// memory, how long a confirmed tie takes to reach the served snapshot, path queries, and rendering the
// atlas JSON for one member. See bench/README.md (atlas) for the commands; results in bench/RESULTS.md.
//
//   atlas_engine recompute --model clustered|hubs --members N --ties M [--runs R] [--edges-out FILE]
//   atlas_engine tie       --model ... --members N --ties M [--runs R]
//   atlas_engine path      --model ... --members N --ties M [--queries Q]
//   atlas_engine path+tie  ... both after one full run (a 100k network's run takes a minute of CPU)
//   atlas_engine json      --model ... --members N --ties M [--runs R]
//   atlas_engine fill      --model ... --members N --ties M --database URL
//       writes the synthetic network into a database (migrated first) as network "atlas-bench": members
//       lid1@atlas-bench.nl .. lidN@..., profiles, confirmed ties; for bench/atlas_api.sh, which serves it.
#include <malloc.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <unordered_map>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include "atlas/engine.h"
#include "auth/service.h"
#include "db/database.h"
#include "db/migrations.h"
#include "atlas/exports.h"
#include "atlas/privacy.h"
#include "atlas/service.h"
#include "atlas_synthetic.h"

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1, static_cast<std::size_t>(p * static_cast<double>(values.size())))];
}

// CPU time of the whole process (every thread, the engine's worker included), in milliseconds.
double cpu_ms() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000.0 +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1000.0;
}

long max_rss_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024;
}

// A line of /proc/self/status in MiB (VmRSS: resident now; VmHWM: the peak since start or since
// reset_peak_rss()).
long status_mib(const std::string& field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::stol(line.substr(field.size() + 1)) / 1024;
  }
  return -1;
}

// Makes VmHWM start again from the current RSS (Linux >= 4.0), so the peak of one run can be read
// apart from what the generator needed before it.
void reset_peak_rss() {
  std::ofstream clear_refs("/proc/self/clear_refs");
  clear_refs << "5";
}

struct Args {
  std::string mode;
  atlas_bench::Model model = atlas_bench::Model::Clustered;
  std::int64_t members = 1000;
  std::int64_t ties = 10000;
  int runs = 3;
  int queries = 1000;
  std::string edges_out;
  std::string database;
};

Args parse(int argc, char** argv) {
  Args args;
  if (argc < 2) {
    std::fprintf(stderr, "usage: atlas_engine recompute|tie|path|json --model clustered|hubs --members N --ties M\n");
    std::exit(2);
  }
  args.mode = argv[1];
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::string value = argv[i + 1];
    if (flag == "--model") args.model = value == "hubs" ? atlas_bench::Model::Hubs : atlas_bench::Model::Clustered;
    if (flag == "--members") args.members = std::stoll(value);
    if (flag == "--ties") args.ties = std::stoll(value);
    if (flag == "--runs") args.runs = std::stoi(value);
    if (flag == "--queries") args.queries = std::stoi(value);
    if (flag == "--edges-out") args.edges_out = value;
    if (flag == "--database") args.database = value;
    if (flag == "--log-level") spdlog::set_level(spdlog::level::from_str(value));
  }
  return args;
}

// A member of the network who sees every node and the network-visible ties (as Service does).
atlas::ViewerScope member_scope(const atlas::GraphInput& input, std::int64_t viewer) {
  atlas::ViewerScope scope;
  scope.network_id = input.network_id;
  scope.viewer_id = viewer;
  scope.member = true;
  scope.viewer_in_atlas = true;
  for (const atlas::Node& node : input.nodes) scope.ties_visibility.emplace(node.account_id, node.ties_visibility);
  return scope;
}

// For bench/atlas_networkx.py: the same graph, and how betweenness was computed.
void write_edges(const atlas::GraphInput& input, const std::string& path, const atlas::AnalyticsOptions& options) {
  const auto index = atlas::index_nodes(input);
  const atlas::WorkGraph work = atlas::build_work_graph(input, index);
  const double cost = static_cast<double>(work.nodes) * static_cast<double>(work.edge_count());
  std::int64_t sources = 0;  // 0: exact
  if (cost > options.exact_betweenness_work) {
    sources = std::clamp<std::int64_t>(
        std::max<std::int64_t>(options.min_betweenness_sources,
                               static_cast<std::int64_t>(options.exact_betweenness_work /
                                                         static_cast<double>(work.nodes + work.edge_count()))),
        1, work.nodes);
  }
  std::ofstream out(path);
  out << "# members " << work.nodes << " sources " << sources << "\n";
  for (std::size_t e = 0; e < work.weights.size(); ++e) {
    out << work.endpoints[2 * e] << ' ' << work.endpoints[2 * e + 1] << ' ' << work.weights[e] << '\n';
  }
}

// The synthetic network as rows: one transaction, so a failed fill leaves nothing behind.
int fill(const atlas::GraphInput& input, const std::string& url) {
  auto database = db::open(url);
  db::migrate(*database);
  const auto start = Clock::now();
  database->write([&](db::Session& session) {
    const std::int64_t network =
        session.query_one("INSERT INTO networks (slug, name, created_at) VALUES ('atlas-bench', 'Atlas bench', ?) "
                          "RETURNING id",
                          {std::int64_t{1500000000}})
            ->int64(0);
    std::unordered_map<std::int64_t, std::int64_t> account_of;  // synthetic id -> account id
    for (const atlas::Node& node : input.nodes) {
      auth::NewAccount account;
      account.name = node.name;
      account.email = "lid" + std::to_string(node.account_id) + "@atlas-bench.nl";
      account.verified = true;
      account.created_at = node.joined_at;
      const std::int64_t id = auth::create_account(session, account);
      auth::add_membership(session, id, network, auth::Role::Member, auth::MembershipStatus::Active, node.joined_at);
      std::string disciplines;
      for (const std::string& code : node.disciplines) disciplines += (disciplines.empty() ? "" : " ") + code;
      session.execute(
          "INSERT INTO profiles (account_id, disciplines, town, region, profile_visibility, town_visibility, "
          "updated_at) VALUES (?, ?, ?, ?, 1, 1, ?)",
          {id, disciplines, node.town, node.region, node.joined_at});
      account_of.emplace(node.account_id, id);
    }
    for (const atlas::Edge& edge : input.edges) {
      // Stored ties are declared ones; the generator's derived kinds become "knows".
      const std::string kind = edge.kind == atlas::TieKind::WorkedTogether ? "worked_together" : "knows";
      const std::int64_t a = account_of.at(edge.a);
      const std::int64_t b = account_of.at(edge.b);
      session.execute(
          "INSERT INTO atlas_ties (network_id, from_account, to_account, kind, key_a, key_b, state, created_at, "
          "decided_at) VALUES (?, ?, ?, ?, ?, ?, 'confirmed', ?, ?)",
          {network, a, b, kind, std::min(a, b), std::max(a, b), edge.since, edge.since});
    }
  });
  std::printf("filled %s: %zu members, %zu confirmed ties in %.0f ms\n", url.c_str(), input.nodes.size(),
              input.edges.size(), ms_since(start));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const Args args = parse(argc, argv);
  const char* model_name = args.model == atlas_bench::Model::Hubs ? "hubs" : "clustered";
  const auto generated = Clock::now();
  atlas::GraphInput input = atlas_bench::generate(args.model, args.members, args.ties, 20261129);
  std::printf("%s %lld members, %zu ties generated in %.0f ms\n", model_name, static_cast<long long>(args.members),
              input.edges.size(), ms_since(generated));
  atlas::EngineOptions options;
  options.debounce = std::chrono::hours(1);      // full runs only when the benchmark asks
  options.time_limit = std::chrono::hours(1);    // a shared, busy machine must not turn slowness into failures
  if (!args.edges_out.empty()) write_edges(input, args.edges_out, options.analytics);
  if (args.mode == "fill") return fill(input, args.database);

  if (args.mode == "recompute") {
    std::vector<double> cold;
    std::vector<double> cold_cpu;
    std::vector<double> warm;
    long peak_during_first_run = -1;
    long resident_before_first_run = -1;
    for (int run = 0; run < args.runs; ++run) {
      atlas::Engine engine(options);
      auto start = Clock::now();
      const double cpu_start = cpu_ms();
      atlas::RunResult first;
      if (run == 0) {
        // As the server does: the input is moved into the engine, which keeps the only copy. The peak
        // of this run is the engine's own memory plus that input (and what the allocator kept of the
        // generator's scratch space).
        malloc_trim(0);  // the generator's freed scratch space goes back, so "before" is the input
        resident_before_first_run = status_mib("VmRSS");
        reset_peak_rss();
        first = engine.recompute(std::move(input));
        peak_during_first_run = status_mib("VmHWM");
        input = *engine.current(1)->input;
      } else {
        first = engine.recompute(input);
      }
      cold.push_back(ms_since(start));
      cold_cpu.push_back(cpu_ms() - cpu_start);
      if (!first.ok()) {
        std::printf("run failed: %s\n", first.detail.c_str());
        return 1;
      }
      // A warm run: one more tie, started from the previous clusters and positions.
      atlas::GraphInput changed = input;
      changed.edges.push_back(
          atlas::Edge{.a = 1, .b = args.members, .since = 1700000000, .tie_id = 999999999});
      start = Clock::now();
      const atlas::RunResult second = engine.recompute(std::move(changed));
      warm.push_back(ms_since(start));
      std::printf("run %d: cold %.0f ms (CPU %.0f ms), warm %.0f ms; %lld clusters, modularity %.3f, %zu brokers, "
                  "%lld isolated\n",
                  run + 1, cold.back(), cold_cpu.back(), warm.back(), static_cast<long long>(second.serving->figures.clusters),
                  second.serving->modularity, second.serving->brokers.size(),
                  static_cast<long long>(second.serving->figures.isolated));
    }
    std::printf("RESULT recompute %s %lld/%zu: cold median %.0f ms (CPU %.0f ms), warm median %.0f ms; first run: "
                "resident %ld MiB before (input + generator), peak %ld MiB during; max RSS of the process %ld MiB\n",
                model_name, static_cast<long long>(args.members), input.edges.size(), median(cold), median(cold_cpu),
                median(warm), resident_before_first_run, peak_during_first_run, max_rss_mib());
    return 0;
  }

  atlas::Engine engine(options);
  const atlas::RunResult first = engine.recompute(input);
  if (!first.ok()) {
    std::printf("run failed: %s\n", first.detail.c_str());
    return 1;
  }

  const auto snapshot = engine.current(1);
  if (args.mode == "path" || args.mode == "path+tie") {
    const atlas::ViewerScope scope = member_scope(*snapshot->input, 1);
    std::mt19937_64 random(11);
    std::vector<double> one;
    std::vector<double> three;
    std::size_t connected = 0;
    for (int q = 0; q < args.queries; ++q) {
      const auto from = static_cast<std::size_t>(random() % snapshot->input->nodes.size());
      const auto to = static_cast<std::size_t>(random() % snapshot->input->nodes.size());
      auto start = Clock::now();
      const auto chains = atlas::shortest_chains(*snapshot, scope, from, to, 1);
      one.push_back(ms_since(start));
      if (!chains.empty()) ++connected;
      start = Clock::now();
      atlas::shortest_chains(*snapshot, scope, from, to, 3);
      three.push_back(ms_since(start));
    }
    std::printf("RESULT path %s %lld/%zu: k=1 median %.3f ms p95 %.3f ms; k=3 median %.3f ms p95 %.3f ms (%zu of %d pairs connected)\n",
                model_name, static_cast<long long>(args.members), input.edges.size(), median(one),
                percentile(one, 0.95), median(three), percentile(three, 0.95), connected, args.queries);
    if (args.mode == "path") return 0;
  }

  if (args.mode == "tie" || args.mode == "path+tie") {
    // From handing the engine the input with one more confirmed tie to that tie being an edge of the
    // served snapshot (what /atlas/data.json serves next).
    std::vector<double> times;
    std::mt19937_64 random(7);
    for (int run = 0; run < args.runs; ++run) {
      atlas::GraphInput changed = engine.current(1)->input ? *engine.current(1)->input : input;
      const std::int64_t a = 1 + static_cast<std::int64_t>(random() % static_cast<std::uint64_t>(args.members));
      const std::int64_t b = 1 + static_cast<std::int64_t>(random() % static_cast<std::uint64_t>(args.members));
      atlas::Edge edge{.a = std::min(a, b), .b = std::max(a, b), .kind = atlas::TieKind::Backup,
                       .direction = a < b ? atlas::EdgeDirection::FromA : atlas::EdgeDirection::FromB,
                       .since = 1700000000, .tie_id = 900000000 + run};
      changed.edges.push_back(edge);
      const auto start = Clock::now();
      engine.update(std::move(changed));
      const auto served = engine.current(1);
      const bool present =
          std::find(served->input->edges.begin(), served->input->edges.end(), edge) != served->input->edges.end();
      times.push_back(ms_since(start));
      if (!present) {
        std::printf("the tie is not served\n");
        return 1;
      }
    }
    std::printf("RESULT tie %s %lld/%zu: visible in the served snapshot after median %.0f ms, max %.0f ms (%d ties)\n",
                model_name, static_cast<long long>(args.members), input.edges.size(), median(times),
                percentile(times, 1.0), args.runs);
    return 0;
  }

  if (args.mode == "json") {
    // What Service::visible + atlas_json do for one member once scope_for has read the privacy choices.
    std::vector<double> times;
    std::size_t bytes = 0;
    for (int run = 0; run < args.runs; ++run) {
      const auto start = Clock::now();
      const atlas::ViewerScope scope = member_scope(*snapshot->input, 1);
      atlas::VisibleGraph graph;
      graph.snapshot = snapshot;
      graph.network_id = 1;
      graph.network_slug = "kkp";
      for (std::size_t i = 0; i < snapshot->input->nodes.size(); ++i) {
        if (atlas::may_see_node(scope, snapshot->input->nodes[i].account_id)) graph.nodes.push_back(i);
      }
      for (std::size_t e = 0; e < snapshot->input->edges.size(); ++e) {
        if (atlas::may_see_edge(scope, snapshot->input->edges[e])) graph.edges.push_back(e);
      }
      graph.brokers = snapshot->brokers;
      graph.isolated = snapshot->isolated;
      bytes = atlas::atlas_json(graph).size();
      times.push_back(ms_since(start));
    }
    std::printf("RESULT json %s %lld/%zu: atlas JSON for one member median %.1f ms (%zu bytes)\n", model_name,
                static_cast<long long>(args.members), input.edges.size(), median(times), bytes);
    return 0;
  }
  std::fprintf(stderr, "unknown mode %s\n", args.mode.c_str());
  return 2;
}
