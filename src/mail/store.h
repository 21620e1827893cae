// The SQL of the mail outbox (table mail_outbox, migration 0005). Each function runs inside the
// caller's transaction; rules (validation, back-off, when to give up) live in outbox.cpp and sender.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "db/database.h"
#include "mail/message.h"
#include "mail/outbox.h"

namespace mail::store {

struct OutboxRow {
  std::int64_t id = 0;
  Message message;
  std::string message_id;
  std::int64_t created_at = 0;
  std::int64_t attempts = 0;  // counted when claimed, so a message that crashes the sender still runs out
  std::int64_t next_attempt_at = 0;
  std::int64_t claimed_until = 0;  // 0: not claimed
  std::optional<std::int64_t> sent_at;
  std::optional<std::int64_t> failed_at;
  std::string last_error;
};

std::int64_t insert(db::Session& session, const Message& message, const std::string& message_id,
                    std::int64_t now);

// Claims up to `limit` rows that are due at `now` and not claimed by anyone else: sets their
// claimed_until to `lease_until`, counts an attempt, and returns them. On PostgreSQL rows another
// transaction is claiming are skipped (FOR UPDATE SKIP LOCKED), so instances never wait on each other.
// A non-empty `kind_prefix` claims only rows whose kind starts with it.
std::vector<OutboxRow> claim_due(db::Session& session, db::Backend backend, std::int64_t now,
                                 std::int64_t lease_until, std::int64_t limit, std::string_view kind_prefix = {});

// The outcome of one attempt. Those that reschedule or give up change the row only while the claim
// `lease_until` is still the caller's (a slow sender must not undo another instance's claim); each
// returns whether it changed the row.
bool mark_sent(db::Session& session, std::int64_t id, std::int64_t now);
bool schedule_retry(db::Session& session, std::int64_t id, std::int64_t lease_until,
                    std::int64_t next_attempt_at, const std::string& error);
bool mark_failed(db::Session& session, std::int64_t id, std::int64_t lease_until, std::int64_t now,
                 const std::string& error);
// Gives a claimed row back untried (its lease ran short): the attempt is not counted.
bool release(db::Session& session, std::int64_t id, std::int64_t lease_until);

std::optional<OutboxRow> find(db::Session& session, std::int64_t id);
// Every row addressed to `address` (letter case ignored), whatever its state, oldest first.
std::vector<OutboxRow> for_recipient(db::Session& session, std::string_view address);

OutboxCounts counts(db::Session& session);

// Deletes rows sent before `sent_before` and rows given up before `failed_before`; returns how many.
std::int64_t delete_finished(db::Session& session, std::int64_t sent_before, std::int64_t failed_before);
std::int64_t delete_for_recipient(db::Session& session, std::string_view address);

}  // namespace mail::store
