// Who may see which part of the atlas: a member's choice of who sees their ties and whether they
// appear at all, turned into per-viewer decisions over GraphInput (graph_source.h).
//
// Decisions (documented in DEVELOPERS.md):
// - The setting is installation-wide (one per member, not per network): a member thinks "who may
//   see my ties", not "who may see my ties in network X". Default: ties seen by the network, visible.
// - Visitors, signed-in accounts that are not active members of the network, and API callers
//   without such a membership see no node and no edge. Coordinators and administrators follow the
//   same rules for personal data as every member.
// - A member sees every node of GraphInput (hidden members are not in it).
// - An edge is seen by its own two endpoints always (it is their own tie). Anyone else sees it only
//   when BOTH endpoints allow the viewer: Network = every member of the network; Connections = the
//   members with a confirmed, not ended, declared tie (any declared kind, either direction) to that
//   endpoint; Self = nobody but the endpoint.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "atlas/snapshot.h"
#include "atlas/types.h"
#include "db/database.h"
#include "http/request.h"

namespace atlas {

// A member's two atlas choices.
struct PrivacySettings {
  TieVisibility ties_visibility = TieVisibility::Network;
  bool hidden = false;  // absent from the atlas altogether
  bool operator==(const PrivacySettings&) const = default;
};

// The settings of one member (defaults when they never chose). Runs in the caller's transaction.
PrivacySettings privacy_settings(db::Session& session, std::int64_t account_id);
// Stores them (insert or update). Runs in the caller's write transaction; audited by the caller.
void put_privacy_settings(db::Session& session, std::int64_t account_id, const PrivacySettings& settings,
                          std::int64_t now);
// True when the member has hidden themselves from the atlas.
bool is_hidden(db::Session& session, std::int64_t account_id);

// What one viewer may see of one network's atlas, computed once per request.
struct ViewerScope {
  std::int64_t network_id = 0;
  std::int64_t viewer_id = 0;  // 0 for visitors and for accounts outside the network
  bool member = false;         // an active member of the network: sees nodes (and edges per the rules)
  bool coordinator = false;    // coordinates the network (for coordinator pages; no extra personal data)
  bool viewer_in_atlas = false;  // the viewer is a node (not hidden)
  // The ties visibility of every member in the atlas of this network (absent: not in the atlas), or,
  // in a scope over a snapshot (scope_over), of the members read for this request.
  std::unordered_map<std::int64_t, TieVisibility> ties_visibility;
  // Members with a confirmed declared tie to the viewer (the viewer is their "connection").
  std::unordered_set<std::int64_t> connections;
  // Scope over a snapshot only: members neither in `ties_visibility` nor in `left_atlas` are taken as
  // the snapshot's input has them (found through its index: a path search asks for thousands).
  std::shared_ptr<const Snapshot> baseline;
  std::unordered_set<std::int64_t> left_atlas;  // read for this request: not in the atlas (any more)
};

ViewerScope scope_for(db::Session& session, const std::optional<http::Viewer>& viewer, std::int64_t network_id);

// A scope for an answer that shows few members (a path), without reading the network's every member:
// who is in the atlas and their choice come from `baseline` (the served snapshot's input), except for
// the viewer and `read_now`, read now. The snapshot's input lags the database by at most a refresh (a
// privacy change triggers one at once), so an answer built on this scope is shown only when
// still_holds() confirms every member in it; otherwise the caller answers with scope_for().
ViewerScope scope_over(db::Session& session, const std::optional<http::Viewer>& viewer, std::int64_t network_id,
                       std::shared_ptr<const Snapshot> baseline, const std::vector<std::int64_t>& read_now);
// True when each of `members` is in the atlas now with the ties visibility `scope` took for them.
bool still_holds(db::Session& session, const ViewerScope& scope, const std::vector<std::int64_t>& members);

// May the viewer see this member as a node?
bool may_see_node(const ViewerScope& scope, std::int64_t account_id);
// May the viewer see this edge? (both endpoints must be nodes the viewer sees; rules above)
bool may_see_edge(const ViewerScope& scope, const Edge& edge);
// A member's ties visibility as the scope has it; nothing when they are not in its atlas.
std::optional<TieVisibility> visibility_of(const ViewerScope& scope, std::int64_t account_id);
// may_see_edge with both ends' visibility_of already known (a search asks once per member, not per tie).
bool may_see_edge_between(const ViewerScope& scope, const Edge& edge, std::optional<TieVisibility> a,
                          std::optional<TieVisibility> b);
// The edge may be shown to every member of the network (both endpoints chose Network): the only
// edges the shared snapshot's metrics are computed from.
bool is_network_visible(const ViewerScope& scope, const Edge& edge);
bool is_network_visible(const GraphInput& input, const Edge& edge);

// The part of the graph this viewer may see: nodes (all, for a member; none otherwise) and the edges
// may_see_edge allows. Input order is kept.
GraphInput visible_to(const ViewerScope& scope, const GraphInput& input);

}  // namespace atlas
