// The events figures of issue 6, against the real binary over HTTP:
//   1. 200 simultaneous RSVPs (POST /api/v1/events/{id}/rsvp) for a 40-seat breakfast: exactly 40
//      going and 160 waiting with tickets 1..160, on SQLite or PostgreSQL;
//   2. the RSVP endpoint's sustained rate (goal on SQLite: at least 1,000 RSVPs/s): keep-alive
//      clients answering going / maybe in turn for 200 members over 50 occurrences, each answer a
//      write transaction;
//   3. a member's private iCalendar feed holding 5 years of biweekly breakfasts, served (goal: under
//      20 ms).
//
//   build-x/bench/events_rsvp sqlite 3        # backend, rounds (the medians are printed)
//   build-x/bench/events_rsvp postgres 3      # needs the test cluster (scripts/test-postgres.sh)
//
// Sessions and events are made directly in a fresh database before the server starts, so only the
// measured requests go over HTTP.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <latch>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "auth/service.h"
#include "auth/sessions.h"
#include "auth/store.h"
#include "auth/tokens.h"
#include "db/migrations.h"
#include "events/format.h"
#include "events/service.h"
#include "events/store.h"
#include "regions/seed.h"
#include "support/server_process.h"
#include "support/test_databases.h"
#include "web/site.h"

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::int64_t kNetwork = 1;
constexpr int kMembers = 200;
constexpr int kSeats = 40;
constexpr int kThroughputOccurrences = 50;
constexpr int kClients = 8;
constexpr auto kThroughputSeconds = std::chrono::seconds(10);
constexpr int kFeedRequests = 200;

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values.empty() ? 0 : values[values.size() / 2];
}

double percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  if (values.empty()) return 0;
  return values[std::min(values.size() - 1,
                         static_cast<std::size_t>(p * static_cast<double>(values.size())))];
}

struct Prepared {
  std::vector<std::string> cookies;  // one signed-in member each
  std::vector<std::int64_t> member_ids;
  std::int64_t breakfast = 0;                  // 40 seats
  std::vector<std::int64_t> open_occurrences;  // no limit, for the rate
  std::string feed_token;                      // member 0's feed: 5 years of breakfasts
  std::size_t feed_occurrences = 0;
};

Prepared prepare(db::Database& database) {
  Prepared prepared;
  db::migrate(database);
  database.write([](db::Session& session) { regions::seed_demo(session); });
  const std::int64_t now = unix_now();
  database.write([&](db::Session& session) {
    for (int i = 0; i < kMembers; ++i) {
      auth::NewAccount account;
      account.name = "Lid " + std::to_string(i);
      account.email = "lid" + std::to_string(i) + "@bench.example.nl";
      account.verified = true;
      const std::int64_t id = auth::create_account(session, account);
      auth::add_membership(session, id, kNetwork, auth::Role::Member, auth::MembershipStatus::Active);
      const std::string token = auth::new_token();
      auth::store::insert_session(session,
                                  auth::SessionRecord{auth::hash_token(token), id, now, now, now + 86400},
                                  "127.0.0.1", "bench");
      prepared.cookies.push_back(std::string(auth::kSessionCookie) + "=" + token);
      prepared.member_ids.push_back(id);
    }
  });

  const web::Site site(web::AssetUrls{"/a.css", "/l.svg", "/f.svg"}, web::SiteOptions{"bench", false});
  std::atomic<std::int64_t> clock{now};
  events::Access access;
  access.is_member = [](std::int64_t, std::int64_t) { return true; };
  access.is_coordinator = [](std::int64_t, std::int64_t) { return true; };
  events::ServiceOptions options;
  options.clock = [&clock] { return clock.load(); };
  events::Service service(database, site, access, options);
  auto single = [&](int days_ahead, std::optional<std::int64_t> capacity) {
    events::NewEvent input;
    input.network_id = kNetwork;
    input.title = capacity ? "Ontbijtsessie (40 plaatsen)" : "Kennisdag";
    input.starts_local = events::format_input(now + days_ahead * 86400LL, "Europe/Amsterdam");
    input.duration_minutes = 90;
    input.capacity = capacity;
    return database.write([&](db::Session& session) {
      const auto created = service.create_event_in(session, input, std::nullopt);
      if (!created.ok()) throw std::runtime_error("bench: event refused: " + created.error->message_key);
      return events::store::occurrences_of(session, created.value->id, INT64_MIN, INT64_MAX).at(0).id;
    });
  };
  prepared.breakfast = single(2, kSeats);
  for (int i = 0; i < kThroughputOccurrences; ++i)
    prepared.open_occurrences.push_back(single(3 + i, std::nullopt));

  // Five years of breakfasts every other Tuesday (three behind us, two ahead), member 0 going to all.
  const auto start = events::to_local(now - 3 * 365LL * 86400, "Europe/Amsterdam").value();
  const auto until = events::to_local(now + 2 * 365LL * 86400 - 86400, "Europe/Amsterdam").value();
  events::NewEvent series;
  series.network_id = kNetwork;
  series.kind = events::Kind::Series;
  series.title = "Ontbijtsessie";
  series.location_name = "De Vijverhoeve";
  series.location_address = "Huijbergen";
  series.description = "Koffie, een korte presentatie en bijpraten.";
  series.starts_local = events::format_input(now - 3 * 365LL * 86400, "Europe/Amsterdam");
  series.duration_minutes = 90;
  char until_text[32];
  std::snprintf(until_text, sizeof until_text, "%04d%02d%02dT000000Z", until.year, until.month, until.day);
  series.rrule = "FREQ=WEEKLY;INTERVAL=2;UNTIL=" + std::string(until_text);
  (void)start;
  database.write([&](db::Session& session) {
    const auto created = service.create_event_in(session, series, std::nullopt);
    if (!created.ok()) throw std::runtime_error("bench: series refused: " + created.error->message_key);
    const events::Actor member{prepared.member_ids[0], "Lid 0", "lid0@bench.example.nl", "nl", false};
    for (const auto& occurrence :
         events::store::occurrences_of(session, created.value->id, INT64_MIN, INT64_MAX)) {
      clock = occurrence.starts_at - 86400;
      if (!service.respond_in(session, member, occurrence.id, events::RsvpInput{}).ok()) {
        throw std::runtime_error("bench: an answer was refused");
      }
      ++prepared.feed_occurrences;
    }
  });
  clock = now;
  prepared.feed_token = service.renew_feed_token(prepared.member_ids[0]).token;
  return prepared;
}

std::string rsvp_request(unsigned short port, std::int64_t occurrence, const std::string& cookie,
                         std::string_view response) {
  const std::string body = std::string(R"({"response": ")") + std::string(response) + "\"}";
  const std::string host = "127.0.0.1:" + std::to_string(port);
  return "POST /api/v1/events/" + std::to_string(occurrence) + "/rsvp HTTP/1.1\r\nHost: " + host +
         "\r\nOrigin: http://" + host + "\r\nCookie: " + cookie +
         "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
         body;
}

// 1. Everyone at once for the 40 seats.
bool simultaneous(unsigned short port, db::Database& database, const Prepared& prepared, double* seconds) {
  std::vector<std::string> bodies(kMembers);
  std::latch ready(kMembers);
  std::vector<std::thread> clients;
  const auto started = Clock::now();
  for (int i = 0; i < kMembers; ++i) {
    clients.emplace_back([&, i] {
      testing_support::Connection connection(port);
      ready.arrive_and_wait();
      connection.send(
          rsvp_request(port, prepared.breakfast, prepared.cookies[static_cast<std::size_t>(i)], "going"));
      if (auto response = connection.read_response()) bodies[static_cast<std::size_t>(i)] = response->body;
    });
  }
  for (auto& client : clients) client.join();
  *seconds = std::chrono::duration<double>(Clock::now() - started).count();
  int going = 0;
  int waiting = 0;
  for (const auto& body : bodies) {
    if (body.find(R"("response":"going")") != std::string::npos) ++going;
    if (body.find(R"("response":"waiting")") != std::string::npos) ++waiting;
  }
  const auto tickets = database.read([&](db::Session& session) {
    std::vector<std::int64_t> result;
    for (const auto& row : session.query("SELECT ticket FROM event_rsvps WHERE occurrence_id = ? AND "
                                         "response = 'waiting' ORDER BY ticket",
                                         {prepared.breakfast})) {
      result.push_back(row.int64(0));
    }
    return result;
  });
  bool in_order = tickets.size() == 160;
  for (std::size_t i = 0; in_order && i < tickets.size(); ++i)
    in_order = tickets[i] == static_cast<std::int64_t>(i + 1);
  std::printf("  simultaneous: %d going, %d waiting, tickets 1..160 in order: %s (%.2f s for all 200)\n",
              going, waiting, in_order ? "yes" : "NO", *seconds);
  return going == kSeats && waiting == kMembers - kSeats && in_order;
}

// 2. Keep-alive clients answering as fast as the server takes it.
double rate(unsigned short port, const Prepared& prepared, std::int64_t* failures) {
  std::atomic<std::int64_t> done{0};
  std::atomic<std::int64_t> failed{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> clients;
  const auto started = Clock::now();
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      testing_support::Connection connection(port);
      for (std::uint64_t i = 0; !stop; ++i) {
        const std::size_t member = (static_cast<std::size_t>(c) * 25 + i) % kMembers;
        const std::size_t occurrence =
            (i / kMembers + static_cast<std::size_t>(c)) % prepared.open_occurrences.size();
        connection.send(rsvp_request(port, prepared.open_occurrences[occurrence], prepared.cookies[member],
                                     (i / (kMembers * kThroughputOccurrences)) % 2 == 0 ? "going" : "maybe"));
        auto response = connection.read_response();
        if (response && response->status == 200) {
          ++done;
        } else {
          ++failed;
          if (!response) return;
        }
      }
    });
  }
  std::this_thread::sleep_for(kThroughputSeconds);
  stop = true;
  for (auto& client : clients) client.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  *failures = failed;
  return static_cast<double>(done) / seconds;
}

// 3. The member's feed, one request at a time on a keep-alive connection.
std::pair<double, double> feed(unsigned short port, const Prepared& prepared, std::size_t* events_in_feed) {
  testing_support::Connection connection(port);
  std::vector<double> milliseconds;
  const std::string request = "GET /agenda/" + prepared.feed_token +
                              ".ics HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) + "\r\n\r\n";
  for (int i = 0; i < kFeedRequests; ++i) {
    const auto started = Clock::now();
    connection.send(request);
    auto response = connection.read_response();
    milliseconds.push_back(std::chrono::duration<double, std::milli>(Clock::now() - started).count());
    if (!response || response->status != 200) throw std::runtime_error("bench: the feed did not answer 200");
    if (i == 0) {
      std::size_t count = 0;
      for (std::size_t at = response->body.find("BEGIN:VEVENT"); at != std::string::npos;
           at = response->body.find("BEGIN:VEVENT", at + 1)) {
        ++count;
      }
      *events_in_feed = count;
    }
  }
  return {median(milliseconds), percentile(milliseconds, 0.99)};
}

}  // namespace

int main(int argc, char** argv) {
  const std::string backend_name = argc > 1 ? argv[1] : "sqlite";
  const int rounds = argc > 2 ? std::max(1, std::atoi(argv[2])) : 3;
  const db::Backend backend = backend_name == "postgres" ? db::Backend::Postgres : db::Backend::Sqlite;
  testing_support::raise_open_file_limit();
  std::vector<double> simultaneous_seconds, rates, feed_medians, feed_p99s;
  bool all_exact = true;
  for (int round = 1; round <= rounds; ++round) {
    testing_support::TestDatabase database(backend);
    auto db = database.open();
    const Prepared prepared = prepare(*db);
    testing_support::ServerProcess server({database.url(), false, {"--no-access-log"}});
    std::printf("round %d (%s, %zu breakfasts in the feed)\n", round, backend_name.c_str(),
                prepared.feed_occurrences);
    double seconds = 0;
    all_exact = simultaneous(server.port(), *db, prepared, &seconds) && all_exact;
    simultaneous_seconds.push_back(seconds);
    std::int64_t failures = 0;
    const double per_second = rate(server.port(), prepared, &failures);
    std::printf("  rate: %.0f RSVPs/s over %d keep-alive clients (%lld failed)\n", per_second, kClients,
                static_cast<long long>(failures));
    rates.push_back(per_second);
    std::size_t in_feed = 0;
    const auto [feed_median, feed_p99] = feed(server.port(), prepared, &in_feed);
    std::printf("  feed: %zu VEVENTs, median %.2f ms, p99 %.2f ms over %d requests\n", in_feed, feed_median,
                feed_p99, kFeedRequests);
    feed_medians.push_back(feed_median);
    feed_p99s.push_back(feed_p99);
  }
  std::printf(
      "\nmedians over %d rounds (%s): 200 simultaneous RSVPs exact in every round: %s, %.2f s; "
      "rate %.0f RSVPs/s; feed median %.2f ms, p99 %.2f ms\n",
      rounds, backend_name.c_str(), all_exact ? "yes" : "NO", median(simultaneous_seconds), median(rates),
      median(feed_medians), median(feed_p99s));
  return all_exact ? 0 : 1;
}
