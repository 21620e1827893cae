// The atlas engine's service on both databases: snapshots computed, stored and served again after a
// restart; the atlas JSON, chains, suggestions and exports per viewer through privacy.h (hidden members
// absent from every output, private ties only for those allowed); cluster names that survive
// recomputes; a confirmed tie that reaches the served atlas on the next refresh.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "atlas/engine.h"
#include "atlas/exports.h"
#include "atlas/graph_source.h"
#include "atlas/service.h"
#include "atlas/snapshot_store.h"
#include "atlas/ties_service.h"
#include "atlas/ties_store.h"
#include "db/migrations.h"
#include "regions/service.h"
#include "support/atlas_fixture.h"
#include "support/test_databases.h"
#include "support/xml_tree.h"

namespace {

constexpr std::int64_t kNow = 1748865600;

class AtlasEngineServiceTest : public ::testing::TestWithParam<db::Backend> {
 protected:
  void SetUp() override {
    database_ = std::make_unique<testing_support::TestDatabase>(GetParam());
    db_ = database_->open();
    db::migrate(*db_);
    world_ = std::make_unique<testing_support::AtlasWorld>(*db_);
    network_ = world_->add_network("west", "KKP West");
    const std::int64_t elsewhere = world_->add_network("oost", "KKP Oost");
    // Two triangles (a1 a2 a3) and (b1 b2 b3) joined by a3-b1; Nina has no tie; Hein is hidden and
    // tied to a1; Pim keeps his ties to himself and is tied to a2; Olaf belongs to another network.
    a1_ = world_->add_member("Anna", {network_});
    a2_ = world_->add_member("Arie", {network_});
    a3_ = world_->add_member("Ayla", {network_});
    b1_ = world_->add_member("Bram", {network_});
    b2_ = world_->add_member("Bo", {network_});
    b3_ = world_->add_member("Bea", {network_});
    nina_ = world_->add_member("Nina", {network_});
    hein_ = world_->add_member("Hein", {network_});
    pim_ = world_->add_member("Pim", {network_});
    coordinator_ = world_->add_member("Cora", {network_}, 1600000000, auth::Role::Coordinator);
    olaf_ = world_->add_member("Olaf", {elsewhere});
    world_->set_profile(a1_, "ict", "Breda", "West-Brabant");
    world_->set_profile(b1_, "financial legal", "Goes", "Zeeland");
    ties_ = std::make_unique<atlas::TiesService>(*db_, atlas::TiesOptions{.clock = [] { return kNow; }, .changed = {}});
    const std::vector<std::pair<std::int64_t, std::int64_t>> ties = {
        {a1_, a2_}, {a1_, a3_}, {a2_, a3_}, {a3_, b1_}, {b1_, b2_}, {b1_, b3_}, {b2_, b3_}, {hein_, a1_}, {pim_, a2_}};
    for (const auto& [x, y] : ties) confirm(x, y);
    ties_->save_settings(hein_, atlas::PrivacySettings{atlas::TieVisibility::Network, true});
    ties_->save_settings(pim_, atlas::PrivacySettings{atlas::TieVisibility::Self, false});
    networks_ = std::make_unique<regions::Service>(*db_);
    start_service();
  }

  void start_service() {
    service_.reset();
    engine_ = std::make_unique<atlas::Engine>();
    service_ = std::make_unique<atlas::Service>(*db_, *engine_, *networks_,
                                                [this](const http::Viewer& viewer, std::int64_t network) {
                                                  return db_->read([&](db::Session& session) {
                                                    return atlas::ties_store::is_coordinator(session, viewer.account_id,
                                                                                             network);
                                                  });
                                                });
    service_->start();
    engine_->flush();
  }

  void confirm(std::int64_t from, std::int64_t to) {
    auto declared = ties_->declare(from, atlas::DeclareInput{to, "knows", "", "", std::nullopt});
    ASSERT_TRUE(declared.ok()) << declared.error->message_key;
    ASSERT_TRUE(ties_->confirm(to, declared.value->id).ok());
  }

  static std::optional<http::Viewer> as(std::int64_t account) {
    http::Viewer viewer;
    viewer.account_id = account;
    viewer.name = "x";
    return viewer;
  }

  nlohmann::json atlas_for(std::int64_t account) {
    const auto text = service_->atlas_json_for(as(account), network_);
    EXPECT_TRUE(text.has_value());
    return text ? nlohmann::json::parse(*text) : nlohmann::json();
  }

  static std::set<std::int64_t> node_ids(const nlohmann::json& atlas) {
    std::set<std::int64_t> ids;
    for (const auto& node : atlas["nodes"]) ids.insert(node["id"].get<std::int64_t>());
    return ids;
  }

  static bool has_edge(const nlohmann::json& atlas, std::int64_t x, std::int64_t y) {
    for (const auto& edge : atlas["edges"]) {
      const auto s = edge["source"].get<std::int64_t>();
      const auto t = edge["target"].get<std::int64_t>();
      if ((s == x && t == y) || (s == y && t == x)) return true;
    }
    return false;
  }

  std::vector<std::int64_t> chain_ids(const std::vector<atlas::ChainStep>& chain) {
    std::vector<std::int64_t> ids;
    for (const auto& step : chain) ids.push_back(step.account_id);
    return ids;
  }

  std::unique_ptr<testing_support::TestDatabase> database_;
  std::unique_ptr<db::Database> db_;
  std::unique_ptr<testing_support::AtlasWorld> world_;
  std::unique_ptr<atlas::TiesService> ties_;
  std::unique_ptr<regions::Service> networks_;
  std::unique_ptr<atlas::Service> service_;
  std::unique_ptr<atlas::Engine> engine_;
  std::int64_t network_ = 0, a1_ = 0, a2_ = 0, a3_ = 0, b1_ = 0, b2_ = 0, b3_ = 0, nina_ = 0, hein_ = 0, pim_ = 0,
               coordinator_ = 0, olaf_ = 0;
};

TEST_P(AtlasEngineServiceTest, StartComputesStoresAndServesASnapshotWithItsFigures) {
  const auto snapshot = engine_->current(network_);
  ASSERT_NE(snapshot, nullptr);
  EXPECT_GT(snapshot->id, 0);
  const auto history = service_->history(network_);
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].figures.members, 9);  // everyone in the network but Hein
  EXPECT_EQ(history[0].figures.ties, 7);     // Pim's tie is his own, Hein's is gone with him
  EXPECT_EQ(history[0].figures.clusters, 2);
  EXPECT_EQ(history[0].figures.isolated, 3);  // Nina, Pim (no visible tie) and Cora
  const std::set<std::int64_t> brokers(snapshot->brokers.begin(), snapshot->brokers.end());
  EXPECT_EQ(brokers, (std::set<std::int64_t>{a3_, b1_}));
}

TEST_P(AtlasEngineServiceTest, AHiddenMemberIsAbsentFromTheAtlasOfEveryViewer) {
  for (const std::int64_t viewer : {a1_, b2_, pim_, coordinator_}) {
    const nlohmann::json atlas = atlas_for(viewer);
    EXPECT_FALSE(node_ids(atlas).contains(hein_)) << viewer;
    EXPECT_EQ(atlas.dump().find("Hein"), std::string::npos) << viewer;
    EXPECT_FALSE(has_edge(atlas, hein_, a1_));
    for (const auto& id : atlas["isolated"]) EXPECT_NE(id.get<std::int64_t>(), hein_);
  }
  EXPECT_EQ(node_ids(atlas_for(a1_)).size(), 9u);
}

TEST_P(AtlasEngineServiceTest, ATieKeptPrivateShowsOnlyToItsOwnEnds) {
  EXPECT_TRUE(has_edge(atlas_for(a2_), pim_, a2_));
  EXPECT_TRUE(has_edge(atlas_for(pim_), pim_, a2_));
  EXPECT_FALSE(has_edge(atlas_for(b1_), pim_, a2_));
  EXPECT_FALSE(has_edge(atlas_for(coordinator_), pim_, a2_));
  EXPECT_TRUE(has_edge(atlas_for(b1_), a3_, b1_));
}

TEST_P(AtlasEngineServiceTest, AnEndedTieLeavesTodaysMapAndStaysForTheTimeSliderUnderTheSamePrivacy) {
  const auto tie_between = [&](std::int64_t x, std::int64_t y) {
    return db_->read([&](db::Session& session) {
      return session
          .query_one("SELECT id FROM atlas_ties WHERE key_a = ? AND key_b = ? AND state = 'confirmed'",
                     {std::min(x, y), std::max(x, y)})
          ->int64(0);
    });
  };
  const auto ended_between = [](const nlohmann::json& atlas, std::int64_t x, std::int64_t y) -> std::int64_t {
    for (const auto& tie : atlas["ended"]) {
      const auto s = tie["source"].get<std::int64_t>();
      const auto t = tie["target"].get<std::int64_t>();
      if ((s == x && t == y) || (s == y && t == x)) return tie["until"].get<std::int64_t>();
    }
    return 0;
  };
  EXPECT_TRUE(atlas_for(a1_)["ended"].empty());
  ASSERT_TRUE(ties_->end(b2_, tie_between(b2_, b3_)).ok());
  ASSERT_TRUE(ties_->end(pim_, tie_between(pim_, a2_)).ok());
  service_->refresh(network_);
  engine_->flush();

  const nlohmann::json seen_by_anna = atlas_for(a1_);
  EXPECT_FALSE(has_edge(seen_by_anna, b2_, b3_));
  EXPECT_EQ(ended_between(seen_by_anna, b2_, b3_), kNow);
  // Pim keeps his ties to himself, ended ones too.
  EXPECT_EQ(ended_between(seen_by_anna, pim_, a2_), 0);
  EXPECT_EQ(ended_between(atlas_for(coordinator_), pim_, a2_), 0);
  EXPECT_EQ(ended_between(atlas_for(pim_), pim_, a2_), kNow);
  // Ended ties count for nothing today.
  EXPECT_EQ(service_->history(network_).back().figures.ties, 6);
}

TEST_P(AtlasEngineServiceTest, TiesConfirmedOrEndedAfterStartAndAPrivacyChangeReachTheServedMap) {
  std::int64_t now = kNow;
  atlas::TiesService ties(*db_, atlas::TiesOptions{.clock = [&now] { return now; }, .changed = {}});
  const auto confirm_now = [&](std::int64_t from, std::int64_t to) {
    now += 10;
    auto declared = ties.declare(from, atlas::DeclareInput{to, "knows", "", "", std::nullopt});
    ASSERT_TRUE(declared.ok()) << declared.error->message_key;
    ASSERT_TRUE(ties.confirm(to, declared.value->id).ok());
  };
  const auto refreshed = [&] {
    service_->refresh(network_);
    engine_->flush();
  };
  // Ties only: the refresh applies the changed ties to the input it read before.
  confirm_now(nina_, b2_);
  refreshed();
  EXPECT_TRUE(has_edge(atlas_for(a1_), nina_, b2_));
  // Nina hides herself: a privacy change rereads everything, and she is gone with her tie.
  now += 10;
  ties.save_settings(nina_, atlas::PrivacySettings{atlas::TieVisibility::Network, true});
  refreshed();
  EXPECT_FALSE(node_ids(atlas_for(a1_)).contains(nina_));
  EXPECT_EQ(engine_->current(network_)->input->nodes.size(), 8u);
  // A tie between others while she is hidden; then she comes back with her tie.
  confirm_now(b3_, a2_);
  refreshed();
  EXPECT_TRUE(has_edge(atlas_for(a1_), a2_, b3_));
  now += 10;
  ties.save_settings(nina_, atlas::PrivacySettings{atlas::TieVisibility::Network, false});
  refreshed();
  EXPECT_TRUE(has_edge(atlas_for(a1_), nina_, b2_));
  // An ended tie leaves today's map.
  const std::int64_t tie_id = db_->read([&](db::Session& session) {
    return session.query_one("SELECT id FROM atlas_ties WHERE key_a = ? AND key_b = ? AND state = 'confirmed'",
                             {std::min(a2_, b3_), std::max(a2_, b3_)})->int64(0);
  });
  now += 10;
  ASSERT_TRUE(ties.end(a2_, tie_id).ok());
  refreshed();
  EXPECT_FALSE(has_edge(atlas_for(a1_), a2_, b3_));
  // The input served equals the one read afresh.
  const auto served = engine_->current(network_);
  ASSERT_NE(served, nullptr);
  const atlas::GraphInput fresh = db_->read([&](db::Session& session) { return atlas::load_graph_input(session, network_); });
  EXPECT_EQ(served->input->edges, fresh.edges);
  EXPECT_EQ(served->input->nodes, fresh.nodes);
  EXPECT_EQ(served->input->ended.size(), fresh.ended.size());
}

TEST_P(AtlasEngineServiceTest, VisitorsAndOutsidersGetNoAtlas) {
  atlas::Refusal refusal{};
  EXPECT_FALSE(service_->atlas_json_for(std::nullopt, network_, &refusal));
  EXPECT_EQ(refusal, atlas::Refusal::SignInRequired);
  EXPECT_FALSE(service_->atlas_json_for(as(olaf_), network_, &refusal));
  EXPECT_EQ(refusal, atlas::Refusal::NotAMember);
  EXPECT_EQ(service_->paths(std::nullopt, network_, a1_, b3_, 1).refusal, atlas::Refusal::SignInRequired);
  EXPECT_EQ(service_->suggestions(as(olaf_), network_, 5).refusal, atlas::Refusal::NotAMember);
}

// A path is looked up over the served snapshot with only its members read now: a member who hid
// themselves, keeps their ties to themselves or left the network since the snapshot was made never
// shows in a chain, even before the atlas is refreshed.
TEST_P(AtlasEngineServiceTest, AChainNeverShowsAMemberWhoHidOrLeftSinceTheSnapshot) {
  const auto chain_of = [&](std::int64_t viewer, std::int64_t from, std::int64_t to) {
    const atlas::PathAnswer answer = service_->paths(as(viewer), network_, from, to, 1);
    return answer.chains.empty() ? std::vector<std::int64_t>{} : chain_ids(answer.chains[0]);
  };
  ASSERT_EQ(chain_of(a2_, a1_, b3_), (std::vector<std::int64_t>{a1_, a3_, b1_, b3_}));
  ASSERT_EQ(chain_of(b2_, a1_, a3_), (std::vector<std::int64_t>{a1_, a3_}));

  // Bram (the only bridge) keeps his ties to himself: to others there is no chain any more.
  ties_->save_settings(b1_, atlas::PrivacySettings{atlas::TieVisibility::Self, false});
  EXPECT_TRUE(chain_of(a2_, a1_, b3_).empty());
  EXPECT_EQ(chain_of(b1_, a3_, b3_), (std::vector<std::int64_t>{a3_, b1_, b3_}));  // his own ties he sees
  ties_->save_settings(b1_, atlas::PrivacySettings{atlas::TieVisibility::Network, false});
  ASSERT_EQ(chain_of(a2_, a1_, b3_), (std::vector<std::int64_t>{a1_, a3_, b1_, b3_}));

  // Bram hides himself from the atlas: no chain through him, and he is unknown as an end.
  ties_->save_settings(b1_, atlas::PrivacySettings{atlas::TieVisibility::Network, true});
  EXPECT_TRUE(chain_of(a2_, a1_, b3_).empty());
  EXPECT_TRUE(service_->paths(as(a2_), network_, a1_, b1_, 1).unknown_member);
  ties_->save_settings(b1_, atlas::PrivacySettings{atlas::TieVisibility::Network, false});

  // Ayla leaves the network: the chain through her goes, and so does she as an end.
  db_->write([&](db::Session& session) {
    session.execute("UPDATE memberships SET status = 'rejected' WHERE account_id = ? AND network_id = ?", {a3_, network_});
  });
  EXPECT_TRUE(chain_of(a2_, a1_, b3_).empty());
  EXPECT_TRUE(service_->paths(as(a2_), network_, a1_, a3_, 1).unknown_member);
  EXPECT_EQ(chain_of(a2_, b1_, b3_), (std::vector<std::int64_t>{b1_, b3_}));  // the rest still answers
}

TEST_P(AtlasEngineServiceTest, TheShortestChainsFollowConfirmedTiesShortestFirst) {
  const atlas::PathAnswer one = service_->paths(as(a1_), network_, a1_, b3_, 1);
  ASSERT_EQ(one.chains.size(), 1u);
  EXPECT_EQ(chain_ids(one.chains[0]), (std::vector<std::int64_t>{a1_, a3_, b1_, b3_}));
  EXPECT_EQ(one.chains[0][0].kinds_to_next, std::vector<atlas::TieKind>{atlas::TieKind::Knows});
  const atlas::PathAnswer three = service_->paths(as(a1_), network_, a1_, b3_, 3);
  ASSERT_EQ(three.chains.size(), 3u);
  EXPECT_EQ(chain_ids(three.chains[0]), chain_ids(one.chains[0]));
  std::set<std::vector<std::int64_t>> distinct;
  for (std::size_t i = 0; i < three.chains.size(); ++i) {
    distinct.insert(chain_ids(three.chains[i]));
    if (i > 0) {
      EXPECT_GE(three.chains[i].size(), three.chains[i - 1].size());
    }
    const auto ids = chain_ids(three.chains[i]);
    EXPECT_EQ(std::set<std::int64_t>(ids.begin(), ids.end()).size(), ids.size());  // no member twice
  }
  EXPECT_EQ(distinct.size(), 3u);
  // Between a2 and b1 there are exactly two chains (a2-a3-b1, a2-a1-a3-b1): asking for 5 gives both.
  EXPECT_EQ(service_->paths(as(a1_), network_, a2_, b1_, 5).chains.size(), 2u);
}

TEST_P(AtlasEngineServiceTest, MembersWithoutAChainGetAnEmptyAnswerAndUnknownOnesAreRefused) {
  const atlas::PathAnswer lonely = service_->paths(as(a1_), network_, a1_, nina_, 3);
  EXPECT_FALSE(lonely.refusal);
  EXPECT_FALSE(lonely.unknown_member);
  EXPECT_TRUE(lonely.chains.empty());
  EXPECT_TRUE(service_->paths(as(a1_), network_, a1_, hein_, 3).unknown_member);
  EXPECT_TRUE(service_->paths(as(a1_), network_, a1_, 987654, 3).unknown_member);
  EXPECT_TRUE(service_->paths(as(a1_), network_, olaf_, a1_, 3).unknown_member);
  // Pim's only tie is his own: others find no chain to him, the other end of it does.
  EXPECT_TRUE(service_->paths(as(b1_), network_, b1_, pim_, 3).chains.empty());
  EXPECT_EQ(service_->paths(as(a2_), network_, a2_, pim_, 3).chains.size(), 1u);
}

TEST_P(AtlasEngineServiceTest, SuggestionsAreTwoStepsAwayWithDisciplinesTheViewerLacks) {
  const atlas::SuggestionAnswer answer = service_->suggestions(as(a1_), network_, 10);
  ASSERT_EQ(answer.suggestions.size(), 1u);  // only Bram has disciplines other than ict
  EXPECT_EQ(answer.suggestions[0].account_id, b1_);
  EXPECT_EQ(answer.suggestions[0].new_disciplines, (std::vector<std::string>{"financial", "legal"}));
  EXPECT_EQ(answer.suggestions[0].via, std::vector<std::int64_t>{a3_});
  for (const auto& suggestion : answer.suggestions) EXPECT_NE(suggestion.account_id, hein_);
}

TEST_P(AtlasEngineServiceTest, ExportsAreForCoordinatorsAndParseBackWithoutHiddenMembers) {
  EXPECT_EQ(service_->export_for(as(a1_), network_, atlas::ExportFormat::Gexf).refusal, atlas::Refusal::NotCoordinator);
  EXPECT_EQ(service_->export_for(std::nullopt, network_, atlas::ExportFormat::Gexf).refusal,
            atlas::Refusal::SignInRequired);
  const atlas::ExportAnswer gexf = service_->export_for(as(coordinator_), network_, atlas::ExportFormat::Gexf);
  ASSERT_FALSE(gexf.refusal);
  EXPECT_TRUE(gexf.file_name.starts_with("atlas-west-"));
  const auto parsed = testing_support::parse_xml(gexf.body);
  ASSERT_TRUE(parsed.root) << parsed.error;
  EXPECT_EQ(parsed.root->name, "http://gexf.net/1.3|gexf");
  EXPECT_EQ(parsed.root->attribute("version"), "1.3");
  const auto* graph = parsed.root->first("graph");
  ASSERT_NE(graph, nullptr);
  const auto nodes = graph->first("nodes")->all("node");
  EXPECT_EQ(nodes.size(), 9u);
  for (const auto* node : nodes) {
    EXPECT_NE(node->attribute("id"), std::to_string(hein_));
    const auto* position = node->first("position");
    ASSERT_NE(position, nullptr);
    EXPECT_LE(std::abs(std::stod(position->attribute("x"))), 1000.0);
    EXPECT_EQ(node->first("attvalues")->all("attvalue").size(), 11u);
  }
  const auto edges = graph->first("edges")->all("edge");
  EXPECT_EQ(edges.size(), 7u);  // Pim's own tie is not the coordinator's to see
  for (const auto* edge : edges) EXPECT_EQ(edge->attribute("kind"), "knows");

  const atlas::ExportAnswer graphml = service_->export_for(as(coordinator_), network_, atlas::ExportFormat::Graphml);
  const auto graphml_parsed = testing_support::parse_xml(graphml.body);
  ASSERT_TRUE(graphml_parsed.root) << graphml_parsed.error;
  const auto* g = graphml_parsed.root->first("graph");
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(g->all("node").size(), 9u);
  EXPECT_EQ(g->all("edge").size(), 7u);
  EXPECT_EQ(graphml.body.find("Hein"), std::string::npos);

  const atlas::ExportAnswer json = service_->export_for(as(coordinator_), network_, atlas::ExportFormat::Json);
  const auto document = nlohmann::json::parse(json.body);
  EXPECT_EQ(document["nodes"].size(), 9u);
  EXPECT_EQ(document["network"]["slug"], "west");
}

TEST_P(AtlasEngineServiceTest, TheNetworkScopeExportHoldsOnlyTiesShownToTheWholeNetwork) {
  const auto body = service_->export_network_scope(network_, atlas::ExportFormat::Json);
  ASSERT_TRUE(body);
  const auto document = nlohmann::json::parse(*body);
  EXPECT_EQ(node_ids(document).size(), 9u);
  EXPECT_FALSE(node_ids(document).contains(hein_));
  EXPECT_FALSE(has_edge(document, pim_, a2_));
  EXPECT_EQ(document["edges"].size(), 7u);
}

TEST_P(AtlasEngineServiceTest, ACoordinatorsClusterNameStaysWithItsClusterAcrossRecomputes) {
  const auto before = engine_->current(network_);
  const std::int64_t cluster = before->metrics_of(b2_)->cluster;
  EXPECT_TRUE(service_->name_cluster(network_, cluster, "Zeeuwse cijferaars", coordinator_));
  EXPECT_FALSE(service_->name_cluster(network_, 987654, "Niets", coordinator_));
  confirm(nina_, b2_);  // Nina joins the b-triangle's side
  service_->refresh(network_);
  engine_->flush();
  const nlohmann::json atlas = atlas_for(a1_);
  EXPECT_TRUE(has_edge(atlas, nina_, b2_));
  std::int64_t nina_cluster = -1;
  for (const auto& node : atlas["nodes"]) {
    if (node["id"] == nina_) nina_cluster = node["cluster"].get<std::int64_t>();
  }
  EXPECT_EQ(nina_cluster, cluster);
  bool named = false;
  for (const auto& c : atlas["clusters"]) {
    if (c["id"] == cluster) named = c["name"] == "Zeeuwse cijferaars";
  }
  EXPECT_TRUE(named);
  EXPECT_EQ(service_->history(network_).size(), 2u);
}

TEST_P(AtlasEngineServiceTest, ARestartServesTheStoredSnapshotWithoutRecomputing) {
  const std::int64_t stored_id = engine_->current(network_)->id;
  const auto positions = engine_->current(network_)->metrics;
  start_service();
  const auto served = engine_->current(network_);
  ASSERT_NE(served, nullptr);
  EXPECT_EQ(served->id, stored_id);
  EXPECT_FALSE(served->patched);
  EXPECT_EQ(service_->history(network_).size(), 1u);
  const auto* a1 = served->metrics_of(a1_);
  ASSERT_NE(a1, nullptr);
  EXPECT_FALSE(a1->provisional);
  // Only the newest stored run keeps its per-member body.
  db_->read([&](db::Session& session) { EXPECT_TRUE(atlas::snapshot_store::latest(session, network_).has_value()); });
}

INSTANTIATE_TEST_SUITE_P(Backends, AtlasEngineServiceTest, ::testing::ValuesIn(testing_support::test_backends()),
                         [](const auto& info) { return std::string(db::to_string(info.param)); });

}  // namespace
