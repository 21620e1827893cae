#include "regions/store.h"

namespace regions::store {

namespace {

constexpr std::string_view kNetworkColumns = "id, slug, name, short_name, tagline, story, region, created_at";

Network network_from(const db::Row& row) {
  Network network;
  network.id = row.int64(0);
  network.slug = row.text(1);
  network.name = row.text(2);
  network.short_name = row.text(3);
  network.tagline = row.text(4);
  network.story = row.text(5);
  network.region = row.text(6);
  network.created_at = row.int64(7);
  return network;
}

std::string select_networks(std::string_view rest) {
  return "SELECT " + std::string(kNetworkColumns) + " FROM networks " + std::string(rest);
}

}  // namespace

std::optional<Network> find_network(db::Session& session, std::string_view slug) {
  static const std::string sql = select_networks("WHERE slug = ?");
  auto row = session.query_one(sql, {std::string(slug)});
  if (!row) return std::nullopt;
  return network_from(*row);
}

std::optional<Network> first_network(db::Session& session) {
  static const std::string sql = select_networks("ORDER BY id LIMIT 1");
  auto row = session.query_one(sql);
  if (!row) return std::nullopt;
  return network_from(*row);
}

std::vector<Network> list_networks(db::Session& session) {
  static const std::string sql = select_networks("ORDER BY id");
  std::vector<Network> networks;
  for (const auto& row : session.query(sql)) networks.push_back(network_from(row));
  return networks;
}

bool has_any_network(db::Session& session) {
  return session.query_one("SELECT 1 FROM networks LIMIT 1").has_value();
}

std::vector<std::int64_t> archived_group_ids(db::Session& session, std::int64_t network_id) {
  std::vector<std::int64_t> ids;
  for (const auto& row :
       session.query("SELECT id FROM knowledge_groups WHERE network_id = ? AND archived_at IS NOT NULL", {network_id})) {
    ids.push_back(row.int64(0));
  }
  return ids;
}

std::vector<KnowledgeGroup> groups_of(db::Session& session, std::int64_t network_id) {
  std::vector<KnowledgeGroup> groups;
  const auto rows = session.query(
      "SELECT id, network_id, slug, name, description, position, created_at FROM knowledge_groups "
      "WHERE network_id = ? ORDER BY position, id",
      {network_id});
  groups.reserve(rows.size());
  for (const auto& row : rows) {
    KnowledgeGroup group;
    group.id = row.int64(0);
    group.network_id = row.int64(1);
    group.slug = row.text(2);
    group.name = row.text(3);
    group.description = row.text(4);
    group.position = row.int64(5);
    group.created_at = row.int64(6);
    groups.push_back(std::move(group));
  }
  return groups;
}

std::int64_t insert_network(db::Session& session, const Network& network) {
  auto row = session.query_one(
      "INSERT INTO networks (slug, name, short_name, tagline, story, region, created_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {network.slug, network.name, network.short_name, network.tagline, network.story, network.region,
       network.created_at});
  return row->int64(0);
}

std::int64_t insert_group(db::Session& session, const KnowledgeGroup& group) {
  auto row = session.query_one(
      "INSERT INTO knowledge_groups (network_id, slug, name, description, position, created_at) "
      "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
      {group.network_id, group.slug, group.name, group.description, group.position, group.created_at});
  return row->int64(0);
}

}  // namespace regions::store
