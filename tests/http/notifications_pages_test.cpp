// Notifications through the real binary on both databases: the list with the unread badge in the
// user menu (never on a visitor's cached page), opening a notification marks it read, another
// member's notification is 404, "mark all read" needs its CSRF token, "Nieuw in uw groepen" shows
// only the member's visible groups with everything escaped, a group's activity page follows the
// group's visibility, the watch-level form (CSRF, bad input 400, no access 403), the e-mail settings
// form (422 with an inline error and nothing written), and one-click unsubscribe (RFC 8058: POST
// without cookies or CSRF works with a valid signature; a forged one answers 400 with a clear page).
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "auth/service.h"
#include "auth/sessions.h"
#include "auth/store.h"
#include "auth/tokens.h"
#include "db/database.h"
#include "db/migrations.h"
#include "http/parsers.h"
#include "notifications/activity.h"
#include "notifications/service.h"
#include "notifications/store.h"
#include "regions/seed.h"
#include "support/server_process.h"
#include "support/web_browser.h"
#include "support/test_databases.h"
#include "support/text.h"
#include "web/site.h"

using testing_support::HttpResponse;
using testing_support::ServerProcess;

namespace {

constexpr std::int64_t kNetwork = 1;
constexpr const char* kIctPath = "/groepen/west-brabant-zeeland/ict";
constexpr const char* kLawPath = "/groepen/west-brabant-zeeland/juridisch-advies";

using testing_support::contains;

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// A browser signed in with a session made in the database (a visitor when `session` is empty).
class Browser : public testing_support::WebBrowser {
 public:
  Browser(unsigned short port, std::int64_t id, const std::string& session) : WebBrowser(port), id_(id) {
    if (!session.empty()) set_cookie(std::string(auth::kSessionCookie), session);
  }
  std::int64_t id() const { return id_; }

 private:
  std::int64_t id_;
};

class NotificationsOverHttp : public ::testing::TestWithParam<db::Backend> {
 protected:
  void SetUp() override {
    database_ = std::make_unique<testing_support::TestDatabase>(GetParam());
    db_ = database_->open();
    db::migrate(*db_);
    db_->write([&](db::Session& session) {
      regions::seed_demo(session);
      ict_ = group_id(session, "ict");
      law_ = group_id(session, "juridisch-advies");
      session.execute("UPDATE knowledge_groups SET visibility = 'group' WHERE id = ?", {law_});
    });
    // The anonymous page cache stays on: a member's badge must never reach a visitor.
    server_ = std::make_unique<ServerProcess>(ServerProcess::Options{database_->url(), false, {"--no-access-log"}});
    piet_ = member("Piet Jansen", {ict_, law_});
    anna_ = member("Anna de Vries", {ict_});
    visitor_ = std::make_unique<Browser>(server_->port(), 0, "");
  }
  void TearDown() override {
    server_.reset();
    db_.reset();
    database_.reset();
  }

  static std::int64_t group_id(db::Session& session, const std::string& slug) {
    return session.query_one("SELECT id FROM knowledge_groups WHERE network_id = ? AND slug = ?", {kNetwork, slug})
        ->int64(0);
  }

  std::unique_ptr<Browser> member(const std::string& name, const std::vector<std::int64_t>& groups) {
    const std::string token = auth::new_token();
    const std::int64_t id = db_->write([&](db::Session& session) {
      auth::NewAccount account;
      account.name = name;
      account.email = std::to_string(++emails_) + "@meldingen.example";
      account.verified = true;
      const std::int64_t account_id = auth::create_account(session, account);
      auth::add_membership(session, account_id, kNetwork, auth::Role::Member, auth::MembershipStatus::Active);
      const std::int64_t now = unix_now();
      auth::store::insert_session(session, auth::SessionRecord{auth::hash_token(token), account_id, now, now, now + 86400},
                                  "127.0.0.1", "notifications test");
      for (std::int64_t group : groups) {
        session.execute(
            "INSERT INTO group_members (group_id, account_id, role, state, created_at, joined_at) "
            "VALUES (?, ?, 'member', 'active', ?, ?)",
            {group, account_id, now, now});
      }
      return account_id;
    });
    return std::make_unique<Browser>(server_->port(), id, token);
  }

  // A reply by `actor` in `group`, mentioning `mentioned`; returns the activity id.
  std::int64_t mention(std::int64_t actor, std::int64_t group, std::int64_t mentioned, const std::string& title,
                       std::int64_t reply_id) {
    return db_->write([&](db::Session& session) {
      notifications::Activity activity;
      activity.network_id = kNetwork;
      activity.group_id = group;
      activity.kind = "reply.created";
      activity.actor_id = actor;
      activity.subject_type = "reply";
      activity.subject_id = reply_id;
      activity.topic_id = 500;
      activity.title = title;
      activity.excerpt = "Zie <b>dit</b> & dat";
      activity.path = "/onderwerpen/500#reactie-" + std::to_string(reply_id);
      if (mentioned != 0) activity.mentioned = {mentioned};
      return notifications::record(session, activity);
    });
  }

  std::int64_t notification_of(std::int64_t account) {
    return db_->read([&](db::Session& session) {
      return session.query_one("SELECT id FROM notifications WHERE account_id = ? ORDER BY id DESC LIMIT 1", {account})
          ->int64(0);
    });
  }

  // An unsubscribe token signed with the server's own key (the site secret in its database).
  std::string unsubscribe_token(std::int64_t account, notifications::UnsubscribeScope scope) {
    const std::string secret = db_->read([](db::Session& session) {
      return session.query_one("SELECT value FROM settings WHERE key = 'cookie_secret'")->text(0);
    });
    web::Site site(web::AssetUrls{"/a.css", "/l.svg", "/f.svg"}, web::SiteOptions{secret, false});
    notifications::Service service(*db_, site);
    return service.unsubscribe_token(account, scope);
  }

  std::unique_ptr<testing_support::TestDatabase> database_;
  std::unique_ptr<db::Database> db_;
  std::unique_ptr<ServerProcess> server_;
  std::int64_t ict_ = 0, law_ = 0;
  int emails_ = 0;
  std::unique_ptr<Browser> piet_, anna_, visitor_;
};

TEST_P(NotificationsOverHttp, VisitorsAreSentToSignInFromEveryPersonalPage) {
  for (const char* path : {"/meldingen", "/nieuw", "/meldingen/instellingen", "/meldingen/1"}) {
    const auto response = visitor_->get(path);
    EXPECT_EQ(response.status, 303) << path;
    EXPECT_TRUE(response.header("location").starts_with("/inloggen?next=")) << path;
  }
}

TEST_P(NotificationsOverHttp, AMentionShowsInTheListWithABadgeAndOpeningItMarksItRead) {
  mention(anna_->id(), ict_, piet_->id(), "Back-ups <script>alert(1)</script>", 77);
  const auto home = piet_->get("/");
  ASSERT_EQ(home.status, 200);
  EXPECT_TRUE(contains(home.body, "href=\"/meldingen\">Meldingen<span class=\"badge\">1<span class=\"visually-hidden\"> ongelezen</span></span>"))
      << home.body.substr(0, 3000);
  // The visitor's page (cached or not) has no user menu of anyone.
  for (int i = 0; i < 2; ++i) {
    const auto visitor_home = visitor_->get("/");
    ASSERT_EQ(visitor_home.status, 200);
    EXPECT_FALSE(contains(visitor_home.body, "/meldingen"));
    EXPECT_FALSE(contains(visitor_home.body, "class=\"badge\""));
  }

  const auto list = piet_->get("/meldingen");
  ASSERT_EQ(list.status, 200);
  EXPECT_TRUE(contains(list.body, "U heeft 1 ongelezen melding."));
  EXPECT_TRUE(contains(list.body, "U werd genoemd"));
  EXPECT_TRUE(contains(list.body, "Back-ups &lt;script&gt;alert(1)&lt;/script&gt;"));
  EXPECT_FALSE(contains(list.body, "<script>alert(1)"));
  EXPECT_TRUE(contains(list.body, "Zie &lt;b&gt;dit&lt;/b&gt; &amp; dat"));

  const std::int64_t id = notification_of(piet_->id());
  const auto opened = piet_->get("/meldingen/" + std::to_string(id));
  ASSERT_EQ(opened.status, 303);
  EXPECT_EQ(opened.header("location"), "/onderwerpen/500#reactie-77");
  const auto after = piet_->get("/meldingen");
  EXPECT_TRUE(contains(after.body, "U heeft alles gelezen."));
  EXPECT_FALSE(contains(piet_->get("/").body, "class=\"badge\""));
}

TEST_P(NotificationsOverHttp, AnotherMembersNotificationIsNotFoundAndStaysUnread) {
  mention(anna_->id(), ict_, piet_->id(), "Privé", 78);
  const std::int64_t id = notification_of(piet_->id());
  EXPECT_EQ(anna_->get("/meldingen/" + std::to_string(id)).status, 404);
  EXPECT_EQ(anna_->get("/meldingen/abc").status, 404);
  EXPECT_TRUE(contains(piet_->get("/meldingen").body, "U heeft 1 ongelezen melding."));
}

TEST_P(NotificationsOverHttp, MarkingAllReadNeedsTheCsrfTokenAndThenClearsTheBadge) {
  mention(anna_->id(), ict_, piet_->id(), "Een", 79);
  mention(anna_->id(), ict_, piet_->id(), "Twee", 80);
  EXPECT_EQ(piet_->post_with_token("/meldingen/gelezen", {}, "vervalst").status, 403);
  EXPECT_TRUE(contains(piet_->get("/meldingen").body, "U heeft 2 ongelezen meldingen."));
  const auto done = piet_->post("/meldingen/gelezen", {});
  ASSERT_EQ(done.status, 303);
  EXPECT_EQ(done.header("location"), "/meldingen");
  const auto list = piet_->get("/meldingen");
  EXPECT_TRUE(contains(list.body, "Alle meldingen zijn gelezen."));  // the flash
  EXPECT_TRUE(contains(list.body, "U heeft alles gelezen."));
}

TEST_P(NotificationsOverHttp, NewInYourGroupsShowsOnlyTheMembersVisibleGroups) {
  mention(piet_->id(), ict_, 0, "Wachtwoordbeheer in het mkb", 81);
  mention(piet_->id(), law_, 0, "Vertrouwelijk geschil", 82);
  const auto anna_new = anna_->get("/nieuw");
  ASSERT_EQ(anna_new.status, 200);
  EXPECT_TRUE(contains(anna_new.body, "Nieuw in uw groepen"));
  EXPECT_TRUE(contains(anna_new.body, "Wachtwoordbeheer in het mkb"));
  EXPECT_TRUE(contains(anna_new.body, "href=\"/onderwerpen/500#reactie-81\""));
  EXPECT_FALSE(contains(anna_new.body, "Vertrouwelijk geschil"));
  // Piet's own posts are not news to him.
  EXPECT_FALSE(contains(piet_->get("/nieuw").body, "Wachtwoordbeheer in het mkb"));
}

TEST_P(NotificationsOverHttp, AGroupsActivityPageFollowsTheGroupsVisibility) {
  mention(piet_->id(), law_, 0, "Vertrouwelijk geschil", 83);
  mention(piet_->id(), ict_, 0, "Wachtwoordbeheer", 84);
  const auto inside = piet_->get(std::string(kLawPath) + "/activiteit");
  ASSERT_EQ(inside.status, 200);
  EXPECT_TRUE(contains(inside.body, "Vertrouwelijk geschil"));
  EXPECT_TRUE(contains(inside.body, "class=\"group-header\""));
  EXPECT_TRUE(contains(inside.body, "action=\"/meldingen/volgen\""));
  EXPECT_EQ(anna_->get(std::string(kLawPath) + "/activiteit").status, 403);
  EXPECT_EQ(visitor_->get(std::string(kLawPath) + "/activiteit").status, 404);
  EXPECT_EQ(visitor_->get("/groepen/west-brabant-zeeland/bestaat-niet/activiteit").status, 404);
  const auto ict = anna_->get(std::string(kIctPath) + "/activiteit");
  ASSERT_EQ(ict.status, 200);
  EXPECT_TRUE(contains(ict.body, "Wachtwoordbeheer"));
  EXPECT_FALSE(contains(ict.body, "Vertrouwelijk geschil"));
}

TEST_P(NotificationsOverHttp, TheWatchLevelFormSetsALevelOnlyWhereTheMemberMayLook) {
  const std::string back = std::string(kIctPath) + "/activiteit";
  const auto saved = anna_->post("/meldingen/volgen",
                                 {{"doel", "group"}, {"id", std::to_string(ict_)}, {"niveau", "watching"}, {"next", back}});
  ASSERT_EQ(saved.status, 303);
  EXPECT_EQ(saved.header("location"), back);
  const auto page = anna_->get(back);
  EXPECT_TRUE(contains(page.body, "Uw keuze voor meldingen is opgeslagen."));
  EXPECT_TRUE(contains(page.body, "<option value=\"watching\" selected>"));
  // Anna now hears of every new post in ICT.
  mention(piet_->id(), ict_, 0, "Nieuw over back-ups", 85);
  EXPECT_TRUE(contains(anna_->get("/meldingen").body, "Nieuw over back-ups"));

  EXPECT_EQ(anna_->post("/meldingen/volgen", {{"doel", "group"}, {"id", std::to_string(law_)}, {"niveau", "watching"}})
                .status,
            403);
  EXPECT_EQ(anna_->post("/meldingen/volgen", {{"doel", "group"}, {"id", std::to_string(ict_)}, {"niveau", "luid"}}).status,
            400);
  EXPECT_EQ(anna_->post("/meldingen/volgen", {{"doel", "forum"}, {"id", std::to_string(ict_)}, {"niveau", "muted"}}).status,
            400);
  EXPECT_EQ(anna_->post("/meldingen/volgen", {{"doel", "topic"}, {"id", "987654"}, {"niveau", "muted"}}).status, 404);
  EXPECT_EQ(anna_->post_with_token("/meldingen/volgen",
                                   {{"doel", "group"}, {"id", std::to_string(ict_)}, {"niveau", "muted"}}, "vervalst")
                .status,
            403);
  // An outside redirect target is not followed.
  const auto outside = anna_->post("/meldingen/volgen", {{"doel", "group"}, {"id", std::to_string(ict_)},
                                                         {"niveau", "normal"}, {"next", "//evil.example/"}});
  EXPECT_EQ(outside.header("location"), "/");
}

TEST_P(NotificationsOverHttp, TheSettingsFormSavesAndRefusesAnUnknownChoiceWithAnInlineError) {
  const auto form = piet_->get("/meldingen/instellingen");
  ASSERT_EQ(form.status, 200);
  EXPECT_TRUE(contains(form.body, "name=\"samenvatting\" value=\"weekly\" checked"));
  EXPECT_TRUE(contains(form.body, "name=\"direct\" value=\"1\" checked"));

  const auto invalid = piet_->post("/meldingen/instellingen", {{"samenvatting", "jaarlijks"}});
  ASSERT_EQ(invalid.status, 422);
  EXPECT_TRUE(contains(invalid.body, "Kies hoe vaak u een samenvatting wilt krijgen."));
  EXPECT_TRUE(contains(invalid.body, "id=\"samenvatting-error\""));
  // Nothing written: the defaults stand (a row may exist: the digest job keeps its watermark there).
  const auto unchanged =
      db_->read([&](db::Session& session) { return notifications::store::settings_of(session, piet_->id()); });
  EXPECT_TRUE(unchanged.mail_immediate);
  EXPECT_EQ(unchanged.digest, notifications::DigestFrequency::Weekly);

  const auto saved = piet_->post("/meldingen/instellingen", {{"samenvatting", "daily"}});
  ASSERT_EQ(saved.status, 303);
  const auto after = piet_->get("/meldingen/instellingen");
  EXPECT_TRUE(contains(after.body, "Uw e-mailinstellingen zijn opgeslagen."));
  EXPECT_TRUE(contains(after.body, "name=\"samenvatting\" value=\"daily\" checked"));
  EXPECT_FALSE(contains(after.body, "name=\"direct\" value=\"1\" checked"));  // unchecked box: off
  EXPECT_EQ(piet_->post_with_token("/meldingen/instellingen", {{"samenvatting", "never"}}, "x").status, 403);
}

TEST_P(NotificationsOverHttp, OneClickUnsubscribeWorksWithoutCookiesAndRefusesAForgedSignature) {
  const std::string token = unsubscribe_token(piet_->id(), notifications::UnsubscribeScope::Digest);
  const std::string url = "/afmelden/" + token;
  const auto confirm = testing_support::request(server_->port(), "GET", url);
  ASSERT_EQ(confirm.status, 200);
  EXPECT_TRUE(contains(confirm.body, "Wilt u geen samenvattingen van de kennisgroepen meer ontvangen?"));
  EXPECT_TRUE(contains(confirm.body, "method=\"post\" action=\"" + url + "\""));

  // What a mail client sends (RFC 8058): no cookies, no CSRF token.
  const auto done = testing_support::request(server_->port(), "POST", url,
                                             {{"Content-Type", "application/x-www-form-urlencoded"}},
                                             "List-Unsubscribe=One-Click");
  ASSERT_EQ(done.status, 200);
  EXPECT_TRUE(contains(done.body, "U bent afgemeld. U krijgt geen samenvattingen meer."));
  EXPECT_EQ(db_->read([&](db::Session& session) { return notifications::store::settings_of(session, piet_->id()); })
                .digest,
            notifications::DigestFrequency::Never);

  // Forged: Anna's id with Piet's signature, or a changed signature.
  std::string forged = token;
  forged.replace(0, std::to_string(piet_->id()).size(), std::to_string(anna_->id()));
  for (const std::string& bad : {forged, token.substr(0, token.size() - 2) + "xx", std::string("1.digest.abc")}) {
    const auto get = testing_support::request(server_->port(), "GET", "/afmelden/" + bad);
    EXPECT_EQ(get.status, 400) << bad;
    EXPECT_TRUE(contains(get.body, "Deze afmeldlink klopt niet of is beschadigd."));
    const auto post = testing_support::request(server_->port(), "POST", "/afmelden/" + bad,
                                               {{"Content-Type", "application/x-www-form-urlencoded"}},
                                               "List-Unsubscribe=One-Click");
    EXPECT_EQ(post.status, 400) << bad;
    EXPECT_TRUE(contains(post.body, "Er is niets veranderd."));
  }
  EXPECT_EQ(db_->read([&](db::Session& session) { return notifications::store::settings_of(session, anna_->id()); })
                .digest,
            notifications::DigestFrequency::Weekly);

  // The immediate-mail link turns off only immediate mail.
  const auto immediate = testing_support::request(
      server_->port(), "POST", "/afmelden/" + unsubscribe_token(anna_->id(), notifications::UnsubscribeScope::Immediate));
  ASSERT_EQ(immediate.status, 200);
  const auto anna = db_->read([&](db::Session& session) { return notifications::store::settings_of(session, anna_->id()); });
  EXPECT_FALSE(anna.mail_immediate);
  EXPECT_EQ(anna.digest, notifications::DigestFrequency::Weekly);
}

INSTANTIATE_TEST_SUITE_P(Backends, NotificationsOverHttp, ::testing::ValuesIn(testing_support::test_backends()),
                         [](const auto& info) { return std::string(db::to_string(info.param)); });

}  // namespace
