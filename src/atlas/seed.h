// The demo ties for `knooppunt seed --demo`: about 1,200 confirmed ties among the members of the
// West-Brabant & Zeeland network, clustered by discipline and town, a handful of brokers between the
// clusters, a few isolated newcomers, dates over the last years, open requests (some for the demo
// member lid@kkp-demo.nl), and a few members who limit who sees their ties or hide from the atlas.
// Deterministic: a fixed seed and `now` only. Runs in one write transaction, after the members seed.
#pragma once

#include <cstdint>

#include "db/database.h"

namespace atlas {

inline constexpr std::int64_t kDemoConfirmedTies = 1200;

// Throws std::runtime_error when the demo network or its members are missing.
void seed_demo(db::Database& database, std::int64_t now);

}  // namespace atlas
