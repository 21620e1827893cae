// Personal data on both databases, through api::PersonalDataService: the export holds everything
// about one account and nothing about another; erasure checks the password (throttled), then removes
// the personal data (photos included) in one transaction, keeps the account row for contributions
// and writes the audit log.
#include <gtest/gtest.h>
#include <vips/vips.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "api/account_data.h"
#include "api/personal_data.h"
#include "api/tokens.h"
#include "audit/audit.h"
#include "auth/passwords.h"
#include "auth/service.h"
#include "db/migrations.h"
#include "mail/outbox.h"
#include "members/service.h"
#include "regions/seed.h"
#include "support/test_databases.h"
#include "support/text.h"

namespace {

using testing_support::TestDatabase;

constexpr const char* kPassword = "een lange zin als wachtwoord";

// A small PNG made by libvips (members::Service starts libvips before any photo is stored).
std::string small_png() {
  VipsImage* xyz = nullptr;
  EXPECT_EQ(vips_xyz(&xyz, 120, 90, nullptr), 0);
  VipsImage* bytes = nullptr;
  EXPECT_EQ(vips_cast_uchar(xyz, &bytes, nullptr), 0);
  void* buffer = nullptr;
  std::size_t length = 0;
  EXPECT_EQ(vips_image_write_to_buffer(bytes, ".png", &buffer, &length, nullptr), 0) << vips_error_buffer();
  std::string encoded(static_cast<const char*>(buffer), length);
  g_free(buffer);
  g_object_unref(xyz);
  g_object_unref(bytes);
  return encoded;
}

using testing_support::contains;

class PersonalDataOnDatabase : public ::testing::TestWithParam<db::Backend> {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/knooppunt-personal-data-XXXXXX";
    data_dir_ = mkdtemp(pattern);
    database_ = std::make_unique<TestDatabase>(GetParam());
    db_ = database_->open();
    db::migrate(*db_);
    places_ = std::make_unique<members::Places>(members::Places::load_embedded());
    members_ = std::make_unique<members::Service>(*db_, data_dir_, *places_);
    const std::string hash = hasher_.hash(kPassword);
    db_->write([&](db::Session& session) {
      regions::seed_demo(session);
      const auto west = session.query_one("SELECT id FROM networks ORDER BY id LIMIT 1")->int64(0);
      for (auto [id, email, name] : {std::tuple{&anna_, "anna@example.nl", "Anna de Vries"},
                                     std::tuple{&bram_, "bram@example.nl", "Bram Jansen"}}) {
        auth::NewAccount account;
        account.email = email;
        account.name = name;
        account.password_hash = hash;
        account.verified = true;
        *id = auth::create_account(session, account);
        auth::add_membership(session, *id, west, auth::Role::Member, auth::MembershipStatus::Active);
        mail::enqueue(session,
                      mail::Message{email, name, std::string("Welkom ") + name, "Hallo", "", {}, "test"});
      }
    });
    for (std::int64_t id : {anna_, bram_}) {
      members::ProfileUpdate update;
      update.headline = id == anna_ ? "Fiscalist" : "Jurist";
      update.website = id == anna_ ? "https://anna.example.nl" : "https://bram.example.nl";
      members::FieldVisibility visibility;
      visibility.website = members::Visibility::Hidden;
      update.visibility = visibility;
      ASSERT_TRUE(members_->update_own_profile(id, update).ok());
    }
    tokens_ = std::make_unique<api::TokenService>(*db_);
    service_ = std::make_unique<api::PersonalDataService>(*db_, *members_, hasher_, auth::ThrottlePolicy{},
                                                          data_dir_);
  }

  void TearDown() override {
    service_.reset();
    members_.reset();
    db_.reset();
    database_.reset();
    std::filesystem::remove_all(data_dir_);
  }

  std::size_t files_under(const std::filesystem::path& directory) {
    std::size_t count = 0;
    if (!std::filesystem::exists(directory)) return 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(directory))
      count += entry.is_regular_file();
    return count;
  }

  std::filesystem::path data_dir_;
  std::unique_ptr<TestDatabase> database_;
  std::unique_ptr<db::Database> db_;
  auth::PasswordHasher hasher_{auth::PasswordHasher::minimal(), 2};
  std::unique_ptr<members::Places> places_;
  std::unique_ptr<members::Service> members_;
  std::unique_ptr<api::TokenService> tokens_;
  std::unique_ptr<api::PersonalDataService> service_;
  std::int64_t anna_ = 0;
  std::int64_t bram_ = 0;
};

TEST_P(PersonalDataOnDatabase, TheExportHoldsEverythingAboutTheAccountAndNothingAboutOthers) {
  const auto created = tokens_->create(anna_, "Export", anna_);
  ASSERT_TRUE(std::holds_alternative<api::CreatedToken>(created));
  const std::string secret = std::get<api::CreatedToken>(created).secret;

  const auto exported = service_->export_account(anna_);
  ASSERT_TRUE(exported.has_value());
  const std::string text = exported->dump();
  EXPECT_EQ((*exported)["account"]["email"], "anna@example.nl");
  EXPECT_EQ((*exported)["memberships"].size(), 1u);
  EXPECT_EQ((*exported)["profile"]["website"], "https://anna.example.nl") << "hidden fields too";
  EXPECT_EQ((*exported)["api_tokens"].size(), 1u);
  EXPECT_EQ((*exported)["mail"].size(), 1u);
  EXPECT_FALSE(contains(text, secret.substr(12)));
  EXPECT_FALSE(contains(text, "token_hash"));
  EXPECT_FALSE(contains(text, "argon2"));
  EXPECT_FALSE(contains(text, "bram")) << text;
  EXPECT_FALSE(contains(text, "Bram")) << text;
  const auto exports =
      db_->read([](db::Session& session) { return audit::entries_with_action(session, "account.export"); });
  ASSERT_EQ(exports.size(), 1u);
  EXPECT_EQ(exports[0].actor_account_id, anna_);
  EXPECT_FALSE(service_->export_account(999999).has_value());
}

TEST_P(PersonalDataOnDatabase, ErasureRefusesAWrongPasswordAndThrottlesGuessing) {
  using Outcome = api::PersonalDataService::EraseOutcome;
  EXPECT_EQ(service_->erase_account(anna_, "", "10.0.0.1"), Outcome::PasswordMissing);
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(service_->erase_account(anna_, "fout wachtwoord", "10.0.0.1"), Outcome::WrongPassword);
  EXPECT_EQ(service_->erase_account(anna_, kPassword, "10.0.0.1"), Outcome::Throttled)
      << "even the right one, for now";
  EXPECT_TRUE(members_->own_profile(anna_).has_value());
  EXPECT_EQ(members_->own_profile(anna_)->headline, "Fiscalist") << "nothing erased";
  EXPECT_TRUE(
      db_->read([](db::Session& session) { return audit::entries_with_action(session, "account.erase"); })
          .empty());
}

TEST_P(PersonalDataOnDatabase, ErasureRemovesPersonalDataAndPhotosAndKeepsTheAccountRowAnonymised) {
  auto photo = members_->set_photo(anna_, small_png());
  ASSERT_TRUE(std::holds_alternative<std::int64_t>(photo)) << "the PNG was refused";
  ASSERT_TRUE(std::holds_alternative<std::int64_t>(members_->set_photo(bram_, small_png())));
  const std::size_t photos_before = files_under(data_dir_ / "photos");
  ASSERT_GE(photos_before, 4u) << "a profile size and a thumbnail each";
  const auto created = tokens_->create(anna_, "Script", anna_);
  const std::string secret = std::get<api::CreatedToken>(created).secret;

  ASSERT_EQ(service_->erase_account(anna_, kPassword, "10.0.0.1"),
            api::PersonalDataService::EraseOutcome::Erased);

  EXPECT_EQ(files_under(data_dir_ / "photos"), photos_before / 2) << "Anna's photos gone, Bram's kept";
  EXPECT_FALSE(tokens_->authenticate(secret).has_value());
  db_->read([&](db::Session& session) {
    const auto account = session.query_one("SELECT name, email, status FROM accounts WHERE id = ?", {anna_});
    ASSERT_TRUE(account.has_value());
    EXPECT_EQ(account->text(0), api::account_data::kFormerMemberName);
    EXPECT_EQ(account->text(1), api::account_data::tombstone_email(anna_));
    EXPECT_EQ(account->text(2), "erased");
    EXPECT_EQ(session.query_one("SELECT COUNT(*) FROM memberships WHERE account_id = ?", {anna_})->int64(0),
              0);
    EXPECT_EQ(
        session.query_one("SELECT COUNT(*) FROM mail_outbox WHERE to_address = 'anna@example.nl'")->int64(0),
        0);
    EXPECT_EQ(
        session.query_one("SELECT COUNT(*) FROM mail_outbox WHERE to_address = 'bram@example.nl'")->int64(0),
        1);
    EXPECT_EQ(session.query_one("SELECT name FROM accounts WHERE id = ?", {bram_})->text(0), "Bram Jansen");
    const auto erasures = audit::entries_with_action(session, "account.erase");
    ASSERT_EQ(erasures.size(), 1u);
    EXPECT_EQ(erasures[0].details["api_tokens_revoked"], 1);
    EXPECT_EQ(erasures[0].details["memberships_ended"], 1);
  });
  const auto profile = members_->own_profile(anna_);
  if (profile) {
    EXPECT_EQ(profile->headline, "");
    EXPECT_EQ(profile->website, "");
    EXPECT_EQ(profile->photo_version, 0);
  }
  EXPECT_EQ(members_->own_profile(bram_)->website, "https://bram.example.nl");
  EXPECT_EQ(service_->erase_account(anna_, kPassword, "10.0.0.1"),
            api::PersonalDataService::EraseOutcome::NoSuchAccount)
      << "an erased account cannot be erased again";
}

std::string backend_name(const ::testing::TestParamInfo<db::Backend>& info) {
  return std::string(db::to_string(info.param));
}

INSTANTIATE_TEST_SUITE_P(Backends, PersonalDataOnDatabase,
                         ::testing::ValuesIn(testing_support::test_backends()), backend_name);

}  // namespace
