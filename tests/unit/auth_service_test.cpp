// auth::Service on both databases: sign-up in each mode, verification, sign-in and throttling,
// sessions and their timeouts, password reset, roles, the helpers other features compose, and the
// mails each flow leaves in the outbox. Time is a test clock, so timeouts are exact.
#include <gtest/gtest.h>

#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "auth/passwords.h"
#include "auth/seed.h"
#include "auth/service.h"
#include "auth/store.h"
#include "db/database.h"
#include "db/migrations.h"
#include "http/request.h"
#include "regions/seed.h"
#include "support/test_databases.h"
#include "web/site.h"

namespace {

using auth::Service;
using auth::SignInResult;
using auth::SignUpResult;
using testing_support::TestDatabase;

constexpr std::string_view kGoodPassword = "lange zin als wachtwoord";
constexpr std::int64_t kStart = 1'800'000'000;

const web::Site& site() {
  static const web::Site instance(
      web::AssetUrls{"/assets/app.css", "/assets/logo.svg", "/assets/favicon.svg"},
      web::SiteOptions{"auth test secret", false});
  return instance;
}

struct Mail {
  std::string to;
  std::string subject;
  std::string text;
  std::string html;
  std::string kind;
};

class AuthService : public ::testing::TestWithParam<db::Backend> {
 protected:
  void SetUp() override {
    database_ = std::make_unique<TestDatabase>(GetParam());
    db_ = database_->open();
    db::migrate(*db_);
    db_->write([](db::Session& session) {
      regions::seed_demo(session);
      auth::seed_demo(session);
    });
    hasher_ = std::make_unique<auth::PasswordHasher>(auth::PasswordHasher::minimal(), 2);
    auth::ServiceOptions options;
    options.public_url = "https://kkp.test/";
    options.clock = [this] { return now_; };
    service_ = std::make_unique<Service>(*db_, *hasher_, site(), options);
  }

  std::vector<Mail> mails_to(const std::string& address) {
    return db_->read([&](db::Session& session) {
      std::vector<Mail> mails;
      for (const auto& row : session.query(
               "SELECT to_address, subject, text_body, html_body, kind FROM mail_outbox WHERE to_address = ? "
               "ORDER BY id",
               {address})) {
        mails.push_back({row.text(0), row.text(1), row.text(2), row.text(3), row.text(4)});
      }
      return mails;
    });
  }

  std::int64_t count(const std::string& sql, const db::Params& params = {}) {
    return db_->read([&](db::Session& session) { return session.query_one(sql, params)->int64(0); });
  }

  // The token at the end of the last link to `path_prefix` mailed to `address`.
  std::string token_from_mail(const std::string& address, const std::string& path_prefix) {
    const auto mails = mails_to(address);
    if (mails.empty()) return "";
    std::smatch match;
    const std::regex link("https://kkp\\.test" + path_prefix + "([A-Za-z0-9_-]{43})");
    if (!std::regex_search(mails.back().text, match, link)) return "";
    return match[1].str();
  }

  auth::SignUp sign_up_form(const std::string& network, const std::string& email) {
    auth::SignUp form;
    form.network_slug = network;
    form.name = "Anouk de Wit";
    form.email = email;
    form.password = std::string(kGoodPassword);
    return form;
  }

  std::int64_t network_id(const std::string& slug) { return service_->network(slug)->id; }
  std::int64_t account_id(const std::string& email) {
    return db_->read([&](db::Session& session) { return auth::find_account_by_email(session, email)->id; });
  }

  http::Request request_with_cookie(const std::string& token) {
    http::Request request;
    request.headers.add("cookie", "taal=nl; sessie=" + token);
    return request;
  }

  // Signs up on the open network, verifies by the mailed link and returns the address.
  std::string verified_member(const std::string& email) {
    EXPECT_EQ(service_->sign_up(sign_up_form("midden-brabant", email)).outcome,
              SignUpResult::Outcome::CheckMail);
    EXPECT_TRUE(service_->verify_email(token_from_mail(email, "/bevestigen/")));
    return email;
  }

  std::int64_t now_ = kStart;
  std::unique_ptr<TestDatabase> database_;
  std::unique_ptr<db::Database> db_;
  std::unique_ptr<auth::PasswordHasher> hasher_;
  std::unique_ptr<Service> service_;
};

std::string backend_name(const ::testing::TestParamInfo<db::Backend>& info) {
  return std::string(db::to_string(info.param));
}

TEST_P(AuthService, OpenSignUpMakesAnActiveMembershipAndMailsAVerificationLinkInTheSameTransaction) {
  auto form = sign_up_form("midden-brabant", "  Anouk@Example.NL ");
  form.language = "en";
  const auto result = service_->sign_up(form);
  ASSERT_EQ(result.outcome, SignUpResult::Outcome::CheckMail);
  const auto id = account_id("anouk@example.nl");
  const auto membership = service_->membership(id, network_id("midden-brabant"));
  ASSERT_TRUE(membership);
  EXPECT_EQ(membership->status, auth::MembershipStatus::Active);
  EXPECT_TRUE(service_->is_member(id, network_id("midden-brabant")));
  const auto mails = mails_to("anouk@example.nl");
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].kind, "auth.verify");
  EXPECT_EQ(mails[0].subject, "Confirm your e-mail address");  // the language the form was in
  EXPECT_NE(mails[0].html.find("https://kkp.test/bevestigen/"), std::string::npos);
  // The database keeps only the hash of the mailed token.
  const std::string token = token_from_mail("anouk@example.nl", "/bevestigen/");
  EXPECT_EQ(count("SELECT COUNT(*) FROM auth_tokens WHERE token_hash = ?", {token}), 0);
}

TEST_P(AuthService, VerificationLinkWorksOnceAndExpiresAfter48Hours) {
  ASSERT_EQ(service_->sign_up(sign_up_form("", "bram@example.nl")).outcome, SignUpResult::Outcome::CheckMail);
  const std::string token = token_from_mail("bram@example.nl", "/bevestigen/");
  ASSERT_FALSE(token.empty());
  EXPECT_TRUE(service_->verify_email(token));
  EXPECT_FALSE(service_->verify_email(token));  // single use

  ASSERT_EQ(service_->sign_up(sign_up_form("midden-brabant", "cor@example.nl")).outcome,
            SignUpResult::Outcome::CheckMail);
  now_ += 48 * 3600;
  EXPECT_FALSE(service_->verify_email(token_from_mail("cor@example.nl", "/bevestigen/")));
  EXPECT_FALSE(service_->verify_email("not-a-token"));
}

TEST_P(AuthService, ApprovalSignUpWaitsForACoordinatorWhoseDecisionIsMailed) {
  ASSERT_EQ(service_->sign_up(sign_up_form("west-brabant-zeeland", "daan@example.nl")).outcome,
            SignUpResult::Outcome::CheckMail);
  const auto west = network_id("west-brabant-zeeland");
  const auto id = account_id("daan@example.nl");
  EXPECT_FALSE(service_->is_member(id, west));
  const auto pending = service_->applications(west);
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].email, "daan@example.nl");

  EXPECT_TRUE(service_->decide_application(west, id, true));
  EXPECT_TRUE(service_->is_member(id, west));
  EXPECT_TRUE(service_->applications(west).empty());
  EXPECT_FALSE(service_->decide_application(west, id, false));  // nothing pending any more
  const auto mails = mails_to("daan@example.nl");
  ASSERT_EQ(mails.size(), 2u);
  EXPECT_EQ(mails[1].kind, "auth.approved");
  EXPECT_NE(mails[1].text.find("Kennisknooppunt West-Brabant & Zeeland"), std::string::npos);
}

TEST_P(AuthService, RejectedApplicantIsToldAndIsNoMember) {
  service_->sign_up(sign_up_form("west-brabant-zeeland", "eva@example.nl"));
  const auto west = network_id("west-brabant-zeeland");
  EXPECT_TRUE(service_->decide_application(west, account_id("eva@example.nl"), false));
  EXPECT_FALSE(service_->is_member(account_id("eva@example.nl"), west));
  EXPECT_EQ(mails_to("eva@example.nl").back().kind, "auth.rejected");
}

TEST_P(AuthService, InvitationSignUpNeedsAnUnusedUnexpiredInvitationOfThatNetwork) {
  const auto midden = *service_->network("midden-brabant");
  service_->set_signup_mode(midden.id, auth::SignupMode::Invitation);
  auto form = sign_up_form("midden-brabant", "fleur@example.nl");
  EXPECT_EQ(service_->sign_up(form).outcome, SignUpResult::Outcome::InvitationInvalid);

  const auto invitation =
      service_->create_invitation(midden, account_id("coordinator@kkp-demo.nl"), std::nullopt);
  const std::string token = invitation.url.substr(invitation.url.find("uitnodiging=") + 12);
  EXPECT_TRUE(service_->invitation_valid("midden-brabant", token));
  EXPECT_FALSE(service_->invitation_valid("west-brabant-zeeland", token));  // another network's
  form.invitation_token = token;
  EXPECT_EQ(service_->sign_up(form).outcome, SignUpResult::Outcome::CheckMail);
  EXPECT_TRUE(service_->is_member(account_id("fleur@example.nl"), midden.id));

  auto second = sign_up_form("midden-brabant", "gijs@example.nl");
  second.invitation_token = token;  // used already
  EXPECT_EQ(service_->sign_up(second).outcome, SignUpResult::Outcome::InvitationInvalid);

  const auto later = service_->create_invitation(midden, account_id("coordinator@kkp-demo.nl"), std::nullopt);
  now_ += 14 * 24 * 3600;
  second.invitation_token = later.url.substr(later.url.find("uitnodiging=") + 12);
  EXPECT_EQ(service_->sign_up(second).outcome, SignUpResult::Outcome::InvitationInvalid);  // expired
  EXPECT_EQ(count("SELECT COUNT(*) FROM accounts WHERE email = 'gijs@example.nl'"), 0);
}

TEST_P(AuthService, InvitationForOneAddressRefusesAnother) {
  const auto midden = *service_->network("midden-brabant");
  service_->set_signup_mode(midden.id, auth::SignupMode::Invitation);
  const auto invitation = service_->create_invitation(midden, account_id("coordinator@kkp-demo.nl"),
                                                      std::string("Hugo@Example.nl"));
  auto form = sign_up_form("midden-brabant", "iris@example.nl");
  form.invitation_token = invitation.url.substr(invitation.url.find("uitnodiging=") + 12);
  const auto result = service_->sign_up(form);
  ASSERT_EQ(result.outcome, SignUpResult::Outcome::Invalid);
  EXPECT_EQ(result.errors.at(0).message_key, "auth.invitation.other_address");
  form.email = "hugo@example.nl";
  EXPECT_EQ(service_->sign_up(form).outcome, SignUpResult::Outcome::CheckMail);
}

TEST_P(AuthService, DuplicateEmailAnswersTheSameAndMailsTheOwnerInstead) {
  const auto before = count("SELECT COUNT(*) FROM accounts");
  auto form = sign_up_form("midden-brabant", "LID@kkp-demo.nl");
  form.name = "Indringer";
  const auto result = service_->sign_up(form);
  EXPECT_EQ(result.outcome, SignUpResult::Outcome::CheckMail);
  EXPECT_EQ(count("SELECT COUNT(*) FROM accounts"), before);
  const auto mails = mails_to("lid@kkp-demo.nl");
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].kind, "auth.duplicate");
  EXPECT_NE(mails[0].text.find("Joost Verhoeven"), std::string::npos);  // the owner's name, not the form's
  EXPECT_EQ(mails[0].text.find("Indringer"), std::string::npos);
}

TEST_P(AuthService, InvalidSignUpNamesEveryFieldAndWritesNothing) {
  auth::SignUp form;
  form.network_slug = "midden-brabant";
  form.name = "   ";
  form.email = "geen-adres";
  form.password = "kort";
  const auto before = count("SELECT COUNT(*) FROM accounts");
  const auto result = service_->sign_up(form);
  ASSERT_EQ(result.outcome, SignUpResult::Outcome::Invalid);
  ASSERT_EQ(result.errors.size(), 3u);
  EXPECT_EQ(result.errors[0].field, "name");
  EXPECT_EQ(result.errors[1].field, "email");
  EXPECT_EQ(result.errors[2].message_key, "auth.password.too_short");
  EXPECT_EQ(count("SELECT COUNT(*) FROM accounts"), before);
  EXPECT_EQ(count("SELECT COUNT(*) FROM mail_outbox"), 0);
  form.name = "Jan";
  form.email = "jan@example.nl";
  form.password = std::string(2000, 'x');
  EXPECT_EQ(service_->sign_up(form).errors.at(0).message_key, "auth.password.too_long");
  EXPECT_EQ(service_->sign_up(sign_up_form("bestaat-niet", "x@example.nl")).outcome,
            SignUpResult::Outcome::NetworkNotFound);
}

TEST_P(AuthService, SignInNeedsTheRightPasswordAndAVerifiedAddress) {
  service_->sign_up(sign_up_form("midden-brabant", "jet@example.nl"));
  auto result = service_->sign_in("jet@example.nl", "fout wachtwoord", "10.0.0.1", "test");
  EXPECT_EQ(result.outcome, SignInResult::Outcome::Invalid);
  result = service_->sign_in("jet@example.nl", kGoodPassword, "10.0.0.1", "test");
  EXPECT_EQ(result.outcome, SignInResult::Outcome::Unverified);
  EXPECT_EQ(mails_to("jet@example.nl").size(), 2u);  // a fresh verification link
  EXPECT_TRUE(service_->verify_email(token_from_mail("jet@example.nl", "/bevestigen/")));
  result = service_->sign_in(" JET@example.nl", kGoodPassword, "10.0.0.1", "test");
  ASSERT_EQ(result.outcome, SignInResult::Outcome::SignedIn);
  EXPECT_EQ(result.token.size(), 43u);
  EXPECT_EQ(service_->sign_in("nobody@example.nl", kGoodPassword, "10.0.0.1", "test").outcome,
            SignInResult::Outcome::Invalid);
}

TEST_P(AuthService, FiveFailuresPerAddressThrottleAndUnknownAddressesAlike) {
  for (const std::string email : {"lid@kkp-demo.nl", "onbekend@example.nl"}) {
    for (int i = 0; i < 5; ++i) {
      EXPECT_EQ(service_->sign_in(email, "fout wachtwoord", "10.0.0." + std::to_string(i), "t").outcome,
                SignInResult::Outcome::Invalid);
    }
    const auto throttled = service_->sign_in(email, "fout wachtwoord", "10.0.1.1", "t");
    EXPECT_EQ(throttled.outcome, SignInResult::Outcome::Throttled) << email;
    EXPECT_EQ(throttled.retry_after_seconds, 15 * 60);
  }
  // Even the right password waits: otherwise throttling would not slow down guessing.
  EXPECT_EQ(service_->sign_in("lid@kkp-demo.nl", auth::kDemoPassword, "10.0.1.2", "t").outcome,
            SignInResult::Outcome::Throttled);
  now_ += 15 * 60;
  EXPECT_EQ(service_->sign_in("lid@kkp-demo.nl", auth::kDemoPassword, "10.0.1.2", "t").outcome,
            SignInResult::Outcome::SignedIn);
}

TEST_P(AuthService, TwentyFailuresFromOneAddressThrottleEveryAccountFromThere) {
  for (int i = 0; i < 20; ++i) {
    service_->sign_in("raden" + std::to_string(i) + "@example.nl", "fout wachtwoord", "192.0.2.7", "t");
    now_ += 1;
  }
  const auto throttled = service_->sign_in("lid@kkp-demo.nl", auth::kDemoPassword, "192.0.2.7", "t");
  EXPECT_EQ(throttled.outcome, SignInResult::Outcome::Throttled);
  EXPECT_EQ(service_->sign_in("lid@kkp-demo.nl", auth::kDemoPassword, "192.0.2.8", "t").outcome,
            SignInResult::Outcome::SignedIn);
}

TEST_P(AuthService, SessionResolvesTheViewerAndEndsWhenIdleFor14Days) {
  const auto signed_in = service_->sign_in("lid@kkp-demo.nl", auth::kDemoPassword, "10.0.0.1", "t");
  auto request = request_with_cookie(signed_in.token);
  service_->resolve_viewer(request);
  ASSERT_TRUE(request.viewer);
  EXPECT_EQ(request.viewer->name, "Joost Verhoeven");
  EXPECT_EQ(request.viewer->email, "lid@kkp-demo.nl");
  EXPECT_FALSE(request.viewer->administrator);
  EXPECT_EQ(request.session_token_hash.size(), 64u);

  // Seen 13 days later: still valid, and the idle clock restarts.
  now_ += 13 * 24 * 3600;
  request = request_with_cookie(signed_in.token);
  service_->resolve_viewer(request);
  EXPECT_TRUE(request.viewer);
  now_ += 13 * 24 * 3600;
  request = request_with_cookie(signed_in.token);
  service_->resolve_viewer(request);
  EXPECT_TRUE(request.viewer);
  // Then 14 days of nothing: gone.
  now_ += 14 * 24 * 3600;
  request = request_with_cookie(signed_in.token);
  service_->resolve_viewer(request);
  EXPECT_FALSE(request.viewer);
  EXPECT_TRUE(request.session_token_hash.empty());
}

TEST_P(AuthService, SessionEndsAfter60DaysHoweverActive) {
  const auto signed_in = service_->sign_in("lid@kkp-demo.nl", auth::kDemoPassword, "10.0.0.1", "t");
  for (int day = 0; day < 59; day += 5) {
    now_ = kStart + day * 24 * 3600;
    auto request = request_with_cookie(signed_in.token);
    service_->resolve_viewer(request);
    EXPECT_TRUE(request.viewer) << day;
  }
  now_ = kStart + 60 * 24 * 3600;
  auto request = request_with_cookie(signed_in.token);
  service_->resolve_viewer(request);
  EXPECT_FALSE(request.viewer);
}

TEST_P(AuthService, LastSeenIsWrittenAtMostOnceAMinute) {
  const auto signed_in = service_->sign_in("lid@kkp-demo.nl", auth::kDemoPassword, "10.0.0.1", "t");
  auto last_seen = [&] { return count("SELECT last_seen_at FROM sessions"); };
  now_ += 30;
  auto request = request_with_cookie(signed_in.token);
  service_->resolve_viewer(request);
  EXPECT_EQ(last_seen(), kStart);
  now_ += 31;
  service_->resolve_viewer(request);
  EXPECT_EQ(last_seen(), kStart + 61);
}

TEST_P(AuthService, SignInReplacesThePreviousSessionToken) {
  const auto first = service_->sign_in("lid@kkp-demo.nl", auth::kDemoPassword, "10.0.0.1", "t");
  auto request = request_with_cookie(first.token);
  service_->resolve_viewer(request);
  const auto second =
      service_->sign_in("lid@kkp-demo.nl", auth::kDemoPassword, "10.0.0.1", "t", request.session_token_hash);
  EXPECT_NE(first.token, second.token);
  request = request_with_cookie(first.token);
  service_->resolve_viewer(request);
  EXPECT_FALSE(request.viewer);
  request = request_with_cookie(second.token);
  service_->resolve_viewer(request);
  EXPECT_TRUE(request.viewer);
}

TEST_P(AuthService, JunkOrUnknownCookiesResolveToAVisitor) {
  for (const std::string& cookie :
       std::vector<std::string>{"", "x", std::string(43, 'a'), "sessie' OR 1=1 --"}) {
    auto request = request_with_cookie(cookie);
    service_->resolve_viewer(request);
    EXPECT_FALSE(request.viewer) << cookie;
  }
}

TEST_P(AuthService, PasswordResetSetsThePasswordEndsEverySessionAndWorksOnce) {
  const auto old_session = service_->sign_in("lid@kkp-demo.nl", auth::kDemoPassword, "10.0.0.1", "t");
  service_->request_password_reset("Lid@KKP-demo.nl");
  const std::string token = token_from_mail("lid@kkp-demo.nl", "/wachtwoord-herstellen/");
  ASSERT_FALSE(token.empty());
  EXPECT_TRUE(service_->reset_link_valid(token));

  auto weak = service_->reset_password(token, "kort", "10.0.0.1", "t");
  EXPECT_EQ(weak.outcome, auth::PasswordChangeResult::Outcome::Invalid);
  EXPECT_TRUE(service_->reset_link_valid(token));  // a weak password does not use up the link

  const auto done = service_->reset_password(token, "nieuw en best lang wachtwoord", "10.0.0.1", "t");
  ASSERT_EQ(done.outcome, auth::PasswordChangeResult::Outcome::SignedIn);
  auto request = request_with_cookie(old_session.token);
  service_->resolve_viewer(request);
  EXPECT_FALSE(request.viewer);  // signed out everywhere else
  request = request_with_cookie(done.token);
  service_->resolve_viewer(request);
  EXPECT_TRUE(request.viewer);
  EXPECT_EQ(service_->reset_password(token, "nog een ander wachtwoord", "10.0.0.1", "t").outcome,
            auth::PasswordChangeResult::Outcome::LinkInvalid);
  EXPECT_EQ(service_->sign_in("lid@kkp-demo.nl", auth::kDemoPassword, "10.0.0.1", "t").outcome,
            SignInResult::Outcome::Invalid);
  EXPECT_EQ(service_->sign_in("lid@kkp-demo.nl", "nieuw en best lang wachtwoord", "10.0.0.1", "t").outcome,
            SignInResult::Outcome::SignedIn);
}

TEST_P(AuthService, ResetLinkExpiresAfterAnHourAndUnknownAddressesGetNoMail) {
  service_->request_password_reset("lid@kkp-demo.nl");
  const std::string token = token_from_mail("lid@kkp-demo.nl", "/wachtwoord-herstellen/");
  now_ += 3600;
  EXPECT_FALSE(service_->reset_link_valid(token));
  EXPECT_EQ(service_->reset_password(token, "nieuw en best lang wachtwoord", "10.0.0.1", "t").outcome,
            auth::PasswordChangeResult::Outcome::LinkInvalid);
  service_->request_password_reset("onbekend@example.nl");
  EXPECT_EQ(count("SELECT COUNT(*) FROM mail_outbox WHERE to_address = 'onbekend@example.nl'"), 0);
}

TEST_P(AuthService, CoordinatorOfOneNetworkIsNotCoordinatorOfAnother) {
  const auto west = network_id("west-brabant-zeeland");
  const auto midden = network_id("midden-brabant");
  const auto coordinator = account_id("coordinator@kkp-demo.nl");
  const auto member = account_id("lid@kkp-demo.nl");
  EXPECT_TRUE(service_->is_coordinator(coordinator, west));
  EXPECT_TRUE(service_->is_member(member, west));
  EXPECT_FALSE(service_->is_coordinator(member, west));
  EXPECT_FALSE(service_->is_member(member, midden));
  db_->write([&](db::Session& session) {
    auth::add_membership(session, coordinator, midden, auth::Role::Member, auth::MembershipStatus::Active);
  });
  EXPECT_FALSE(service_->is_coordinator(coordinator, midden));
  http::Viewer viewer;
  viewer.account_id = coordinator;
  EXPECT_TRUE(service_->can_coordinate(viewer, west));
  EXPECT_FALSE(service_->can_coordinate(viewer, midden));
  viewer.via_api_token = true;
  EXPECT_FALSE(service_->can_coordinate(viewer, west));
  http::Viewer admin;
  admin.administrator = true;
  EXPECT_TRUE(service_->can_coordinate(admin, midden));
}

TEST_P(AuthService, OtherFeaturesCreateAccountsWithASharedPrecomputedHash) {
  const auto id = db_->write([](db::Session& session) {
    auth::NewAccount account;
    account.email = "Demo.Lid@KKP-demo.nl";
    account.name = "Sanne Bakker";
    account.password_hash = std::string(auth::demo_password_hash());
    account.verified = true;
    account.created_at = 1705400000;
    const auto created = auth::create_account(session, account);
    auth::add_membership(session, created, auth::store::first_network(session)->id, auth::Role::Member,
                         auth::MembershipStatus::Active, 1705400000);
    return created;
  });
  EXPECT_EQ(account_id("demo.lid@kkp-demo.nl"), id);
  EXPECT_EQ(service_->sign_in("demo.lid@kkp-demo.nl", auth::kDemoPassword, "10.0.0.1", "t").outcome,
            SignInResult::Outcome::SignedIn);
  EXPECT_THROW(db_->write([](db::Session& session) {
    auth::NewAccount again;
    again.email = "demo.lid@kkp-demo.nl";
    again.name = "Dubbel";
    auth::create_account(session, again);
  }),
               db::Error);
}

TEST_P(AuthService, AdminWithPasswordIsVerifiedAndActiveInEveryNetwork) {
  const auto created =
      service_->create_admin("Beheer@Example.nl", "Beheerder", std::string("sterk beheer wachtwoord"));
  ASSERT_TRUE(created.errors.empty());
  EXPECT_TRUE(created.sign_in_url.empty());
  for (const auto& slug : {"west-brabant-zeeland", "midden-brabant"}) {
    EXPECT_TRUE(service_->is_member(created.account_id, network_id(slug))) << slug;
  }
  const auto signed_in = service_->sign_in("beheer@example.nl", "sterk beheer wachtwoord", "10.0.0.1", "t");
  ASSERT_EQ(signed_in.outcome, SignInResult::Outcome::SignedIn);
  auto request = request_with_cookie(signed_in.token);
  service_->resolve_viewer(request);
  ASSERT_TRUE(request.viewer);
  EXPECT_TRUE(request.viewer->administrator);
  EXPECT_FALSE(service_->create_admin("beheer@example.nl", "Nog een", std::nullopt).errors.empty());
  EXPECT_EQ(service_->create_admin("ander@example.nl", "Ander", std::string("password123"))
                .errors.at(0)
                .message_key,
            "auth.password.too_common");
}

TEST_P(AuthService, AdminWithoutPasswordGetsAOneTimeLinkThatAsksForOne) {
  const auto created = service_->create_admin("link@example.nl", "Link Beheerder", std::nullopt);
  ASSERT_TRUE(created.errors.empty());
  ASSERT_TRUE(created.sign_in_url.starts_with("https://kkp.test/inloggen/link/")) << created.sign_in_url;
  const std::string token = created.sign_in_url.substr(created.sign_in_url.rfind('/') + 1);
  const auto link = service_->sign_in_link(token);
  ASSERT_TRUE(link);
  EXPECT_TRUE(link->needs_password);
  EXPECT_EQ(service_->use_sign_in_link(token, "", "10.0.0.1", "t").outcome,
            auth::PasswordChangeResult::Outcome::Invalid);
  EXPECT_EQ(service_->use_sign_in_link(token, "mijn eigen beheerwachtwoord", "10.0.0.1", "t").outcome,
            auth::PasswordChangeResult::Outcome::SignedIn);
  EXPECT_FALSE(service_->sign_in_link(token));
  EXPECT_EQ(service_->use_sign_in_link(token, "mijn eigen beheerwachtwoord", "10.0.0.1", "t").outcome,
            auth::PasswordChangeResult::Outcome::LinkInvalid);
  EXPECT_EQ(service_->sign_in("link@example.nl", "mijn eigen beheerwachtwoord", "10.0.0.1", "t").outcome,
            SignInResult::Outcome::SignedIn);
}

TEST_P(AuthService, SignInLinkExpiresAfter24Hours) {
  const auto created = service_->create_admin("laat@example.nl", "Laat", std::nullopt);
  const std::string token = created.sign_in_url.substr(created.sign_in_url.rfind('/') + 1);
  now_ += 24 * 3600;
  EXPECT_FALSE(service_->sign_in_link(token));
}

TEST_P(AuthService, SignedInMemberJoinsAnotherNetworkByItsMode) {
  verified_member("kees@example.nl");
  const auto id = account_id("kees@example.nl");
  EXPECT_EQ(service_->join(id, "midden-brabant", "").outcome, auth::JoinResult::Outcome::AlreadyMember);
  EXPECT_EQ(service_->join(id, "west-brabant-zeeland", "").outcome, auth::JoinResult::Outcome::Pending);
  EXPECT_FALSE(service_->is_member(id, network_id("west-brabant-zeeland")));
  EXPECT_EQ(service_->join(id, "bestaat-niet", "").outcome, auth::JoinResult::Outcome::NetworkNotFound);
}

TEST_P(AuthService, DemoSeedGivesWestBrabantApprovalAndMiddenBrabantOpenSignUp) {
  EXPECT_EQ(service_->network("west-brabant-zeeland")->signup_mode, auth::SignupMode::Approval);
  EXPECT_EQ(service_->network("midden-brabant")->signup_mode, auth::SignupMode::Open);
  EXPECT_EQ(service_->primary_network()->slug, "west-brabant-zeeland");
}

INSTANTIATE_TEST_SUITE_P(Backends, AuthService, ::testing::ValuesIn(testing_support::test_backends()),
                         backend_name);

}  // namespace
