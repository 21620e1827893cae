// A member's notification data for personal-data export and erasure (api/personal_data registers
// these through add_exporter / add_eraser). Each runs inside the caller's transaction.
//
// Erasure removes the member's notifications, watch levels, e-mail preferences and digest records
// (digests and the items they held). Activity items the member caused stay, without the member: they
// point at posts and documents that stay too (under "Voormalig lid"), and the group's stream would
// otherwise lose its history; the actor column is cleared so nothing links them to the account.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>

#include "db/database.h"

namespace notifications {

// {"settings": {...}, "watch_levels": [...], "notifications": [...], "digests": [...]}.
nlohmann::json export_member(db::Session& session, std::int64_t account_id);
// Returns the number of rows removed or anonymised.
std::int64_t erase_member(db::Session& session, std::int64_t account_id);

}  // namespace notifications
