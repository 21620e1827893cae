// Personal API tokens and the audit log on both databases: tokens are shown once and stored only as
// hashes, revoked tokens stop working, names are checked, every change is audited; plus the
// in-memory rate limiter.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <variant>

#include "api/rate_limiter.h"
#include "api/tokens.h"
#include "audit/audit.h"
#include "auth/service.h"
#include "db/migrations.h"
#include "support/test_databases.h"

namespace {

using testing_support::TestDatabase;

class ApiTokensOnDatabase : public ::testing::TestWithParam<db::Backend> {
 protected:
  void SetUp() override {
    database_ = std::make_unique<TestDatabase>(GetParam());
    db_ = database_->open();
    db::migrate(*db_);
    tokens_ = std::make_unique<api::TokenService>(*db_, [this] { return now_; });
    anna_ = add_account("anna@example.nl", "Anna de Vries");
    bram_ = add_account("bram@example.nl", "Bram Jansen");
  }

  std::int64_t add_account(const std::string& email, const std::string& name) {
    return db_->write([&](db::Session& session) {
      auth::NewAccount account;
      account.email = email;
      account.name = name;
      account.verified = true;
      account.created_at = now_;
      return auth::create_account(session, account);
    });
  }

  api::CreatedToken create(std::int64_t account, const std::string& name) {
    auto created = tokens_->create(account, name, account);
    EXPECT_TRUE(std::holds_alternative<api::CreatedToken>(created));
    return std::get<api::CreatedToken>(created);
  }

  std::int64_t now_ = 1'750'000'000;
  std::unique_ptr<TestDatabase> database_;
  std::unique_ptr<db::Database> db_;
  std::unique_ptr<api::TokenService> tokens_;
  std::int64_t anna_ = 0;
  std::int64_t bram_ = 0;
};

TEST_P(ApiTokensOnDatabase, ACreatedTokenAuthenticatesItsOwnerAndIsStoredOnlyAsAHash) {
  const api::CreatedToken created = create(anna_, "  Spreadsheet  ");
  EXPECT_TRUE(api::TokenService::looks_like_token(created.secret)) << created.secret;
  EXPECT_EQ(created.token.name, "Spreadsheet");
  EXPECT_EQ(created.token.prefix, created.secret.substr(0, api::kDisplayPrefixLength));

  const auto owner = tokens_->authenticate(created.secret);
  ASSERT_TRUE(owner.has_value());
  EXPECT_EQ(owner->account_id, anna_);
  EXPECT_EQ(owner->token_id, created.token.id);

  const auto stored = db_->read(
      [](db::Session& session) { return session.query("SELECT token_hash, prefix FROM api_tokens"); });
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].text(0), api::TokenService::hash_of(created.secret));
  EXPECT_EQ(stored[0].text(0).find(created.secret.substr(4)), std::string::npos);
}

TEST_P(ApiTokensOnDatabase, ListShowsNameAndPrefixNewestFirstAndOnlyTheOwnersTokens) {
  create(anna_, "Eerste");
  create(anna_, "Tweede");
  create(bram_, "Van Bram");
  const auto list = tokens_->list(anna_);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].name, "Tweede");
  EXPECT_EQ(list[1].name, "Eerste");
  EXPECT_TRUE(list[0].active());
  EXPECT_FALSE(list[0].last_used_at.has_value());
}

TEST_P(ApiTokensOnDatabase, ARevokedTokenNoLongerAuthenticatesAndOthersCannotRevokeIt) {
  const api::CreatedToken created = create(anna_, "Script");
  EXPECT_FALSE(tokens_->revoke(bram_, created.token.id)) << "Bram may not revoke Anna's token";
  EXPECT_TRUE(tokens_->authenticate(created.secret).has_value());

  EXPECT_TRUE(tokens_->revoke(anna_, created.token.id));
  EXPECT_FALSE(tokens_->authenticate(created.secret).has_value());
  EXPECT_FALSE(tokens_->revoke(anna_, created.token.id)) << "already revoked";
  EXPECT_TRUE(tokens_->list(anna_)[0].revoked_at.has_value());
}

TEST_P(ApiTokensOnDatabase, UnknownAndMalformedTokensAreRefused) {
  create(anna_, "Script");
  EXPECT_FALSE(tokens_->authenticate("").has_value());
  EXPECT_FALSE(tokens_->authenticate("kkp_' OR 1=1 --").has_value());
  EXPECT_FALSE(tokens_->authenticate("kkp_" + std::string(43, 'A')).has_value());
}

TEST_P(ApiTokensOnDatabase, LastUseIsRecordedAtMostOnceAMinute) {
  const api::CreatedToken created = create(anna_, "Script");
  ASSERT_TRUE(tokens_->authenticate(created.secret));
  EXPECT_EQ(tokens_->list(anna_)[0].last_used_at, now_);
  now_ += 30;
  ASSERT_TRUE(tokens_->authenticate(created.secret));
  EXPECT_EQ(tokens_->list(anna_)[0].last_used_at, now_ - 30);
  now_ += 31;
  ASSERT_TRUE(tokens_->authenticate(created.secret));
  EXPECT_EQ(tokens_->list(anna_)[0].last_used_at, now_);
}

TEST_P(ApiTokensOnDatabase, NamesMustBePresentPlainAndShort) {
  auto error_of = [&](std::string_view name) {
    auto created = tokens_->create(anna_, name, anna_);
    return std::holds_alternative<api::TokenError>(created)
               ? std::optional(std::get<api::TokenError>(created))
               : std::nullopt;
  };
  EXPECT_EQ(error_of("   "), api::TokenError::NameMissing);
  EXPECT_EQ(error_of(std::string(81, 'x')), api::TokenError::NameTooLong);
  EXPECT_EQ(error_of(std::string(80, 'x')), std::nullopt);
  EXPECT_EQ(error_of("tab\there"), api::TokenError::NameInvalid);
  EXPECT_EQ(error_of("\xff\xfe"), api::TokenError::NameInvalid);
  // 80 characters of two bytes each still fit: the limit counts characters.
  std::string accents;
  for (int i = 0; i < 80; ++i) accents += "é";
  EXPECT_EQ(error_of(accents), std::nullopt);
  EXPECT_EQ(tokens_->list(anna_).size(), 2u) << "refused names wrote nothing";
}

TEST_P(ApiTokensOnDatabase, AnAccountHasAtMostTwentyActiveTokens) {
  for (int i = 0; i < 20; ++i) create(anna_, "Token " + std::to_string(i));
  auto refused = tokens_->create(anna_, "One more", anna_);
  ASSERT_TRUE(std::holds_alternative<api::TokenError>(refused));
  EXPECT_EQ(std::get<api::TokenError>(refused), api::TokenError::TooManyTokens);
  ASSERT_TRUE(tokens_->revoke(anna_, tokens_->list(anna_)[0].id));
  EXPECT_TRUE(std::holds_alternative<api::CreatedToken>(tokens_->create(anna_, "One more", anna_)));
}

TEST_P(ApiTokensOnDatabase, CreatingAndRevokingAreAuditedWithoutTheSecret) {
  const api::CreatedToken created = create(anna_, "Script");
  ASSERT_TRUE(tokens_->revoke(anna_, created.token.id));
  const auto created_rows =
      db_->read([](db::Session& session) { return audit::entries_with_action(session, "api_token.create"); });
  const auto revoked_rows =
      db_->read([](db::Session& session) { return audit::entries_with_action(session, "api_token.revoke"); });
  ASSERT_EQ(created_rows.size(), 1u);
  ASSERT_EQ(revoked_rows.size(), 1u);
  EXPECT_EQ(created_rows[0].subject_id, anna_);
  EXPECT_EQ(created_rows[0].actor_account_id, anna_);
  EXPECT_EQ(created_rows[0].details["token_id"], created.token.id);
  EXPECT_EQ(created_rows[0].details.dump().find(created.secret), std::string::npos);
  EXPECT_EQ(revoked_rows[0].at, now_);
}

TEST_P(ApiTokensOnDatabase, AuditEntriesAboutAnAccountHideDetailsAboutOthers) {
  db_->write([&](db::Session& session) {
    audit::record(session, {.actor_account_id = anna_,
                            .action = "account.export",
                            .subject_type = "account",
                            .subject_id = anna_,
                            .details = {{"mine", true}}});
    audit::record(session, {.actor_account_id = anna_,
                            .action = "membership.approve",
                            .subject_type = "account",
                            .subject_id = bram_,
                            .details = {{"bram_email", "bram@example.nl"}}});
    audit::record(session, {.actor_account_id = std::nullopt,
                            .action = "account.erase",
                            .subject_type = "account",
                            .subject_id = bram_});
  });
  const auto about_anna =
      db_->read([&](db::Session& session) { return audit::entries_about_account(session, anna_); });
  ASSERT_EQ(about_anna.size(), 2u);
  EXPECT_EQ(about_anna[0].details["mine"], true);
  EXPECT_TRUE(about_anna[1].details.empty()) << about_anna[1].details.dump();
  EXPECT_THROW(
      db_->write([](db::Session& session) { audit::record(session, {.action = "", .subject_type = "x"}); }),
      std::invalid_argument);
}

std::string backend_name(const ::testing::TestParamInfo<db::Backend>& info) {
  return std::string(db::to_string(info.param));
}

INSTANTIATE_TEST_SUITE_P(Backends, ApiTokensOnDatabase, ::testing::ValuesIn(testing_support::test_backends()),
                         backend_name);

TEST(ApiRateLimiter, AllowsTheMinutesBudgetThenRefusesWithRetryAfter) {
  api::RateLimiter limiter(3);
  const auto start = api::RateLimiter::Clock::time_point{} + std::chrono::hours(1);
  EXPECT_TRUE(limiter.take("a", start).allowed);
  EXPECT_TRUE(limiter.take("a", start).allowed);
  const auto last = limiter.take("a", start);
  EXPECT_TRUE(last.allowed);
  EXPECT_EQ(last.remaining, 0);
  const auto refused = limiter.take("a", start);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after_seconds, 20) << "3 a minute: one every 20 seconds";
  EXPECT_TRUE(limiter.take("b", start).allowed) << "another token has its own budget";
  EXPECT_FALSE(limiter.take("a", start + std::chrono::seconds(19)).allowed);
  EXPECT_TRUE(limiter.take("a", start + std::chrono::seconds(40)).allowed);
}

TEST(ApiRateLimiter, RefillsNoHigherThanOneMinutesBudget) {
  api::RateLimiter limiter(2);
  const auto start = api::RateLimiter::Clock::time_point{} + std::chrono::hours(1);
  EXPECT_TRUE(limiter.take("a", start).allowed);
  const auto later = start + std::chrono::hours(5);
  EXPECT_TRUE(limiter.take("a", later).allowed);
  EXPECT_TRUE(limiter.take("a", later).allowed);
  EXPECT_FALSE(limiter.take("a", later).allowed);
  EXPECT_THROW(api::RateLimiter(0), std::invalid_argument);
}

}  // namespace
