// Atlas ties in personal data, on both databases, through api::PersonalDataService: the download
// holds the member's ties (both directions, every state) and privacy choices; erasure deletes them
// and leaves other members' ties alone.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "api/personal_data.h"
#include "atlas/graph_source.h"
#include "atlas/ties_service.h"
#include "auth/passwords.h"
#include "db/migrations.h"
#include "members/places.h"
#include "members/service.h"
#include "support/atlas_fixture.h"
#include "support/test_databases.h"

namespace {

constexpr char kPassword[] = "een lang wachtwoord";
constexpr std::int64_t kNow = 1748865600;

class AtlasPersonalData : public ::testing::TestWithParam<db::Backend> {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/knooppunt-atlas-pd-XXXXXX";
    data_dir_ = mkdtemp(pattern);
    database_ = std::make_unique<testing_support::TestDatabase>(GetParam());
    db_ = database_->open();
    db::migrate(*db_);
    testing_support::AtlasWorld world(*db_);
    network_ = world.add_network("west", "KKP West");
    anna_ = world.add_member("Anna de Wit", {network_});
    bram_ = world.add_member("Bram Jansen", {network_});
    cor_ = world.add_member("Cor Peeters", {network_});
    const std::string hash = hasher_.hash(kPassword);
    db_->write([&](db::Session& s) { s.execute("UPDATE accounts SET password_hash = ?", {hash}); });
    places_ = std::make_unique<members::Places>(members::Places::load_embedded());
    members_ = std::make_unique<members::Service>(*db_, data_dir_, *places_);
    service_ = std::make_unique<api::PersonalDataService>(*db_, *members_, hasher_, auth::ThrottlePolicy{},
                                                          data_dir_);
    // As app/ registers them: the atlas's part of erasure and of the download.
    service_->add_eraser(
        [](db::Session& session, std::int64_t account) { atlas::TiesService::erase_member(session, account); });
    service_->add_exporter("atlas", [](db::Session& session, std::int64_t account) {
      return atlas::TiesService::export_member(session, account);
    });
    ties_ = std::make_unique<atlas::TiesService>(*db_, atlas::TiesOptions{.clock = [] { return kNow; }, .changed = {}});
  }

  void TearDown() override {
    service_.reset();
    members_.reset();
    db_.reset();
    database_.reset();
    std::filesystem::remove_all(data_dir_);
  }

  std::int64_t tie(std::int64_t from, std::int64_t to, const std::string& kind, bool confirm) {
    auto declared = ties_->declare(from, atlas::DeclareInput{to, kind, "2021-03-04", "Van de Kennisdag", std::nullopt});
    EXPECT_TRUE(declared.ok());
    if (confirm) {
      EXPECT_TRUE(ties_->confirm(to, declared.value->id).ok());
    }
    return declared.value->id;
  }

  std::filesystem::path data_dir_;
  std::unique_ptr<testing_support::TestDatabase> database_;
  std::unique_ptr<db::Database> db_;
  auth::PasswordHasher hasher_{auth::PasswordHasher::minimal(), 2};
  std::unique_ptr<members::Places> places_;
  std::unique_ptr<members::Service> members_;
  std::unique_ptr<api::PersonalDataService> service_;
  std::unique_ptr<atlas::TiesService> ties_;
  std::int64_t network_ = 0, anna_ = 0, bram_ = 0, cor_ = 0;
};

TEST_P(AtlasPersonalData, TheDownloadHoldsMyTiesAndMyAtlasChoices) {
  const std::int64_t knows = tie(anna_, bram_, "knows", true);
  const std::int64_t backup = tie(cor_, anna_, "backup", false);
  tie(bram_, cor_, "knows", true);  // not Anna's
  ties_->save_settings(anna_, atlas::PrivacySettings{atlas::TieVisibility::Self, false});
  const auto exported = service_->export_account(anna_);
  ASSERT_TRUE(exported);
  const auto& atlas = (*exported)["atlas"];
  ASSERT_EQ(atlas["ties"].size(), 2u);
  EXPECT_EQ(atlas["ties"][0]["id"], knows);
  EXPECT_EQ(atlas["ties"][0]["state"], "confirmed");
  EXPECT_EQ(atlas["ties"][0]["note"], "Van de Kennisdag");
  EXPECT_EQ(atlas["ties"][1]["id"], backup);
  EXPECT_EQ(atlas["ties"][1]["other_member"]["name"], "Cor Peeters");
  EXPECT_EQ(atlas["settings"]["ties_visibility"], "self");
}

TEST_P(AtlasPersonalData, ErasureDeletesMyTiesAndChoicesAndKeepsOthersTies) {
  tie(anna_, bram_, "knows", true);
  tie(cor_, anna_, "backup", false);
  tie(bram_, cor_, "worked_together", true);
  ties_->save_settings(anna_, atlas::PrivacySettings{atlas::TieVisibility::Connections, false});
  ASSERT_EQ(service_->erase_account(anna_, kPassword, "10.0.0.1"), api::PersonalDataService::EraseOutcome::Erased);
  db_->read([&](db::Session& s) {
    EXPECT_EQ(s.query_one("SELECT COUNT(*) FROM atlas_ties WHERE from_account = ? OR to_account = ?", {anna_, anna_})
                  ->int64(0),
              0);
    EXPECT_EQ(s.query_one("SELECT COUNT(*) FROM atlas_ties")->int64(0), 1);
    EXPECT_FALSE(s.query_one("SELECT 1 FROM atlas_privacy WHERE account_id = ?", {anna_}));
    const atlas::GraphInput input = atlas::load_graph_input(s, network_);
    ASSERT_EQ(input.edges.size(), 1u);
    EXPECT_EQ(input.edges[0].kind, atlas::TieKind::WorkedTogether);
    for (const atlas::Node& node : input.nodes) EXPECT_NE(node.account_id, anna_);
  });
}

INSTANTIATE_TEST_SUITE_P(Backends, AtlasPersonalData, ::testing::ValuesIn(testing_support::test_backends()),
                         [](const auto& info) { return std::string(db::to_string(info.param)); });

}  // namespace
