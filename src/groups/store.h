// The SQL for knowledge groups and their members. Each function runs inside the caller's
// transaction and throws db::Error on database failures; the rules live in groups/service.h.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "db/database.h"
#include "groups/types.h"

namespace groups::store {

struct NetworkRef {
  std::int64_t id = 0;
  std::string slug;
  std::string name;
};

std::optional<NetworkRef> find_network(db::Session& session, std::string_view slug);
std::optional<NetworkRef> find_network(db::Session& session, std::int64_t id);
std::vector<NetworkRef> networks(db::Session& session);  // by id

// Groups with their network's slug and name and their count of active members.
std::optional<Group> find_group(db::Session& session, std::string_view network_slug, std::string_view group_slug);
std::optional<Group> find_group(db::Session& session, std::int64_t group_id);
std::vector<Group> groups_of_network(db::Session& session, std::int64_t network_id);  // by position, name
std::vector<Group> all_groups(db::Session& session);  // by network, position, name

bool slug_taken(db::Session& session, std::int64_t network_id, std::string_view slug);
std::int64_t next_position(db::Session& session, std::int64_t network_id);
std::int64_t insert_group(db::Session& session, const Group& group);  // returns the new id
// Name, description (+html), join policy and visibility as given.
void update_group(db::Session& session, const Group& group);
void set_archived(db::Session& session, std::int64_t group_id, std::optional<std::int64_t> archived_at);
void set_image_path(db::Session& session, std::int64_t group_id, std::string_view image_path);

std::optional<Membership> membership(db::Session& session, std::int64_t group_id, std::int64_t account_id);
// Every row of a group (all states), hosts first, then by name.
std::vector<Membership> members_of(db::Session& session, std::int64_t group_id);
// The account's rows in every group: group id -> (role, state).
std::map<std::int64_t, Membership> memberships_of_account(db::Session& session, std::int64_t account_id);
std::int64_t count_active(db::Session& session, std::int64_t group_id, std::optional<Role> role = std::nullopt);
// The names of a group's active hosts, by name.
std::vector<std::string> host_names(db::Session& session, std::int64_t group_id);

void insert_membership(db::Session& session, const Membership& membership);
void set_state(db::Session& session, std::int64_t group_id, std::int64_t account_id, MemberState state,
               std::optional<std::int64_t> joined_at);
void set_role(db::Session& session, std::int64_t group_id, std::int64_t account_id, Role role);
// Returns the number of rows removed (0 or 1).
std::int64_t delete_membership(db::Session& session, std::int64_t group_id, std::int64_t account_id);
// Every row of the account, in every group (erasure); invitations it sent lose their sender.
std::int64_t delete_memberships_of_account(db::Session& session, std::int64_t account_id);

// Active members of the network who have no row in the group: whom a host may invite. By name.
struct Candidate {
  std::int64_t account_id = 0;
  std::string name;
};
std::vector<Candidate> invite_candidates(db::Session& session, std::int64_t group_id, std::int64_t network_id);
bool is_active_network_member(db::Session& session, std::int64_t account_id, std::int64_t network_id);

}  // namespace groups::store
