// What the atlas may show about one network, read from the database: the members in the atlas,
// their confirmed declared ties and the ties derived from knowledge groups and events.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

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

// Brings `input` up to date with declared ties that changed since it was read
// (ties_store::ties_changed_since), as load_graph_input would read them now: a confirmed tie between
// two members in the input is an edge, an ended one is in `ended` instead; any other state removes
// the tie from both. Applying a tie twice changes nothing. Members, privacy and derived ties are
// not touched: their changes need load_graph_input. At 100k members this is milliseconds where
// load_graph_input takes seconds.
void apply_tie_changes(GraphInput& input, const std::vector<Tie>& changed);
// True when `input` already shows `tie` as load_graph_input would now (apply_tie_changes would change
// nothing for it): the refresh skips copying a large input for a tie that is still pending or was
// applied before.
bool input_shows_tie(const GraphInput& input, const Tie& tie);

}  // namespace atlas
