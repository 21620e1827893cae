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
#include "support/web_browser.h"
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
  Member add_member(const std::string& name, const std::string& email, auth::Role role = auth::Role::Member) {
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
      auth::add_membership(session, id, kNetwork, role, auth::MembershipStatus::Active);
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
                            std::optional<std::int64_t> reminder_minutes = std::nullopt,
                            std::function<void(events::NewEvent&)> adjust = {}) {
    const auto local = events::format_input(unix_now() + hours_ahead * 3600, "Europe/Amsterdam");
    events::NewEvent input;
    input.network_id = kNetwork;
    input.title = "Ontbijtsessie extra";
    input.location_name = "De Vijverhoeve";
    input.starts_local = local;
    input.duration_minutes = 90;
    input.capacity = capacity;
    input.reminder_minutes = reminder_minutes;
    if (adjust) adjust(input);
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

// A browser for one of the members above: their session cookie, and the CSRF token it collects.
testing_support::WebBrowser browser_for(unsigned short port, const Member& member) {
  testing_support::WebBrowser browser(port);
  browser.set_cookie(std::string(auth::kSessionCookie), member.cookie.substr(member.cookie.find('=') + 1));
  return browser;
}

TEST_P(EventsHttp, HostsCheckPeopleInOnThePhonePageAndPickAMemberWhoCameWithoutAnswering) {
  const std::int64_t occurrence = single_event(2, 30);
  const Member host = add_member("Carla Coördinator", "carla@example.nl", auth::Role::Coordinator);
  const Member anna = add_member("Anna Annink", "anna@example.nl");
  const Member bram = add_member("Bram Brouwer", "bram@example.nl");
  start();
  const unsigned short port = server_->port();
  ASSERT_EQ(rsvp(anna, occurrence, R"({"response": "going"})").status, 200);
  const std::string page = "/agenda/" + std::to_string(occurrence) + "/inchecken";

  // Members who do not host get no check-in page.
  auto bram_browser = browser_for(port, bram);
  EXPECT_EQ(bram_browser.get(page).status, 403);

  auto carla = browser_for(port, host);
  const auto list = carla.get(page);
  ASSERT_EQ(list.status, 200);
  EXPECT_NE(list.body.find("Anna Annink"), std::string::npos);
  EXPECT_EQ(list.body.find("Bram Brouwer"), std::string::npos);  // no answer, no search: not listed

  // Checking Anna in.
  const std::int64_t anna_rsvp = db_->read([&](db::Session& session) {
    return session.query("SELECT id FROM event_rsvps WHERE occurrence_id = ? AND account_id = ?", {occurrence, anna.id})
        .at(0)
        .int64(0);
  });
  EXPECT_EQ(carla.post(page, {{"deelnemer", std::to_string(anna_rsvp)}, {"aanwezig", "1"}}).status, 303);
  // Searching without accents finds the member who did not answer; picking them checks them in.
  const auto found = carla.get(page + "?zoek=brouwer");
  ASSERT_EQ(found.status, 200);
  EXPECT_NE(found.body.find("Bram Brouwer"), std::string::npos);
  EXPECT_NE(found.body.find("name=\"lid\" value=\"" + std::to_string(bram.id) + "\""), std::string::npos);
  const std::string walk_in = "/agenda/" + std::to_string(occurrence) + "/inloop";
  EXPECT_EQ(carla.post(walk_in, {{"lid", std::to_string(bram.id)}}).status, 303);
  // A typed-in walk-in from outside the network, and bad input.
  EXPECT_EQ(carla.post(walk_in, {{"naam", "Gijs Gast"}}).status, 303);
  EXPECT_EQ(carla.post(walk_in, {{"naam", ""}}).status, 422);
  EXPECT_EQ(carla.post(walk_in, {{"lid", "abc"}}).status, 400);
  EXPECT_EQ(carla.post(walk_in, {{"naam", "Zonder token"}}, false).status, 403);

  const auto rows = db_->read([&](db::Session& session) {
    return session.query(
        "SELECT name, COALESCE(account_id, 0), attended, walk_in FROM event_rsvps WHERE occurrence_id = ? ORDER BY id",
        {occurrence});
  });
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].text(0), "Anna Annink");
  EXPECT_EQ(rows[0].int64(2), 1);
  EXPECT_EQ(rows[0].int64(3), 0);
  EXPECT_EQ(rows[1].text(0), "Bram Brouwer");
  EXPECT_EQ(rows[1].int64(1), bram.id);  // linked to the member: counts in their history and the atlas
  EXPECT_EQ(rows[1].int64(2), 1);
  EXPECT_EQ(rows[1].int64(3), 1);
  EXPECT_EQ(rows[2].text(0), "Gijs Gast");
  EXPECT_EQ(rows[2].int64(1), 0);
  // Once checked in, Bram is no longer offered as a walk-in.
  EXPECT_EQ(carla.get(page + "?zoek=brouwer").body.find("name=\"lid\" value=\"" + std::to_string(bram.id) + "\""),
            std::string::npos);

  // The attendee export for hosts, in the chosen columns; members get none.
  const std::string csv = "/agenda/" + std::to_string(occurrence) + "/deelnemers.csv?kolom=name&kolom=attended";
  const auto exported = carla.get(csv);
  ASSERT_EQ(exported.status, 200);
  EXPECT_EQ(exported.header("content-type"), "text/csv; charset=utf-8");
  EXPECT_NE(exported.header("content-disposition").find("attachment"), std::string::npos);
  EXPECT_NE(exported.body.find("Anna Annink"), std::string::npos);
  EXPECT_NE(exported.body.find("Gijs Gast"), std::string::npos);
  EXPECT_EQ(exported.body.find("anna@example.nl"), std::string::npos);  // e-mail was not chosen
  EXPECT_EQ(bram_browser.get(csv).status, 403);
}

TEST_P(EventsHttp, AGroupsPublicCalendarHoldsOnlyThatGroupsPublicEvents) {
  const std::int64_t group_id = db_->read([&](db::Session& session) {
    return session.query("SELECT id FROM knowledge_groups WHERE network_id = ? AND slug = 'ict'", {kNetwork})
        .at(0)
        .int64(0);
  });
  single_event(96, 20, std::nullopt, [&](events::NewEvent& input) {
    input.title = "ICT-middag over back-ups";
    input.group_id = group_id;
    input.visibility = events::Visibility::Public;
  });
  single_event(98, 20, std::nullopt, [&](events::NewEvent& input) {
    input.title = "Besloten ICT-overleg";
    input.group_id = group_id;
  });
  single_event(100, 20, std::nullopt, [&](events::NewEvent& input) {
    input.title = "Netwerkborrel";
    input.visibility = events::Visibility::Public;
  });
  start();
  const unsigned short port = server_->port();
  const auto feed = testing_support::request(port, "GET", "/agenda/groep/west-brabant-zeeland/ict/agenda.ics");
  ASSERT_EQ(feed.status, 200) << feed.body;
  EXPECT_EQ(feed.header("content-type"), "text/calendar; charset=utf-8");
  EXPECT_NE(feed.body.find("SUMMARY:ICT-middag over back-ups"), std::string::npos) << feed.body;
  EXPECT_EQ(feed.body.find("Besloten ICT-overleg"), std::string::npos);
  EXPECT_EQ(feed.body.find("Netwerkborrel"), std::string::npos);
  EXPECT_EQ(testing_support::request(port, "GET", "/agenda/groep/west-brabant-zeeland/bestaat-niet/agenda.ics").status,
            404);
}

TEST_P(EventsHttp, HostsAddChangeAndRemoveCongressSessionsAndRegisteredMembersAreTold) {
  const std::int64_t occurrence = single_event(24 * 30, 200, std::nullopt, [](events::NewEvent& input) {
    input.kind = events::Kind::Congress;
    input.title = "Congres Samen Sterker";
    input.duration_minutes = 8 * 60;
  });
  const Member host = add_member("Carla Coördinator", "carla@example.nl", auth::Role::Coordinator);
  const Member anna = add_member("Anna Annink", "anna@example.nl");
  start();
  const unsigned short port = server_->port();
  const auto starts = db_->read([&](db::Session& session) {
    return session.query("SELECT starts_at FROM event_occurrences WHERE id = ?", {occurrence}).at(0).int64(0);
  });
  auto local = [&](std::int64_t offset_minutes) {
    return events::format_input(starts + offset_minutes * 60, "Europe/Amsterdam");
  };
  const std::string add = "/agenda/" + std::to_string(occurrence) + "/programma/nieuw";
  auto anna_browser = browser_for(port, anna);
  EXPECT_EQ(anna_browser.get(add).status, 403);

  auto carla = browser_for(port, host);
  ASSERT_EQ(carla.get(add).status, 200);
  // The end before the start, and a time that is no time: the form again with the reason.
  const auto backwards = carla.post(add, {{"titel", "AVG in de praktijk"}, {"begin", local(120)}, {"einde", local(60)}});
  EXPECT_EQ(backwards.status, 422);
  EXPECT_NE(backwards.body.find("AVG in de praktijk"), std::string::npos);  // nothing typed is lost
  EXPECT_EQ(carla.post(add, {{"titel", "AVG"}, {"begin", "morgen"}, {"einde", local(60)}}).status, 422);
  const auto saved = carla.post(add, {{"titel", "AVG in de praktijk"},
                                      {"spoor", "Juridisch"},
                                      {"zaal", "Zaal 1"},
                                      {"begin", local(60)},
                                      {"einde", local(120)},
                                      {"plaatsen", "30"},
                                      {"sprekers", "Anna Annink, Annink Advies\nPiet de Gast"}});
  ASSERT_EQ(saved.status, 303) << saved.body;
  const auto session_row = db_->read([&](db::Session& session) {
    return session.query("SELECT id FROM event_sessions WHERE title = 'AVG in de praktijk'").at(0).int64(0);
  });
  const auto speakers = db_->read([&](db::Session& session) {
    return session.query("SELECT name, COALESCE(account_id, 0), affiliation FROM event_session_speakers "
                         "WHERE session_id = ? ORDER BY position",
                         {session_row});
  });
  ASSERT_EQ(speakers.size(), 2u);
  EXPECT_EQ(speakers[0].int64(1), anna.id);  // a member's exact name links to them
  EXPECT_EQ(speakers[0].text(2), "Annink Advies");
  EXPECT_EQ(speakers[1].int64(1), 0);        // a guest speaker

  // Anna comes and registers for the session; then it moves to another room.
  ASSERT_EQ(rsvp(anna, occurrence, R"({"response": "going"})").status, 200);
  ASSERT_EQ(anna_browser
                .post("/agenda/sessies/" + std::to_string(session_row) + "/inschrijven",
                      {{"terug", std::to_string(occurrence)}})
                .status,
            303);
  const std::string edit = "/agenda/sessies/" + std::to_string(session_row) + "/wijzigen";
  EXPECT_EQ(anna_browser.get(edit).status, 404);  // not hers to edit: not even shown
  const auto form = carla.get(edit + "?terug=" + std::to_string(occurrence));
  ASSERT_EQ(form.status, 200);
  EXPECT_NE(form.body.find("Anna Annink, Annink Advies"), std::string::npos);
  // Fewer places than those registered is refused.
  EXPECT_EQ(carla.post(edit, {{"titel", "AVG in de praktijk"}, {"begin", local(60)}, {"einde", local(120)},
                              {"plaatsen", "0"}, {"terug", std::to_string(occurrence)}})
                .status,
            422);
  EXPECT_EQ(carla.post(edit, {{"titel", "AVG in de praktijk"},
                              {"zaal", "Zaal 2"},
                              {"begin", local(60)},
                              {"einde", local(120)},
                              {"plaatsen", "30"},
                              {"sprekers", "Anna Annink, Annink Advies"},
                              {"terug", std::to_string(occurrence)}})
                .status,
            303);
  const auto programme = carla.get("/agenda/" + std::to_string(occurrence) + "/programma");
  EXPECT_NE(programme.body.find("Zaal 2"), std::string::npos);
  auto changed_mails = [&] {
    return db_->read([&](db::Session& session) {
      return session.query("SELECT text_body FROM mail_outbox WHERE to_address = 'anna@example.nl' AND kind = "
                           "'events.changed' ORDER BY id");
    });
  };
  ASSERT_EQ(changed_mails().size(), 1u);
  EXPECT_NE(changed_mails()[0].text(0).find("Zaal 2"), std::string::npos);

  EXPECT_EQ(carla.post("/agenda/sessies/" + std::to_string(session_row) + "/verwijderen",
                       {{"terug", std::to_string(occurrence)}}, false)
                .status,
            403);
  EXPECT_EQ(carla.post("/agenda/sessies/" + std::to_string(session_row) + "/verwijderen",
                       {{"terug", std::to_string(occurrence)}})
                .status,
            303);
  EXPECT_EQ(carla.get("/agenda/" + std::to_string(occurrence) + "/programma").body.find("AVG in de praktijk"),
            std::string::npos);
  EXPECT_EQ(changed_mails().size(), 2u);  // told of the removal too
}

TEST_P(EventsHttp, AKnowledgeGroupsHostCreatesEventsForTheirGroupOnly) {
  const auto group_id = [&](const std::string& slug) {
    return db_->read([&](db::Session& session) {
      return session.query("SELECT id FROM knowledge_groups WHERE network_id = ? AND slug = ?", {kNetwork, slug})
          .at(0)
          .int64(0);
    });
  };
  const std::int64_t ict = group_id("ict");
  const std::int64_t finance = group_id("financieel-advies");
  const std::int64_t elsewhere = db_->read([&](db::Session& session) {
    return session.query("SELECT id FROM knowledge_groups WHERE network_id <> ? ORDER BY id LIMIT 1", {kNetwork})
        .at(0)
        .int64(0);
  });
  const Member host = add_member("Henk Host", "henk@example.nl");
  const Member carla = add_member("Carla Coördinator", "carla@example.nl", auth::Role::Coordinator);
  db_->write([&](db::Session& session) {
    session.execute("INSERT INTO group_members (group_id, account_id, role, state, created_at, joined_at) "
                    "VALUES (?, ?, 'host', 'active', ?, ?)",
                    {ict, host.id, unix_now(), unix_now()});
  });
  start();
  const unsigned short port = server_->port();
  const std::string starts = events::format_input(unix_now() + 7 * 86400, "Europe/Amsterdam");
  const std::string ends = events::format_input(unix_now() + 7 * 86400 + 7200, "Europe/Amsterdam");
  auto event_form = [&](std::optional<std::int64_t> group) {
    std::vector<std::pair<std::string, std::string>> fields{{"netwerk", std::to_string(kNetwork)},
                                                            {"soort", "single"},
                                                            {"titel", "Werksessie back-ups"},
                                                            {"begin", starts},
                                                            {"einde", ends}};
    if (group) fields.emplace_back("groep", std::to_string(*group));
    return fields;
  };

  auto henk = browser_for(port, host);
  const auto form = henk.get("/agenda/nieuw");
  ASSERT_EQ(form.status, 200);
  // The group choice offers the group Henk hosts, and no other.
  const std::string groups_select = form.body.substr(form.body.find("name=\"groep\""));
  const std::string choices = groups_select.substr(0, groups_select.find("</select>"));
  EXPECT_NE(choices.find("<option value=\"" + std::to_string(ict) + "\""), std::string::npos);
  EXPECT_EQ(choices.find("<option value=\"" + std::to_string(finance) + "\""), std::string::npos);
  EXPECT_EQ(henk.post("/agenda/nieuw", event_form(std::nullopt)).status, 403);  // the whole network: coordinators
  EXPECT_EQ(henk.post("/agenda/nieuw", event_form(finance)).status, 403);       // a group Henk does not host
  ASSERT_EQ(henk.post("/agenda/nieuw", event_form(ict)).status, 303);
  const auto owner = db_->read([&](db::Session& session) {
    return session.query("SELECT group_id FROM events WHERE title = 'Werksessie back-ups'").at(0).int64(0);
  });
  EXPECT_EQ(owner, ict);

  // A coordinator cannot attach another network's group.
  auto coordinator = browser_for(port, carla);
  const auto refused = coordinator.post("/agenda/nieuw", event_form(elsewhere));
  EXPECT_EQ(refused.status, 422);
  EXPECT_NE(refused.body.find("Deze kennisgroep hoort niet bij het gekozen netwerk."), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, EventsHttp, ::testing::ValuesIn(testing_support::test_backends()),
                         [](const auto& info) { return std::string(db::to_string(info.param)); });

}  // namespace
