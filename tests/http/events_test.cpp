// Events through the real binary on both databases: 200 simultaneous RSVP requests for 40 seats,
// reminder and promotion mails read from a real SMTP server, the private feed (forged and real
// tokens), and bad input answered with a clear status.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <latch>
#include <thread>

#include "auth/service.h"
#include "auth/sessions.h"
#include "auth/store.h"
#include "auth/tokens.h"
#include "db/database.h"
#include "events/format.h"
#include "events/service.h"
#include "support/server_process.h"
#include "support/smtp_server.h"
#include "support/test_databases.h"
#include "web/site.h"

using namespace std::chrono_literals;
using testing_support::ServerProcess;
using testing_support::SmtpServer;

namespace {

constexpr std::int64_t kNetwork = 1;

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct Member {
  std::int64_t id = 0;
  std::string email;
  std::string cookie;  // "sessie=..."
};

class EventsHttp : public ::testing::TestWithParam<db::Backend> {
 protected:
  void SetUp() override {
    database_ = std::make_unique<testing_support::TestDatabase>(GetParam());
    const auto seeded =
        testing_support::run_knooppunt({"seed", "--demo", "--database", database_->url(), "--data-dir",
                                        std::filesystem::temp_directory_path().string()});
    ASSERT_EQ(seeded.exit_code, 0) << seeded.output;
    db_ = database_->open();
    site_ = std::make_unique<web::Site>(web::AssetUrls{"/a.css", "/l.svg", "/f.svg"},
                                        web::SiteOptions{"test", false});
    events::Access access;
    access.is_member = [](std::int64_t, std::int64_t) { return true; };
    access.is_coordinator = [](std::int64_t, std::int64_t) { return true; };
    service_ = std::make_unique<events::Service>(*db_, *site_, access);
  }

  void start(std::vector<std::string> args = {}) {
    args.insert(args.end(), {"--mail-interval-ms", "50", "--no-access-log", "--workers", "8"});
    server_ =
        std::make_unique<ServerProcess>(ServerProcess::Options{database_->url(), false, std::move(args)});
  }

  // A member of the demo network with a signed-in session, made directly in the database.
  Member add_member(const std::string& name, const std::string& email) {
    Member member;
    member.email = email;
    const std::string token = auth::new_token();
    member.cookie = std::string(auth::kSessionCookie) + "=" + token;
    member.id = db_->write([&](db::Session& session) {
      auth::NewAccount account;
      account.name = name;
      account.email = email;
      account.verified = true;
      const std::int64_t id = auth::create_account(session, account);
      auth::add_membership(session, id, kNetwork, auth::Role::Member, auth::MembershipStatus::Active);
      const std::int64_t now = unix_now();
      auth::store::insert_session(session,
                                  auth::SessionRecord{auth::hash_token(token), id, now, now, now + 86400},
                                  "127.0.0.1", "events test");
      return id;
    });
    return member;
  }

  // A single event `hours_ahead` from now, made by the service as a coordinator would.
  std::int64_t single_event(std::int64_t hours_ahead, std::optional<std::int64_t> capacity,
                            std::optional<std::int64_t> reminder_minutes = std::nullopt) {
    const auto local = events::format_input(unix_now() + hours_ahead * 3600, "Europe/Amsterdam");
    events::NewEvent input;
    input.network_id = kNetwork;
    input.title = "Ontbijtsessie extra";
    input.location_name = "De Vijverhoeve";
    input.starts_local = local;
    input.duration_minutes = 90;
    input.capacity = capacity;
    input.reminder_minutes = reminder_minutes;
    return db_->write([&](db::Session& session) {
      auto created = service_->create_event_in(session, input, std::nullopt);
      EXPECT_TRUE(created.ok());
      return session.query("SELECT id FROM event_occurrences WHERE event_id = ?", {created.value->id})
          .at(0)
          .int64(0);
    });
  }

  testing_support::HttpResponse rsvp(const Member& member, std::int64_t occurrence, const std::string& body) {
    const std::string origin = "http://127.0.0.1:" + std::to_string(server_->port());
    return testing_support::request(
        server_->port(), "POST", "/api/v1/events/" + std::to_string(occurrence) + "/rsvp",
        {{"Cookie", member.cookie}, {"Origin", origin}, {"Content-Type", "application/json"}}, body);
  }

  std::unique_ptr<testing_support::TestDatabase> database_;
  std::unique_ptr<db::Database> db_;
  std::unique_ptr<web::Site> site_;
  std::unique_ptr<events::Service> service_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_P(EventsHttp, TwoHundredSimultaneousRsvpRequestsForFortySeatsGiveFortySeatsAndALineOf160) {
  testing_support::raise_open_file_limit();
  const std::int64_t occurrence = single_event(48, 40);
  std::vector<Member> members;
  for (int i = 0; i < 200; ++i) {
    members.push_back(
        add_member("Deelnemer " + std::to_string(i), "deelnemer" + std::to_string(i) + "@example.nl"));
  }
  start();
  std::vector<int> statuses(200);
  std::vector<std::string> bodies(200);
  std::latch ready(200);
  std::vector<std::thread> clients;
  for (std::size_t i = 0; i < members.size(); ++i) {
    clients.emplace_back([&, i] {
      ready.arrive_and_wait();
      const auto response = rsvp(members[i], occurrence, R"({"response": "going"})");
      statuses[i] = response.status;
      bodies[i] = response.body;
    });
  }
  for (auto& client : clients) client.join();
  int going = 0;
  int waiting = 0;
  for (std::size_t i = 0; i < statuses.size(); ++i) {
    ASSERT_EQ(statuses[i], 200) << bodies[i];
    if (bodies[i].find(R"("response":"going")") != std::string::npos) ++going;
    if (bodies[i].find(R"("response":"waiting")") != std::string::npos) ++waiting;
  }
  EXPECT_EQ(going, 40);
  EXPECT_EQ(waiting, 160);
  // The line is in arrival order: tickets 1..160, each once, and the seat count matches the rows.
  const auto line = db_->read([&](db::Session& session) {
    std::vector<std::int64_t> tickets;
    for (const db::Row& row : session.query("SELECT ticket FROM event_rsvps WHERE occurrence_id = ? AND "
                                            "response = 'waiting' ORDER BY ticket",
                                            {occurrence})) {
      tickets.push_back(row.int64(0));
    }
    return tickets;
  });
  ASSERT_EQ(line.size(), 160u);
  for (std::size_t i = 0; i < line.size(); ++i) EXPECT_EQ(line[i], static_cast<std::int64_t>(i + 1));
  const auto seats = db_->read([&](db::Session& session) {
    return session.query("SELECT seats_taken FROM event_occurrences WHERE id = ?", {occurrence})
        .at(0)
        .int64(0);
  });
  EXPECT_EQ(seats, 40);
}

TEST_P(EventsHttp, ReminderAndPromotionMailsArriveOverSmtp) {
  const std::int64_t occurrence = single_event(3, 1, 24 * 60);  // the reminder is due at once
  const Member anna = add_member("Anna Annink", "anna@example.nl");
  const Member bram = add_member("Bram Brouwer", "bram@example.nl");
  auto answer = [&](const Member& member) {
    return service_->respond(events::Actor{member.id, member.email, member.email, "nl", false}, occurrence,
                             events::RsvpInput{});
  };
  ASSERT_EQ(answer(anna).value->rsvp.response, events::Response::Going);
  ASSERT_EQ(answer(bram).value->place, 1);
  SmtpServer smtp;
  start({"--smtp-url", smtp.url(), "--mail-from", "kkp@example.nl"});

  // The reminder job runs when the server starts: Anna, who is going, is reminded once.
  auto mails = smtp.wait_for(1, 20s);
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].rcpt_to, std::vector<std::string>{"anna@example.nl"});
  EXPECT_NE(mails[0].subject.find("Herinnering"), std::string::npos) << mails[0].subject;
  EXPECT_TRUE(mails[0].defects.empty());

  // Anna cancels: Bram gets her seat in the same transaction and hears it by mail.
  const auto cancelled = rsvp(anna, occurrence, R"({"response": "not_going"})");
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  mails = smtp.wait_for(2, 20s);
  ASSERT_EQ(mails.size(), 2u);
  EXPECT_EQ(mails[1].rcpt_to, std::vector<std::string>{"bram@example.nl"});
  EXPECT_NE(mails[1].subject.find("Er is een plaats voor u"), std::string::npos) << mails[1].subject;
  EXPECT_NE(mails[1].text.find("/agenda/" + std::to_string(occurrence)), std::string::npos);
  EXPECT_NE(mails[1].html.find("Ontbijtsessie extra"), std::string::npos);
  const auto page = testing_support::request(
      server_->port(), "GET", "/api/v1/events/" + std::to_string(occurrence), {{"Cookie", bram.cookie}});
  EXPECT_NE(page.body.find(R"("response":"going")"), std::string::npos) << page.body;
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(smtp.messages().size(), 2u);  // no second reminder
}

TEST_P(EventsHttp, FeedsAndBadInputGetClearAnswers) {
  const std::int64_t occurrence = single_event(72, 5);
  const Member anna = add_member("Anna Annink", "anna@example.nl");
  start();
  const unsigned short port = server_->port();
  // A forged or malformed feed token: 404, nothing more.
  EXPECT_EQ(testing_support::request(port, "GET", "/agenda/" + auth::new_token() + ".ics").status, 404);
  EXPECT_EQ(testing_support::request(port, "GET", "/agenda/nep.ics").status, 404);
  const auto token = service_->renew_feed_token(anna.id);
  ASSERT_EQ(rsvp(anna, occurrence, R"({"response": "going"})").status, 200);
  const auto feed = testing_support::request(port, "GET", "/agenda/" + token.token + ".ics");
  ASSERT_EQ(feed.status, 200);
  EXPECT_EQ(feed.header("content-type"), "text/calendar; charset=utf-8");
  EXPECT_NE(feed.body.find("UID:occurrence-" + std::to_string(occurrence) + "@knooppunt"), std::string::npos);
  EXPECT_EQ(feed.body.find("Anna"), std::string::npos);

  // Negative and huge guest counts, unknown answers, and no JSON.
  for (const char* body :
       {R"({"response": "going", "guests": -1})", R"({"response": "going", "guests": 99999999999999999999})",
        R"({"response": "sometimes"})"}) {
    const auto refused = rsvp(anna, occurrence, body);
    EXPECT_EQ(refused.status, 422) << body << " " << refused.body;
  }
  EXPECT_EQ(rsvp(anna, occurrence, "not json").status, 400);
  // Without a session: 401; without Origin on a cookie request: 403.
  EXPECT_EQ(testing_support::request(port, "POST", "/api/v1/events/" + std::to_string(occurrence) + "/rsvp",
                                     {{"Content-Type", "application/json"}}, R"({"response": "going"})")
                .status,
            401);
  EXPECT_EQ(testing_support::request(port, "POST", "/api/v1/events/" + std::to_string(occurrence) + "/rsvp",
                                     {{"Cookie", anna.cookie}, {"Content-Type", "application/json"}},
                                     R"({"response": "going"})")
                .status,
            403);
  // A cancelled occurrence: 409 with the reason.
  db_->write([&](db::Session& session) {
    session.execute("UPDATE event_occurrences SET status = 'cancelled' WHERE id = ?", {occurrence});
  });
  const auto cancelled = rsvp(anna, occurrence, R"({"response": "maybe"})");
  EXPECT_EQ(cancelled.status, 409);
  EXPECT_NE(cancelled.body.find(R"("reason":"occurrence_cancelled")"), std::string::npos) << cancelled.body;
  // The list filters by date and refuses nonsense dates.
  EXPECT_EQ(testing_support::request(port, "GET", "/api/v1/events?from=2025-02-30").status, 400);
  const auto list = testing_support::request(port, "GET", "/api/v1/events?from=2025-09-01&to=2025-10-01");
  ASSERT_EQ(list.status, 200);
  EXPECT_NE(list.body.find("Kennisdag"), std::string::npos);      // public
  EXPECT_EQ(list.body.find("Ontbijtsessie"), std::string::npos);  // members only: not for visitors
  const auto as_member = testing_support::request(port, "GET", "/api/v1/events?from=2025-09-01&to=2025-10-01",
                                                  {{"Cookie", anna.cookie}});
  EXPECT_NE(as_member.body.find("Ontbijtsessie"), std::string::npos);
}

TEST_P(EventsHttp, TheRsvpFormShowsThePlaceInLineAndRefusesBadGuestCounts) {
  const std::int64_t occurrence = single_event(72, 1);
  const Member anna = add_member("Anna Annink", "anna@example.nl");
  const Member bram = add_member("Bram Brouwer", "bram@example.nl");
  start();
  const unsigned short port = server_->port();
  ASSERT_EQ(rsvp(anna, occurrence, R"({"response": "going"})").status, 200);
  // A page first, for the CSRF cookie and token.
  const auto page = testing_support::request(port, "GET", "/agenda/" + std::to_string(occurrence),
                                             {{"Cookie", bram.cookie}});
  ASSERT_EQ(page.status, 200);
  std::string csrf_cookie;
  for (const std::string& set_cookie : page.header_all("set-cookie")) {
    if (set_cookie.starts_with("csrf=")) csrf_cookie = set_cookie.substr(0, set_cookie.find(';'));
  }
  ASSERT_FALSE(csrf_cookie.empty());
  const std::string csrf = csrf_cookie.substr(5);
  const std::map<std::string, std::string> headers{{"Cookie", bram.cookie + "; " + csrf_cookie},
                                                   {"Content-Type", "application/x-www-form-urlencoded"},
                                                   {"Origin", "http://127.0.0.1:" + std::to_string(port)}};
  const std::string target = "/agenda/" + std::to_string(occurrence) + "/antwoord";
  const auto refused =
      testing_support::request(port, "POST", target, headers, "csrf=" + csrf + "&antwoord=going&gasten=abc");
  EXPECT_EQ(refused.status, 422);
  EXPECT_NE(refused.body.find("Het aantal gasten ligt tussen 0 en 10."), std::string::npos);
  const auto accepted =
      testing_support::request(port, "POST", target, headers, "csrf=" + csrf + "&antwoord=going&gasten=0");
  EXPECT_EQ(accepted.status, 303);
  const auto after = testing_support::request(port, "GET", "/agenda/" + std::to_string(occurrence),
                                              {{"Cookie", bram.cookie}});
  EXPECT_NE(after.body.find("U bent nummer 1 op de wachtlijst"), std::string::npos);
  // Without the CSRF token: 403, nothing written.
  EXPECT_EQ(testing_support::request(port, "POST", target, headers, "antwoord=not_going").status, 403);
}

INSTANTIATE_TEST_SUITE_P(Backends, EventsHttp, ::testing::ValuesIn(testing_support::test_backends()),
                         [](const auto& info) { return std::string(db::to_string(info.param)); });

}  // namespace
