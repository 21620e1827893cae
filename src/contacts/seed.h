// The demo contacts for `knooppunt seed --demo`: the address list of 1,700 self-employed
// professionals in West-Brabant and Zeeland that the network began with, imported through the real
// import (so the demo's import report has its duplicates and refused lines), plus the 45 members who
// came to the first meeting, linked to their accounts. Deterministic: fixed seed, fixed dates (the
// list was imported on 2 May 2025, before the first mailing). Runs in its own write transactions,
// after the members and events seeds (it links the first meeting's attendees).
#pragma once

#include <cstdint>

#include "db/database.h"

namespace contacts {

inline constexpr std::int64_t kDemoContactCount = 1700;
inline constexpr std::int64_t kDemoImportedAt = 1746172800;  // 2 May 2025, 08:00 UTC
inline constexpr std::int64_t kDemoRetentionDays = 730;

// The CSV of the demo list (semicolons, Windows line ends, a few duplicates and broken lines), with
// `count` distinct addresses, none at @kkp-demo.nl. Also the benchmark's input generator.
std::string demo_csv(std::size_t count, std::uint64_t seed, std::size_t duplicates, std::size_t invalid);

// Throws std::runtime_error when the demo network or its members are missing.
void seed_demo(db::Database& database, std::int64_t now);

}  // namespace contacts
