// Declared ties on both databases: declaring, confirming (only the other side), declining,
// withdrawing, ending, every refused input (nothing written), duplicates by kind and direction,
// the audit log, personal data, and the graph input: confirmed ties, ties derived from knowledge
// groups and attended events, and members hidden from the atlas left out with all their ties.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <tuple>

#include "atlas/graph_source.h"
#include "atlas/privacy.h"
#include "atlas/snapshot_store.h"
#include "atlas/ties_store.h"
#include "atlas/ties_service.h"
#include "audit/audit.h"
#include "db/migrations.h"
#include "support/atlas_fixture.h"
#include "support/test_databases.h"

namespace {

using atlas::Failure;
using atlas::TieKind;
using atlas::TieState;

// Monday 2 June 2025, 12:00 UTC.
constexpr std::int64_t kNow = 1748865600;
constexpr std::int64_t kDay = 86400;

class AtlasTiesTest : public ::testing::TestWithParam<db::Backend> {
 protected:
  void SetUp() override {
    database_ = std::make_unique<testing_support::TestDatabase>(GetParam());
    db_ = database_->open();
    db::migrate(*db_);
    world_ = std::make_unique<testing_support::AtlasWorld>(*db_);
    network_ = world_->add_network("west", "KKP West");
    other_network_ = world_->add_network("oost", "KKP Oost");
    anna_ = world_->add_member("Anna de Wit", {network_});
    bram_ = world_->add_member("Bram Jansen", {network_});
    cor_ = world_->add_member("Cor Peeters", {network_});
    olga_ = world_->add_member("Olga van Oost", {other_network_});
    ties_ = std::make_unique<atlas::TiesService>(*db_, atlas::TiesOptions{.clock = [] { return kNow; }, .changed = {}});
  }

  atlas::Tie declared(std::int64_t from, std::int64_t to, std::string kind = "knows", std::string date = "") {
    auto result = ties_->declare(from, atlas::DeclareInput{to, std::move(kind), std::move(date), "", std::nullopt});
    EXPECT_TRUE(result.ok()) << (result.error ? result.error->message_key : "");
    return result.value.value_or(atlas::Tie{});
  }

  atlas::Tie confirmed(std::int64_t from, std::int64_t to, std::string kind = "knows", std::string date = "") {
    const atlas::Tie tie = declared(from, to, std::move(kind), std::move(date));
    auto result = ties_->confirm(to, tie.id);
    EXPECT_TRUE(result.ok()) << (result.error ? result.error->message_key : "");
    return result.value.value_or(atlas::Tie{});
  }

  std::string refusal(std::int64_t from, atlas::DeclareInput input) {
    auto result = ties_->declare(from, input);
    EXPECT_FALSE(result.ok());
    if (!result.error) return "";
    EXPECT_EQ(result.error->failure, Failure::Invalid);
    return result.error->message_key;
  }

  std::int64_t tie_count() {
    return db_->read([](db::Session& s) { return s.query_one("SELECT COUNT(*) FROM atlas_ties")->int64(0); });
  }

  atlas::GraphInput graph(std::int64_t network) {
    return db_->read([&](db::Session& s) { return atlas::load_graph_input(s, network); });
  }

  static std::vector<std::int64_t> node_ids(const atlas::GraphInput& input) {
    std::vector<std::int64_t> ids;
    for (const auto& node : input.nodes) ids.push_back(node.account_id);
    return ids;
  }

  using EdgeKey = std::tuple<std::int64_t, std::int64_t, TieKind>;
  static std::vector<EdgeKey> edge_keys(const atlas::GraphInput& input) {
    std::vector<EdgeKey> keys;
    for (const auto& edge : input.edges) keys.emplace_back(edge.a, edge.b, edge.kind);
    return keys;
  }

  std::unique_ptr<testing_support::TestDatabase> database_;
  std::unique_ptr<db::Database> db_;
  std::unique_ptr<testing_support::AtlasWorld> world_;
  std::unique_ptr<atlas::TiesService> ties_;
  std::int64_t network_ = 0, other_network_ = 0, anna_ = 0, bram_ = 0, cor_ = 0, olga_ = 0;
};

TEST_P(AtlasTiesTest, ADeclaredTieAppearsInTheAtlasOnlyOnceTheOtherSideConfirms) {
  const atlas::Tie tie = declared(anna_, bram_, "worked_together", "2023-04-05");
  EXPECT_EQ(tie.state, TieState::Pending);
  EXPECT_EQ(tie.network_id, network_);
  EXPECT_TRUE(graph(network_).edges.empty());
  EXPECT_EQ(ties_->my_ties(bram_).incoming.size(), 1u);
  EXPECT_EQ(ties_->my_ties(anna_).outgoing.size(), 1u);

  auto result = ties_->confirm(bram_, tie.id);
  ASSERT_TRUE(result.ok());
  const atlas::GraphInput input = graph(network_);
  ASSERT_EQ(input.edges.size(), 1u);
  const atlas::Edge& edge = input.edges[0];
  EXPECT_EQ(edge.a, std::min(anna_, bram_));
  EXPECT_EQ(edge.b, std::max(anna_, bram_));
  EXPECT_EQ(edge.kind, TieKind::WorkedTogether);
  EXPECT_EQ(edge.weight, 1);
  EXPECT_EQ(edge.since, atlas::parse_date("2023-04-05").value());
  EXPECT_EQ(edge.tie_id, tie.id);
  EXPECT_EQ(edge.from(), 0);
  EXPECT_EQ(ties_->my_ties(anna_).confirmed.size(), 1u);
  EXPECT_EQ(ties_->my_ties(bram_).confirmed.size(), 1u);
}

TEST_P(AtlasTiesTest, ATieWithoutADateDatesFromItsConfirmationAndDirectedKindsKeepTheirDeclarer) {
  const atlas::Tie tie = confirmed(bram_, anna_, "referred");
  const atlas::GraphInput input = graph(network_);
  ASSERT_EQ(input.edges.size(), 1u);
  EXPECT_EQ(input.edges[0].since, kNow);
  EXPECT_EQ(input.edges[0].from(), bram_);
  EXPECT_EQ(tie.decided_at, kNow);
}

TEST_P(AtlasTiesTest, OnlyTheOtherSideMayConfirmOrDecline) {
  const atlas::Tie tie = declared(anna_, bram_);
  auto by_declarer = ties_->confirm(anna_, tie.id);
  ASSERT_FALSE(by_declarer.ok());
  EXPECT_EQ(by_declarer.error->failure, Failure::Forbidden);
  EXPECT_EQ(by_declarer.error->message_key, "atlas.ties.errors.only_other_side");
  EXPECT_EQ(ties_->decline(anna_, tie.id).error->failure, Failure::Forbidden);
  // A third member does not learn that the tie exists.
  EXPECT_EQ(ties_->confirm(cor_, tie.id).error->failure, Failure::NotFound);
  EXPECT_EQ(ties_->confirm(bram_, 999999).error->failure, Failure::NotFound);
  EXPECT_TRUE(graph(network_).edges.empty());
  EXPECT_EQ(ties_->find_own(bram_, tie.id)->state, TieState::Pending);
}

TEST_P(AtlasTiesTest, TheDeclarerWithdrawsAPendingTieAndTheOtherSideCannot) {
  const atlas::Tie tie = declared(anna_, bram_);
  EXPECT_EQ(ties_->withdraw(bram_, tie.id).error->failure, Failure::Forbidden);
  ASSERT_TRUE(ties_->withdraw(anna_, tie.id).ok());
  EXPECT_EQ(ties_->find_own(anna_, tie.id)->state, TieState::Withdrawn);
  auto late = ties_->confirm(bram_, tie.id);
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error->failure, Failure::Conflict);
  EXPECT_TRUE(ties_->my_ties(bram_).incoming.empty());
  EXPECT_TRUE(graph(network_).edges.empty());
}

TEST_P(AtlasTiesTest, ADeclinedTieNeverAppearsAndMayBeDeclaredAgain) {
  const atlas::Tie tie = declared(anna_, bram_);
  ASSERT_TRUE(ties_->decline(bram_, tie.id).ok());
  EXPECT_EQ(ties_->confirm(bram_, tie.id).error->failure, Failure::Conflict);
  EXPECT_TRUE(graph(network_).edges.empty());
  EXPECT_TRUE(ties_->my_ties(anna_).outgoing.empty());
  EXPECT_NE(declared(anna_, bram_).id, tie.id);
}

TEST_P(AtlasTiesTest, EitherSideEndsAConfirmedTieAndItLeavesTheAtlas) {
  const atlas::Tie first = confirmed(anna_, bram_);
  const atlas::Tie second = confirmed(anna_, cor_, "backup");
  EXPECT_EQ(graph(network_).edges.size(), 2u);
  ASSERT_TRUE(ties_->end(bram_, first.id).ok());  // the side that confirmed
  ASSERT_TRUE(ties_->end(anna_, second.id).ok());  // the declarer
  EXPECT_TRUE(graph(network_).edges.empty());
  EXPECT_EQ(ties_->end(anna_, first.id).error->failure, Failure::Conflict);
  const atlas::Tie pending = declared(bram_, cor_);
  EXPECT_EQ(ties_->end(bram_, pending.id).error->message_key, "atlas.ties.errors.not_confirmed");
  const auto ended = ties_->find_own(bram_, first.id);
  EXPECT_EQ(ended->state, TieState::Ended);
  EXPECT_EQ(ended->ended_by, bram_);
  EXPECT_EQ(ended->ended_at, kNow);
  // Gone from today's network, kept apart with its end for the map's time slider.
  const atlas::GraphInput input = graph(network_);
  std::set<std::int64_t> ended_ids;
  for (const atlas::EndedEdge& tie : input.ended) {
    ended_ids.insert(tie.edge.tie_id);
    EXPECT_EQ(tie.until, kNow);
  }
  EXPECT_EQ(ended_ids, (std::set<std::int64_t>{first.id, second.id}));
  // A member hidden from the atlas takes their ended ties along.
  ties_->save_settings(cor_, atlas::PrivacySettings{atlas::TieVisibility::Network, true});
  ASSERT_EQ(graph(network_).ended.size(), 1u);
  EXPECT_EQ(graph(network_).ended[0].edge.tie_id, first.id);
}

TEST_P(AtlasTiesTest, TheAtlasIsToldOfEveryCommittedChangeItShowsAndOfNothingRefused) {
  int told = 0;
  atlas::TiesService ties(*db_, atlas::TiesOptions{.clock = [] { return kNow; }, .changed = [&told] { ++told; }});
  const auto pending = ties.declare(anna_, atlas::DeclareInput{bram_, "knows", "", "", std::nullopt});
  ASSERT_TRUE(pending.ok());
  EXPECT_EQ(told, 0);  // a pending tie is not on the map
  EXPECT_FALSE(ties.confirm(anna_, pending.value->id).ok());  // only the other side confirms
  EXPECT_EQ(told, 0);
  ASSERT_TRUE(ties.confirm(bram_, pending.value->id).ok());
  EXPECT_EQ(told, 1);
  ASSERT_TRUE(ties.end(anna_, pending.value->id).ok());
  EXPECT_EQ(told, 2);
  EXPECT_FALSE(ties.end(anna_, pending.value->id).ok());
  EXPECT_EQ(told, 2);
  ties.save_settings(cor_, atlas::PrivacySettings{atlas::TieVisibility::Self, false});
  EXPECT_EQ(told, 3);
}

TEST_P(AtlasTiesTest, DuplicatesAreRefusedPerKindAndDirection) {
  const atlas::Tie knows = declared(anna_, bram_, "knows");
  EXPECT_EQ(refusal(anna_, {bram_, "knows", "", "", std::nullopt}), "atlas.ties.errors.duplicate_pending");
  // Knows is symmetric: Bram's own request would be the same tie; he is told to confirm Anna's.
  EXPECT_EQ(refusal(bram_, {anna_, "knows", "", "", std::nullopt}), "atlas.ties.errors.duplicate_incoming");
  ASSERT_TRUE(ties_->confirm(bram_, knows.id).ok());
  EXPECT_EQ(refusal(bram_, {anna_, "knows", "", "", std::nullopt}), "atlas.ties.errors.duplicate_confirmed");
  // Another kind between the same two is another tie.
  declared(bram_, anna_, "worked_together");
  EXPECT_EQ(refusal(anna_, {bram_, "worked_together", "", "", std::nullopt}),
            "atlas.ties.errors.duplicate_incoming");
  // Referred is directed: Anna referring to Bram and Bram referring to Anna are two ties.
  declared(anna_, bram_, "referred");
  declared(bram_, anna_, "referred");
  EXPECT_EQ(refusal(anna_, {bram_, "referred", "", "", std::nullopt}), "atlas.ties.errors.duplicate_pending");
  declared(anna_, bram_, "backup");
  declared(bram_, anna_, "backup");
  // An ended tie no longer blocks a new one.
  ASSERT_TRUE(ties_->end(anna_, knows.id).ok());
  declared(bram_, anna_, "knows");
  EXPECT_EQ(tie_count(), 7);
}

TEST_P(AtlasTiesTest, EveryBadDeclarationIsRefusedWithItsOwnMessageAndNothingIsWritten) {
  const std::int64_t hidden = world_->add_member("Hans Verborgen", {network_});
  ties_->save_settings(hidden, atlas::PrivacySettings{atlas::TieVisibility::Network, true});
  const std::int64_t private_profile = world_->add_member("Pien Privé", {network_});
  world_->set_profile(private_profile, "", "", "", 2);
  const std::int64_t disabled = world_->add_member("Dirk Uit", {network_});
  world_->set_account_status(disabled, "disabled");
  const std::int64_t both = world_->add_member("Bea Beide", {network_, other_network_});
  const std::int64_t also_both = world_->add_member("Bob Beide", {network_, other_network_});

  EXPECT_EQ(refusal(anna_, {anna_, "knows", "", "", std::nullopt}), "atlas.ties.errors.self");
  EXPECT_EQ(refusal(anna_, {987654, "knows", "", "", std::nullopt}), "atlas.ties.errors.unknown_member");
  EXPECT_EQ(refusal(anna_, {disabled, "knows", "", "", std::nullopt}), "atlas.ties.errors.unknown_member");
  EXPECT_EQ(refusal(anna_, {private_profile, "knows", "", "", std::nullopt}), "atlas.ties.errors.unknown_member");
  EXPECT_EQ(refusal(anna_, {hidden, "knows", "", "", std::nullopt}), "atlas.ties.errors.hidden_member");
  EXPECT_EQ(refusal(hidden, {anna_, "knows", "", "", std::nullopt}), "atlas.ties.errors.you_are_hidden");
  EXPECT_EQ(refusal(anna_, {olga_, "knows", "", "", std::nullopt}), "atlas.ties.errors.outside_network");
  EXPECT_EQ(refusal(anna_, {olga_, "knows", "", "", other_network_}), "atlas.ties.errors.not_your_network");
  EXPECT_EQ(refusal(anna_, {bram_, "knows", "", "", other_network_}), "atlas.ties.errors.not_your_network");
  EXPECT_EQ(refusal(both, {olga_, "knows", "", "", network_}), "atlas.ties.errors.outside_network");
  EXPECT_EQ(refusal(both, {also_both, "knows", "", "", std::nullopt}), "atlas.ties.errors.choose_network");
  EXPECT_EQ(refusal(anna_, {bram_, "friends", "", "", std::nullopt}), "atlas.ties.errors.kind");
  EXPECT_EQ(refusal(anna_, {bram_, "shared_group", "", "", std::nullopt}), "atlas.ties.errors.kind");
  EXPECT_EQ(refusal(anna_, {bram_, "", "", "", std::nullopt}), "atlas.ties.errors.kind");
  EXPECT_EQ(refusal(anna_, {bram_, "knows", "2025-06-03", "", std::nullopt}), "atlas.ties.errors.date_future");
  EXPECT_EQ(refusal(anna_, {bram_, "knows", "2025-02-30", "", std::nullopt}), "atlas.ties.errors.date_invalid");
  EXPECT_EQ(refusal(anna_, {bram_, "knows", "3 juni", "", std::nullopt}), "atlas.ties.errors.date_invalid");
  EXPECT_EQ(refusal(anna_, {bram_, "knows", "", std::string(501, 'x'), std::nullopt}),
            "atlas.ties.errors.note_too_long");
  EXPECT_EQ(refusal(anna_, {bram_, "knows", "", std::string("a\x01"), std::nullopt}),
            "atlas.ties.errors.note_invalid");
  EXPECT_EQ(tie_count(), 0);

  // Today is not the future; 500 characters (not bytes) fit; the chosen network settles two shared ones.
  std::string note;
  for (int i = 0; i < 500; ++i) note += "é";
  EXPECT_TRUE(ties_->declare(anna_, {bram_, "knows", "2025-06-02", note, std::nullopt}).ok());
  const auto chosen = ties_->declare(both, {also_both, "knows", "", "", other_network_});
  ASSERT_TRUE(chosen.ok());
  EXPECT_EQ(chosen.value->network_id, other_network_);
}

TEST_P(AtlasTiesTest, EveryStepIsAuditedAndTheOtherMemberIsNotified) {
  const atlas::Tie tie = confirmed(anna_, bram_);
  ASSERT_TRUE(ties_->end(anna_, tie.id).ok());
  ties_->save_settings(anna_, atlas::PrivacySettings{atlas::TieVisibility::Self, false});
  db_->read([&](db::Session& session) {
    const auto declares = audit::entries_with_action(session, "atlas_tie.declare");
    ASSERT_EQ(declares.size(), 1u);
    EXPECT_EQ(declares[0].actor_account_id, anna_);
    EXPECT_EQ(declares[0].subject_id, tie.id);
    EXPECT_EQ(audit::entries_with_action(session, "atlas_tie.confirm").at(0).actor_account_id, bram_);
    EXPECT_EQ(audit::entries_with_action(session, "atlas_tie.end").size(), 1u);
    EXPECT_EQ(audit::entries_with_action(session, "atlas_privacy.update").at(0).details["ties_visibility"], "self");
    // Bram was told of the request, Anna of the confirmation.
    EXPECT_EQ(session
                  .query_one("SELECT COUNT(*) FROM activities WHERE kind = 'tie.requested' AND subject_id = ?",
                             {tie.id})
                  ->int64(0),
              1);
    EXPECT_EQ(session
                  .query_one("SELECT COUNT(*) FROM activities WHERE kind = 'tie.confirmed' AND subject_id = ?",
                             {tie.id})
                  ->int64(0),
              1);
  });
}

TEST_P(AtlasTiesTest, SharedKnowledgeGroupsBecomeOneWeightedTieDatedWhenBothWereFirstInOneGroup) {
  const std::int64_t tax = world_->add_group(network_, "fiscaal");
  const std::int64_t ict = world_->add_group(network_, "ict", "public");
  const std::int64_t closed = world_->add_group(network_, "besloten", "group");
  world_->join_group(tax, anna_, 1000);
  world_->join_group(tax, bram_, 5000);  // both in tax since 5000
  world_->join_group(ict, anna_, 3000);
  world_->join_group(ict, bram_, 2000);  // both in ict since 3000: the earliest
  world_->join_group(ict, cor_, 9000, "requested");  // not a member yet
  world_->join_group(closed, anna_, 100);
  world_->join_group(closed, cor_, 100);  // a closed group's members are nobody else's business
  const atlas::GraphInput input = graph(network_);
  ASSERT_EQ(input.edges.size(), 1u);
  EXPECT_EQ(input.edges[0].kind, TieKind::SharedGroup);
  EXPECT_EQ(input.edges[0].a, std::min(anna_, bram_));
  EXPECT_EQ(input.edges[0].weight, 2);
  EXPECT_EQ(input.edges[0].since, 3000);
  EXPECT_EQ(input.edges[0].tie_id, 0);
  const auto anna_node = std::find_if(input.nodes.begin(), input.nodes.end(),
                                      [&](const atlas::Node& node) { return node.account_id == anna_; });
  EXPECT_EQ(anna_node->group_ids, (std::vector<std::int64_t>{tax, ict}));
}

TEST_P(AtlasTiesTest, AGroupLargerThanACircleTiesNobodyToEverybody) {
  const std::int64_t crowd = world_->add_group(network_, "iedereen");
  const std::int64_t circle = world_->add_group(network_, "kring");
  world_->join_group(crowd, anna_, 1000);
  world_->join_group(crowd, bram_, 1000);
  for (std::size_t extra = 0; extra + 2 < atlas::kLargestCircle + 1; ++extra) {
    world_->join_group(crowd, world_->add_member("Lid " + std::to_string(extra), {network_}), 1000);
  }
  EXPECT_TRUE(graph(network_).edges.empty()) << "a crowd of " << atlas::kLargestCircle + 1 << " made ties";
  world_->join_group(circle, anna_, 2000);
  world_->join_group(circle, bram_, 2000);
  const atlas::GraphInput input = graph(network_);
  ASSERT_EQ(input.edges.size(), 1u);
  EXPECT_EQ(input.edges[0].kind, TieKind::SharedGroup);
  EXPECT_EQ(input.edges[0].weight, 1);  // the crowd does not count
}

TEST_P(AtlasTiesTest, AttendingTheSameEventsBecomesOneWeightedTieDatedFromTheFirst) {
  const std::int64_t first = world_->add_occurrence(network_, kNow - 300 * kDay);
  const std::int64_t second = world_->add_occurrence(network_, kNow - 100 * kDay);
  const std::int64_t third = world_->add_occurrence(network_, kNow - 50 * kDay);
  const std::int64_t elsewhere = world_->add_occurrence(other_network_, kNow - 10 * kDay);
  for (std::int64_t occurrence : {first, second, third}) {
    world_->attend(occurrence, anna_);
    world_->attend(occurrence, bram_);
  }
  world_->attend(first, cor_, false);  // answered but did not come
  world_->attend(elsewhere, anna_);
  world_->attend(elsewhere, cor_);
  confirmed(anna_, bram_);
  const atlas::GraphInput input = graph(network_);
  EXPECT_EQ(edge_keys(input), (std::vector<EdgeKey>{{std::min(anna_, bram_), std::max(anna_, bram_), TieKind::Knows},
                                                    {std::min(anna_, bram_), std::max(anna_, bram_),
                                                     TieKind::MetAtEvents}}));
  EXPECT_EQ(input.edges[1].weight, 3);
  EXPECT_EQ(input.edges[1].since, kNow - 300 * kDay);
}

TEST_P(AtlasTiesTest, AMemberHiddenFromTheAtlasIsAbsentWithEveryTieTheyHave) {
  const std::int64_t group = world_->add_group(network_, "fiscaal");
  for (std::int64_t member : {anna_, bram_, cor_}) world_->join_group(group, member, 1000);
  const std::int64_t occurrence = world_->add_occurrence(network_, kNow - kDay);
  for (std::int64_t member : {anna_, bram_, cor_}) world_->attend(occurrence, member);
  confirmed(anna_, bram_);
  confirmed(cor_, bram_, "backup");
  EXPECT_EQ(graph(network_).edges.size(), 8u);  // 2 declared + 3 group pairs + 3 event pairs

  ties_->save_settings(bram_, atlas::PrivacySettings{atlas::TieVisibility::Network, true});
  const atlas::GraphInput input = graph(network_);
  EXPECT_EQ(node_ids(input), (std::vector<std::int64_t>{anna_, cor_}));
  EXPECT_EQ(edge_keys(input), (std::vector<EdgeKey>{{anna_, cor_, TieKind::SharedGroup},
                                                    {anna_, cor_, TieKind::MetAtEvents}}));
  // A whole profile hidden counts the same; visible again, everything returns.
  ties_->save_settings(bram_, atlas::PrivacySettings{atlas::TieVisibility::Network, false});
  world_->set_profile(cor_, "", "", "", 2);
  EXPECT_EQ(node_ids(graph(network_)), (std::vector<std::int64_t>{anna_, bram_}));
  EXPECT_EQ(graph(network_).edges.size(), 3u);
}

TEST_P(AtlasTiesTest, NodesCarryOnlyProfileFieldsShownToMembers) {
  world_->set_profile(anna_, "ict juridisch", "Breda", "Noord-Brabant");
  world_->set_profile(bram_, "fiscaal", "Goes", "Zeeland", 1, 2);  // town hidden
  const atlas::GraphInput input = graph(network_);
  ASSERT_EQ(input.nodes.size(), 3u);
  EXPECT_EQ(input.nodes[0].name, "Anna de Wit");
  EXPECT_EQ(input.nodes[0].profile_path(), "/leden/" + std::to_string(anna_));
  EXPECT_EQ(input.nodes[0].disciplines, (std::vector<std::string>{"ict", "juridisch"}));
  EXPECT_EQ(input.nodes[0].town, "Breda");
  EXPECT_EQ(input.nodes[0].region, "Noord-Brabant");
  EXPECT_EQ(input.nodes[0].joined_at, 1600000000);
  EXPECT_EQ(input.nodes[1].disciplines, (std::vector<std::string>{"fiscaal"}));
  EXPECT_EQ(input.nodes[1].town, "");
  EXPECT_EQ(input.nodes[1].region, "");
  EXPECT_EQ(node_ids(graph(other_network_)), (std::vector<std::int64_t>{olga_}));
}

TEST_P(AtlasTiesTest, ErasureDeletesTheMembersTiesAndSettingsAndTheExportHoldsThem) {
  const atlas::Tie tie = confirmed(anna_, bram_, "knows", "2020-01-01");
  declared(cor_, anna_, "backup");
  confirmed(bram_, cor_);
  ties_->save_settings(anna_, atlas::PrivacySettings{atlas::TieVisibility::Connections, false});
  const nlohmann::json exported = db_->read([&](db::Session& s) { return atlas::TiesService::export_member(s, anna_); });
  ASSERT_EQ(exported["ties"].size(), 2u);
  EXPECT_EQ(exported["ties"][0]["id"], tie.id);
  EXPECT_EQ(exported["ties"][0]["date"], "2020-01-01");
  EXPECT_EQ(exported["ties"][0]["state"], "confirmed");
  EXPECT_EQ(exported["ties"][0]["other_member"]["name"], "Bram Jansen");
  EXPECT_EQ(exported["ties"][1]["declared_by_me"], false);
  EXPECT_EQ(exported["settings"]["ties_visibility"], "connections");

  db_->write([&](db::Session& s) { atlas::TiesService::erase_member(s, anna_); });
  EXPECT_EQ(tie_count(), 1);  // Bram and Cor's own tie stays
  EXPECT_EQ(ties_->settings(anna_), atlas::PrivacySettings{});
  EXPECT_TRUE(ties_->my_ties(anna_).confirmed.empty());
}

TEST_P(AtlasTiesTest, TheNameSearchFindsMembersOfMyNetworksInTheAtlasButNotMe) {
  const std::int64_t hidden = world_->add_member("Anneke Verborgen", {network_});
  ties_->save_settings(hidden, atlas::PrivacySettings{atlas::TieVisibility::Network, true});
  world_->add_member("Annemie van Oost", {other_network_});
  const std::int64_t annelies = world_->add_member("Annelies 50%_korting", {network_});
  auto found = ties_->candidates(bram_, "ANN");
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].account_id, anna_);
  EXPECT_EQ(found[1].account_id, annelies);
  EXPECT_EQ(found[0].network_id, network_);
  EXPECT_TRUE(ties_->candidates(anna_, "Anna").empty());
  EXPECT_TRUE(ties_->candidates(bram_, "a").empty());  // too short
  EXPECT_EQ(ties_->candidates(bram_, "50%_").size(), 1u);
  EXPECT_TRUE(ties_->candidates(bram_, "5_%").empty());
}

TEST(AtlasDates, DatesAreReadAndWrittenAsUtcDays) {
  EXPECT_EQ(atlas::parse_date("1970-01-02"), 86400);
  EXPECT_EQ(atlas::parse_date("2024-02-29"), 1709164800);
  EXPECT_FALSE(atlas::parse_date("2023-02-29"));
  EXPECT_FALSE(atlas::parse_date("1899-12-31"));
  EXPECT_FALSE(atlas::parse_date("2024-1-05"));
  EXPECT_FALSE(atlas::parse_date("2024-01-05 "));
  EXPECT_EQ(atlas::format_date(1709164800), "2024-02-29");
  EXPECT_EQ(atlas::format_date(1709164800 + 86399), "2024-02-29");
}

// The refresh job applies the ties changed since its last marker to the input it read before
// (apply_tie_changes) instead of reading the whole network: after any mix of declarations,
// confirmations, refusals and ends, that must be exactly the input read afresh.
TEST_P(AtlasTiesTest, TheTiesChangedSinceAMarkerBringAnEarlierInputUpToDate) {
  std::int64_t now = kNow;
  atlas::TiesService ties(*db_, atlas::TiesOptions{.clock = [&now] { return now; }, .changed = {}});
  std::vector<std::int64_t> members = {anna_, bram_, cor_};
  for (int i = 0; i < 5; ++i) members.push_back(world_->add_member("Lid " + std::to_string(i), {network_}));
  const std::vector<std::string> kinds = {"knows", "worked_together", "referred", "backup"};
  std::mt19937 random(11);
  const auto pick = [&](std::size_t n) { return static_cast<std::size_t>(random() % n); };

  atlas::GraphInput earlier = graph(network_);
  auto marker = db_->read([&](db::Session& s) { return atlas::snapshot_store::ties_marker(s, network_); });
  int applied_rounds = 0;
  for (int round = 0; round < 12; ++round) {
    for (int step = 0; step < 6; ++step) {
      now += 1 + static_cast<std::int64_t>(pick(3)) * 100;
      const std::int64_t from = members[pick(members.size())];
      const std::int64_t to = members[pick(members.size())];
      if (from == to) continue;
      auto declared = ties.declare(from, atlas::DeclareInput{to, kinds[pick(kinds.size())], "", "", std::nullopt});
      if (!declared.ok()) continue;  // a live duplicate
      const atlas::Tie tie = *declared.value;
      switch (pick(5)) {
        case 0: break;  // stays pending
        case 1: EXPECT_TRUE(ties.decline(to, tie.id).ok()); break;
        case 2: EXPECT_TRUE(ties.withdraw(from, tie.id).ok()); break;
        default: EXPECT_TRUE(ties.confirm(to, tie.id).ok()); break;
      }
    }
    // Now and then a confirmed tie ends, possibly one confirmed rounds ago.
    const atlas::GraphInput current = graph(network_);
    std::vector<std::int64_t> live;
    for (const atlas::Edge& edge : current.edges) {
      if (edge.tie_id != 0) live.push_back(edge.tie_id);
    }
    if (!live.empty() && pick(2) == 0) {
      const std::int64_t tie_id = live[pick(live.size())];
      const auto tie = db_->read([&](db::Session& s) { return atlas::ties_store::find_tie(s, tie_id); });
      ASSERT_TRUE(tie.has_value());
      now += 7;
      EXPECT_TRUE(ties.end(tie->to_account, tie_id).ok());
    }

    const auto next_marker = db_->read([&](db::Session& s) { return atlas::snapshot_store::ties_marker(s, network_); });
    const std::vector<atlas::Tie> changed = db_->read([&](db::Session& s) {
      return atlas::ties_store::ties_changed_since(s, network_, marker.last_decided - atlas::snapshot_store::kTieChangeLookback,
                                                   marker.last_ended - atlas::snapshot_store::kTieChangeLookback);
    });
    const auto not_shown = std::count_if(changed.begin(), changed.end(),
                                         [&](const atlas::Tie& tie) { return !atlas::input_shows_tie(earlier, tie); });
    atlas::apply_tie_changes(earlier, changed);
    for (const atlas::Tie& tie : changed) EXPECT_TRUE(atlas::input_shows_tie(earlier, tie)) << "tie " << tie.id;
    if (not_shown > 0) ++applied_rounds;
    const atlas::GraphInput fresh = graph(network_);
    EXPECT_EQ(earlier.edges, fresh.edges) << "round " << round;
    ASSERT_EQ(earlier.ended.size(), fresh.ended.size()) << "round " << round;
    for (std::size_t i = 0; i < fresh.ended.size(); ++i) {
      EXPECT_EQ(earlier.ended[i].edge, fresh.ended[i].edge) << "round " << round;
      EXPECT_EQ(earlier.ended[i].until, fresh.ended[i].until) << "round " << round;
    }
    atlas::apply_tie_changes(earlier, changed);  // twice: nothing changes
    EXPECT_EQ(earlier.edges, fresh.edges);
    EXPECT_EQ(earlier.ended.size(), fresh.ended.size());
    EXPECT_NE(next_marker, marker) << "round " << round << ": ties were written, the marker must move";
    marker = next_marker;
  }
  EXPECT_GE(applied_rounds, 10);
  EXPECT_FALSE(graph(network_).edges.empty());
  EXPECT_FALSE(graph(network_).ended.empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, AtlasTiesTest, ::testing::ValuesIn(testing_support::test_backends()),
                         [](const auto& info) { return std::string(db::to_string(info.param)); });

}  // namespace
