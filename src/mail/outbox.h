// The outbox: every e-mail is first a row in the database, written in the same transaction as the
// change it reports (a sign-up and its verification mail commit together or not at all). A sender
// (mail/sender.h) delivers due rows through a Transport, retries failures with back-off, and marks
// each row sent, so a crash loses no mail and a restart sends none twice.
#pragma once

#include <cstdint>

#include "db/database.h"
#include "mail/message.h"

namespace mail {

// Queues `message` for delivery as part of the caller's write transaction. Returns the outbox id.
// Throws std::invalid_argument for a message without recipient, subject or text.
std::int64_t enqueue(db::Session& session, const Message& message);

}  // namespace mail
