// The demo members for `knooppunt seed --demo`: about 230 advisers in KKP West-Brabant & Zeeland (a
// few also in Midden-Brabant), with realistic Dutch and Flemish names, every discipline, real towns,
// tags, languages, availability and short Dutch bios. Deterministic: a fixed seed, fixed times.
// Runs inside the caller's write transaction, after regions::seed_demo and auth::seed_demo.
#pragma once

#include <cstddef>
#include <cstdint>

#include "db/database.h"

namespace members {

inline constexpr std::size_t kDemoMemberCount = 230;

// Adds the demo members (accounts through auth::create_account with the shared demo password hash,
// memberships, profiles, search entries) and profiles for auth's demo coordinator and member.
// Throws db::Error (a constraint) when run twice on the same database.
void seed_demo(db::Session& session);

// `count` more members drawn like the demo ones (benchmarks, load tests): accounts without a password
// at @generated.kkp-demo.nl, numbered from `first_index`, deterministic for a given `seed`. Needs the
// demo networks. Call it in batches of a few thousand per write transaction.
void seed_generated_members(db::Session& session, std::size_t first_index, std::size_t count,
                            std::uint64_t seed = 1);

}  // namespace members
