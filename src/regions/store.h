// The SQL for networks and knowledge groups. Each function runs inside the caller's transaction.
// Throws db::Error on database failures; rules live in service.h, not here.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "db/database.h"
#include "regions/types.h"

namespace regions::store {

std::optional<Network> find_network(db::Session& session, std::string_view slug);
// The network with the lowest id: the installation's primary network.
std::optional<Network> first_network(db::Session& session);
std::vector<Network> list_networks(db::Session& session);  // by id
bool has_any_network(db::Session& session);
std::vector<KnowledgeGroup> groups_of(db::Session& session, std::int64_t network_id);  // by position
// The network's archived knowledge groups (read-only; left off the network's page).
std::vector<std::int64_t> archived_group_ids(db::Session& session, std::int64_t network_id);

// Inserts and returns the new id (`id` and `network_id` in the argument are ignored / used as given).
std::int64_t insert_network(db::Session& session, const Network& network);
std::int64_t insert_group(db::Session& session, const KnowledgeGroup& group);

}  // namespace regions::store
