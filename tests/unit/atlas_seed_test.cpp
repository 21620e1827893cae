// The demo ties on both databases: about 1,200 confirmed ties among the demo network's members,
// clustered by discipline and town, brokers spanning clusters, isolated newcomers, dates over the
// last years, open requests (some for the demo member), restricted and hidden members; the same
// rows every time.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "atlas/graph_source.h"
#include "atlas/privacy.h"
#include "atlas/seed.h"
#include "atlas/ties_store.h"
#include "auth/seed.h"
#include "auth/service.h"
#include "db/migrations.h"
#include "members/seed.h"
#include "regions/seed.h"
#include "support/test_databases.h"

namespace {

constexpr std::int64_t kNow = 1795939200;  // 29 November 2026, 00:00 UTC
constexpr std::int64_t kYear = 365 * 86400;

class AtlasSeedTest : public ::testing::TestWithParam<db::Backend> {
 protected:
  void SetUp() override {
    database_ = std::make_unique<testing_support::TestDatabase>(GetParam());
    db_ = database_->open();
    db::migrate(*db_);
    db_->write([](db::Session& session) {
      regions::seed_demo(session);
      auth::seed_demo(session);
      members::seed_demo(session);
    });
    atlas::seed_demo(*db_, kNow);
  }

  std::unique_ptr<testing_support::TestDatabase> database_;
  std::unique_ptr<db::Database> db_;
};

TEST_P(AtlasSeedTest, TheDemoNetworkHasAbout1200ConfirmedTiesWithClustersBrokersAndNewcomers) {
  db_->read([&](db::Session& session) {
    const auto network = atlas::ties_store::find_network_by_slug(session, "west-brabant-zeeland");
    ASSERT_TRUE(network);
    const auto count = [&](const std::string& state) {
      return session.query_one("SELECT COUNT(*) FROM atlas_ties WHERE state = ?", {state})->int64(0);
    };
    EXPECT_EQ(count("confirmed"), atlas::kDemoConfirmedTies);
    EXPECT_GE(count("pending"), 40);

    const auto members = atlas::ties_store::network_members(session, network->id);
    std::map<std::int64_t, atlas::ties_store::MemberRow> by_id;
    for (const auto& member : members) by_id[member.account_id] = member;
    int hidden = 0, restricted = 0;
    for (const auto& member : members) {
      if (member.privacy.hidden) ++hidden;
      if (member.privacy.ties_visibility != atlas::TieVisibility::Network) ++restricted;
    }
    EXPECT_EQ(hidden, 2);
    EXPECT_GE(restricted, 4);

    const atlas::GraphInput input = atlas::load_graph_input(session, network->id);
    std::map<std::int64_t, int> degree;
    std::map<std::int64_t, std::set<std::string>> disciplines_around;
    int within_cluster = 0, declared = 0;
    for (const atlas::Edge& edge : input.edges) {
      if (!atlas::is_declared(edge.kind)) continue;
      ++declared;
      ++degree[edge.a];
      ++degree[edge.b];
      const auto& a = by_id[edge.a];
      const auto& b = by_id[edge.b];
      if ((!a.disciplines.empty() && !b.disciplines.empty() && a.disciplines[0] == b.disciplines[0]) ||
          (!a.town.empty() && a.town == b.town) || (!a.region.empty() && a.region == b.region)) {
        ++within_cluster;
      }
      if (!b.disciplines.empty()) disciplines_around[edge.a].insert(b.disciplines[0]);
      if (!a.disciplines.empty()) disciplines_around[edge.b].insert(a.disciplines[0]);
      EXPECT_GE(edge.since, kNow - 10 * kYear);
      EXPECT_LE(edge.since, kNow);
    }
    // Hidden members take their ties with them; the rest are shown.
    EXPECT_GT(declared, 1100);
    EXPECT_GT(within_cluster * 100 / declared, 60);  // mostly within discipline, town or region
    int isolated = 0, one_tie = 0, brokers = 0;
    for (const atlas::Node& node : input.nodes) {
      const int d = degree[node.account_id];
      if (d == 0) ++isolated;
      if (d == 1) ++one_tie;
      if (d >= 14 && disciplines_around[node.account_id].size() >= 6) ++brokers;
    }
    EXPECT_GE(isolated, 3);
    EXPECT_GE(one_tie, 1);
    EXPECT_GE(brokers, 5);

    // The demo member finds requests waiting on their page, and one of their own open.
    const auto demo = auth::find_account_by_email(session, auth::kDemoMemberEmail);
    ASSERT_TRUE(demo);
    int incoming = 0, outgoing = 0;
    for (const auto& listing : atlas::ties_store::live_ties_of(session, demo->id)) {
      if (listing.tie.state != atlas::TieState::Pending) continue;
      (listing.tie.to_account == demo->id ? incoming : outgoing)++;
    }
    EXPECT_GE(incoming, 2);
    EXPECT_GE(outgoing, 1);
  });
}

TEST_P(AtlasSeedTest, TheDemoTiesAreTheSameEveryTime) {
  const auto fingerprint = [](db::Database& database) {
    return database.read([](db::Session& session) {
      std::string text;
      for (const db::Row& row : session.query(
               "SELECT a.email, b.email, t.kind, t.state, COALESCE(t.tie_date, 0), t.created_at FROM atlas_ties t "
               "JOIN accounts a ON a.id = t.from_account JOIN accounts b ON b.id = t.to_account "
               "ORDER BY a.email, b.email, t.kind")) {
        text += row.text(0) + row.text(1) + row.text(2) + row.text(3) + std::to_string(row.int64(4)) +
                std::to_string(row.int64(5)) + "\n";
      }
      return text;
    });
  };
  testing_support::TestDatabase other(GetParam());
  auto second = other.open();
  db::migrate(*second);
  second->write([](db::Session& session) {
    regions::seed_demo(session);
    auth::seed_demo(session);
    members::seed_demo(session);
  });
  atlas::seed_demo(*second, kNow);
  EXPECT_EQ(fingerprint(*db_), fingerprint(*second));
}

INSTANTIATE_TEST_SUITE_P(Backends, AtlasSeedTest, ::testing::ValuesIn(testing_support::test_backends()),
                         [](const auto& info) { return std::string(db::to_string(info.param)); });

}  // namespace
