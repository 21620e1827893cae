// Campaigns on both databases, in process: merge fields, who is in the audience, handing recipients to
// the outbox exactly once (re-checking unsubscribes and suppressions at the last moment), the
// campaign's own rate, pause and resume, bounces marking the contact, campaign mail not capped by the
// sender's global per-minute limit, signed personal links, and the funnel on a known scenario.
#include <gtest/gtest.h>

#include <deque>
#include <map>
#include <mutex>
#include <set>

#include "campaigns/merge.h"
#include "campaigns/service.h"
#include "campaigns/store.h"
#include "contacts/records.h"
#include "db/migrations.h"
#include "events/service.h"
#include "mail/outbox.h"
#include "mail/sender.h"
#include "regions/seed.h"
#include "support/test_databases.h"
#include "web/site.h"

namespace {

using campaigns::Failure;

constexpr std::int64_t kNetwork = 1;      // the first seeded network
constexpr std::int64_t kCoordinator = 7;  // the account the coordinator check accepts

// Delivers everything unless told to refuse an address; remembers what it got.
class RecordingTransport final : public mail::Transport {
 public:
  mail::SendResult send(const mail::OutgoingMessage& message) override {
    std::lock_guard lock(mutex_);
    messages_.push_back(message);
    if (refuse_.contains(message.to_address)) {
      return mail::SendResult::permanent_failure("550 5.1.1 <" + message.to_address + ">: Recipient address rejected");
    }
    return mail::SendResult::sent();
  }
  void refuse(const std::string& address) {
    std::lock_guard lock(mutex_);
    refuse_.insert(address);
  }
  std::vector<mail::OutgoingMessage> messages() const {
    std::lock_guard lock(mutex_);
    return messages_;
  }
  std::map<std::string, int> per_recipient() const {
    std::map<std::string, int> counts;
    for (const auto& message : messages()) ++counts[message.to_address];
    return counts;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<mail::OutgoingMessage> messages_;
  std::set<std::string> refuse_;
};

std::int64_t now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

class CampaignsTest : public ::testing::TestWithParam<db::Backend> {
 protected:
  void SetUp() override {
    database_ = std::make_unique<testing_support::TestDatabase>(GetParam());
    db_ = database_->open(db::Options{8});
    db::migrate(*db_);
    db_->write([&](db::Session& session) {
      regions::seed_demo(session);
      // The coordinator and a plain member (roles come from the check below, as auth would answer).
      session.execute("INSERT INTO accounts (id, email, name, created_at, updated_at) VALUES (?, 'carla@example.nl', "
                      "'Carla Coördinator', 0, 0), (?, 'mark@example.nl', 'Mark Lid', 0, 0)",
                      {kCoordinator, std::int64_t{8}});
    });
    site_ = std::make_unique<web::Site>(web::AssetUrls{"/a.css", "/l.svg", "/f.svg"},
                                        web::SiteOptions{"test-secret", false});
    events::Access access;
    access.is_member = [](std::int64_t, std::int64_t) { return false; };
    access.is_coordinator = [](std::int64_t account, std::int64_t) { return account == kCoordinator; };
    access.member_networks = [](std::int64_t) { return std::vector<std::int64_t>{}; };
    events_ = std::make_unique<events::Service>(*db_, *site_, access, events::ServiceOptions{});
    campaigns::ServiceOptions options;
    options.public_url = "https://kkp.example.nl";
    options.batch_size = 50;
    service_ = std::make_unique<campaigns::Service>(
        *db_, *site_, *events_,
        [](const http::Viewer& viewer, std::int64_t network) { return viewer.account_id == kCoordinator && network == kNetwork; },
        options);
    mail::SenderOptions sender_options;
    sender_options.from_address = "kkp@example.nl";
    sender_options.per_minute = 1;  // campaign mail must not wait for this
    sender_options.batch_size = 20;
    sender_options.paced_kind_prefix = std::string(campaigns::kMailKindPrefix);
    sender_options.keep_going_for = std::chrono::seconds(5);
    sender_ = std::make_unique<mail::OutboxSender>(*db_, transport_, sender_options);
    sender_->set_outcome_listener([this](db::Session& session, const mail::DeliveryOutcome& outcome, std::int64_t now) {
      service_->on_delivery(session, outcome, now);
    });
  }

  std::int64_t add_contact(const std::string& name, const std::string& email, const std::string& town,
                           const std::string& source = "KvK-lijst", const std::string& discipline = "ICT") {
    return db_->write([&](db::Session& session) {
      return session
          .query_one(
              "INSERT INTO contacts (network_id, email, name, organisation, town, region, discipline, source, "
              "legal_basis, language, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
              "'gerechtvaardigd belang', 'nl', ?, ?) RETURNING id",
              {kNetwork, email, name, name + " Advies", town, "West-Brabant", discipline, source, now_s(), now_s()})
          ->int64(0);
    });
  }

  static std::optional<http::Viewer> coordinator() {
    http::Viewer viewer;
    viewer.account_id = kCoordinator;
    viewer.name = "Carla Coördinator";
    viewer.email = "carla@example.nl";
    return viewer;
  }
  static std::optional<http::Viewer> member() {
    http::Viewer viewer;
    viewer.account_id = 8;
    viewer.name = "Mark Lid";
    viewer.email = "mark@example.nl";
    return viewer;
  }

  campaigns::Draft draft(const std::string& source = "KvK-lijst", std::int64_t rate = 0) {
    campaigns::Draft d;
    d.name = "Eerste mailing";
    d.subject = "Kennismaken, {voornaam}?";
    d.body = "Beste {voornaam},\n\nIn **{plaats}** werken veel adviseurs, zoals bij {organisatie}.";
    d.segment.source = source;
    d.rate_per_minute = rate;
    return d;
  }

  std::int64_t started_campaign(const campaigns::Draft& d) {
    auto created = service_->create(coordinator(), kNetwork, d);
    EXPECT_TRUE(created.ok());
    auto started = service_->start(coordinator(), created.value->id);
    EXPECT_TRUE(started.ok()) << (started.error ? started.error->message_key : "");
    return created.value->id;
  }

  std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  std::unique_ptr<testing_support::TestDatabase> database_;
  std::unique_ptr<db::Database> db_;
  std::unique_ptr<web::Site> site_;
  std::unique_ptr<events::Service> events_;
  std::unique_ptr<campaigns::Service> service_;
  RecordingTransport transport_;
  std::unique_ptr<mail::OutboxSender> sender_;
};

std::string backend_name(const ::testing::TestParamInfo<db::Backend>& info) {
  return std::string(db::to_string(info.param));
}

}  // namespace

TEST(CampaignsMerge, UnknownFieldsAndDoubleBracesAreReportedOnceInOrder) {
  EXPECT_TRUE(campaigns::unknown_fields("Beste {voornaam} uit {plaats} ({organisatie}, {naam})").empty());
  EXPECT_TRUE(campaigns::unknown_fields("Dear {first_name} of {town}, {organisation}, {name}").empty());
  EXPECT_EQ(campaigns::unknown_fields("Beste {stad}, {stad} en {Naam} {{voornaam}}"),
            (std::vector<std::string>{"{{", "{stad}"}));
  EXPECT_TRUE(campaigns::unknown_fields("Een { los } haakje en {} en {x-y}").empty());
}

TEST(CampaignsMerge, ValuesAreLiteralTextInMarkdownAndPlainInSubjects) {
  const campaigns::MergeValues values{"Jan [klik](javascript:alert(1)) <b>de</b> Vries", "Bergen op Zoom", "*Vet* B.V."};
  const std::string markdown = campaigns::merge_markdown("Beste {naam} uit {plaats}, {organisatie}", values);
  EXPECT_EQ(markdown.find("](javascript"), std::string::npos);
  EXPECT_NE(markdown.find("\\[klik\\]"), std::string::npos);
  EXPECT_EQ(campaigns::merge_plain("Hallo {voornaam}\n{onbekend}", values), "Hallo Jan\n{onbekend}");
  EXPECT_EQ(campaigns::merge_plain("{naam}", {"Jan\r\nBcc: x", "", ""}), "Jan  Bcc: x");
  EXPECT_EQ(campaigns::first_name("  Anouk van den Brink"), "Anouk");
  EXPECT_EQ(campaigns::first_name(""), "");
}

TEST_P(CampaignsTest, ACampaignReachesItsSegmentOnceWithFieldsFilledAndOneClickUnsubscribe) {
  add_contact("Anouk van den Brink", "anouk@example.nl", "Bergen op Zoom");
  add_contact("Bram de <b>Wit</b>", "bram@example.nl", "Goes");
  add_contact("Cor Buiten", "cor@example.nl", "Breda", "eigen netwerk");  // another source: not in the segment
  const std::int64_t id = started_campaign(draft());
  EXPECT_GT(service_->send_due(now_ms()), 0);
  EXPECT_EQ(service_->send_due(now_ms()), 0);  // nothing is handed twice
  sender_->deliver_due(now_s());

  const auto per_recipient = transport_.per_recipient();
  EXPECT_EQ(per_recipient, (std::map<std::string, int>{{"anouk@example.nl", 1}, {"bram@example.nl", 1}}));
  for (const auto& message : transport_.messages()) {
    if (message.to_address != "anouk@example.nl") continue;
    EXPECT_EQ(message.subject, "Kennismaken, Anouk?");
    EXPECT_NE(message.text.find("In **Bergen op Zoom** werken"), std::string::npos);
    EXPECT_NE(message.html.find("<strong>Bergen op Zoom</strong>"), std::string::npos);
    EXPECT_NE(message.html.find("Anouk van den Brink Advies"), std::string::npos);
    std::string unsubscribe;
    for (const auto& [name, value] : message.headers) {
      if (name == "List-Unsubscribe") unsubscribe = value;
      if (name == "List-Unsubscribe-Post") {
        EXPECT_EQ(value, "List-Unsubscribe=One-Click");
      }
    }
    ASSERT_TRUE(unsubscribe.starts_with("<https://kkp.example.nl/c/")) << unsubscribe;
    EXPECT_TRUE(unsubscribe.ends_with("/afmelden>"));
  }
  for (const auto& message : transport_.messages()) {
    if (message.to_address == "bram@example.nl") {
      EXPECT_EQ(message.html.find("<b>Wit</b>"), std::string::npos);
    }
  }
  const auto progress = service_->progress(coordinator(), id);
  EXPECT_EQ(progress.value->total, 2);
  EXPECT_EQ(progress.value->sent, 2);
  EXPECT_EQ(service_->find(coordinator(), id).value->status, campaigns::Status::Done);
}

TEST_P(CampaignsTest, ACampaignWithNoAudienceIsRefusedAndNothingIsQueued) {
  add_contact("Anouk van den Brink", "anouk@example.nl", "Bergen op Zoom");
  auto created = service_->create(coordinator(), kNetwork, draft("een bron die niemand heeft"));
  ASSERT_TRUE(created.ok());
  EXPECT_EQ(service_->audience_count(coordinator(), created.value->id).value, 0);
  auto started = service_->start(coordinator(), created.value->id);
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.error->message_key, "campaigns.error.no_audience");
  EXPECT_EQ(service_->find(coordinator(), created.value->id).value->status, campaigns::Status::Draft);
  EXPECT_EQ(service_->progress(coordinator(), created.value->id).value->total, 0);
}

TEST_P(CampaignsTest, OnlyCoordinatorsOfTheNetworkSeeOrChangeCampaigns) {
  auto created = service_->create(member(), kNetwork, draft());
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error->failure, Failure::Forbidden);
  auto mine = service_->create(coordinator(), kNetwork, draft());
  ASSERT_TRUE(mine.ok());
  EXPECT_EQ(service_->find(member(), mine.value->id).error->failure, Failure::NotFound);
  EXPECT_EQ(service_->find(std::nullopt, mine.value->id).error->failure, Failure::NotFound);
  EXPECT_FALSE(service_->start(member(), mine.value->id).ok());
  EXPECT_FALSE(service_->funnel(member(), kNetwork, 0).ok());
}

TEST_P(CampaignsTest, UnknownMergeFieldsAreRefusedWithTheirNames) {
  auto d = draft();
  d.body = "Beste {voornaam} uit {stad}, {{naam}}";
  auto created = service_->create(coordinator(), kNetwork, d);
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error->field, "body");
  EXPECT_EQ(created.error->message_key, "campaigns.error.unknown_fields");
  EXPECT_EQ(created.error->detail, "{{, {stad}");
  EXPECT_TRUE(service_->list(coordinator(), kNetwork).value->empty());
}

TEST_P(CampaignsTest, AnAddressUnsubscribedOrSuppressedAfterTheStartIsSkippedAtHandOver) {
  add_contact("Anouk van den Brink", "anouk@example.nl", "Bergen op Zoom");
  const std::int64_t bram = add_contact("Bram de Wit", "bram@example.nl", "Goes");
  add_contact("Cas Kok", "cas@example.nl", "Tholen");
  const std::int64_t id = started_campaign(draft());
  db_->write([&](db::Session& session) {
    contacts::mark_unsubscribed(session, bram, now_s());
    contacts::suppress(session, kNetwork, "cas@example.nl", "erased", now_s());
  });
  service_->send_due(now_ms());
  sender_->deliver_due(now_s());
  EXPECT_EQ(transport_.per_recipient(), (std::map<std::string, int>{{"anouk@example.nl", 1}}));
  EXPECT_EQ(service_->progress(coordinator(), id).value->skipped, 2);
}

TEST_P(CampaignsTest, TheCampaignsOwnRateAndPauseAndResumeDecideWhenRecipientsAreHanded) {
  for (int i = 0; i < 10; ++i) add_contact("Contact " + std::to_string(i), "c" + std::to_string(i) + "@example.nl", "Breda");
  const std::int64_t id = started_campaign(draft("KvK-lijst", 60));  // one a second
  const std::int64_t t0 = now_ms();
  EXPECT_EQ(service_->send_due(t0), 1);
  EXPECT_EQ(service_->send_due(t0 + 500), 0);
  EXPECT_EQ(service_->send_due(t0 + 3000), 1);  // at most one second is caught up: never a burst
  EXPECT_EQ(service_->send_due(t0 + 3500), 0);
  EXPECT_EQ(service_->send_due(t0 + 4000), 1);
  ASSERT_TRUE(service_->pause(coordinator(), id).ok());
  EXPECT_EQ(service_->send_due(t0 + 60000), 0);
  EXPECT_FALSE(service_->pause(coordinator(), id).ok());
  ASSERT_TRUE(service_->resume(coordinator(), id).ok());
  EXPECT_EQ(service_->send_due(t0 + 120000), 1);  // the paused minute is not made up for
  EXPECT_EQ(service_->progress(coordinator(), id).value->queued, 6);
}

TEST_P(CampaignsTest, APermanentRefusalMarksTheContactBouncedAndNoLaterCampaignMailsIt) {
  add_contact("Anouk van den Brink", "anouk@example.nl", "Bergen op Zoom");
  add_contact("Niemand", "niemand@example.nl", "Goes");
  transport_.refuse("niemand@example.nl");
  const std::int64_t first = started_campaign(draft());
  service_->send_due(now_ms());
  sender_->deliver_due(now_s());
  EXPECT_EQ(service_->progress(coordinator(), first).value->bounced, 1);
  const auto contact = db_->read([](db::Session& session) {
    return contacts::find_contact_by_email(session, kNetwork, "niemand@example.nl");
  });
  ASSERT_TRUE(contact && contact->bounced_at);
  EXPECT_NE(contact->bounce_reason->find("550"), std::string::npos);

  auto second = draft();
  second.name = "Tweede mailing";
  const std::int64_t next = started_campaign(second);
  EXPECT_EQ(service_->progress(coordinator(), next).value->total, 1);
  service_->send_due(now_ms());
  sender_->deliver_due(now_s());
  EXPECT_EQ(transport_.per_recipient()["niemand@example.nl"], 1);  // the first attempt only
  EXPECT_EQ(transport_.per_recipient()["anouk@example.nl"], 2);
}

TEST_P(CampaignsTest, UnsubscribingThroughOneCampaignsLinkStopsEveryOtherCampaign) {
  const std::int64_t anouk = add_contact("Anouk van den Brink", "anouk@example.nl", "Bergen op Zoom");
  add_contact("Bram de Wit", "bram@example.nl", "Goes");
  const std::int64_t first = started_campaign(draft());
  service_->send_due(now_ms());
  const std::string token = service_->link_token(anouk, first);
  const auto target = service_->verify(token);
  ASSERT_TRUE(target);
  EXPECT_TRUE(service_->unsubscribe(*target));

  auto second = draft();
  second.name = "Herinnering";
  const std::int64_t next = started_campaign(second);
  EXPECT_EQ(service_->progress(coordinator(), next).value->total, 1);
  service_->send_due(now_ms());
  sender_->deliver_due(now_s());
  EXPECT_EQ(transport_.per_recipient()["anouk@example.nl"], 1);
  EXPECT_EQ(transport_.per_recipient()["bram@example.nl"], 2);
}

TEST_P(CampaignsTest, ATamperedOrForeignLinkIsRefused) {
  const std::int64_t anouk = add_contact("Anouk van den Brink", "anouk@example.nl", "Bergen op Zoom");
  const std::int64_t bram = add_contact("Bram de Wit", "bram@example.nl", "Goes");
  const std::int64_t id = started_campaign(draft());
  service_->send_due(now_ms());
  const std::string token = service_->link_token(anouk, id);
  EXPECT_TRUE(service_->verify(token));
  std::string other = token;
  other.replace(0, std::to_string(anouk).size(), std::to_string(bram));  // Bram's id, Anouk's signature
  EXPECT_FALSE(service_->verify(other));
  std::string flipped = token;
  flipped.back() = flipped.back() == 'A' ? 'B' : 'A';
  EXPECT_FALSE(service_->verify(flipped));
  EXPECT_FALSE(service_->verify(""));
  EXPECT_FALSE(service_->verify("1.1"));
  EXPECT_FALSE(service_->verify(service_->link_token(anouk, id + 1)));  // signed, but no such mailing
}

TEST_P(CampaignsTest, CampaignMailIsNotCappedByTheSendersPerMinuteLimitButOtherMailIs) {
  for (int i = 0; i < 45; ++i) add_contact("Contact " + std::to_string(i), "c" + std::to_string(i) + "@example.nl", "Breda");
  db_->write([](db::Session& session) {
    for (int i = 0; i < 3; ++i) {
      mail::Message message;
      message.to_address = "lid" + std::to_string(i) + "@example.nl";
      message.subject = "Welkom";
      message.text = "Welkom";
      message.kind = "auth.verify";
      mail::enqueue(session, message);
    }
  });
  started_campaign(draft());
  service_->send_due(now_ms());
  sender_->deliver_due(now_s());
  std::size_t campaign_mail = 0, other_mail = 0;
  for (const auto& message : transport_.messages()) {
    (message.kind == campaigns::kMessageKind ? campaign_mail : other_mail) += 1;
  }
  EXPECT_EQ(campaign_mail, 45u);
  EXPECT_EQ(other_mail, 1u);  // per_minute = 1
}

TEST_P(CampaignsTest, TheFunnelCountsEachStepWithRatesAndMedianTimes) {
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 4; ++i) ids.push_back(add_contact("Contact " + std::to_string(i), "f" + std::to_string(i) + "@example.nl", "Breda"));
  const std::int64_t id = started_campaign(draft());
  service_->send_due(now_ms());
  // Two respond (after 1 h and 3 h), one of them registers 1 h later, comes, and becomes a member.
  db_->write([&](db::Session& session) {
    session.execute("UPDATE campaign_recipients SET handed_at = 1000000 WHERE campaign_id = ?", {id});
    session.execute("UPDATE campaign_recipients SET responded_at = 1003600, response = 'interested' WHERE contact_id = ?", {ids[0]});
    session.execute("UPDATE campaign_recipients SET responded_at = 1010800, response = 'not_now' WHERE contact_id = ?", {ids[1]});
    session.execute("UPDATE campaign_recipients SET registered_at = 1007200 WHERE contact_id = ?", {ids[0]});
    session.execute(
        "INSERT INTO events (network_id, kind, title, starts_local, duration_minutes, visibility, created_at, "
        "updated_at) VALUES (?, 'single', 'Eerste bijeenkomst', '2026-01-01T19:00', 120, 'public', 0, 0)",
        {kNetwork});
  });
  // A registration through the campaign, and the RSVP checked in as present.
  db_->write([&](db::Session& session) {
    const std::int64_t event = session.query_one("SELECT MAX(id) FROM events")->int64(0);
    const std::int64_t occurrence =
        session
            .query_one("INSERT INTO event_occurrences (event_id, recurrence_id, starts_at, ends_at) VALUES (?, 'x', "
                       "1100000, 1107200) RETURNING id",
                       {event})
            ->int64(0);
    session.execute("INSERT INTO campaign_registrations (campaign_id, contact_id, occurrence_id, created_at) VALUES (?, ?, ?, 1007200)",
                    {id, ids[0], occurrence});
    session.execute(
        "INSERT INTO event_rsvps (occurrence_id, name, email, response, attended, created_at, updated_at) "
        "VALUES (?, 'Contact 0', 'f0@example.nl', 'going', 1, 0, 0)",
        {occurrence});
    const std::int64_t account = session
                                     .query_one("INSERT INTO accounts (email, name, created_at, updated_at) VALUES "
                                                "('f0@example.nl', 'Contact 0', 0, 0) RETURNING id")
                                     ->int64(0);
    session.execute("UPDATE contacts SET account_id = ?, became_member_at = 1200000 WHERE id = ?", {account, ids[0]});
  });
  const auto funnel = service_->funnel(coordinator(), kNetwork, id);
  ASSERT_TRUE(funnel.ok());
  const auto& steps = funnel.value->steps;
  ASSERT_EQ(steps.size(), 5u);
  EXPECT_EQ(steps[0].key, "contacted");
  EXPECT_EQ(steps[0].count, 4);
  EXPECT_EQ(steps[1].count, 2);
  EXPECT_DOUBLE_EQ(steps[1].rate, 0.5);
  EXPECT_EQ(steps[1].median_seconds, 7200);  // (1 h + 3 h) / 2
  EXPECT_EQ(steps[2].count, 1);
  EXPECT_EQ(steps[2].median_seconds, 3600);
  EXPECT_EQ(steps[3].count, 1);
  EXPECT_EQ(steps[3].median_seconds, 1100000 - 1007200);
  EXPECT_EQ(steps[4].count, 1);
  EXPECT_EQ(steps[4].median_seconds, 100000);
  const auto overall = service_->funnel(coordinator(), kNetwork, 0);
  EXPECT_EQ(overall.value->steps[0].count, 4);
  const std::string csv = service_->funnel_csv(*funnel.value, "nl");
  EXPECT_NE(csv.find("Benaderd,4,100.0%,"), std::string::npos) << csv;
  EXPECT_NE(csv.find("Gereageerd,2,50.0%,2.0"), std::string::npos) << csv;
}

INSTANTIATE_TEST_SUITE_P(Backends, CampaignsTest, ::testing::ValuesIn(testing_support::test_backends()), backend_name);
