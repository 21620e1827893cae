// The demo's first campaign for `knooppunt seed --demo`: the letter to the 1,700 contacts of
// West-Brabant & Zeeland in May 2025, 230 responses (interested / not now / never), 61 who registered
// for the first meeting through their link, and the 45 who came (the events demo's attendees of that
// meeting, whom the contacts seed linked to their member accounts). Deterministic: fixed dates and
// a fixed random sequence. Runs in one write transaction, after the contacts and events seeds.
#pragma once

#include <cstdint>

#include "db/database.h"

namespace campaigns {

// Does nothing (and says so in the log) when the network has no contacts or no first meeting yet.
void seed_demo(db::Database& database, std::int64_t now);

}  // namespace campaigns
