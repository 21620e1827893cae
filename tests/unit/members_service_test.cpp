// Member profiles and the directory on both databases (members/service.h): every filter, distance,
// full text with Dutch stemming, visibility for visitor / member / owner, validation, and input that
// looks like SQL or query syntax.
#include <gtest/gtest.h>

// Queries are written with designated initializers naming only the filters a test sets; GCC's
// -Wextra would otherwise list every other field.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "auth/passwords.h"
#include "auth/seed.h"
#include "auth/service.h"
#include "db/database.h"
#include "db/migrations.h"
#include "members/places.h"
#include "members/seed.h"
#include "members/service.h"
#include "regions/seed.h"
#include "regions/store.h"
#include "support/test_databases.h"

namespace {

using members::Availability;
using members::DirectoryQuery;
using members::ProfileUpdate;
using members::Viewer;
using members::Visibility;
using testing_support::TestDatabase;

members::FieldVisibility all(Visibility visibility) {
  members::FieldVisibility v;
  for (auto field :
       {members::Field::Profile, members::Field::Headline, members::Field::Photo, members::Field::Disciplines,
        members::Field::Tags, members::Field::Town, members::Field::Languages, members::Field::Availability,
        members::Field::Bio, members::Field::Website}) {
    v.set(field, visibility);
  }
  return v;
}

class MembersOnDatabase : public ::testing::TestWithParam<db::Backend> {
 protected:
  void SetUp() override {
    database_ = std::make_unique<TestDatabase>(GetParam());
    db_ = database_->open();
    db::migrate(*db_);
    data_dir_ = std::filesystem::temp_directory_path() /
                ("members-test-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
                 std::to_string(reinterpret_cast<std::uintptr_t>(this)));
    std::filesystem::create_directories(data_dir_);
    service_ = std::make_unique<members::Service>(*db_, data_dir_, places());
    db_->write([&](db::Session& session) {
      regions::seed_demo(session);
      west_ = regions::store::find_network(session, "west-brabant-zeeland")->id;
      midden_ = regions::store::find_network(session, "midden-brabant")->id;
    });
  }
  void TearDown() override {
    service_.reset();
    std::filesystem::remove_all(data_dir_);
  }

  static const members::Places& places() {
    static const members::Places instance = members::Places::load_embedded();
    return instance;
  }

  // A member of West-Brabant & Zeeland (or `network`) with `update` as their profile.
  std::int64_t member(const std::string& name, ProfileUpdate update, std::int64_t network = 0,
                      auth::MembershipStatus status = auth::MembershipStatus::Active) {
    const std::int64_t id = db_->write([&](db::Session& session) {
      auth::NewAccount account;
      account.email = "lid" + std::to_string(++counter_) + "@example.nl";
      account.name = name;
      account.verified = true;
      const std::int64_t account_id = auth::create_account(session, account);
      auth::add_membership(session, account_id, network != 0 ? network : west_, auth::Role::Member, status);
      return account_id;
    });
    update.name = name;
    const auto saved = service_->update_own_profile(id, update);
    EXPECT_TRUE(saved.ok()) << (saved.errors.empty() ? "" : saved.errors.front().message_key);
    return id;
  }

  std::int64_t visitor_account() {
    return db_->write([&](db::Session& session) {
      auth::NewAccount account;
      account.email = "bezoeker" + std::to_string(++counter_) + "@example.nl";
      account.name = "Zonder Lidmaatschap";
      return auth::create_account(session, account);
    });
  }

  std::vector<std::string> names(const Viewer& viewer, DirectoryQuery query) {
    query.limit = 100;
    auto page = service_->directory(viewer, query);
    EXPECT_TRUE(page.ok()) << (page.errors.empty() ? "" : page.errors.front().message_key);
    std::vector<std::string> found;
    if (page.ok()) {
      for (const auto& m : page.value->members) found.push_back(m.name);
    }
    return found;
  }
  std::vector<std::string> sorted_names(const Viewer& viewer, DirectoryQuery query) {
    auto found = names(viewer, std::move(query));
    std::sort(found.begin(), found.end());
    return found;
  }

  Viewer as_member() {
    if (!member_viewer_)
      member_viewer_ = member("Meekijkend Lid", ProfileUpdate{.visibility = all(Visibility::Hidden)});
    return Viewer{member_viewer_, false};
  }

  std::unique_ptr<TestDatabase> database_;
  std::unique_ptr<db::Database> db_;
  std::filesystem::path data_dir_;
  std::unique_ptr<members::Service> service_;
  std::int64_t west_ = 0;
  std::int64_t midden_ = 0;
  int counter_ = 0;
  std::int64_t member_viewer_ = 0;
};

ProfileUpdate public_profile(std::string headline, std::vector<std::string> disciplines, std::string town,
                             std::string bio = "") {
  ProfileUpdate update;
  update.headline = std::move(headline);
  update.disciplines = std::move(disciplines);
  update.town = std::move(town);
  update.bio_markdown = std::move(bio);
  update.visibility = all(Visibility::Public);
  return update;
}

TEST_P(MembersOnDatabase, FullTextFindsStemsAndFoldedAccentsThroughTheDirectory) {
  member("Anna de Vries", public_profile("Adviseur", {"financieel"}, "Breda", "Alles over de verzekering."));
  member("Bram Dupré", public_profile("Eigenaar van een café", {"marketing"}, "Goes"));
  member("Carla Smit", public_profile("Juriste", {"juridisch"}, "Tilburg", "Arbeidsrecht."));
  const Viewer visitor;
  EXPECT_EQ(names(visitor, {.text = "verzekeringen"}), std::vector<std::string>{"Anna de Vries"});
  EXPECT_EQ(names(visitor, {.text = "cafe"}), std::vector<std::string>{"Bram Dupré"});
  EXPECT_EQ(names(visitor, {.text = "dupre"}), std::vector<std::string>{"Bram Dupré"});
  EXPECT_EQ(names(visitor, {.text = "juridisch advies"}), std::vector<std::string>{"Carla Smit"});  // label
  EXPECT_EQ(names(visitor, {.text = "goes"}), std::vector<std::string>{"Bram Dupré"});              // town
  EXPECT_TRUE(names(visitor, {.text = "de en van"}).empty());  // only stop words: nothing, no error
}

TEST_P(MembersOnDatabase, EveryFilterNarrowsTheDirectory) {
  auto a = public_profile("A", {"financieel", "ict"}, "Breda");
  a.tags = {"Boekhouding", "btw"};
  a.languages = {"nl", "en"};
  a.availability = Availability::Available;
  member("Anna", a);
  auto b = public_profile("B", {"ict"}, "Goes");
  b.tags = {"cloud"};
  b.languages = {"nl", "fr"};
  b.availability = Availability::Limited;
  member("Bram", b);
  auto c = public_profile("C", {"juridisch"}, "Tilburg");
  c.languages = {"de"};
  c.availability = Availability::Unavailable;
  member("Carla", c, midden_);
  const Viewer visitor;

  EXPECT_EQ(sorted_names(visitor, {}), (std::vector<std::string>{"Anna", "Bram", "Carla"}));
  EXPECT_EQ(sorted_names(visitor, {.disciplines = {"ict"}}), (std::vector<std::string>{"Anna", "Bram"}));
  EXPECT_EQ(sorted_names(visitor, {.disciplines = {"financieel", "juridisch"}}),
            (std::vector<std::string>{"Anna", "Carla"}));
  EXPECT_EQ(names(visitor, {.tag = "boekhouding"}), std::vector<std::string>{"Anna"});
  EXPECT_EQ(names(visitor, {.tag = "  BOEKHOUDING "}), std::vector<std::string>{"Anna"});  // normalised
  EXPECT_EQ(names(visitor, {.language = "fr"}), std::vector<std::string>{"Bram"});
  EXPECT_EQ(names(visitor, {.availability = Availability::Unavailable}), std::vector<std::string>{"Carla"});
  EXPECT_EQ(names(visitor, {.network_id = midden_}), std::vector<std::string>{"Carla"});
  EXPECT_TRUE(names(visitor, {.group_id = 1}).empty());  // groups have no members until issue 4
  EXPECT_EQ(names(visitor, {.text = "anna", .disciplines = {"ict"}, .language = "en"}),
            std::vector<std::string>{"Anna"});
}

TEST_P(MembersOnDatabase, DistanceFilterUsesRealCoordinatesAndRanksNearestFirst) {
  member("In Bergen op Zoom", public_profile("", {}, "Bergen op Zoom"));
  member("In Huijbergen", public_profile("", {}, "Huijbergen"));
  member("In Roosendaal", public_profile("", {}, "Roosendaal"));
  member("In Middelburg", public_profile("", {}, "Middelburg"));
  member("In Amsterdam", public_profile("", {}, "Amsterdam"));
  const Viewer visitor;
  // Huijbergen - Bergen op Zoom is about 8 km, Roosendaal about 13 km, Middelburg about 50 km.
  EXPECT_EQ(names(visitor, {.near_town = "Huijbergen", .within_km = 10}),
            (std::vector<std::string>{"In Huijbergen", "In Bergen op Zoom"}));
  EXPECT_EQ(names(visitor, {.near_town = "huijbergen", .within_km = 25}),
            (std::vector<std::string>{"In Huijbergen", "In Bergen op Zoom", "In Roosendaal"}));
  auto page = service_->directory(visitor, {.near_town = "Huijbergen", .within_km = 25});
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page.value->members.size(), 3u);
  EXPECT_NEAR(*page.value->members[1].distance_km, 8.4, 1.5);
  EXPECT_NEAR(*page.value->members[2].distance_km, 13.0, 1.5);
  EXPECT_EQ(names(visitor, {.near_town = "Huijbergen", .within_km = 60}).size(), 4u);
  auto unknown = service_->directory(visitor, {.near_town = "Atlantis"});
  EXPECT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.errors.front().field, "town");
  EXPECT_EQ(members::distance_km(52.3676, 4.9041, 51.9244, 4.4777),
            members::distance_km(51.9244, 4.4777, 52.3676, 4.9041));
  EXPECT_NEAR(members::distance_km(52.3676, 4.9041, 51.9244, 4.4777), 57.0, 2.0);  // Amsterdam - Rotterdam
}

TEST_P(MembersOnDatabase, VisitorsSeeOnlyPublicFieldsAndPublicProfiles) {
  auto mixed = public_profile("Openbare kopregel", {"ict"}, "Breda", "Geheime **bio**");
  mixed.tags = {"verborgentag"};
  mixed.website = "https://voorbeeld.example";
  auto visibility = all(Visibility::Public);
  visibility.bio = Visibility::Members;
  visibility.tags = Visibility::Hidden;
  visibility.town = Visibility::Members;
  mixed.visibility = visibility;
  const std::int64_t mixed_id = member("Gemengd Zichtbaar", mixed);
  auto members_only = public_profile("Alleen voor leden", {"ict"}, "Goes");
  members_only.visibility->profile = Visibility::Members;
  const std::int64_t members_only_id = member("Alleen Leden", members_only);
  auto hidden = public_profile("Verborgen", {"ict"}, "Goes");
  hidden.visibility->profile = Visibility::Hidden;
  const std::int64_t hidden_id = member("Helemaal Verborgen", hidden);

  const Viewer visitor;
  EXPECT_EQ(names(visitor, {}), std::vector<std::string>{"Gemengd Zichtbaar"});
  auto seen = service_->profile_for(visitor, mixed_id);
  ASSERT_TRUE(seen);
  EXPECT_EQ(seen->headline, "Openbare kopregel");
  EXPECT_FALSE(seen->bio_html);
  EXPECT_FALSE(seen->tags);
  EXPECT_FALSE(seen->town);
  EXPECT_FALSE(service_->profile_for(visitor, members_only_id));
  EXPECT_FALSE(service_->profile_for(visitor, hidden_id));
  // Searching or filtering on what a visitor may not see finds nothing.
  EXPECT_TRUE(names(visitor, {.text = "geheime"}).empty());
  EXPECT_TRUE(names(visitor, {.text = "verborgentag"}).empty());
  EXPECT_TRUE(names(visitor, {.tag = "verborgentag"}).empty());
  EXPECT_TRUE(names(visitor, {.near_town = "Breda", .within_km = 5}).empty());
  EXPECT_TRUE(names(visitor, {.text = "alleen leden"}).empty());

  const Viewer fellow = as_member();
  EXPECT_EQ(sorted_names(fellow, {}), (std::vector<std::string>{"Alleen Leden", "Gemengd Zichtbaar"}));
  auto as_fellow = service_->profile_for(fellow, mixed_id);
  ASSERT_TRUE(as_fellow);
  EXPECT_EQ(as_fellow->bio_html, "<p>Geheime <strong>bio</strong></p>\n");
  EXPECT_EQ(as_fellow->town->name, "Breda");
  EXPECT_FALSE(as_fellow->tags);  // hidden: not even for members
  EXPECT_EQ(names(fellow, {.text = "geheime"}), std::vector<std::string>{"Gemengd Zichtbaar"});
  EXPECT_TRUE(names(fellow, {.tag = "verborgentag"}).empty());
  EXPECT_FALSE(service_->profile_for(fellow, hidden_id));

  // The owner sees everything, hidden fields included.
  auto own = service_->profile_for(Viewer{mixed_id, false}, mixed_id);
  ASSERT_TRUE(own);
  EXPECT_TRUE(own->is_owner);
  EXPECT_EQ(own->tags, std::vector<std::string>{"verborgentag"});
  EXPECT_TRUE(service_->profile_for(Viewer{hidden_id, false}, hidden_id));

  // A signed-in account without an active membership is a visitor.
  EXPECT_EQ(names(Viewer{visitor_account(), false}, {}), std::vector<std::string>{"Gemengd Zichtbaar"});
  // An administrator counts as a member.
  EXPECT_EQ(names(Viewer{visitor_account(), true}, {}).size(), 2u);
}

TEST_P(MembersOnDatabase, PendingApplicantsAreNotListed) {
  member("Aanvrager", public_profile("", {}, "Goes"), 0, auth::MembershipStatus::Pending);
  member("Echt Lid", public_profile("", {}, "Goes"));
  EXPECT_EQ(names(Viewer{}, {}), std::vector<std::string>{"Echt Lid"});
}

TEST_P(MembersOnDatabase, UpdateValidatesEveryFieldAndWritesNothingOnError) {
  const std::int64_t id = member("Anna", public_profile("Kop", {"ict"}, "Breda", "Oude bio"));
  ProfileUpdate bad;
  bad.name = "";
  bad.headline = std::string(141, 'x');
  bad.disciplines = std::vector<std::string>{"ict", "astrologie"};
  std::vector<std::string> tags;
  for (int i = 0; i < 21; ++i) tags.push_back("tag" + std::to_string(i));
  bad.tags = tags;
  bad.town = "Atlantis";
  bad.languages = std::vector<std::string>{"klingon"};
  bad.bio_markdown = std::string(5001, 'b');
  bad.website = "javascript:alert(1)";
  const auto result = service_->update_own_profile(id, bad);
  EXPECT_FALSE(result.ok());
  std::vector<std::string> fields;
  for (const auto& error : result.errors) fields.push_back(error.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"name", "headline", "disciplines", "tags", "town", "languages",
                                              "bio", "website"}));
  const auto unchanged = service_->own_profile(id);
  EXPECT_EQ(unchanged->headline, "Kop");
  EXPECT_EQ(unchanged->bio_markdown, "Oude bio");
  EXPECT_EQ(unchanged->town->name, "Breda");
}

TEST_P(MembersOnDatabase, WebsitesMustBeHttpOrHttps) {
  const std::int64_t id = member("Anna", public_profile("", {}, ""));
  for (const char* bad : {"javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<script>",
                          "ftp://x.nl", "https://", "https://exa mple.nl",
                          "https://example.nl/\"onmouseover=alert(1)", "vbscript:x", "https://<script>.nl"}) {
    ProfileUpdate update;
    update.website = bad;
    const auto result = service_->update_own_profile(id, update);
    EXPECT_FALSE(result.ok()) << bad;
  }
  ProfileUpdate good;
  good.website = "www.voorbeeld.nl/over-ons";
  EXPECT_EQ(service_->update_own_profile(id, good).value->website, "https://www.voorbeeld.nl/over-ons");
  good.website = "HTTP://Voorbeeld.nl";
  EXPECT_EQ(service_->update_own_profile(id, good).value->website, "http://Voorbeeld.nl");
}

TEST_P(MembersOnDatabase, TagsAreNormalisedDeduplicatedAndLimited) {
  const std::int64_t id = member("Anna", public_profile("", {}, ""));
  ProfileUpdate update;
  update.tags =
      std::vector<std::string>{" Arbeidsrecht", "ARBEIDSRECHT", "arbeids   recht", "AVG", "", "e-commerce"};
  EXPECT_EQ(service_->update_own_profile(id, update).value->tags,
            (std::vector<std::string>{"arbeids recht", "arbeidsrecht", "avg", "e-commerce"}));
  std::vector<std::string> twenty;
  for (int i = 0; i < 20; ++i) twenty.push_back("tag" + std::to_string(i));
  update.tags = twenty;
  EXPECT_TRUE(service_->update_own_profile(id, update).ok());
  twenty.push_back("een te veel");
  update.tags = twenty;
  const auto refused = service_->update_own_profile(id, update);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.errors.front().message_key, "members.error.too_many_tags");
  update.tags = std::vector<std::string>{"<script>"};
  EXPECT_EQ(service_->update_own_profile(id, update).errors.front().message_key, "members.error.tag_invalid");
}

TEST_P(MembersOnDatabase, SqlAndQuerySyntaxInEveryFilterIsHarmless) {
  member("Anna", public_profile("Kop", {"ict"}, "Breda", "verzekering"));
  const std::vector<std::string> nasty = {"' OR '1'='1",
                                          "'; DROP TABLE profiles; --",
                                          "\" OR 1=1 --",
                                          "%",
                                          "_",
                                          "\\",
                                          "*",
                                          "NEAR(a b)",
                                          ") OR (1=1",
                                          "verzekering' | 'x",
                                          "1; DELETE FROM accounts",
                                          "\xff\xfe",
                                          std::string("a\0b", 3)};
  for (const std::string& value : nasty) {
    for (const Viewer& viewer : {Viewer{}, as_member()}) {
      EXPECT_NO_THROW(service_->directory(viewer, {.text = value})) << value;
      const auto by_tag = service_->directory(viewer, {.tag = value});
      EXPECT_TRUE(!by_tag.ok() || by_tag.value->members.empty()) << value;
      EXPECT_FALSE(service_->directory(viewer, {.disciplines = {value}}).ok()) << value;
      EXPECT_FALSE(service_->directory(viewer, {.near_town = value}).ok()) << value;
      EXPECT_FALSE(service_->directory(viewer, {.language = value}).ok()) << value;
      EXPECT_FALSE(service_->directory(viewer, {.cursor = value}).ok()) << value;
    }
  }
  EXPECT_EQ(names(Viewer{}, {}), std::vector<std::string>{"Anna"});  // still there, nothing dropped
}

TEST_P(MembersOnDatabase, PagesFollowTheCursorWithoutGapsOrRepeats) {
  for (int i = 0; i < 7; ++i) member("Lid " + std::to_string(i), public_profile("adviseur", {"ict"}, "Goes"));
  std::vector<std::string> seen;
  std::string cursor;
  int pages = 0;
  do {
    auto page = service_->directory(Viewer{}, {.text = "adviseur", .cursor = cursor, .limit = 3});
    ASSERT_TRUE(page.ok());
    for (const auto& m : page.value->members) seen.push_back(m.name);
    cursor = page.value->next_cursor;
    ++pages;
  } while (!cursor.empty() && pages < 10);
  EXPECT_EQ(pages, 3);
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen.size(), 7u);
  EXPECT_EQ(std::unique(seen.begin(), seen.end()), seen.end());
  EXPECT_FALSE(service_->directory(Viewer{}, {.limit = 0}).ok());
  EXPECT_FALSE(service_->directory(Viewer{}, {.limit = 101}).ok());
}

TEST_P(MembersOnDatabase, NameChangesReachTheSearchIndex) {
  const std::int64_t id = member("Oude Naam", public_profile("", {}, ""));
  ProfileUpdate rename;
  rename.name = "Nieuwe Naam";
  ASSERT_TRUE(service_->update_own_profile(id, rename).ok());
  EXPECT_TRUE(names(Viewer{}, {.text = "oude"}).empty());
  EXPECT_EQ(names(Viewer{}, {.text = "nieuwe"}), std::vector<std::string>{"Nieuwe Naam"});
}

TEST_P(MembersOnDatabase, DemoSeedIsDeterministicAndCoversEveryDiscipline) {
  db_->write([](db::Session& session) {
    auth::seed_demo(session);
    members::seed_demo(session);
  });
  const Viewer fellow = as_member();
  std::size_t total = 0;
  std::string cursor;
  do {
    auto page = service_->directory(fellow, {.cursor = cursor, .limit = 100});
    ASSERT_TRUE(page.ok());
    total += page.value->members.size();
    cursor = page.value->next_cursor;
  } while (!cursor.empty());
  EXPECT_GE(total, members::kDemoMemberCount);
  for (const members::Label& discipline : members::disciplines()) {
    EXPECT_FALSE(names(fellow, {.disciplines = {std::string(discipline.code)}}).empty()) << discipline.code;
  }
  EXPECT_FALSE(names(fellow, {.near_town = "Huijbergen", .within_km = 5}).empty());
  EXPECT_FALSE(names(fellow, {.text = "verzekeringen"}).empty());
  // Same seed, same first names on a second database.
  TestDatabase other(GetParam());
  auto other_db = other.open();
  db::migrate(*other_db);
  other_db->write([](db::Session& session) {
    regions::seed_demo(session);
    auth::seed_demo(session);
    members::seed_demo(session);
  });
  members::Service other_service(*other_db, data_dir_, places());
  auto first = service_->directory(Viewer{}, {.limit = 20});
  auto second = other_service.directory(Viewer{}, {.limit = 20});
  ASSERT_TRUE(first.ok() && second.ok());
  ASSERT_EQ(first.value->members.size(), second.value->members.size());
  for (std::size_t i = 0; i < first.value->members.size(); ++i) {
    EXPECT_EQ(first.value->members[i].name, second.value->members[i].name);
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, MembersOnDatabase, ::testing::ValuesIn(testing_support::test_backends()),
                         [](const auto& info) { return std::string(db::to_string(info.param)); });

}  // namespace
