// The outbox: every e-mail is first a row in the database, written in the same transaction as the
// change it reports (a sign-up and its verification mail commit together or not at all). A sender
// (mail/sender.h) delivers due rows through a Transport, retries failures with back-off, and marks
// each row sent, so a crash loses no mail and a restart sends none twice.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "db/database.h"
#include "mail/message.h"

namespace mail {

// Queues `message` for delivery as part of the caller's write transaction. Returns the outbox id.
// Throws std::invalid_argument for a message without a valid recipient address, subject or text, or
// with a line break in the name, subject or a header (checks in mail/address.h), or with a header the
// mailer sets itself (From, To, Cc, Bcc, Subject, Date, Message-ID, MIME-Version, Content-*).
std::int64_t enqueue(db::Session& session, const Message& message);

struct OutboxCounts {
  std::int64_t pending = 0;  // not sent yet and not given up
  std::int64_t failed = 0;   // given up (permanent refusal or too many attempts); see last_error
};
// For /metrics and operators.
OutboxCounts outbox_counts(db::Session& session);

// One outbox row as a member's personal-data export shows it.
struct OutboxEntry {
  std::int64_t id = 0;
  Message message;
  std::int64_t created_at = 0;
  std::optional<std::int64_t> sent_at;
  std::optional<std::int64_t> failed_at;
};
// Every outbox row addressed to `address` (letter case ignored), sent or not, oldest first: part of
// exporting a member's personal data.
std::vector<OutboxEntry> messages_to(db::Session& session, std::string_view address);

// Deletes every outbox row addressed to `address` (letter case ignored), whatever its state: part of
// erasing a member's personal data. Returns how many rows went.
std::int64_t forget_recipient(db::Session& session, std::string_view address);

}  // namespace mail
