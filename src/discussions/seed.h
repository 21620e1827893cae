// The demo discussions for `knooppunt seed --demo`: a year of Dutch questions and answers in the eight
// knowledge groups of KKP West-Brabant & Zeeland (invoicing, contracts and general terms, AVG, IT
// security, tenders, employment law, ...), written by demo members of the group's discipline (or,
// for a reply that says so, of another one), with accepted answers, quotes, @mentions, "useful"
// reactions, a pinned welcome topic per group and closed old topics. The texts live in
// resources/demo/discussions.json; this file only draws who says what when.
//
// Deterministic: fixed seeds; the dates are counted back from `now` rounded down to the day, so the
// same day gives the same rows. Runs in one write transaction of its own, after the members seed
// (and the groups seed, whose group members it prefers as authors).
#pragma once

#include <cstdint>

#include "db/database.h"

namespace discussions {

struct DemoCounts {
  std::int64_t topics = 0;
  std::int64_t posts = 0;  // opening posts included
  std::int64_t accepted = 0;
  std::int64_t pinned = 0;
  std::int64_t closed = 0;
  std::int64_t mentions = 0;
  std::int64_t useful = 0;
  bool operator==(const DemoCounts&) const = default;
};

// Throws std::runtime_error when the demo network, its groups or members are missing, or the
// content file is broken.
DemoCounts seed_demo(db::Database& database, std::int64_t now);

}  // namespace discussions
