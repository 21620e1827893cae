// The campaign sending figure of issue 7: building and handing N personalised messages (merge fields,
// Markdown to HTML, personal and one-click unsubscribe links) to a local SMTP server (aiosmtpd, as the
// tests start it) with no rate limit set; goal: at least 200 messages/s with memory flat. In process:
// the campaign job hands recipients to the outbox (one transaction per batch of 200) and the outbox
// sender delivers them over one reused SMTP connection, the two interleaved as the server's jobs run
// them. Peak RSS is the whole process's (getrusage): run once with 1000 and once with 10000 to see it flat.
//
//   build-x/bench/campaigns_send 10000 3        # messages, rounds (median printed), SQLite
//   build-x/bench/campaigns_send 1000 3
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "campaigns/service.h"
#include "db/migrations.h"
#include "events/service.h"
#include "mail/outbox.h"
#include "mail/sender.h"
#include "mail/smtp_transport.h"
#include "regions/seed.h"
#include "support/smtp_server.h"
#include "support/test_databases.h"
#include "web/site.h"

namespace {

constexpr std::int64_t kNetwork = 1;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

long peak_rss_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

double run_round(std::int64_t count, const testing_support::SmtpServer& smtp) {
  testing_support::TestDatabase database(db::Backend::Sqlite);
  auto db = database.open();
  db::migrate(*db);
  db->write([&](db::Session& session) {
    regions::seed_demo(session);
    session.execute("INSERT INTO accounts (id, email, name, created_at, updated_at) VALUES (1, 'carla@example.nl', "
                    "'Carla', 0, 0)");
    for (std::int64_t i = 0; i < count; ++i) {
      session.execute(
          "INSERT INTO contacts (network_id, email, name, organisation, town, region, discipline, source, "
          "legal_basis, language, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'West-Brabant', 'ICT', 'bench', "
          "'gerechtvaardigd belang', 'nl', 0, 0)",
          {kNetwork, "contact" + std::to_string(i) + "@example.nl", "Contact " + std::to_string(i) + " van Dijk",
           "Advies " + std::to_string(i % 97) + " B.V.", i % 2 == 0 ? std::string("Bergen op Zoom") : std::string("Goes")});
    }
  });
  web::Site site(web::AssetUrls{"/a.css", "/l.svg", "/f.svg"}, web::SiteOptions{"bench-secret", false});
  events::Access access;
  access.is_member = [](std::int64_t, std::int64_t) { return false; };
  access.is_coordinator = [](std::int64_t, std::int64_t) { return true; };
  access.member_networks = [](std::int64_t) { return std::vector<std::int64_t>{}; };
  events::Service events(*db, site, access, events::ServiceOptions{});
  campaigns::ServiceOptions options;
  options.public_url = "https://kkp.example.nl";
  campaigns::Service service(*db, site, events, [](const http::Viewer&, std::int64_t) { return true; }, options);

  mail::SmtpOptions smtp_options;
  smtp_options.url = smtp.url();
  mail::SmtpTransport transport(smtp_options);
  mail::SenderOptions sender_options;
  sender_options.from_address = "kkp@example.nl";
  sender_options.batch_size = 200;
  sender_options.paced_kind_prefix = std::string(campaigns::kMailKindPrefix);
  sender_options.keep_going_for = std::chrono::milliseconds(500);
  mail::OutboxSender sender(*db, transport, sender_options);
  sender.set_outcome_listener([&service](db::Session& session, const mail::DeliveryOutcome& outcome, std::int64_t now) {
    service.on_delivery(session, outcome, now);
  });

  http::Viewer coordinator;
  coordinator.account_id = 1;
  campaigns::Draft draft;
  draft.name = "Benchmark";
  draft.subject = "{voornaam}, samen sterker als zelfstandige?";
  draft.body =
      "Beste {voornaam},\n\nIn **{plaats}** werken veel zelfstandige adviseurs, zoals bij {organisatie}. "
      "Wij brengen ze samen in het [Kennisknooppunt](https://kkp.example.nl).\n\n- kennis delen\n- elkaar "
      "vervangen\n- samen opdrachten aannemen\n\nMet vriendelijke groet,\n\nHet initiatiefteam";
  const auto created = service.create(coordinator, kNetwork, draft);
  if (!created.ok()) throw std::runtime_error("could not create the campaign");

  const auto started = std::chrono::steady_clock::now();
  if (!service.start(coordinator, created.value->id).ok()) throw std::runtime_error("could not start");
  std::int64_t sent = 0;
  while (true) {
    service.send_due(now_ms());
    sent += sender.deliver_due(now_ms() / 1000);
    const auto progress = service.progress(coordinator, created.value->id).value.value();
    if (progress.queued == 0 && progress.handed == 0) {
      if (progress.sent != count) {
        std::fprintf(stderr, "only %lld of %lld sent (failed %lld)\n", static_cast<long long>(progress.sent),
                     static_cast<long long>(count), static_cast<long long>(progress.failed));
        std::exit(1);
      }
      break;
    }
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return static_cast<double>(count) / seconds;
}

}  // namespace

int main(int argc, char** argv) {
  const std::int64_t count = argc > 1 ? std::atoll(argv[1]) : 10000;
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 3;
  // The server accepts and forgets: parsing and filing every message in Python (what the tests need)
  // cost the test server 63 s of CPU for 10,000 messages against 8 s for us, and became the figure.
  testing_support::SmtpServer::Options discarding;
  discarding.discard = true;
  testing_support::SmtpServer smtp(discarding);
  std::vector<double> rates;
  for (int round = 0; round < rounds; ++round) {
    rates.push_back(run_round(count, smtp));
    std::printf("round %d: %lld messages, %.0f messages/s, peak RSS so far %ld KiB\n", round + 1,
                static_cast<long long>(count), rates.back(), peak_rss_kib());
    std::fflush(stdout);
  }
  std::sort(rates.begin(), rates.end());
  std::printf("median: %.0f messages/s over %d rounds of %lld; peak RSS %ld KiB\n", rates[rates.size() / 2], rounds,
              static_cast<long long>(count), peak_rss_kib());
  return 0;
}
