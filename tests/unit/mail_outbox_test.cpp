// The outbox on both databases: what enqueue stores and refuses, and how the sender claims, delivers,
// retries and gives up. A scripted transport stands in for the network.
#include <gtest/gtest.h>

#include <atomic>
#include <deque>
#include <map>
#include <mutex>
#include <regex>
#include <set>
#include <stdexcept>
#include <thread>

#include "db/migrations.h"
#include "mail/outbox.h"
#include "mail/sender.h"
#include "mail/store.h"
#include "support/test_databases.h"

namespace {

using namespace std::chrono_literals;
using testing_support::TestDatabase;

// Answers from a script (then "sent"), and remembers every message it was given.
class ScriptedTransport final : public mail::Transport {
 public:
  mail::SendResult send(const mail::OutgoingMessage& message) override {
    if (delay_.count() > 0) std::this_thread::sleep_for(delay_);
    std::lock_guard lock(mutex_);
    attempts_.push_back(message);
    if (throw_next_) {
      throw_next_ = false;
      throw std::runtime_error("socket exploded");
    }
    if (script_.empty()) return mail::SendResult::sent();
    mail::SendResult result = script_.front();
    script_.pop_front();
    return result;
  }

  void then(mail::SendResult result) {
    std::lock_guard lock(mutex_);
    script_.push_back(std::move(result));
  }
  void always_fail_temporarily(int times) {
    for (int i = 0; i < times; ++i) then(mail::SendResult::temporary_failure("451 mailbox busy"));
  }
  void throw_next() { throw_next_ = true; }
  void slow_down(std::chrono::milliseconds delay) { delay_ = delay; }
  std::vector<mail::OutgoingMessage> attempts() const {
    std::lock_guard lock(mutex_);
    return attempts_;
  }

 private:
  mutable std::mutex mutex_;
  std::deque<mail::SendResult> script_;
  std::vector<mail::OutgoingMessage> attempts_;
  bool throw_next_ = false;
  std::chrono::milliseconds delay_{0};
};

mail::Message welcome(const std::string& to = "anouk@example.nl") {
  mail::Message message;
  message.to_address = to;
  message.to_name = "Anouk van den Brïnk";
  message.subject = "Welkom bij het Kennisknooppunt";
  message.text = "Hallo Anouk,\n\nWelkom!\n";
  message.html = "<p>Hallo Anouk,</p><p>Welkom!</p>";
  message.headers = {{"List-Unsubscribe", "<https://kkp.example.nl/afmelden>"}};
  message.kind = "test.welcome";
  return message;
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class MailOutbox : public ::testing::TestWithParam<db::Backend> {
 protected:
  void SetUp() override {
    database_ = std::make_unique<TestDatabase>(GetParam());
    db_ = database_->open();
    db::migrate(*db_);
  }

  std::int64_t enqueue(const mail::Message& message = welcome()) {
    return db_->write([&](db::Session& session) { return mail::enqueue(session, message); });
  }
  mail::store::OutboxRow row(std::int64_t id) {
    return *db_->read([&](db::Session& session) { return mail::store::find(session, id); });
  }
  mail::OutboxCounts counts() {
    return db_->read([](db::Session& session) { return mail::outbox_counts(session); });
  }
  mail::SenderOptions options() {
    mail::SenderOptions options;
    options.from_address = "noreply@kkp-demo.nl";
    options.from_name = "KKP West-Brabant";
    return options;
  }

  std::unique_ptr<TestDatabase> database_;
  std::unique_ptr<db::Database> db_;
};

std::string backend_name(const ::testing::TestParamInfo<db::Backend>& info) {
  return std::string(db::to_string(info.param));
}

}  // namespace

TEST_P(MailOutbox, EnqueueStoresTheWholeMessageDueNowWithAStableMessageId) {
  const std::int64_t before = unix_now();
  const std::int64_t id = enqueue();
  const auto stored = row(id);
  EXPECT_EQ(stored.message.to_address, "anouk@example.nl");
  EXPECT_EQ(stored.message.to_name, "Anouk van den Brïnk");
  EXPECT_EQ(stored.message.subject, "Welkom bij het Kennisknooppunt");
  EXPECT_EQ(stored.message.text, welcome().text);
  EXPECT_EQ(stored.message.html, welcome().html);
  EXPECT_EQ(stored.message.headers, welcome().headers);
  EXPECT_EQ(stored.message.kind, "test.welcome");
  EXPECT_TRUE(std::regex_match(stored.message_id, std::regex("<[0-9a-f]{32}@knooppunt>")))
      << stored.message_id;
  EXPECT_GE(stored.next_attempt_at, before);
  EXPECT_LE(stored.next_attempt_at, unix_now());
  EXPECT_EQ(stored.attempts, 0);
  EXPECT_FALSE(stored.sent_at || stored.failed_at);
  EXPECT_NE(row(enqueue()).message_id, stored.message_id);
  EXPECT_EQ(counts().pending, 2);
}

TEST_P(MailOutbox, EnqueuedMailDisappearsWithTheCallersRolledBackTransaction) {
  EXPECT_THROW(db_->write([&](db::Session& session) {
    mail::enqueue(session, welcome());
    throw std::runtime_error("the sign-up failed after all");
  }),
               std::runtime_error);
  EXPECT_EQ(counts().pending, 0);
}

TEST_P(MailOutbox, DeliversEachDueMessageOnceWithSenderDateAndMessageIdFilledIn) {
  const std::int64_t first = enqueue();
  enqueue(welcome("jan@example.nl"));
  ScriptedTransport transport;
  mail::OutboxSender sender(*db_, transport, options());
  const std::int64_t now = unix_now();
  EXPECT_EQ(sender.deliver_due(now), 2);
  EXPECT_EQ(sender.deliver_due(now + 1), 0);
  const auto attempts = transport.attempts();
  ASSERT_EQ(attempts.size(), 2u);
  EXPECT_EQ(attempts[0].outbox_id, first);
  EXPECT_EQ(attempts[0].from_address, "noreply@kkp-demo.nl");
  EXPECT_EQ(attempts[0].from_name, "KKP West-Brabant");
  EXPECT_EQ(attempts[0].to_address, "anouk@example.nl");
  EXPECT_EQ(attempts[1].to_address, "jan@example.nl");
  EXPECT_EQ(attempts[0].message_id, row(first).message_id);
  EXPECT_EQ(attempts[0].date, row(first).created_at);
  EXPECT_EQ(attempts[0].headers, welcome().headers);
  EXPECT_EQ(row(first).sent_at, now);
  EXPECT_EQ(row(first).claimed_until, 0);
  EXPECT_EQ(counts().pending, 0);
  EXPECT_EQ(counts().failed, 0);
}

TEST_P(MailOutbox, MailQueuedForLaterIsNotSentEarly) {
  const std::int64_t id = enqueue();
  ScriptedTransport transport;
  mail::OutboxSender sender(*db_, transport, options());
  EXPECT_EQ(sender.deliver_due(row(id).next_attempt_at - 1), 0);
  EXPECT_TRUE(transport.attempts().empty());
}

TEST_P(MailOutbox, AClaimedRowIsSkippedUntilItsLeaseRunsOutThenDeliveredByAnother) {
  const std::int64_t id = enqueue();
  const std::int64_t now = unix_now();
  // A sender that claims and then crashes: it never reports back.
  const auto claimed = db_->write(
      [&](db::Session& session) { return mail::store::claim_due(session, GetParam(), now, now + 300, 10); });
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].id, id);

  ScriptedTransport transport;
  mail::OutboxSender sender(*db_, transport, options());
  EXPECT_EQ(sender.deliver_due(now + 299), 0);
  EXPECT_TRUE(transport.attempts().empty());
  EXPECT_EQ(sender.deliver_due(now + 300), 1);
  EXPECT_EQ(transport.attempts().size(), 1u);
  EXPECT_EQ(row(id).attempts, 2);  // the crashed attempt counts
}

TEST_P(MailOutbox, TwoSendersNeverClaimTheSameRow) {
  constexpr int kMessages = 40;
  for (int i = 0; i < kMessages; ++i) enqueue(welcome("lid" + std::to_string(i) + "@example.nl"));
  // Two instances: each its own connection pool, transport and sender.
  auto other_db = database_->open();
  ScriptedTransport transport_a;
  ScriptedTransport transport_b;
  transport_a.slow_down(2ms);
  transport_b.slow_down(2ms);
  auto small_batches = options();
  small_batches.batch_size = 3;
  small_batches.per_minute = 1000;
  mail::OutboxSender sender_a(*db_, transport_a, small_batches);
  mail::OutboxSender sender_b(*other_db, transport_b, small_batches);
  const std::int64_t now = unix_now();
  std::atomic<int> sent{0};
  auto run = [&](mail::OutboxSender& sender) {
    for (int round = 0; round < 100 && sent.load() < kMessages; ++round) sent += sender.deliver_due(now);
  };
  std::thread a(run, std::ref(sender_a));
  std::thread b(run, std::ref(sender_b));
  a.join();
  b.join();

  std::map<std::int64_t, int> times_sent;
  for (const auto& message : transport_a.attempts()) ++times_sent[message.outbox_id];
  for (const auto& message : transport_b.attempts()) ++times_sent[message.outbox_id];
  EXPECT_EQ(sent.load(), kMessages);
  EXPECT_EQ(times_sent.size(), static_cast<std::size_t>(kMessages));
  for (const auto& [id, times] : times_sent) EXPECT_EQ(times, 1) << "outbox row " << id;
  EXPECT_FALSE(transport_a.attempts().empty());
  EXPECT_FALSE(transport_b.attempts().empty());
  EXPECT_EQ(counts().pending, 0);
}

TEST_P(MailOutbox, TemporaryFailuresAreRetriedAfterADoublingPause) {
  const std::int64_t id = enqueue();
  ScriptedTransport transport;
  transport.always_fail_temporarily(2);
  mail::OutboxSender sender(*db_, transport, options());
  const std::int64_t t0 = unix_now();

  EXPECT_EQ(sender.deliver_due(t0), 0);
  EXPECT_EQ(row(id).next_attempt_at, t0 + 60);
  EXPECT_EQ(row(id).last_error, "451 mailbox busy");
  EXPECT_EQ(row(id).claimed_until, 0);
  EXPECT_EQ(sender.deliver_due(t0 + 59), 0);
  EXPECT_EQ(transport.attempts().size(), 1u);

  EXPECT_EQ(sender.deliver_due(t0 + 60), 0);
  EXPECT_EQ(row(id).next_attempt_at, t0 + 60 + 120);
  EXPECT_EQ(sender.deliver_due(t0 + 179), 0);
  EXPECT_EQ(transport.attempts().size(), 2u);

  EXPECT_EQ(sender.deliver_due(t0 + 180), 1);
  EXPECT_EQ(row(id).sent_at, t0 + 180);
  EXPECT_EQ(row(id).attempts, 3);
  EXPECT_EQ(row(id).last_error, "");
  // The same message every time: a recipient's client can tell a resend from a new mail.
  const auto attempts = transport.attempts();
  EXPECT_EQ(attempts[0].message_id, attempts[2].message_id);
  EXPECT_EQ(attempts[0].date, attempts[2].date);
}

TEST_P(MailOutbox, GivesUpAfterTheLastAllowedAttempt) {
  const std::int64_t id = enqueue();
  ScriptedTransport transport;
  transport.always_fail_temporarily(100);
  auto three_tries = options();
  three_tries.max_attempts = 3;
  mail::OutboxSender sender(*db_, transport, three_tries);
  std::int64_t now = unix_now();
  for (int attempt = 0; attempt < 3; ++attempt) {
    sender.deliver_due(now);
    now = std::max(now, row(id).next_attempt_at);
  }
  EXPECT_EQ(transport.attempts().size(), 3u);
  EXPECT_TRUE(row(id).failed_at.has_value());
  EXPECT_EQ(row(id).last_error, "451 mailbox busy");
  sender.deliver_due(now + 86400);
  EXPECT_EQ(transport.attempts().size(), 3u);
  EXPECT_EQ(counts().failed, 1);
  EXPECT_EQ(counts().pending, 0);
}

TEST_P(MailOutbox, APermanentRefusalGivesUpAtOnce) {
  const std::int64_t id = enqueue();
  ScriptedTransport transport;
  transport.then(mail::SendResult::permanent_failure("550 5.1.1 no such user"));
  mail::OutboxSender sender(*db_, transport, options());
  const std::int64_t now = unix_now();
  EXPECT_EQ(sender.deliver_due(now), 0);
  EXPECT_EQ(row(id).failed_at, now);
  EXPECT_EQ(row(id).last_error, "550 5.1.1 no such user");
  sender.deliver_due(now + 86400);
  EXPECT_EQ(transport.attempts().size(), 1u);
}

TEST_P(MailOutbox, ATransportThatThrowsCountsAsATemporaryFailure) {
  const std::int64_t id = enqueue();
  ScriptedTransport transport;
  transport.throw_next();
  mail::OutboxSender sender(*db_, transport, options());
  const std::int64_t now = unix_now();
  EXPECT_EQ(sender.deliver_due(now), 0);
  EXPECT_EQ(row(id).next_attempt_at, now + 60);
  EXPECT_NE(row(id).last_error.find("socket exploded"), std::string::npos);
  EXPECT_EQ(sender.deliver_due(now + 60), 1);
}

TEST_P(MailOutbox, SendsNoMoreThanTheRateLimitPerMinute) {
  for (int i = 0; i < 5; ++i) enqueue();
  ScriptedTransport transport;
  auto three_a_minute = options();
  three_a_minute.per_minute = 3;
  mail::OutboxSender sender(*db_, transport, three_a_minute);
  const std::int64_t now = unix_now();
  EXPECT_EQ(sender.deliver_due(now), 3);
  EXPECT_EQ(sender.deliver_due(now + 30), 0);
  EXPECT_EQ(sender.deliver_due(now + 60), 2);
}

TEST_P(MailOutbox, RowsWhoseLeaseWouldRunOutMidSendAreGivenBackUntried) {
  const std::int64_t id = enqueue();
  ScriptedTransport transport;
  auto short_lease = options();
  short_lease.claim_lease = 60s;
  short_lease.longest_send = 61s;
  mail::OutboxSender sender(*db_, transport, short_lease);
  const std::int64_t now = unix_now();
  EXPECT_EQ(sender.deliver_due(now), 0);
  EXPECT_TRUE(transport.attempts().empty());
  EXPECT_EQ(row(id).claimed_until, 0);
  EXPECT_EQ(row(id).attempts, 0);
  mail::OutboxSender normal(*db_, transport, options());
  EXPECT_EQ(normal.deliver_due(now), 1);
}

TEST_P(MailOutbox, ASlowSenderCannotUndoAnotherInstancesClaim) {
  const std::int64_t id = enqueue();
  const std::int64_t now = unix_now();
  db_->write([&](db::Session& session) { mail::store::claim_due(session, GetParam(), now, now + 300, 10); });
  // The first lease ran out; another instance claimed the row.
  db_->write(
      [&](db::Session& session) { mail::store::claim_due(session, GetParam(), now + 300, now + 600, 10); });
  const bool changed = db_->write([&](db::Session& session) {
    return mail::store::schedule_retry(session, id, now + 300, now + 400,
                                       "late answer from the first sender");
  });
  EXPECT_FALSE(changed);
  EXPECT_EQ(row(id).claimed_until, now + 600);
  EXPECT_EQ(row(id).last_error, "");
}

TEST_P(MailOutbox, PruningRemovesOnlyMailFinishedLongEnoughAgo) {
  const std::int64_t sent_long_ago = enqueue();
  const std::int64_t sent_recently = enqueue();
  const std::int64_t failed = enqueue();
  const std::int64_t pending = enqueue();
  const std::int64_t now = unix_now();
  db_->write([&](db::Session& session) {
    mail::store::mark_sent(session, sent_long_ago, now - 15 * 86400);
    mail::store::mark_sent(session, sent_recently, now - 13 * 86400);
    auto claimed = mail::store::claim_due(session, GetParam(), now, now + 300, 10);
    mail::store::mark_failed(session, failed, now + 300, now - 20 * 86400, "550");
    for (const auto& row : claimed) mail::store::release(session, row.id, now + 300);
  });
  ScriptedTransport transport;
  mail::OutboxSender sender(*db_, transport, options());
  EXPECT_EQ(sender.prune(now), 1);
  auto exists = [&](std::int64_t id) {
    return db_->read([&](db::Session& session) { return mail::store::find(session, id).has_value(); });
  };
  EXPECT_FALSE(exists(sent_long_ago));
  EXPECT_TRUE(exists(sent_recently));
  EXPECT_TRUE(exists(failed));  // failed mail stays 90 days, for the operator
  EXPECT_TRUE(exists(pending));
  EXPECT_EQ(sender.prune(now + 91 * 86400), 2);  // the failed and the recently sent one
  EXPECT_TRUE(exists(pending));
}

TEST_P(MailOutbox, ForgettingARecipientRemovesAllTheirMailAndNobodyElses) {
  enqueue(welcome("anouk@example.nl"));
  enqueue(welcome("Anouk@Example.nl"));
  const std::int64_t other = enqueue(welcome("jan@example.nl"));
  EXPECT_EQ(
      db_->write([](db::Session& session) { return mail::forget_recipient(session, "ANOUK@example.nl"); }),
      2);
  EXPECT_EQ(counts().pending, 1);
  EXPECT_EQ(row(other).message.to_address, "jan@example.nl");
}

INSTANTIATE_TEST_SUITE_P(Backends, MailOutbox, ::testing::ValuesIn(testing_support::test_backends()),
                         backend_name);

TEST(MailOutboxRetryDelay, StartsAtOneMinuteDoublesAndStopsAtSixHours) {
  class NeverUsed final : public mail::Transport {
    mail::SendResult send(const mail::OutgoingMessage&) override { return mail::SendResult::sent(); }
  } transport;
  TestDatabase database(db::Backend::Sqlite);
  auto db = database.open();
  mail::OutboxSender sender(*db, transport, mail::SenderOptions{});
  EXPECT_EQ(sender.retry_delay(1), 60s);
  EXPECT_EQ(sender.retry_delay(2), 120s);
  EXPECT_EQ(sender.retry_delay(3), 240s);
  EXPECT_EQ(sender.retry_delay(9), 15360s);
  EXPECT_EQ(sender.retry_delay(10), 6h);
  EXPECT_EQ(sender.retry_delay(1000), 6h);
}

TEST(MailEnqueue, RefusesMessagesThatCannotBeSentSafelyAndWritesNothing) {
  TestDatabase database(db::Backend::Sqlite);
  auto db = database.open();
  db::migrate(*db);
  auto refused = [&](const std::function<void(mail::Message&)>& change) {
    mail::Message message = welcome();
    change(message);
    try {
      db->write([&](db::Session& session) { mail::enqueue(session, message); });
      return false;
    } catch (const std::invalid_argument&) {
      return true;
    }
  };
  for (const char* address :
       {"", "anouk", "@example.nl", "anouk@", "anouk@@example.nl", "an ouk@example.nl", "anouk@example..nl",
        ".anouk@example.nl", "anouk@-example.nl", "<anouk@example.nl>",
        "anouk@example.nl\r\nBcc: victim@example.nl", "zoë@example.nl", "anouk@example.nl,jan@example.nl"}) {
    EXPECT_TRUE(refused([&](mail::Message& m) { m.to_address = address; })) << address;
  }
  EXPECT_TRUE(refused([](mail::Message& m) { m.subject = ""; }));
  EXPECT_TRUE(refused([](mail::Message& m) { m.subject = "  "; }));
  EXPECT_TRUE(refused([](mail::Message& m) { m.subject = "Welkom\r\nBcc: victim@example.nl"; }));
  EXPECT_TRUE(refused([](mail::Message& m) { m.subject = "Welkom\nX"; }));
  EXPECT_TRUE(refused([](mail::Message& m) { m.text = ""; }));
  EXPECT_TRUE(refused([](mail::Message& m) { m.to_name = "Anouk\r\nBcc: victim@example.nl"; }));
  EXPECT_TRUE(refused([](mail::Message& m) { m.headers = {{"X-Tag", "a\nb"}}; }));
  EXPECT_TRUE(refused([](mail::Message& m) { m.headers = {{"Bad Name", "x"}}; }));
  EXPECT_TRUE(refused([](mail::Message& m) { m.headers = {{"X-Tag:", "x"}}; }));
  EXPECT_TRUE(refused([](mail::Message& m) { m.headers = {{"bcc", "victim@example.nl"}}; }));
  EXPECT_TRUE(refused([](mail::Message& m) { m.headers = {{"Content-Type", "text/html"}}; }));
  EXPECT_EQ(db->read([](db::Session& session) { return mail::outbox_counts(session).pending; }), 0);

  // What a member's real data looks like is fine.
  EXPECT_FALSE(refused([](mail::Message& m) {
    m.to_address = "o'brien+kkp@mail.example-bureau.nl";
    m.to_name = "Zoë \"Z\" O'Brien, MSc";
    m.subject = "Uitnodiging: ontbijt in Café ’t Höfke — 3 juni";
    m.html = "";
    m.headers = {};
  }));
}
