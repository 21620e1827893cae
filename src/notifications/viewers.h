// Small lookups shared by the notification rules: the viewer an account would be, and the watch level
// that applies to it for a topic in a group. Each runs inside the caller's transaction.
#pragma once

#include <cstdint>
#include <optional>

#include "db/database.h"
#include "http/request.h"
#include "notifications/types.h"

namespace notifications {

// The account as a signed-in viewer (name, e-mail, language, administrator), for groups::access and for
// mail in the member's language; nothing when the account is erased, disabled or unknown.
std::optional<http::Viewer> active_viewer(db::Session& session, std::int64_t account_id);

// The level that applies: the member's level for the topic, else for the group, else Normal.
Level effective_level(db::Session& session, std::int64_t account_id, std::int64_t group_id, std::int64_t topic_id);

}  // namespace notifications
