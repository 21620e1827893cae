// Atlas privacy on both databases: for every choice of who sees a member's ties, the exact nodes and
// edges that a visitor, an account outside the network, an unrelated member, a connection of the
// member, the other side of the tie and the member themselves see through load_graph_input +
// scope_for (the engine's per-viewer outputs are tested against these sets). Hidden members are
// absent for everyone, themselves included.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <tuple>

#include "atlas/graph_source.h"
#include "atlas/privacy.h"
#include "atlas/ties_service.h"
#include "db/migrations.h"
#include "support/atlas_fixture.h"
#include "support/test_databases.h"

namespace {

using atlas::TieKind;
using atlas::TieVisibility;

constexpr std::int64_t kNow = 1748865600;
using EdgeKey = std::tuple<std::int64_t, std::int64_t, TieKind>;

struct Seen {
  std::set<std::int64_t> nodes;
  std::set<EdgeKey> edges;
  bool operator==(const Seen&) const = default;
};

void PrintTo(const Seen& seen, std::ostream* out) {
  *out << "nodes {";
  for (auto id : seen.nodes) *out << id << " ";
  *out << "} edges {";
  for (auto [a, b, kind] : seen.edges) *out << a << "-" << b << ":" << atlas::to_string(kind) << " ";
  *out << "}";
}

class AtlasPrivacyTest : public ::testing::TestWithParam<db::Backend> {
 protected:
  void SetUp() override {
    database_ = std::make_unique<testing_support::TestDatabase>(GetParam());
    db_ = database_->open();
    db::migrate(*db_);
    world_ = std::make_unique<testing_support::AtlasWorld>(*db_);
    network_ = world_->add_network("west", "KKP West");
    const std::int64_t elsewhere = world_->add_network("oost", "KKP Oost");
    // Mia chooses; Bas is her tie; Cas is her connection (a tie of another kind); Dora knows nobody;
    // Eva and Cas know each other; Hein is hidden from the atlas; Olaf is in another network.
    mia_ = world_->add_member("Mia", {network_});
    bas_ = world_->add_member("Bas", {network_});
    cas_ = world_->add_member("Cas", {network_});
    dora_ = world_->add_member("Dora", {network_});
    eva_ = world_->add_member("Eva", {network_});
    hein_ = world_->add_member("Hein", {network_});
    olaf_ = world_->add_member("Olaf", {elsewhere});
    ties_ = std::make_unique<atlas::TiesService>(*db_, atlas::TiesOptions{.clock = [] { return kNow; }, .changed = {}});
    confirm(mia_, bas_, "knows");
    confirm(cas_, mia_, "worked_together");
    confirm(eva_, cas_, "knows");
    confirm(hein_, mia_, "knows");
    // A shared group ties Mia and Dora without making them connections.
    const std::int64_t group = world_->add_group(network_, "fiscaal");
    world_->join_group(group, mia_, 1000);
    world_->join_group(group, dora_, 2000);
    world_->join_group(group, hein_, 3000);
    ties_->save_settings(hein_, atlas::PrivacySettings{TieVisibility::Network, true});
  }

  void confirm(std::int64_t from, std::int64_t to, const std::string& kind) {
    auto declared = ties_->declare(from, atlas::DeclareInput{to, kind, "", "", std::nullopt});
    ASSERT_TRUE(declared.ok()) << declared.error->message_key;
    ASSERT_TRUE(ties_->confirm(to, declared.value->id).ok());
  }

  static std::optional<http::Viewer> as(std::int64_t account) {
    http::Viewer viewer;
    viewer.account_id = account;
    viewer.name = "x";
    return viewer;
  }

  Seen seen_by(const std::optional<http::Viewer>& viewer) {
    return db_->read([&](db::Session& session) {
      const atlas::GraphInput input = atlas::load_graph_input(session, network_);
      const atlas::ViewerScope scope = atlas::scope_for(session, viewer, network_);
      Seen seen;
      for (const atlas::Node& node : input.nodes) {
        if (atlas::may_see_node(scope, node.account_id)) seen.nodes.insert(node.account_id);
      }
      for (const atlas::Edge& edge : input.edges) {
        if (atlas::may_see_edge(scope, edge)) seen.edges.emplace(edge.a, edge.b, edge.kind);
      }
      // visible_to() must agree with the two predicates.
      const atlas::GraphInput visible = atlas::visible_to(scope, input);
      EXPECT_EQ(visible.nodes.size(), seen.nodes.size());
      EXPECT_EQ(visible.edges.size(), seen.edges.size());
      return seen;
    });
  }

  EdgeKey edge(std::int64_t x, std::int64_t y, TieKind kind) const {
    return {std::min(x, y), std::max(x, y), kind};
  }

  std::set<std::int64_t> everyone_in_atlas() const { return {mia_, bas_, cas_, dora_, eva_}; }

  std::unique_ptr<testing_support::TestDatabase> database_;
  std::unique_ptr<db::Database> db_;
  std::unique_ptr<testing_support::AtlasWorld> world_;
  std::unique_ptr<atlas::TiesService> ties_;
  std::int64_t network_ = 0, mia_ = 0, bas_ = 0, cas_ = 0, dora_ = 0, eva_ = 0, hein_ = 0, olaf_ = 0;
};

TEST_P(AtlasPrivacyTest, VisitorsAndAccountsOutsideTheNetworkSeeNoPersonalAtlasDataWhateverTheSettings) {
  for (TieVisibility choice : {TieVisibility::Network, TieVisibility::Connections, TieVisibility::Self}) {
    ties_->save_settings(mia_, atlas::PrivacySettings{choice, false});
    EXPECT_EQ(seen_by(std::nullopt), Seen{});
    EXPECT_EQ(seen_by(as(olaf_)), Seen{});
    EXPECT_EQ(seen_by(as(987654)), Seen{});
  }
}

TEST_P(AtlasPrivacyTest, WhenTiesAreSeenByTheNetworkEveryMemberSeesThem) {
  const Seen all{everyone_in_atlas(),
                 {edge(mia_, bas_, TieKind::Knows), edge(mia_, cas_, TieKind::WorkedTogether),
                  edge(cas_, eva_, TieKind::Knows), edge(mia_, dora_, TieKind::SharedGroup)}};
  for (std::int64_t viewer : {mia_, bas_, cas_, dora_, eva_}) EXPECT_EQ(seen_by(as(viewer)), all) << viewer;
}

TEST_P(AtlasPrivacyTest, WhenTiesAreSeenByConnectionsOnlyTheMemberAndTheirConnectionsSeeThem) {
  ties_->save_settings(mia_, atlas::PrivacySettings{TieVisibility::Connections, false});
  const Seen all{everyone_in_atlas(),
                 {edge(mia_, bas_, TieKind::Knows), edge(mia_, cas_, TieKind::WorkedTogether),
                  edge(cas_, eva_, TieKind::Knows), edge(mia_, dora_, TieKind::SharedGroup)}};
  EXPECT_EQ(seen_by(as(mia_)), all);
  EXPECT_EQ(seen_by(as(bas_)), all);  // a connection through their own tie
  EXPECT_EQ(seen_by(as(cas_)), all);
  // Dora shares a group with Mia but is no connection: she sees only her own tie to Mia.
  EXPECT_EQ(seen_by(as(dora_)),
            (Seen{everyone_in_atlas(), {edge(cas_, eva_, TieKind::Knows), edge(mia_, dora_, TieKind::SharedGroup)}}));
  EXPECT_EQ(seen_by(as(eva_)), (Seen{everyone_in_atlas(), {edge(cas_, eva_, TieKind::Knows)}}));
}

TEST_P(AtlasPrivacyTest, WhenTiesAreSeenOnlyByTheMemberOthersSeeOnlyTheirOwnTieToThem) {
  ties_->save_settings(mia_, atlas::PrivacySettings{TieVisibility::Self, false});
  EXPECT_EQ(seen_by(as(mia_)), (Seen{everyone_in_atlas(),
                                     {edge(mia_, bas_, TieKind::Knows), edge(mia_, cas_, TieKind::WorkedTogether),
                                      edge(cas_, eva_, TieKind::Knows), edge(mia_, dora_, TieKind::SharedGroup)}}));
  EXPECT_EQ(seen_by(as(bas_)), (Seen{everyone_in_atlas(), {edge(mia_, bas_, TieKind::Knows),
                                                           edge(cas_, eva_, TieKind::Knows)}}));
  EXPECT_EQ(seen_by(as(cas_)), (Seen{everyone_in_atlas(), {edge(mia_, cas_, TieKind::WorkedTogether),
                                                           edge(cas_, eva_, TieKind::Knows)}}));
  EXPECT_EQ(seen_by(as(dora_)), (Seen{everyone_in_atlas(), {edge(cas_, eva_, TieKind::Knows),
                                                            edge(mia_, dora_, TieKind::SharedGroup)}}));
  EXPECT_EQ(seen_by(as(eva_)), (Seen{everyone_in_atlas(), {edge(cas_, eva_, TieKind::Knows)}}));
}

TEST_P(AtlasPrivacyTest, AnEdgeNeedsTheConsentOfBothEndsForEveryoneElse) {
  // Mia shares with the network, Cas only with his connections (Mia and Eva).
  ties_->save_settings(cas_, atlas::PrivacySettings{TieVisibility::Connections, false});
  const std::set<EdgeKey> network_part{edge(mia_, bas_, TieKind::Knows), edge(mia_, dora_, TieKind::SharedGroup)};
  std::set<EdgeKey> with_cas = network_part;
  with_cas.insert(edge(mia_, cas_, TieKind::WorkedTogether));
  with_cas.insert(edge(cas_, eva_, TieKind::Knows));
  EXPECT_EQ(seen_by(as(bas_)), (Seen{everyone_in_atlas(), network_part}));
  EXPECT_EQ(seen_by(as(dora_)), (Seen{everyone_in_atlas(), network_part}));
  EXPECT_EQ(seen_by(as(eva_)), (Seen{everyone_in_atlas(), with_cas}));
  EXPECT_EQ(seen_by(as(mia_)), (Seen{everyone_in_atlas(), with_cas}));
  db_->read([&](db::Session& session) {
    const atlas::GraphInput input = atlas::load_graph_input(session, network_);
    std::set<EdgeKey> shared;
    for (const atlas::Edge& e : input.edges) {
      if (atlas::is_network_visible(input, e)) shared.emplace(e.a, e.b, e.kind);
    }
    EXPECT_EQ(shared, network_part);
    const atlas::ViewerScope scope = atlas::scope_for(session, as(dora_), network_);
    for (const atlas::Edge& e : input.edges) {
      EXPECT_EQ(atlas::is_network_visible(scope, e), atlas::is_network_visible(input, e));
    }
  });
}

TEST_P(AtlasPrivacyTest, AHiddenMemberIsAbsentForEveryoneThemselvesIncluded) {
  for (std::int64_t viewer : {mia_, bas_, hein_}) {
    const Seen seen = seen_by(as(viewer));
    EXPECT_FALSE(seen.nodes.contains(hein_)) << viewer;
    for (auto [a, b, kind] : seen.edges) EXPECT_TRUE(a != hein_ && b != hein_);
  }
  db_->read([&](db::Session& session) {
    const atlas::ViewerScope scope = atlas::scope_for(session, as(hein_), network_);
    EXPECT_TRUE(scope.member);
    EXPECT_FALSE(scope.viewer_in_atlas);
    EXPECT_TRUE(atlas::scope_for(session, as(mia_), network_).viewer_in_atlas);
    EXPECT_TRUE(atlas::scope_for(session, as(mia_), network_).connections.contains(cas_));
  });
}

INSTANTIATE_TEST_SUITE_P(Backends, AtlasPrivacyTest, ::testing::ValuesIn(testing_support::test_backends()),
                         [](const auto& info) { return std::string(db::to_string(info.param)); });

}  // namespace
