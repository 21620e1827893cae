// The events service on both databases: capacity and the waiting list (promotion in the same
// transaction, with its mail), series answers, moved and cancelled occurrences, deadlines, guests,
// non-member registration, reminders, feeds parsed back with libical, CSV, attendance, the congress,
// and no overselling when 200 members answer at once for 40 seats.
#include <gtest/gtest.h>
#include <libical/ical.h>

#include <atomic>
#include <latch>
#include <mutex>
#include <set>
#include <thread>

#include "auth/service.h"
#include "db/migrations.h"
#include "events/calendar.h"
#include "events/service.h"
#include "events/store.h"
#include "regions/seed.h"
#include "support/test_databases.h"
#include "web/site.h"

namespace {

using events::Failure;
using events::Response;
using events::RsvpInput;

constexpr std::int64_t kNetwork = 1;  // KKP West-Brabant & Zeeland, the first seeded network
// Monday 2 June 2025, 12:00 UTC: "now" in these tests.
constexpr std::int64_t kNow = 1748865600;

struct Mail {
  std::string to;
  std::string subject;
  std::string text;
  std::string kind;
};

class EventsServiceTest : public ::testing::TestWithParam<db::Backend> {
 protected:
  void SetUp() override {
    database_ = std::make_unique<testing_support::TestDatabase>(GetParam());
    db_ = database_->open(db::Options{16});
    db::migrate(*db_);
    db_->write([&](db::Session& session) { regions::seed_demo(session); });
    site_ = std::make_unique<web::Site>(web::AssetUrls{"/a.css", "/l.svg", "/f.svg"},
                                        web::SiteOptions{"test-secret", false});
    coordinator_ = add_member("Carla Coördinator", "coordinator@example.nl", auth::Role::Coordinator);
    events::Access access;
    access.is_member = [this](std::int64_t account, std::int64_t network) {
      std::lock_guard lock(mutex_);
      return network == kNetwork && members_.contains(account);
    };
    access.is_coordinator = [this](std::int64_t account, std::int64_t network) {
      return network == kNetwork && account == coordinator_;
    };
    access.member_networks = [this](std::int64_t account) {
      std::lock_guard lock(mutex_);
      return members_.contains(account) ? std::vector<std::int64_t>{kNetwork} : std::vector<std::int64_t>{};
    };
    events::ServiceOptions options;
    options.public_url = "https://kkp.example.nl";
    options.clock = [this] { return now_.load(); };
    service_ = std::make_unique<events::Service>(*db_, *site_, access, options);
  }

  std::int64_t add_member(const std::string& name, const std::string& email,
                          auth::Role role = auth::Role::Member) {
    const std::int64_t id = db_->write([&](db::Session& session) {
      auth::NewAccount account;
      account.name = name;
      account.email = email;
      account.verified = true;
      account.created_at = kNow;
      const std::int64_t account_id = auth::create_account(session, account);
      auth::add_membership(session, account_id, kNetwork, role, auth::MembershipStatus::Active);
      return account_id;
    });
    std::lock_guard lock(mutex_);
    members_.insert(id);
    names_[id] = {name, email};
    return id;
  }

  events::Actor actor(std::int64_t account_id) {
    std::lock_guard lock(mutex_);
    return events::Actor{account_id, names_[account_id].first, names_[account_id].second, "nl", false};
  }

  // A breakfast every other Tuesday 07:30-09:00 from 3 June 2025, ten times.
  events::Event breakfast(std::optional<std::int64_t> capacity,
                          std::optional<std::int64_t> deadline_minutes = {}) {
    events::NewEvent input;
    input.network_id = kNetwork;
    input.kind = events::Kind::Series;
    input.title = "Ontbijtsessie";
    input.location_name = "De Vijverhoeve";
    input.location_address = "Huijbergen";
    input.starts_local = "2025-06-03T07:30";
    input.duration_minutes = 90;
    input.rrule = "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=10";
    input.capacity = capacity;
    input.rsvp_deadline_minutes = deadline_minutes;
    auto created = service_->create_event(actor(coordinator_), input);
    EXPECT_TRUE(created.ok()) << (created.error ? created.error->message_key : "");
    return *created.value;
  }

  std::vector<std::int64_t> occurrence_ids(std::int64_t event_id) {
    return db_->read([&](db::Session& session) {
      std::vector<std::int64_t> ids;
      for (const db::Row& row : session.query(
               "SELECT id FROM event_occurrences WHERE event_id = ? ORDER BY starts_at", {event_id})) {
        ids.push_back(row.int64(0));
      }
      return ids;
    });
  }

  std::vector<Mail> mails() {
    return db_->read([](db::Session& session) {
      std::vector<Mail> result;
      for (const db::Row& row :
           session.query("SELECT to_address, subject, text_body, kind FROM mail_outbox ORDER BY id")) {
        result.push_back(Mail{row.text(0), row.text(1), row.text(2), row.text(3)});
      }
      return result;
    });
  }

  events::RsvpOutcome answer(std::int64_t account, std::int64_t occurrence, Response response,
                             std::int64_t guests = 0) {
    RsvpInput input{response, guests, {}, ""};
    for (std::int64_t i = 0; i < guests; ++i) input.guest_names.push_back("Gast " + std::to_string(i + 1));
    auto outcome = service_->respond(actor(account), occurrence, input);
    EXPECT_TRUE(outcome.ok()) << (outcome.error ? outcome.error->message_key : "");
    return outcome.ok() ? *outcome.value : events::RsvpOutcome{};
  }

  std::unique_ptr<testing_support::TestDatabase> database_;
  std::unique_ptr<db::Database> db_;
  std::unique_ptr<web::Site> site_;
  std::unique_ptr<events::Service> service_;
  std::atomic<std::int64_t> now_{kNow};
  std::mutex mutex_;
  std::set<std::int64_t> members_;
  std::map<std::int64_t, std::pair<std::string, std::string>> names_;
  std::int64_t coordinator_ = 0;
};

TEST_P(EventsServiceTest, WaitlistPromotesFirstInLineWhenSeatFreesAndTellsThemByMail) {
  const auto event = breakfast(2);
  const std::int64_t first = occurrence_ids(event.id).front();
  const auto anna = add_member("Anna", "anna@example.nl");
  const auto bram = add_member("Bram", "bram@example.nl");
  const auto cees = add_member("Cees", "cees@example.nl");
  const auto dirk = add_member("Dirk", "dirk@example.nl");
  EXPECT_EQ(answer(anna, first, Response::Going).rsvp.response, Response::Going);
  EXPECT_EQ(answer(bram, first, Response::Going).rsvp.response, Response::Going);
  const auto cees_answer = answer(cees, first, Response::Going);
  EXPECT_EQ(cees_answer.rsvp.response, Response::Waiting);
  EXPECT_EQ(cees_answer.place, 1);
  EXPECT_EQ(answer(dirk, first, Response::Going).place, 2);
  EXPECT_TRUE(mails().empty());

  const auto cancelled = answer(anna, first, Response::NotGoing);
  ASSERT_EQ(cancelled.promoted.size(), 1u);
  EXPECT_EQ(cancelled.promoted[0].name, "Cees");

  const auto page = service_->occurrence_page(actor(dirk), first);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->my_place, 1);
  EXPECT_EQ(page->going_people, 2);
  const auto cees_page = service_->occurrence_page(actor(cees), first);
  EXPECT_EQ(cees_page->mine->response, Response::Going);
  const auto sent = mails();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].to, "cees@example.nl");
  EXPECT_EQ(sent[0].kind, "events.promoted");
  EXPECT_NE(sent[0].subject.find("Ontbijtsessie"), std::string::npos);
  EXPECT_NE(sent[0].text.find("https://kkp.example.nl/agenda/" + std::to_string(first)), std::string::npos);
}

TEST_P(EventsServiceTest, ErasingAMemberGivesTheirSeatToTheFirstInLineAndTheExportListsTheirAnswers) {
  const auto event = breakfast(1);
  const std::int64_t first = occurrence_ids(event.id).front();
  const auto anna = add_member("Anna", "anna@example.nl");
  const auto bram = add_member("Bram", "bram@example.nl");
  answer(anna, first, Response::Going, 0);
  EXPECT_EQ(answer(bram, first, Response::Going).place, 1);

  const nlohmann::json exported = db_->read([&](db::Session& session) { return events::store::export_member(session, anna); });
  ASSERT_EQ(exported["answers"].size(), 1u);
  EXPECT_EQ(exported["answers"][0]["occurrence_id"], first);
  EXPECT_EQ(exported["answers"][0]["response"], "going");
  EXPECT_EQ(exported["answers"][0]["event"], "Ontbijtsessie");
  EXPECT_EQ(exported["private_calendar_feed"], false);

  db_->write([&](db::Session& session) { service_->erase_member_in(session, anna); });

  const auto page = service_->occurrence_page(actor(bram), first);
  ASSERT_TRUE(page);
  ASSERT_TRUE(page->mine);
  EXPECT_EQ(page->mine->response, Response::Going);
  EXPECT_EQ(page->going_people, 1);
  const auto sent = mails();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].to, "bram@example.nl");
  EXPECT_EQ(sent[0].kind, "events.promoted");
  const nlohmann::json after = db_->read([&](db::Session& session) { return events::store::export_member(session, anna); });
  EXPECT_TRUE(after["answers"].empty());
}

TEST_P(EventsServiceTest, TheFirstInLineWhosePartyFitsIsPromoted) {
  const auto event = breakfast(3);
  const std::int64_t first = occurrence_ids(event.id).front();
  const auto anna = add_member("Anna", "anna@example.nl");
  const auto bram = add_member("Bram", "bram@example.nl");
  const auto cees = add_member("Cees", "cees@example.nl");
  const auto dirk = add_member("Dirk", "dirk@example.nl");
  answer(anna, first, Response::Going);
  answer(bram, first, Response::Going, 1);                      // 3 of 3
  EXPECT_EQ(answer(cees, first, Response::Going, 1).place, 1);  // party of 2 waits
  EXPECT_EQ(answer(dirk, first, Response::Going).place, 2);     // party of 1 waits
  const auto freed = answer(anna, first, Response::NotGoing);   // one seat free
  ASSERT_EQ(freed.promoted.size(), 1u);
  EXPECT_EQ(freed.promoted[0].name, "Dirk");
  const auto page = service_->occurrence_page(actor(cees), first);
  EXPECT_EQ(page->my_place, 1);
}

TEST_P(EventsServiceTest, AGrowingPartyThatDoesNotFitKeepsItsSeats) {
  const auto event = breakfast(2);
  const std::int64_t first = occurrence_ids(event.id).front();
  const auto anna = add_member("Anna", "anna@example.nl");
  const auto bram = add_member("Bram", "bram@example.nl");
  answer(anna, first, Response::Going);
  answer(bram, first, Response::Going);
  RsvpInput bigger{Response::Going, 1, {"Piet"}, ""};
  auto refused = service_->respond(actor(anna), first, bigger);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error->message_key, "events.error.guests_do_not_fit");
  EXPECT_EQ(service_->occurrence_page(actor(anna), first)->mine->response, Response::Going);
}

TEST_P(EventsServiceTest, CapacityCannotBeSetBelowTheNumberAlreadyGoing) {
  const auto event = breakfast(10);
  const std::int64_t first = occurrence_ids(event.id).front();
  for (int i = 0; i < 4; ++i)
    answer(add_member("Lid " + std::to_string(i), "lid" + std::to_string(i) + "@example.nl"), first,
           Response::Going);
  events::EventChange change;
  change.capacity = std::optional<std::int64_t>(3);
  auto refused = service_->change_event(actor(coordinator_), event.id, change);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error->message_key, "events.error.capacity_below_going");
  EXPECT_EQ(refused.error->count, 4);
  events::OccurrenceChange occurrence_change;
  occurrence_change.capacity = std::optional<std::int64_t>(2);
  auto refused_here = service_->change_occurrence(actor(coordinator_), first, occurrence_change);
  ASSERT_FALSE(refused_here.ok());
  EXPECT_EQ(refused_here.error->count, 4);
  change.capacity = std::optional<std::int64_t>(4);
  EXPECT_TRUE(service_->change_event(actor(coordinator_), event.id, change).ok());
}

TEST_P(EventsServiceTest, MoreSeatsLetPeopleInFromTheLine) {
  const auto event = breakfast(1);
  const std::int64_t first = occurrence_ids(event.id).front();
  answer(add_member("Anna", "anna@example.nl"), first, Response::Going);
  const auto bram = add_member("Bram", "bram@example.nl");
  EXPECT_EQ(answer(bram, first, Response::Going).rsvp.response, Response::Waiting);
  events::EventChange change;
  change.capacity = std::optional<std::int64_t>(2);
  ASSERT_TRUE(service_->change_event(actor(coordinator_), event.id, change).ok());
  EXPECT_EQ(service_->occurrence_page(actor(bram), first)->mine->response, Response::Going);
  ASSERT_EQ(mails().size(), 1u);
  EXPECT_EQ(mails()[0].to, "bram@example.nl");
}

TEST_P(EventsServiceTest, AnswersAfterTheDeadlineAreRefusedButCancellingStillWorks) {
  const auto event = breakfast(10, 24 * 60);
  const std::int64_t first = occurrence_ids(event.id).front();  // Tuesday 3 June 07:30, deadline Monday 07:30
  const auto anna = add_member("Anna", "anna@example.nl");
  now_ = kNow - 8 * 3600;  // Monday 04:00 UTC: open (closes 05:30 UTC)
  answer(anna, first, Response::Going);
  now_ = kNow;  // Monday 12:00 UTC: closed
  auto late = service_->respond(actor(add_member("Bram", "bram@example.nl")), first, RsvpInput{});
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error->failure, Failure::Conflict);
  EXPECT_EQ(late.error->message_key, "events.error.rsvp_closed");
  EXPECT_EQ(answer(anna, first, Response::NotGoing).rsvp.response, Response::NotGoing);
}

TEST_P(EventsServiceTest, ACancelledOccurrenceRefusesAnswersAndItsAttendeesAreTold) {
  const auto event = breakfast(10);
  const std::int64_t second = occurrence_ids(event.id).at(1);
  const auto anna = add_member("Anna", "anna@example.nl");
  answer(anna, second, Response::Going);
  events::OccurrenceChange change;
  change.cancel = true;
  change.note = "De Vijverhoeve is die week gesloten.";
  ASSERT_TRUE(service_->change_occurrence(actor(coordinator_), second, change).ok());
  auto refused = service_->respond(actor(add_member("Bram", "bram@example.nl")), second, RsvpInput{});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error->message_key, "events.error.occurrence_cancelled");
  const auto sent = mails();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].kind, "events.cancelled");
  EXPECT_NE(sent[0].text.find("De Vijverhoeve is die week gesloten."), std::string::npos);
  // The other occurrences are untouched.
  EXPECT_FALSE(
      service_->occurrence_page(actor(anna), occurrence_ids(event.id).at(2))->view.occurrence.cancelled());
}

TEST_P(EventsServiceTest, AMovedOccurrenceKeepsItsAnswersAndTellsAttendees) {
  const auto event = breakfast(10);
  const std::int64_t third = occurrence_ids(event.id).at(2);  // 1 July 2025
  const auto anna = add_member("Anna", "anna@example.nl");
  answer(anna, third, Response::Going);
  events::OccurrenceChange change;
  change.starts_local = "2025-07-02T08:00";
  change.location_name = "Het Wapen van Huijbergen";
  ASSERT_TRUE(service_->change_occurrence(actor(coordinator_), third, change).ok());
  const auto page = service_->occurrence_page(actor(anna), third);
  EXPECT_EQ(page->view.occurrence.starts_at, 1751436000);  // 2 July 08:00 CEST
  EXPECT_EQ(page->view.occurrence.ends_at - page->view.occurrence.starts_at, 90 * 60);
  EXPECT_EQ(page->view.location_name, "Het Wapen van Huijbergen");
  EXPECT_EQ(page->view.occurrence.recurrence_id, "20250701T073000");
  EXPECT_EQ(page->mine->response, Response::Going);
  ASSERT_EQ(mails().size(), 1u);
  EXPECT_EQ(mails()[0].kind, "events.changed");
  EXPECT_NE(mails()[0].text.find("woensdag 2 juli 2025, 08:00-09:30"), std::string::npos);
}

TEST_P(EventsServiceTest, NegativeOrHugeGuestCountsAndMissingGuestNamesAreRefused) {
  const auto event = breakfast(10);
  const std::int64_t first = occurrence_ids(event.id).front();
  const auto anna = add_member("Anna", "anna@example.nl");
  for (std::int64_t guests : {std::int64_t{-1}, std::int64_t{11}, std::int64_t{1} << 40}) {
    auto refused = service_->respond(actor(anna), first, RsvpInput{Response::Going, guests, {}, ""});
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error->field, "guests");
    EXPECT_EQ(refused.error->message_key, "events.error.guests_range");
  }
  auto unnamed = service_->respond(actor(anna), first, RsvpInput{Response::Going, 2, {"Piet"}, ""});
  ASSERT_FALSE(unnamed.ok());
  EXPECT_EQ(unnamed.error->message_key, "events.error.guest_names");
  EXPECT_FALSE(service_->occurrence_page(actor(anna), first)->mine);
}

TEST_P(EventsServiceTest, NeverEndingRulesAndEndsBeforeStartsAreRefusedWithClearMessages) {
  events::NewEvent input;
  input.network_id = kNetwork;
  input.kind = events::Kind::Series;
  input.title = "Ontbijtsessie";
  input.starts_local = "2025-06-03T07:30";
  input.rrule = "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU";
  auto refused = service_->create_event(actor(coordinator_), input);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error->field, "rrule");
  EXPECT_EQ(refused.error->message_key, "events.error.rule_never_ends");
  input.rrule = "FREQ=MINUTELY;COUNT=100000";
  EXPECT_EQ(service_->create_event(actor(coordinator_), input).error->message_key,
            "events.error.rule_too_many");
  input.rrule = "FREQ=WEEKLY;COUNT=3";
  input.duration_minutes = -30;
  EXPECT_EQ(service_->create_event(actor(coordinator_), input).error->message_key,
            "events.error.end_before_start");
  input.duration_minutes = 90;
  EXPECT_FALSE(
      service_->create_event(actor(add_member("Anna", "anna@example.nl")), input).ok());  // not a coordinator
  EXPECT_TRUE(service_->create_event(actor(coordinator_), input).ok());
  EXPECT_EQ(db_->read([](db::Session& s) { return s.query("SELECT COUNT(*) FROM events").at(0).int64(0); }),
            1);
}

TEST_P(EventsServiceTest, ASeriesAnswerCoversFutureOccurrencesAndOneCanStillBeChanged) {
  const auto event = breakfast(10);
  const auto ids = occurrence_ids(event.id);
  const auto anna = add_member("Anna", "anna@example.nl");
  auto series =
      service_->respond_to_series(actor(anna), event.id, RsvpInput{Response::Going, 0, {}, "Graag!"});
  ASSERT_TRUE(series.ok());
  EXPECT_EQ(series.value->going, 10);
  answer(anna, ids[3], Response::NotGoing);
  EXPECT_EQ(service_->occurrence_page(actor(anna), ids[3])->mine->response, Response::NotGoing);
  EXPECT_EQ(service_->occurrence_page(actor(anna), ids[4])->mine->response, Response::Going);
  // Withdrawing from the series leaves the one-by-one answer alone.
  auto withdrawn =
      service_->respond_to_series(actor(anna), event.id, RsvpInput{Response::NotGoing, 0, {}, ""});
  ASSERT_TRUE(withdrawn.ok());
  EXPECT_EQ(withdrawn.value->skipped, 1);
  EXPECT_EQ(service_->occurrence_page(actor(anna), ids[4])->mine->response, Response::NotGoing);
}

TEST_P(EventsServiceTest, OccurrencesMaterialisedLaterGetTheSeriesAnswer) {
  events::NewEvent input;
  input.network_id = kNetwork;
  input.kind = events::Kind::Series;
  input.title = "Kennisdag";
  input.starts_local = "2025-06-14T09:30";
  input.duration_minutes = 420;
  input.rrule = "FREQ=MONTHLY;INTERVAL=3;BYDAY=2SA;UNTIL=20290101T000000Z";  // beyond the 24-month horizon
  auto created = service_->create_event(actor(coordinator_), input);
  ASSERT_TRUE(created.ok());
  const auto before = occurrence_ids(created.value->id).size();
  EXPECT_EQ(before, 8u);  // Jun 2025 .. Mar 2027
  const auto anna = add_member("Anna", "anna@example.nl");
  ASSERT_TRUE(service_->respond_to_series(actor(anna), created.value->id, RsvpInput{}).ok());
  now_ = kNow + 150LL * 24 * 3600;  // the horizon now reaches into October 2027
  EXPECT_EQ(service_->extend_horizons(), 2u);
  const auto ids = occurrence_ids(created.value->id);
  ASSERT_EQ(ids.size(), 10u);
  EXPECT_EQ(service_->occurrence_page(actor(anna), ids.back())->mine->response, Response::Going);
  EXPECT_EQ(service_->extend_horizons(), 0u);
}

TEST_P(EventsServiceTest, ANonMemberRegistersAndTheConfirmationLinkWorksOnce) {
  events::NewEvent input;
  input.network_id = kNetwork;
  input.title = "Open kennisdag";
  input.starts_local = "2025-09-13T09:30";
  input.duration_minutes = 420;
  input.capacity = 30;
  input.visibility = events::Visibility::Public;
  auto created = service_->create_event(actor(coordinator_), input);
  ASSERT_TRUE(created.ok());
  const std::int64_t occurrence = occurrence_ids(created.value->id).front();
  auto refused =
      service_->register_guest(occurrence, events::GuestRegistration{"Jan", "geen-adres", "nl", 0, {}, ""});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error->field, "email");
  ASSERT_TRUE(
      service_->register_guest(occurrence, {"Jan Prospect", "Jan@Example.NL", "nl", 1, {"Els"}, ""}).ok());
  // Nothing is reserved before the link is followed.
  EXPECT_EQ(service_->occurrence_page(events::Actor{}, occurrence)->going_people, 0);
  const auto sent = mails();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].to, "jan@example.nl");
  const std::string marker = "https://kkp.example.nl/agenda/bevestig/";
  const auto at = sent[0].text.find(marker);
  ASSERT_NE(at, std::string::npos);
  const std::string token = sent[0].text.substr(at + marker.size(), 43);
  auto confirmed = service_->confirm_guest(token);
  ASSERT_TRUE(confirmed.ok());
  EXPECT_EQ(confirmed.value->rsvp.response, Response::Going);
  EXPECT_EQ(service_->occurrence_page(events::Actor{}, occurrence)->going_people, 2);
  auto again = service_->confirm_guest(token);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error->message_key, "events.error.link_invalid");
  EXPECT_FALSE(service_->confirm_guest("forged-token-forged-token-forged-token-abcd").ok());
  // The database keeps no token in the clear.
  EXPECT_EQ(db_->read([&](db::Session& s) {
    return s.query("SELECT COUNT(*) FROM event_rsvps WHERE confirm_token_hash = ?", {token}).at(0).int64(0);
  }),
            0);
}

TEST_P(EventsServiceTest, RemindersGoOutOnceAtTheConfiguredTime) {
  events::NewEvent input;
  input.network_id = kNetwork;
  input.title = "Kennisdag";
  input.starts_local = "2025-06-07T09:30";  // Saturday
  input.duration_minutes = 420;
  input.reminder_minutes = 24 * 60;
  auto created = service_->create_event(actor(coordinator_), input);
  ASSERT_TRUE(created.ok());
  const std::int64_t occurrence = occurrence_ids(created.value->id).front();
  answer(add_member("Anna", "anna@example.nl"), occurrence, Response::Going);
  answer(add_member("Bram", "bram@example.nl"), occurrence, Response::Maybe);
  EXPECT_EQ(service_->send_due_reminders(), 0u);  // Monday: too early
  now_ = 1749204000;                              // Friday 6 June, 10:00 UTC: within 24 hours
  EXPECT_EQ(service_->send_due_reminders(), 1u);
  EXPECT_EQ(service_->send_due_reminders(), 0u);  // never twice
  const auto sent = mails();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].to, "anna@example.nl");
  EXPECT_EQ(sent[0].kind, "events.reminder");
}

// Reads one property's text from a libical component.
std::string property_text(icalcomponent* component, icalproperty_kind kind) {
  icalproperty* property = icalcomponent_get_first_property(component, kind);
  if (property == nullptr) return {};
  const char* text = icalproperty_get_value_as_string(property);
  return text == nullptr ? std::string() : std::string(text);
}

TEST_P(EventsServiceTest, TheMemberFeedParsesBackFieldByFieldAndNamesNobodyElse) {
  const auto event = breakfast(1);
  const auto ids = occurrence_ids(event.id);
  const auto anna = add_member("Anna Annink", "anna@example.nl");
  const auto bram = add_member("Bram Brouwer", "bram@example.nl");
  answer(anna, ids[0], Response::Going);
  answer(bram, ids[0], Response::Going);  // waits
  answer(bram, ids[1], Response::Maybe);
  events::OccurrenceChange change;
  change.note = "Let op: andere zaal.";
  ASSERT_TRUE(service_->change_occurrence(actor(coordinator_), ids[1], change).ok());

  EXPECT_FALSE(service_->member_feed("forged-token-forged-token-forged-token-abcd"));
  EXPECT_FALSE(service_->member_feed("../../etc/passwd"));
  const auto token = service_->renew_feed_token(bram);
  const auto feed = service_->member_feed(token.token);
  ASSERT_TRUE(feed);
  EXPECT_EQ(feed->find("Anna"), std::string::npos);
  EXPECT_EQ(feed->find("Bram"), std::string::npos);
  EXPECT_NE(feed->find("\r\n"), std::string::npos);

  icalcomponent* calendar = icalparser_parse_string(feed->c_str());
  ASSERT_NE(calendar, nullptr);
  EXPECT_EQ(property_text(calendar, ICAL_VERSION_PROPERTY), "2.0");
  EXPECT_EQ(property_text(calendar, ICAL_METHOD_PROPERTY), "PUBLISH");
  std::vector<icalcomponent*> vevents;
  for (icalcomponent* c = icalcomponent_get_first_component(calendar, ICAL_VEVENT_COMPONENT); c != nullptr;
       c = icalcomponent_get_next_component(calendar, ICAL_VEVENT_COMPONENT)) {
    vevents.push_back(c);
  }
  ASSERT_EQ(vevents.size(), 2u);
  EXPECT_EQ(property_text(vevents[0], ICAL_UID_PROPERTY), events::occurrence_uid(ids[0]));
  EXPECT_EQ(icaltime_as_timet(icalcomponent_get_dtstart(vevents[0])), 1748928600);  // 3 June 07:30 CEST
  EXPECT_EQ(icaltime_as_timet(icalcomponent_get_dtend(vevents[0])), 1748928600 + 5400);
  EXPECT_TRUE(icaltime_is_utc(icalcomponent_get_dtstart(vevents[0])));
  EXPECT_STREQ(icalcomponent_get_summary(vevents[0]), "Ontbijtsessie");
  EXPECT_STREQ(icalcomponent_get_location(vevents[0]), "De Vijverhoeve, Huijbergen");
  EXPECT_EQ(icalcomponent_get_status(vevents[0]), ICAL_STATUS_TENTATIVE);  // waiting
  EXPECT_EQ(property_text(vevents[0], ICAL_URL_PROPERTY),
            "https://kkp.example.nl/agenda/" + std::to_string(ids[0]));
  EXPECT_EQ(icalcomponent_get_first_property(vevents[0], ICAL_ATTENDEE_PROPERTY), nullptr);
  EXPECT_STREQ(icalcomponent_get_description(vevents[1]), "Let op: andere zaal.");
  EXPECT_EQ(property_text(vevents[1], ICAL_SEQUENCE_PROPERTY), "1");
  icalcomponent_free(calendar);

  // Renewing replaces the old link; revoking ends the new one.
  const auto renewed = service_->renew_feed_token(bram);
  EXPECT_FALSE(service_->member_feed(token.token));
  EXPECT_TRUE(service_->member_feed(renewed.token));
  EXPECT_TRUE(service_->revoke_feed_token(bram));
  EXPECT_FALSE(service_->member_feed(renewed.token));
}

TEST_P(EventsServiceTest, TheAttendeeExportIsRfc4180AndNeverAFormula) {
  const auto event = breakfast(10);
  const std::int64_t first = occurrence_ids(event.id).front();
  const auto evil = add_member("=HYPERLINK(\"http://x\")", "evil@example.nl");
  answer(evil, first, Response::Going);
  answer(add_member("Jansen, Piet", "piet@example.nl"), first, Response::Maybe);
  auto csv = service_->attendee_csv(
      actor(coordinator_), first,
      {events::CsvColumn::Name, events::CsvColumn::Email, events::CsvColumn::Response});
  ASSERT_TRUE(csv.ok());
  EXPECT_EQ(*csv.value,
            "Naam,E-mailadres,Antwoord\r\n"
            "\"'=HYPERLINK(\"\"http://x\"\")\",evil@example.nl,Ik kom\r\n"
            "\"Jansen, Piet\",piet@example.nl,Misschien\r\n");
  EXPECT_EQ(service_->attendee_csv(actor(evil), first, {events::CsvColumn::Name}).error->failure,
            Failure::Forbidden);
  EXPECT_EQ(service_->attendee_csv(actor(coordinator_), first, {}).error->message_key,
            "events.error.columns_required");
}

TEST_P(EventsServiceTest, CheckInsWalkInsNoShowsAndTheMetAtEventsPairs) {
  const auto event = breakfast(10);
  const std::int64_t first = occurrence_ids(event.id).front();
  const auto anna = add_member("Anna", "anna@example.nl");
  const auto bram = add_member("Bram", "bram@example.nl");
  const auto cees = add_member("Cees", "cees@example.nl");
  const auto a = answer(anna, first, Response::Going);
  const auto b = answer(bram, first, Response::Going);
  answer(cees, first, Response::Going);  // will not come
  auto list = service_->check_in_list(actor(coordinator_), first, "an");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list.value->size(), 1u);
  EXPECT_EQ(list.value->at(0).name, "Anna");
  now_ = 1748928600 + 600;  // during the breakfast
  ASSERT_TRUE(service_->check_in(actor(coordinator_), first, a.rsvp.id, true).ok());
  ASSERT_TRUE(service_->check_in(actor(coordinator_), first, b.rsvp.id, true).ok());
  ASSERT_TRUE(service_->add_walk_in(actor(coordinator_), first, "Willem Inloop", std::nullopt).ok());
  EXPECT_EQ(service_->check_in(actor(anna), first, b.rsvp.id, true).error->failure, Failure::Forbidden);
  now_ = 1748928600 + 86400;
  auto report = service_->no_show_report(actor(coordinator_), kNetwork);
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report.value->size(), 1u);
  EXPECT_EQ(report.value->at(0).going, 3);
  EXPECT_EQ(report.value->at(0).attended, 3);
  EXPECT_EQ(report.value->at(0).no_shows, 1);
  EXPECT_EQ(service_->no_show_report(actor(anna), kNetwork).error->failure, Failure::Forbidden);
  const auto pairs = service_->attendance_pairs(kNetwork);
  ASSERT_EQ(pairs.size(), 1u);
  EXPECT_EQ(pairs[0], (events::AttendancePair{std::min(anna, bram), std::max(anna, bram), 1, 1748928600}));
  auto history = service_->attendance_history(actor(cees), cees);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history.value->size(), 1u);
  EXPECT_EQ(history.value->at(0).attended, std::nullopt);
  EXPECT_TRUE(service_->attendance_history(actor(coordinator_), cees).ok());
  EXPECT_FALSE(service_->attendance_history(actor(anna), cees).ok());
}

TEST_P(EventsServiceTest, CongressSessionsNeedASeatAtTheCongressAndCannotOverlapOrOverfill) {
  events::NewEvent input;
  input.network_id = kNetwork;
  input.kind = events::Kind::Congress;
  input.title = "Congres";
  input.starts_local = "2025-11-14T09:00";
  input.duration_minutes = 8 * 60;
  auto created = service_->create_event(actor(coordinator_), input);
  ASSERT_TRUE(created.ok());
  const std::int64_t occurrence = occurrence_ids(created.value->id).front();
  const std::int64_t ten = 1763110800;  // 14 November 10:00 CET
  events::ProgrammeSession workshop;
  workshop.title = "Fiscale valkuilen";
  workshop.room = "Zaal 1";
  workshop.track = "Ondernemen";
  workshop.starts_at = ten;
  workshop.ends_at = ten + 3600;
  workshop.capacity = 1;
  workshop.speakers = {events::Speaker{std::nullopt, "Mr. J. de Wit", "Belastingdienst"}};
  auto first = service_->add_session(actor(coordinator_), created.value->id, workshop);
  ASSERT_TRUE(first.ok());
  workshop.title = "Parallel";
  workshop.room = "Zaal 2";
  workshop.capacity.reset();
  auto parallel = service_->add_session(actor(coordinator_), created.value->id, workshop);
  ASSERT_TRUE(parallel.ok());
  workshop.starts_at = ten + 20 * 3600;
  workshop.ends_at = ten + 21 * 3600;
  EXPECT_EQ(service_->add_session(actor(coordinator_), created.value->id, workshop).error->message_key,
            "events.error.session_outside_event");
  const auto anna = add_member("Anna", "anna@example.nl");
  const auto bram = add_member("Bram", "bram@example.nl");
  EXPECT_EQ(service_->register_for_session(actor(anna), first.value->id).error->message_key,
            "events.error.session_needs_rsvp");
  answer(anna, occurrence, Response::Going);
  answer(bram, occurrence, Response::Going);
  EXPECT_TRUE(service_->register_for_session(actor(anna), first.value->id).ok());
  EXPECT_EQ(service_->register_for_session(actor(anna), parallel.value->id).error->message_key,
            "events.error.session_overlap");
  EXPECT_EQ(service_->register_for_session(actor(bram), first.value->id).error->message_key,
            "events.error.session_full");
  const auto programme = service_->programme(actor(anna), occurrence);
  ASSERT_TRUE(programme);
  ASSERT_EQ(programme->second.size(), 2u);
  EXPECT_EQ(programme->second[0].registered, 1);
  EXPECT_EQ(programme->second[0].speakers.at(0).affiliation, "Belastingdienst");
}

TEST_P(EventsServiceTest, TwoHundredSimultaneousAnswersForFortySeatsNeverOversell) {
  const auto event = breakfast(40);
  const std::int64_t first = occurrence_ids(event.id).front();
  constexpr int kMembers = 200;
  std::vector<std::int64_t> accounts;
  for (int i = 0; i < kMembers; ++i) {
    accounts.push_back(add_member("Lid " + std::to_string(i), "lid" + std::to_string(i) + "@example.nl"));
  }
  std::vector<events::RsvpOutcome> outcomes(kMembers);
  std::atomic<int> failures{0};
  std::latch start(kMembers);
  std::vector<std::thread> threads;
  for (int i = 0; i < kMembers; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      auto outcome = service_->respond(actor(accounts[static_cast<std::size_t>(i)]), first, RsvpInput{});
      if (outcome.ok()) {
        outcomes[static_cast<std::size_t>(i)] = *outcome.value;
      } else {
        ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures, 0);
  int going = 0;
  std::vector<std::int64_t> places;
  for (const auto& outcome : outcomes) {
    if (outcome.rsvp.response == Response::Going) ++going;
    if (outcome.rsvp.response == Response::Waiting) places.push_back(outcome.rsvp.ticket.value_or(-1));
  }
  EXPECT_EQ(going, 40);
  ASSERT_EQ(places.size(), 160u);
  // Tickets were handed out in arrival (commit) order: exactly 1..160, no gaps, no duplicates.
  std::sort(places.begin(), places.end());
  for (std::size_t i = 0; i < places.size(); ++i) EXPECT_EQ(places[i], static_cast<std::int64_t>(i + 1));
  const auto counts = db_->read([&](db::Session& session) {
    return session
        .query(
            "SELECT (SELECT seats_taken FROM event_occurrences WHERE id = ?), "
            "(SELECT COUNT(*) FROM event_rsvps WHERE occurrence_id = ? AND response = 'going')",
            {first, first})
        .at(0);
  });
  EXPECT_EQ(counts.int64(0), 40);
  EXPECT_EQ(counts.int64(1), 40);
}

INSTANTIATE_TEST_SUITE_P(Backends, EventsServiceTest, ::testing::ValuesIn(testing_support::test_backends()),
                         [](const auto& info) { return std::string(db::to_string(info.param)); });

}  // namespace
