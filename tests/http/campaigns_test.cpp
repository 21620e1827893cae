// Campaigns through the real binary on both databases, with a real SMTP server (aiosmtpd): a
// coordinator composes, test-sends and sends; the messages are parsed (merge fields, RFC 8058 headers)
// and their personal links followed (respond, register, one-click unsubscribe, download, erase, a
// tampered link); a campaign killed with SIGKILL halfway resumes on restart and every contact gets one
// message; 451 then recovery without duplicates; 550 marks the contact bounced for every later
// campaign; no audience and unknown fields are refused clearly; the API for coordinators' tokens.
#include <gtest/gtest.h>

#include <csignal>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <thread>

#include "auth/service.h"
#include "auth/store.h"
#include "auth/tokens.h"
#include "db/database.h"
#include "db/migrations.h"
#include "events/format.h"
#include "events/service.h"
#include "regions/seed.h"
#include "support/server_process.h"
#include "support/smtp_server.h"
#include "support/test_databases.h"
#include "support/web_browser.h"
#include "web/site.h"

using namespace std::chrono_literals;
using testing_support::HttpResponse;
using testing_support::ServerProcess;
using testing_support::SmtpServer;
using testing_support::WebBrowser;

namespace {

constexpr std::int64_t kNetwork = 1;
constexpr const char* kSlug = "west-brabant-zeeland";

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout = 20s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(50ms);
  }
  return condition();
}

std::string backend_name(const ::testing::TestParamInfo<db::Backend>& info) {
  return std::string(db::to_string(info.param));
}

// The personal page's URL in a campaign message's text part (the line after the respond sentence).
std::string personal_link(const testing_support::ReceivedMail& mail) {
  static const std::regex link(R"((http://127\.0\.0\.1:\d+)(/c/[0-9]+\.[0-9]+\.[A-Za-z0-9_-]+)\n)");
  std::smatch match;
  if (!std::regex_search(mail.text, match, link)) return "";
  return match[2];
}

class CampaignsHttp : public ::testing::TestWithParam<db::Backend> {
 protected:
  void SetUp() override {
    database_ = std::make_unique<testing_support::TestDatabase>(GetParam());
    db_ = database_->open();
    db::migrate(*db_);
    db_->write([](db::Session& session) { regions::seed_demo(session); });
    coordinator_token_ = auth::new_token();
    db_->write([&](db::Session& session) {
      auth::NewAccount account;
      account.name = "Carla Coördinator";
      account.email = "carla@example.nl";
      account.verified = true;
      const std::int64_t id = auth::create_account(session, account);
      auth::add_membership(session, id, kNetwork, auth::Role::Coordinator, auth::MembershipStatus::Active);
      const std::int64_t now = unix_now();
      auth::store::insert_session(session, auth::SessionRecord{auth::hash_token(coordinator_token_), id, now, now, now + 86400},
                                  "127.0.0.1", "campaigns test");
      auth::NewAccount plain;
      plain.name = "Mark Lid";
      plain.email = "mark@example.nl";
      plain.verified = true;
      const std::int64_t member = auth::create_account(session, plain);
      auth::add_membership(session, member, kNetwork, auth::Role::Member, auth::MembershipStatus::Active);
      member_token_ = auth::new_token();
      auth::store::insert_session(session, auth::SessionRecord{auth::hash_token(member_token_), member, now, now, now + 86400},
                                  "127.0.0.1", "campaigns test");
    });
  }

  void start(const SmtpServer& smtp) {
    server_ = std::make_unique<ServerProcess>(ServerProcess::Options{
        database_->url(), false, {"--smtp-url", smtp.url(), "--mail-interval-ms", "100", "--no-access-log"}});
  }

  WebBrowser coordinator() {
    WebBrowser browser(server_->port());
    browser.set_cookie(std::string(auth::kSessionCookie), coordinator_token_);
    browser.get("/");  // the CSRF cookie
    return browser;
  }

  void add_contacts(const std::string& source, int count, const std::string& prefix = "contact") {
    db_->write([&](db::Session& session) {
      for (int i = 0; i < count; ++i) {
        session.execute(
            "INSERT INTO contacts (network_id, email, name, organisation, town, region, discipline, source, "
            "legal_basis, language, created_at, updated_at) VALUES (?, ?, ?, 'Advies B.V.', 'Goes', 'Zeeland', "
            "'ICT', ?, 'gerechtvaardigd belang', 'nl', ?, ?)",
            {kNetwork, prefix + std::to_string(i) + "@example.nl", "Contact " + std::to_string(i), source,
             unix_now(), unix_now()});
      }
    });
  }
  void add_contact(const std::string& source, const std::string& name, const std::string& email,
                   const std::string& town) {
    db_->write([&](db::Session& session) {
      session.execute(
          "INSERT INTO contacts (network_id, email, name, organisation, town, region, discipline, source, "
          "legal_basis, language, created_at, updated_at) VALUES (?, ?, ?, 'Brink Advies', ?, 'West-Brabant', "
          "'ICT', ?, 'gerechtvaardigd belang', 'nl', ?, ?)",
          {kNetwork, email, name, town, source, unix_now(), unix_now()});
    });
  }

  // A public meeting of the network three weeks ahead, made as a coordinator would.
  std::int64_t meeting() {
    web::Site site(web::AssetUrls{"/a.css", "/l.svg", "/f.svg"}, web::SiteOptions{"test", false});
    events::Access access;
    access.is_member = [](std::int64_t, std::int64_t) { return true; };
    access.is_coordinator = [](std::int64_t, std::int64_t) { return true; };
    events::Service service(*db_, site, access);
    events::NewEvent input;
    input.network_id = kNetwork;
    input.title = "Kennismakingsavond";
    input.location_name = "Het Markiezenhof";
    input.starts_local = events::format_input(unix_now() + 21 * 86400, "Europe/Amsterdam");
    input.duration_minutes = 120;
    input.capacity = 60;
    input.visibility = events::Visibility::Public;
    return db_->write([&](db::Session& session) {
      auto created = service.create_event_in(session, input, std::nullopt);
      EXPECT_TRUE(created.ok());
      return session.query("SELECT id FROM event_occurrences WHERE event_id = ?", {created.value->id}).at(0).int64(0);
    });
  }

  // Creates a campaign through the form; returns its id (0 when the form refused it).
  std::int64_t create(WebBrowser& browser, const std::string& source, const std::string& rate = "",
                      std::optional<std::int64_t> occurrence = std::nullopt,
                      const std::string& body = "Beste {naam} uit {plaats},\n\nKomt u ook?") {
    auto response = browser.post(std::string("/netwerken/") + kSlug + "/campagnes/nieuw",
                                 {{"naam", "Mailing " + source},
                                  {"onderwerp", "Hallo {voornaam}"},
                                  {"tekst", body},
                                  {"taal", "nl"},
                                  {"bron", source},
                                  {"tempo", rate},
                                  {"bijeenkomst", occurrence ? std::to_string(*occurrence) : ""}});
    if (response.status != 303) return 0;
    const std::string location = response.header("location");
    return std::stoll(location.substr(location.rfind('/') + 1));
  }

  std::int64_t scalar(const std::string& sql, const db::Params& params = {}) {
    return db_->read([&](db::Session& session) { return session.query_one(sql, params)->int64(0); });
  }

  std::unique_ptr<testing_support::TestDatabase> database_;
  std::unique_ptr<db::Database> db_;
  std::unique_ptr<ServerProcess> server_;
  std::string coordinator_token_;
  std::string member_token_;
};

}  // namespace

TEST_P(CampaignsHttp, ACoordinatorTestSendsAndSendsAndEveryPersonalLinkWorks) {
  SmtpServer smtp;
  start(smtp);
  add_contact("beurs", "Anouk van den Brink", "anouk@example.nl", "Bergen op Zoom");
  add_contact("beurs", "Bram <script>alert(1)</script> Wit", "bram@example.nl", "Goes");
  add_contact("beurs", "Cas Kok", "cas@example.nl", "Tholen");
  add_contact("andere bron", "Dirk Buiten", "dirk@example.nl", "Breda");
  const std::int64_t occurrence = meeting();
  WebBrowser carla = coordinator();

  const std::int64_t id = create(carla, "beurs", "", occurrence);
  ASSERT_GT(id, 0) << server_->log();
  const HttpResponse page = carla.get("/campagnes/" + std::to_string(id));
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("<strong id=\"audience-count\">3</strong>"), std::string::npos);

  ASSERT_EQ(carla.post("/campagnes/" + std::to_string(id) + "/test", {}).status, 303);
  auto mails = smtp.wait_for(1, 15s);
  ASSERT_EQ(mails.size(), 1u) << server_->log();
  EXPECT_EQ(mails[0].rcpt_to, std::vector<std::string>{"carla@example.nl"});
  EXPECT_EQ(mails[0].subject, "[TEST] Hallo Carla");
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM campaign_recipients"), 0);  // a test send queues nobody

  ASSERT_EQ(carla.post("/campagnes/" + std::to_string(id) + "/versturen", {}).status, 303);
  mails = smtp.wait_for(4, 20s);
  ASSERT_EQ(mails.size(), 4u) << server_->log();
  std::map<std::string, testing_support::ReceivedMail> by_recipient;
  for (std::size_t i = 1; i < mails.size(); ++i) by_recipient[mails[i].rcpt_to.at(0)] = mails[i];
  ASSERT_EQ(by_recipient.size(), 3u);
  EXPECT_FALSE(by_recipient.contains("dirk@example.nl"));
  const auto& anouk = by_recipient["anouk@example.nl"];
  EXPECT_TRUE(anouk.defects.empty());
  EXPECT_EQ(anouk.subject, "Hallo Anouk");
  EXPECT_NE(anouk.text.find("Beste Anouk van den Brink uit Bergen op Zoom,"), std::string::npos) << anouk.text;
  EXPECT_NE(anouk.html.find("Beste Anouk van den Brink uit Bergen op Zoom,"), std::string::npos);
  EXPECT_EQ(by_recipient["bram@example.nl"].html.find("<script>"), std::string::npos);
  const std::string link = personal_link(anouk);
  ASSERT_FALSE(link.empty()) << anouk.text;
  const std::string base = "http://127.0.0.1:" + std::to_string(server_->port());
  EXPECT_EQ(anouk.header("List-Unsubscribe"), "<" + base + link + "/afmelden>");
  EXPECT_EQ(anouk.header("List-Unsubscribe-Post"), "List-Unsubscribe=One-Click");

  // Anouk responds and registers for the meeting.
  WebBrowser anouk_browser(server_->port());
  const HttpResponse personal = anouk_browser.get(link);
  ASSERT_EQ(personal.status, 200);
  EXPECT_NE(personal.body.find("Anouk van den Brink"), std::string::npos);
  EXPECT_NE(personal.body.find("Kennismakingsavond"), std::string::npos);
  EXPECT_EQ(anouk_browser.post(link + "/reactie", {{"reactie", "interested"}}).status, 303);
  EXPECT_EQ(anouk_browser.post(link + "/reactie", {{"reactie", "misschien"}}).status, 422);
  EXPECT_NE(anouk_browser.get(link).body.find("id=\"contact-response\""), std::string::npos);
  EXPECT_EQ(anouk_browser.post(link + "/aanmelden", {{"naam", "Anouk van den Brink"}}).status, 303);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM contacts WHERE email = 'anouk@example.nl' AND response = 'interested'"), 1);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM campaign_registrations WHERE occurrence_id = ?", {occurrence}), 1);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM event_rsvps WHERE occurrence_id = ? AND email = 'anouk@example.nl'",
                   {occurrence}),
            1);
  const auto confirmations = smtp.wait_for(5, 15s);
  ASSERT_EQ(confirmations.size(), 5u);
  EXPECT_EQ(confirmations.back().rcpt_to.at(0), "anouk@example.nl");  // events' confirmation link

  // Bram's mail client unsubscribes in one click: a POST without cookies or CSRF token.
  const std::string bram_link = personal_link(by_recipient["bram@example.nl"]);
  const HttpResponse one_click = testing_support::request(
      server_->port(), "POST", bram_link + "/afmelden",
      {{"Content-Type", "application/x-www-form-urlencoded"}}, "List-Unsubscribe=One-Click");
  EXPECT_EQ(one_click.status, 200);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM contacts WHERE email = 'bram@example.nl' AND unsubscribed_at IS NOT NULL"), 1);

  // Cas downloads what is held and has it erased; the link leads nowhere afterwards.
  const std::string cas_link = personal_link(by_recipient["cas@example.nl"]);
  WebBrowser cas(server_->port());
  cas.get(cas_link);
  const HttpResponse data = cas.get(cas_link + "/gegevens");
  ASSERT_EQ(data.status, 200);
  EXPECT_NE(data.body.find("cas@example.nl"), std::string::npos);
  EXPECT_NE(data.body.find("Hallo {voornaam}"), std::string::npos);
  EXPECT_EQ(cas.post(cas_link + "/wissen", {}).status, 200);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM contacts WHERE email = 'cas@example.nl'"), 0);
  EXPECT_EQ(cas.get(cas_link).status, 404);

  // A tampered link: a clear page, never someone else's.
  std::string tampered = link;
  tampered.back() = tampered.back() == 'x' ? 'y' : 'x';
  const HttpResponse refused = anouk_browser.get(tampered);
  EXPECT_EQ(refused.status, 404);
  EXPECT_NE(refused.body.find("id=\"link-message\""), std::string::npos);
  EXPECT_EQ(testing_support::request(server_->port(), "POST", tampered + "/afmelden", {}, "List-Unsubscribe=One-Click").status,
            404);

  // Status page: Cas is gone with everything about her; Anouk and Bram were sent, and the funnel shows
  // one response and one registration.
  EXPECT_TRUE(eventually([&] { return scalar("SELECT COUNT(*) FROM campaign_recipients WHERE outcome = 'sent'") == 2; }));
  const HttpResponse status = carla.get("/campagnes/" + std::to_string(id));
  EXPECT_NE(status.body.find("<td id=\"progress-sent\">2</td>"), std::string::npos);
  EXPECT_NE(status.body.find("funnel-table"), std::string::npos);
  const HttpResponse csv = carla.get("/campagnes/" + std::to_string(id) + "/trechter.csv");
  EXPECT_EQ(csv.status, 200);
  EXPECT_NE(csv.body.find("Benaderd,2,"), std::string::npos) << csv.body;
  EXPECT_NE(csv.body.find("Gereageerd,1,"), std::string::npos) << csv.body;
  EXPECT_NE(csv.body.find("Aangemeld voor bijeenkomst,1,"), std::string::npos) << csv.body;
}

TEST_P(CampaignsHttp, AServerKilledHalfwayResumesAndEveryContactGetsOneMessage) {
  SmtpServer smtp;
  start(smtp);
  add_contacts("crash", 240);
  WebBrowser carla = coordinator();
  const std::int64_t id = create(carla, "crash", "3000");  // 50 a second: about five seconds
  ASSERT_GT(id, 0);
  ASSERT_EQ(carla.post("/campagnes/" + std::to_string(id) + "/versturen", {}).status, 303);
  ASSERT_TRUE(eventually([&] { return smtp.messages().size() >= 60; })) << server_->log();
  server_->send_signal(SIGKILL);
  server_->wait_for_exit(5s);
  const std::size_t before_restart = smtp.messages().size();
  EXPECT_LT(before_restart, 240u);
  // Messages the dead process had claimed wait for their lease (five minutes) before another sender
  // may take them; here that time has passed.
  db_->write([](db::Session& session) { session.execute("UPDATE mail_outbox SET claimed_until = 0"); });

  start(smtp);
  ASSERT_TRUE(eventually([&] {
    std::set<std::string> recipients;
    for (const auto& mail : smtp.messages()) recipients.insert(mail.rcpt_to.at(0));
    return recipients.size() == 240;
  }, 40s)) << server_->log();
  std::this_thread::sleep_for(1s);  // several more rounds: nothing more comes
  std::map<std::string, std::set<std::string>> message_ids;
  std::map<std::string, int> deliveries;
  for (const auto& mail : smtp.messages()) {
    message_ids[mail.rcpt_to.at(0)].insert(mail.header("Message-ID"));
    ++deliveries[mail.rcpt_to.at(0)];
  }
  int duplicates = 0;
  for (const auto& [recipient, ids] : message_ids) {
    EXPECT_EQ(ids.size(), 1u) << recipient << " got two different messages";
    duplicates += deliveries[recipient] - 1;
  }
  // The campaign hands each contact to the outbox once; only a message the server accepted in the
  // instant before the kill, not yet recorded as sent, can arrive twice (with the same Message-ID).
  EXPECT_LE(duplicates, 1);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM mail_outbox WHERE kind = 'campaign.message'"), 240);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM campaign_recipients WHERE state = 'handed'"), 240);
}

TEST_P(CampaignsHttp, PauseHoldsTheRestAndResumeSendsIt) {
  SmtpServer smtp;
  start(smtp);
  add_contacts("pauze", 30);
  WebBrowser carla = coordinator();
  const std::int64_t id = create(carla, "pauze", "120");  // two a second
  ASSERT_EQ(carla.post("/campagnes/" + std::to_string(id) + "/versturen", {}).status, 303);
  ASSERT_TRUE(eventually([&] { return smtp.messages().size() >= 2; }));
  ASSERT_EQ(carla.post("/campagnes/" + std::to_string(id) + "/pauzeren", {}).status, 303);
  const std::int64_t handed = scalar("SELECT COUNT(*) FROM campaign_recipients WHERE state = 'handed'");
  std::this_thread::sleep_for(2s);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM campaign_recipients WHERE state = 'handed'"), handed);
  EXPECT_LT(handed, 30);
  EXPECT_EQ(carla.post("/campagnes/" + std::to_string(id) + "/pauzeren", {}).status, 409);
  ASSERT_EQ(carla.post("/campagnes/" + std::to_string(id) + "/hervatten", {}).status, 303);
  EXPECT_TRUE(eventually([&] { return scalar("SELECT COUNT(*) FROM campaign_recipients WHERE state = 'handed'") > handed; }));
}

TEST_P(CampaignsHttp, AFailingMailServerIsRetriedAndNeverDuplicates) {
  SmtpServer smtp;
  smtp.set_reply(SmtpServer::Reply::TemporaryFailure);
  start(smtp);
  add_contacts("storing", 3);
  WebBrowser carla = coordinator();
  const std::int64_t id = create(carla, "storing");
  ASSERT_EQ(carla.post("/campagnes/" + std::to_string(id) + "/versturen", {}).status, 303);
  ASSERT_TRUE(eventually([&] {
    return scalar("SELECT COUNT(*) FROM mail_outbox WHERE attempts >= 1 AND last_error LIKE '%451%'") == 3;
  })) << server_->log();
  EXPECT_TRUE(smtp.messages().empty());
  smtp.set_reply(SmtpServer::Reply::Accept);
  // The back-off (one minute for the first retry) has passed.
  db_->write([](db::Session& session) { session.execute("UPDATE mail_outbox SET next_attempt_at = 0 WHERE sent_at IS NULL"); });
  const auto mails = smtp.wait_for(3, 15s);
  ASSERT_EQ(mails.size(), 3u);
  std::this_thread::sleep_for(1s);
  EXPECT_EQ(smtp.messages().size(), 3u);
  std::set<std::string> recipients;
  for (const auto& mail : mails) recipients.insert(mail.rcpt_to.at(0));
  EXPECT_EQ(recipients.size(), 3u);
  EXPECT_TRUE(eventually([&] { return scalar("SELECT COUNT(*) FROM campaign_recipients WHERE outcome = 'sent'") == 3; }));
}

TEST_P(CampaignsHttp, ARefusedAddressIsMarkedBouncedAndALaterCampaignHasNobodyToMail) {
  SmtpServer smtp;
  smtp.set_reply(SmtpServer::Reply::PermanentFailure);
  start(smtp);
  add_contacts("weg", 2, "weg");
  WebBrowser carla = coordinator();
  const std::int64_t first = create(carla, "weg");
  ASSERT_EQ(carla.post("/campagnes/" + std::to_string(first) + "/versturen", {}).status, 303);
  ASSERT_TRUE(eventually([&] {
    return scalar("SELECT COUNT(*) FROM contacts WHERE source = 'weg' AND bounced_at IS NOT NULL") == 2;
  })) << server_->log();
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM campaign_recipients WHERE outcome = 'bounced'"), 2);
  smtp.set_reply(SmtpServer::Reply::Accept);
  const std::int64_t second = create(carla, "weg");
  ASSERT_GT(second, 0);
  const HttpResponse refused = carla.post("/campagnes/" + std::to_string(second) + "/versturen", {});
  EXPECT_EQ(refused.status, 422);
  EXPECT_NE(refused.body.find("geen ontvangers"), std::string::npos);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM campaign_recipients WHERE campaign_id = ?", {second}), 0);
}

TEST_P(CampaignsHttp, BadCampaignsAreRefusedClearlyAndOthersCannotSeeThem) {
  SmtpServer smtp;
  start(smtp);
  add_contacts("lijst", 2);
  WebBrowser carla = coordinator();
  const HttpResponse unknown = carla.post(std::string("/netwerken/") + kSlug + "/campagnes/nieuw",
                                          {{"naam", "Fout"}, {"onderwerp", "Hallo"}, {"tekst", "Beste {stad}"},
                                           {"taal", "nl"}, {"bron", "lijst"}});
  EXPECT_EQ(unknown.status, 422);
  EXPECT_NE(unknown.body.find("<code class=\"unknown-fields\">{stad}</code>"), std::string::npos);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM campaigns"), 0);
  EXPECT_EQ(carla.post(std::string("/netwerken/") + kSlug + "/campagnes/nieuw", {{"naam", "x"}}, false).status, 403);

  const std::int64_t id = create(carla, "lijst");
  ASSERT_GT(id, 0);
  WebBrowser mark(server_->port());
  mark.set_cookie(std::string(auth::kSessionCookie), member_token_);
  mark.get("/");
  EXPECT_EQ(mark.get("/campagnes/" + std::to_string(id)).status, 404);
  EXPECT_EQ(mark.post("/campagnes/" + std::to_string(id) + "/versturen", {}).status, 404);
  EXPECT_EQ(mark.get(std::string("/netwerken/") + kSlug + "/campagnes").status, 403);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM campaign_recipients"), 0);
  WebBrowser visitor(server_->port());
  EXPECT_EQ(visitor.get("/campagnes/" + std::to_string(id)).status, 303);

  // The API: coordinators see their campaigns and funnels; members see none; visitors must sign in.
  const HttpResponse list = carla.get("/api/v1/campaigns");
  ASSERT_EQ(list.status, 200);
  const auto campaigns = nlohmann::json::parse(list.body)["campaigns"];
  ASSERT_EQ(campaigns.size(), 1u);
  EXPECT_EQ(campaigns[0]["status"], "draft");
  const HttpResponse funnel = carla.get("/api/v1/campaigns/" + std::to_string(id) + "/funnel");
  ASSERT_EQ(funnel.status, 200);
  EXPECT_EQ(nlohmann::json::parse(funnel.body)["steps"].size(), 5u);
  EXPECT_EQ(nlohmann::json::parse(mark.get("/api/v1/campaigns").body)["campaigns"].size(), 0u);
  EXPECT_EQ(mark.get("/api/v1/campaigns/" + std::to_string(id) + "/funnel").status, 404);
  EXPECT_EQ(visitor.get("/api/v1/campaigns").status, 401);
}

INSTANTIATE_TEST_SUITE_P(Backends, CampaignsHttp, ::testing::ValuesIn(testing_support::test_backends()), backend_name);
