// The demo settings and members of the knowledge groups for `knooppunt seed --demo`: the eight groups
// of KKP West-Brabant & Zeeland (and the four of Midden-Brabant) get a join policy and visibility
// (most open to the network, two public, HRM on request and for its members only, legal advice on
// request), a rendered description, two hosts each, and members by discipline: every member of a
// network in one to three groups that fit their disciplines, joined over the year before `now`, plus
// a few pending requests. Deterministic for a given `now` (fixed seed). Runs in one write
// transaction of its own, after the members seed has committed.
#pragma once

#include <cstdint>

#include "db/database.h"

namespace groups {

// Throws std::runtime_error when the demo networks are missing, db::Error when run twice.
void seed_demo(db::Database& database, std::int64_t now);

}  // namespace groups
