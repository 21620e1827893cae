// What the atlas may show about one network, read from the database: the members in the atlas,
// their confirmed declared ties and the ties derived from knowledge groups and events.
#pragma once

#include <cstddef>
#include <cstdint>

#include "atlas/types.h"
#include "db/database.h"

namespace atlas {

// The largest knowledge group whose members are all tied to each other in the atlas.
inline constexpr std::size_t kLargestCircle = 50;

// Everything the atlas may show about a network: active members of the network with active
// accounts who have not hidden themselves from the atlas (hidden ones are absent, with every tie
// they have); confirmed declared ties that were not ended (and, apart in `ended`, those that were,
// with the moment they ended, for the map's time slider); derived ties: shared knowledge groups
// (group_members state 'active', groups of the network whose visibility is public or network and
// that have at most kLargestCircle members; weight = number of such shared groups, since = the
// earliest day both were in one) and met at events
// (both marked as attended; weight = number of such events, since = the first one). Each kind is its
// own edge. Runs in the caller's read (or write) transaction. Viewer-independent: apply privacy.h.
GraphInput load_graph_input(db::Session& session, std::int64_t network_id);

}  // namespace atlas
