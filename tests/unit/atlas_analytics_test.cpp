// The atlas analysis on small graphs whose answers are known by hand, and the engine's promises:
// warm starts keep cluster ids, a run over its time limit fails cleanly while the previous snapshot
// keeps serving, a change is in the served snapshot at once, private ties never feed the metrics.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <set>

#include "atlas/analytics.h"
#include "atlas/engine.h"
#include "atlas/layout.h"
#include "atlas/snapshot.h"

namespace {

using atlas::Edge;
using atlas::GraphInput;
using atlas::Node;
using atlas::TieKind;

Node member(std::int64_t id, std::vector<std::string> disciplines = {}) {
  Node node;
  node.account_id = id;
  node.name = "Lid " + std::to_string(id);
  node.disciplines = std::move(disciplines);
  return node;
}

Edge tie(std::int64_t a, std::int64_t b, TieKind kind = TieKind::Knows) {
  Edge edge;
  edge.a = std::min(a, b);
  edge.b = std::max(a, b);
  edge.kind = kind;
  edge.tie_id = a * 1000 + b;
  return edge;
}

// Members 1..6: triangles {1,2,3} and {4,5,6}, bridge 3-4; member 7 has one tie (to 1), member 8 none.
GraphInput two_triangles() {
  GraphInput input;
  input.network_id = 1;
  for (std::int64_t id = 1; id <= 8; ++id) input.nodes.push_back(member(id, {id <= 3 ? "ict" : "legal"}));
  input.edges = {tie(1, 2), tie(1, 3), tie(2, 3), tie(3, 4), tie(4, 5), tie(4, 6), tie(5, 6), tie(1, 7)};
  return input;
}

atlas::Snapshot analyse(const GraphInput& input, const atlas::Snapshot* previous = nullptr,
                        atlas::AnalyticsOptions options = {}) {
  return atlas::analyse(std::make_shared<const GraphInput>(input), previous, options);
}

const atlas::NodeMetrics& of(const atlas::Snapshot& snapshot, std::int64_t id) { return *snapshot.metrics_of(id); }

TEST(AtlasAnalytics, TwoTrianglesJoinedByABridgeFormTwoClustersAndTheBridgeEndsAreTheBrokers) {
  const atlas::Snapshot snapshot = analyse(two_triangles());
  EXPECT_EQ(of(snapshot, 1).cluster, of(snapshot, 2).cluster);
  EXPECT_EQ(of(snapshot, 2).cluster, of(snapshot, 3).cluster);
  EXPECT_EQ(of(snapshot, 4).cluster, of(snapshot, 5).cluster);
  EXPECT_EQ(of(snapshot, 5).cluster, of(snapshot, 6).cluster);
  EXPECT_NE(of(snapshot, 1).cluster, of(snapshot, 4).cluster);
  EXPECT_EQ(snapshot.figures.clusters, 2);  // 8 is a cluster of one, not counted
  EXPECT_EQ(std::set<std::int64_t>(snapshot.brokers.begin(), snapshot.brokers.end()), (std::set<std::int64_t>{3, 4}));
  EXPECT_GT(snapshot.modularity, 0.3);
}

TEST(AtlasAnalytics, BetweennessCountsTheShareOfChainsThroughAMember) {
  GraphInput input = two_triangles();
  input.nodes.resize(6);
  input.edges.resize(7);  // just the two triangles and the bridge
  const atlas::Snapshot snapshot = analyse(input);
  // 3 lies on the chains from 1 and 2 to 4, 5, 6: 6 of the 10 pairs that do not include 3.
  EXPECT_NEAR(of(snapshot, 3).betweenness, 0.6, 1e-9);
  EXPECT_NEAR(of(snapshot, 4).betweenness, 0.6, 1e-9);
  EXPECT_NEAR(of(snapshot, 1).betweenness, 0.0, 1e-9);
  EXPECT_EQ(of(snapshot, 1).coreness, 2);
  double total = 0;
  for (const auto& metrics : snapshot.metrics) total += metrics.pagerank;
  EXPECT_NEAR(total, 1.0, 1e-6);
  EXPECT_GT(of(snapshot, 3).pagerank, of(snapshot, 1).pagerank);
}

TEST(AtlasAnalytics, SampledBetweennessFromEverySourceEqualsTheExactOne) {
  GraphInput input = two_triangles();
  const atlas::Snapshot exact = analyse(input);
  atlas::AnalyticsOptions sampled;
  sampled.exact_betweenness_work = 1;       // force sampling
  sampled.min_betweenness_sources = 1000;   // ... from every member
  const atlas::Snapshot from_all = analyse(input, nullptr, sampled);
  for (std::int64_t id = 1; id <= 8; ++id) EXPECT_NEAR(of(from_all, id).betweenness, of(exact, id).betweenness, 1e-9) << id;
}

TEST(AtlasAnalytics, MembersWithNoOrOneTieAreIsolated) {
  const atlas::Snapshot snapshot = analyse(two_triangles());
  EXPECT_EQ(snapshot.isolated, (std::vector<std::int64_t>{7, 8}));
  EXPECT_EQ(snapshot.figures.isolated, 2);
  EXPECT_EQ(snapshot.figures.members, 8);
  EXPECT_EQ(snapshot.figures.ties, 8);
  EXPECT_NEAR(snapshot.figures.density, 8.0 / 28.0, 1e-12);
}

TEST(AtlasAnalytics, ClustersCountTheirDisciplines) {
  const atlas::Snapshot snapshot = analyse(two_triangles());
  for (const atlas::Cluster& cluster : snapshot.clusters) {
    if (cluster.id != of(snapshot, 5).cluster) continue;
    ASSERT_EQ(cluster.disciplines.size(), 1u);
    EXPECT_EQ(cluster.disciplines[0], (std::pair<std::string, std::int64_t>{"legal", 3}));
  }
}

TEST(AtlasAnalytics, PositionsLieWithinTheUnitDiscAndTiedMembersSitCloser) {
  const atlas::Snapshot snapshot = analyse(two_triangles());
  for (const auto& metrics : snapshot.metrics) EXPECT_LE(std::hypot(metrics.x, metrics.y), 1.0 + 1e-9);
  auto radius = [&](std::int64_t id) { return std::hypot(of(snapshot, id).x, of(snapshot, id).y); };
  EXPECT_NEAR(radius(8), 1.0, 1e-9);  // no tie at all: on the rim
  auto distance = [&](std::int64_t a, std::int64_t b) {
    return std::hypot(of(snapshot, a).x - of(snapshot, b).x, of(snapshot, a).y - of(snapshot, b).y);
  };
  EXPECT_LT(distance(1, 2), distance(1, 6));
}

// Fruchterman-Reingold pushes members without ties far out; the map must not shrink everyone else
// to a dot to make room for them (the demo once had 95% of its members within radius 0.03).
TEST(AtlasAnalytics, MembersWithoutTiesGoOnTheRimAndTheOthersFillTheMap) {
  GraphInput input;
  input.network_id = 1;
  for (std::int64_t id = 1; id <= 43; ++id) input.nodes.push_back(member(id));
  for (std::int64_t id = 1; id <= 40; ++id) {
    input.edges.push_back(tie(id, id % 40 + 1));        // a ring of 40
    input.edges.push_back(tie(id, (id + 6) % 40 + 1));  // with chords
  }
  const atlas::Snapshot snapshot = analyse(input);
  std::vector<double> tied;
  for (std::int64_t id = 1; id <= 40; ++id) tied.push_back(std::hypot(of(snapshot, id).x, of(snapshot, id).y));
  std::sort(tied.begin(), tied.end());
  EXPECT_GT(tied[tied.size() / 2], 0.3) << "the tied members are squeezed into the middle";
  EXPECT_LE(tied.back(), 1.0 + 1e-9);
  for (std::int64_t loner : {41, 42, 43}) {
    EXPECT_NEAR(std::hypot(of(snapshot, loner).x, of(snapshot, loner).y), 1.0, 1e-9) << loner;
  }
}

TEST(AtlasAnalytics, NormalisingALonePointOrPointsWithoutTiesStaysInTheDisc) {
  std::vector<atlas::Point> one{{5, 7}};
  atlas::normalise(one, {false});
  EXPECT_EQ(one[0].x, 0);
  EXPECT_EQ(one[0].y, 0);
  std::vector<atlas::Point> loose{{0, 0}, {10, 0}, {0, 20}, {-30, 0}};
  atlas::normalise(loose, {false, false, false, false});
  for (const auto& p : loose) EXPECT_LE(std::hypot(p.x, p.y), 1.0 + 1e-9);
  EXPECT_GT(std::hypot(loose[3].x, loose[3].y), std::hypot(loose[1].x, loose[1].y));
}

TEST(AtlasAnalytics, TheSameInputGivesTheSameAnswer) {
  const atlas::Snapshot first = analyse(two_triangles());
  const atlas::Snapshot second = analyse(two_triangles());
  EXPECT_EQ(first.metrics, second.metrics);
  EXPECT_EQ(first.clusters, second.clusters);
}

TEST(AtlasAnalytics, AWarmStartKeepsClusterIdsAndNames) {
  atlas::Snapshot first = analyse(two_triangles());
  for (atlas::Cluster& cluster : first.clusters) {
    if (cluster.id == of(first, 5).cluster) cluster.name = "Juristen";
  }
  // A newcomer (9) joins the second triangle; 8 finally gets ties into the first.
  GraphInput grown = two_triangles();
  grown.nodes.push_back(member(9, {"legal"}));
  grown.edges.push_back(tie(5, 9));
  grown.edges.push_back(tie(6, 9));
  grown.edges.push_back(tie(2, 8));
  grown.edges.push_back(tie(1, 8));
  std::sort(grown.edges.begin(), grown.edges.end(), [](const Edge& l, const Edge& r) {
    return std::tie(l.a, l.b) < std::tie(r.a, r.b);
  });
  const atlas::Snapshot second = analyse(grown, &first);
  EXPECT_EQ(of(second, 1).cluster, of(first, 1).cluster);
  EXPECT_EQ(of(second, 5).cluster, of(first, 5).cluster);
  EXPECT_EQ(of(second, 9).cluster, of(first, 5).cluster);
  EXPECT_EQ(of(second, 8).cluster, of(first, 1).cluster);
  bool named = false;
  for (const atlas::Cluster& cluster : second.clusters) {
    if (cluster.id == of(second, 9).cluster) named = cluster.name == "Juristen";
  }
  EXPECT_TRUE(named);
  // Members stay near where they were: the layout starts from the previous positions.
  EXPECT_LT(std::hypot(of(second, 5).x - of(first, 5).x, of(second, 5).y - of(first, 5).y), 0.8);
}

TEST(AtlasAnalytics, TiesAMemberKeepsToThemselvesNeverFeedTheMetrics) {
  GraphInput input = two_triangles();
  input.nodes[3].ties_visibility = atlas::TieVisibility::Self;  // member 4
  const atlas::Snapshot snapshot = analyse(input);
  // Without 4's ties the bridge is gone: no brokers, and 4 counts as isolated.
  EXPECT_TRUE(snapshot.brokers.empty());
  EXPECT_TRUE(std::find(snapshot.isolated.begin(), snapshot.isolated.end(), 4) != snapshot.isolated.end());
  EXPECT_EQ(snapshot.figures.ties, 5);
}

TEST(AtlasAnalytics, AnEmptyNetworkAndALoneMemberAreFine) {
  GraphInput empty;
  empty.network_id = 3;
  EXPECT_TRUE(analyse(empty).metrics.empty());
  GraphInput alone;
  alone.network_id = 3;
  alone.nodes.push_back(member(1));
  const atlas::Snapshot snapshot = analyse(alone);
  ASSERT_EQ(snapshot.metrics.size(), 1u);
  EXPECT_EQ(snapshot.metrics[0].x, 0.0);
  EXPECT_EQ(snapshot.isolated, (std::vector<std::int64_t>{1}));
}

TEST(AtlasEngine, ARunOverItsTimeLimitFailsCleanlyAndThePreviousSnapshotKeepsServing) {
  atlas::EngineOptions options;
  atlas::Engine engine(options);
  const atlas::RunResult first = engine.recompute(two_triangles());
  ASSERT_TRUE(first.ok()) << first.detail;

  atlas::EngineOptions strict;
  strict.time_limit = std::chrono::milliseconds(0);
  atlas::Engine hurried(strict);
  hurried.restore(*first.serving, two_triangles());
  GraphInput grown = two_triangles();
  grown.edges.push_back(tie(2, 8));
  const atlas::RunResult late = hurried.recompute(grown);
  EXPECT_EQ(late.outcome, atlas::RunResult::Outcome::TimeLimit);
  EXPECT_NE(late.detail.find("time limit"), std::string::npos);
  ASSERT_NE(hurried.current(1), nullptr);
  EXPECT_EQ(hurried.current(1)->input->edges.size(), two_triangles().edges.size());
  EXPECT_EQ(hurried.current(1)->metrics, first.serving->metrics);
  // The engine still works after the failure.
  atlas::EngineOptions relaxed;
  atlas::Engine again(relaxed);
  EXPECT_TRUE(again.recompute(grown).ok());
}

TEST(AtlasEngine, ANetworksFirstRunHasItsOwnLongerTimeLimit) {
  atlas::EngineOptions options;
  options.time_limit = std::chrono::milliseconds(0);
  atlas::Engine engine(options);
  const atlas::RunResult first = engine.recompute(two_triangles());
  EXPECT_TRUE(first.ok()) << first.detail;  // nothing served yet: the first run may take longer
  GraphInput grown = two_triangles();
  grown.edges.push_back(tie(2, 8));
  EXPECT_EQ(engine.recompute(grown).outcome, atlas::RunResult::Outcome::TimeLimit);

  options.first_time_limit = std::chrono::milliseconds(0);
  atlas::Engine strict(options);
  EXPECT_EQ(strict.recompute(two_triangles()).outcome, atlas::RunResult::Outcome::TimeLimit);
  EXPECT_EQ(strict.current(1), nullptr);
}

// A few thousand members: each time limit below stops the run at a different stage, inside igraph
// (interrupted) or between stages; every run must fail cleanly or finish, never crash.
TEST(AtlasEngine, TimeLimitsThatStopARunAnywhereFailCleanly) {
  GraphInput input;
  input.network_id = 2;
  std::mt19937_64 random(5);
  for (std::int64_t id = 1; id <= 3000; ++id) input.nodes.push_back(member(id));
  std::set<std::pair<std::int64_t, std::int64_t>> pairs;
  while (pairs.size() < 30000) {
    const auto a = 1 + static_cast<std::int64_t>(random() % 3000);
    const auto b = 1 + static_cast<std::int64_t>(random() % 3000);
    if (a != b) pairs.emplace(std::min(a, b), std::max(a, b));
  }
  for (const auto& [a, b] : pairs) input.edges.push_back(tie(a, b));
  atlas::Engine first;
  const atlas::RunResult computed = first.recompute(input);
  ASSERT_TRUE(computed.ok()) << computed.detail;
  int failed = 0;
  for (const int limit_ms : {1, 3, 10, 30, 100, 300}) {
    atlas::EngineOptions options;
    options.time_limit = std::chrono::milliseconds(limit_ms);
    atlas::Engine engine(options);
    engine.restore(*computed.serving, input);
    GraphInput changed = input;
    changed.edges.push_back(tie(1, 3000));
    const atlas::RunResult result = engine.recompute(changed);
    if (!result.ok()) {
      ++failed;
      EXPECT_EQ(result.outcome, atlas::RunResult::Outcome::TimeLimit) << result.detail;
      EXPECT_EQ(engine.current(2)->metrics, computed.serving->metrics);
    }
  }
  EXPECT_GE(failed, 1);
}

TEST(AtlasEngine, AChangedTieIsServedAtOnceAndTheFullRunFollowsLater) {
  atlas::EngineOptions options;
  options.recompute_at_once_below = 0;  // treat the network as large
  options.debounce = std::chrono::hours(1);
  atlas::Engine engine(options);
  ASSERT_TRUE(engine.recompute(two_triangles()).ok());
  const auto before = engine.current(1);

  GraphInput grown = two_triangles();
  grown.nodes.push_back(member(9));
  grown.edges.push_back(tie(5, 9));
  engine.update(grown);
  const auto patched = engine.current(1);
  ASSERT_NE(patched, before);
  EXPECT_TRUE(patched->patched);
  EXPECT_EQ(patched->input->edges.size(), grown.edges.size());
  const atlas::NodeMetrics& newcomer = of(*patched, 9);
  EXPECT_TRUE(newcomer.provisional);
  EXPECT_EQ(newcomer.cluster, of(*patched, 5).cluster);
  EXPECT_LT(std::hypot(newcomer.x - of(*patched, 5).x, newcomer.y - of(*patched, 5).y), 0.1);
  EXPECT_EQ(of(*patched, 1).x, of(*before, 1).x);  // the others keep their places

  engine.flush();  // the scheduled full run
  const auto computed = engine.current(1);
  EXPECT_FALSE(computed->patched);
  EXPECT_FALSE(of(*computed, 9).provisional);
  EXPECT_EQ(of(*computed, 9).cluster, of(*computed, 5).cluster);
}

TEST(AtlasEngine, AnUnchangedInputCausesNoRun) {
  atlas::Engine engine;
  int runs = 0;
  engine.set_on_computed([&](const atlas::Snapshot&) { return static_cast<std::int64_t>(++runs); });
  engine.update(two_triangles());
  engine.update(two_triangles());
  EXPECT_EQ(runs, 1);
  EXPECT_EQ(engine.current(1)->id, 1);
}

}  // namespace

TEST(AtlasNodeIndex, FindsEachMemberAtItsPositionAndNobodyElse) {
  const atlas::NodeIndex index({3, 8, 21, 40});
  EXPECT_EQ(index.find(3), 0U);
  EXPECT_EQ(index.find(21), 2U);
  EXPECT_EQ(index.at(40), 3U);
  EXPECT_FALSE(index.find(4).has_value());
  EXPECT_FALSE(index.contains(41));
  EXPECT_FALSE(index.contains(0));
  EXPECT_THROW(index.at(9), std::out_of_range);
  EXPECT_EQ(index.size(), 4U);
}

TEST(AtlasNodeIndex, RefusesIdsThatAreNotStrictlyAscending) {
  EXPECT_THROW(atlas::NodeIndex({1, 5, 5}), std::invalid_argument);
  EXPECT_THROW(atlas::NodeIndex({2, 1}), std::invalid_argument);
  EXPECT_NO_THROW(atlas::NodeIndex(std::vector<std::int64_t>{}));
}

TEST(AtlasEdge, ADirectedTieNamesItsDeclarerWhicheverEndItIs) {
  atlas::Edge edge{.a = 4, .b = 9, .kind = atlas::TieKind::Referred, .direction = atlas::EdgeDirection::FromB};
  EXPECT_EQ(edge.from(), 9);
  EXPECT_EQ(edge.to(), 4);
  edge.direction = atlas::EdgeDirection::FromA;
  EXPECT_EQ(edge.from(), 4);
  EXPECT_EQ(edge.to(), 9);
  edge.direction = atlas::EdgeDirection::None;
  EXPECT_EQ(edge.from(), 0);
  EXPECT_EQ(edge.to(), 0);
}
