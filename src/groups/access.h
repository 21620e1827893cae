// Who may do what in a knowledge group: the one place that turns a group's visibility, join policy
// and archive state, the viewer's group membership and their network role into permissions.
// Every feature that shows or changes group content (discussions, documents, search, feeds,
// notifications) asks here, on the server, for every object. Runs inside the caller's transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "db/database.h"
#include "http/request.h"

namespace groups {

enum class Visibility {
  Public,   // anyone, visitors too (the group's Atom feed exists only for these)
  Network,  // every active member of the group's network
  Group,    // only the group's own active members (and the network's coordinators)
};
enum class JoinPolicy {
  Open,        // a network member joins with one click
  Request,     // a network member asks; a host accepts or declines
  Invitation,  // only a host's invitation lets someone in
};

std::string_view to_string(Visibility visibility);   // "public", "network", "group" (as stored)
std::string_view to_string(JoinPolicy policy);       // "open", "request", "invitation"
std::optional<Visibility> visibility_from(std::string_view text);
std::optional<JoinPolicy> join_policy_from(std::string_view text);

struct GroupAccess {
  bool exists = false;        // false: no such group; every other field is false too
  std::int64_t group_id = 0;
  std::int64_t network_id = 0;
  Visibility visibility = Visibility::Network;
  JoinPolicy join_policy = JoinPolicy::Open;
  bool archived = false;      // read-only: nobody posts, joins or uploads any more
  bool network_member = false;  // an active member of the group's network
  bool coordinator = false;     // coordinates the network (or is an installation administrator)
  bool group_member = false;    // an active member (or host) of the group
  bool host = false;            // a host of the group
  bool can_view = false;        // may read the group's topics, documents, member list and activity
  bool can_post = false;        // may start topics, reply, react, upload, edit pages
  bool can_moderate = false;    // hosts and coordinators: hide, move, pin, close, accept requests
  bool can_join = false;        // may join right now (open policy, or a pending invitation)
  bool can_request = false;     // may ask to join (request policy, nothing pending yet)
};

// The viewer's permissions in one group. `viewer` is empty for a visitor. An API token
// (viewer->via_api_token) carries its member's rights here; routes decide which actions the API offers.
GroupAccess access(db::Session& session, const std::optional<http::Viewer>& viewer, std::int64_t group_id);

// The ids of the groups whose content the viewer may see, in one network or (network_id empty) in
// every network: the filter for search, activity streams, digests and API lists.
std::vector<std::int64_t> visible_group_ids(db::Session& session, const std::optional<http::Viewer>& viewer,
                                            std::optional<std::int64_t> network_id = std::nullopt);

}  // namespace groups
