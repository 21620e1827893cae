// The demo regional networks for `knooppunt seed --demo`: deterministic, in Dutch, recognisable to a
// newcomer. Runs inside the caller's write transaction.
#pragma once

#include "db/database.h"

namespace regions {

// True when the database holds at least one network (then the demo must not be seeded again).
bool has_any_network(db::Session& session);

// Inserts KKP West-Brabant & Zeeland with its eight knowledge groups and the smaller Kennisknooppunt
// Midden-Brabant with its own groups. Same input, same rows: ids follow from an empty database.
// Throws db::Error (a constraint) when run twice on the same database.
void seed_demo(db::Session& session);

}  // namespace regions
