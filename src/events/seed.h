// The demo events for `knooppunt seed --demo`: the first meeting of 45 people (June 2025), the
// "Ontbijtsessie" every other Tuesday 07:30-09:00 at De Vijverhoeve in Huijbergen, the "Kennisdag" on
// the second Saturday of every third month, and the planned congress with its programme. Meetings
// that have already taken place get realistic answers (20 to 45 people) and attendance; coming ones
// get answers, and the next breakfast is exactly full. Which meetings lie in the past follows from
// `now`; everything else is fixed, so the same day gives the same rows. Runs in one write
// transaction of its own, after the members seed has committed (it answers for their demo members).
#pragma once

#include <cstdint>

#include "db/database.h"

namespace events {

inline constexpr std::int64_t kDemoBreakfastCapacity = 45;

// Throws db::Error when run twice, std::runtime_error when the demo network or members are missing.
void seed_demo(db::Database& database, std::int64_t now);

}  // namespace events
