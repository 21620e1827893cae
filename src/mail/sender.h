// Delivers the outbox: claims due rows, sends each through a Transport outside any transaction, and
// records every outcome in its own small write. Run periodically by jobs::Runner ("mail.outbox").
//
// Delivery is at least once, never silently lost: a crash after claiming only delays the claimed
// rows until their lease (claimed_until) runs out, after which any instance takes them again. The
// only duplicate possible is a message the SMTP server accepted just before the crash, and it carries
// the same Message-ID, which mail clients use to drop it. Several instances never send the same row
// at the same time: claiming happens in one write transaction (PostgreSQL: FOR UPDATE SKIP LOCKED).
//
// Thread-safety: deliver_due() may be called from several threads; calls on one sender run one at a time.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include "db/database.h"
#include "mail/transport.h"

namespace mail {

struct SenderOptions {
  std::string from_address = "knooppunt@localhost";
  std::string from_name = "Knooppunt";
  std::int64_t batch_size = 20;          // rows claimed per run
  std::int64_t max_attempts = 8;         // temporary failures before giving up
  std::chrono::seconds first_retry{60};  // then doubling: 1, 2, 4, ... minutes
  std::chrono::seconds longest_retry{6 * 3600};
  // Attempts per rolling minute, so a burst never floods the relay; 0: no limit.
  std::int64_t per_minute = 120;
  // Mail whose kind starts with this is paced by the feature that queues it (a campaign hands its
  // messages to the outbox at the rate its coordinator set) and neither counts against nor waits for
  // per_minute. Empty: every message counts.
  std::string paced_kind_prefix;
  // One run keeps claiming further batches while each came back full, for at most this long, so a
  // long queue drains at the transport's speed rather than one batch per run.
  std::chrono::milliseconds keep_going_for{0};
  std::chrono::seconds claim_lease{300};  // how long other instances leave a claimed row alone
  // The transport's worst case for one message (the SMTP total timeout): a claimed row is only
  // tried while at least this much of the lease is left, so it is never sent after others may take it.
  std::chrono::seconds longest_send{60};
  // How long finished mail stays in the outbox: its bodies hold personal data and sign-in links, so
  // only as long as it helps to answer "did my mail go out?".
  std::chrono::seconds keep_sent{14 * 24 * 3600};
  std::chrono::seconds keep_failed{90 * 24 * 3600};
};

// What became of one message, told in the same write transaction that records it in the outbox, so
// the feature that queued it can keep its own state (a campaign's recipient: sent, bounced) exactly in
// step with the outbox. Not called for a temporary failure that will be retried.
struct DeliveryOutcome {
  std::int64_t outbox_id = 0;
  std::string_view kind;
  std::string_view to_address;
  bool sent = false;       // false: given up
  bool permanent = false;  // given up because the server refused it (5xx), not after too many attempts
  std::string_view reason;
};
using OutcomeListener = std::function<void(db::Session& session, const DeliveryOutcome& outcome, std::int64_t now)>;

class OutboxSender {
 public:
  OutboxSender(db::Database& database, Transport& transport, SenderOptions options);

  // Claims the rows due at `now` (unix seconds), delivers them, records the outcomes. Returns how
  // many were sent. Throws db::Error when the database fails (the runner logs it and tries again).
  int deliver_due(std::int64_t now);

  // Deletes mail sent longer than keep_sent ago and mail given up longer than keep_failed ago.
  // Returns how many rows went. Run rarely (hourly): it is not on any index.
  std::int64_t prune(std::int64_t now);

  // The pause before the next attempt after `attempts` failed ones: first_retry, doubling, capped.
  std::chrono::seconds retry_delay(std::int64_t attempts) const;

  const SenderOptions& options() const { return options_; }

  // Set once before the first deliver_due(); called inside the outcome's write transaction (an
  // exception rolls the outcome back, and the row is tried again after its lease).
  void set_outcome_listener(OutcomeListener listener) { listener_ = std::move(listener); }

 private:
  std::int64_t attempts_left_this_minute(std::int64_t now);
  bool is_paced(const std::string& kind) const;
  // One claim and its deliveries; returns how many rows were claimed and how many were sent.
  std::pair<std::int64_t, int> deliver_batch(std::int64_t now);
  void tell(db::Session& session, const DeliveryOutcome& outcome, std::int64_t now) const;

  db::Database& database_;
  Transport& transport_;
  SenderOptions options_;
  std::mutex mutex_;
  std::deque<std::int64_t> recent_attempts_;  // unix seconds of attempts in the last minute
  OutcomeListener listener_;
};

}  // namespace mail
