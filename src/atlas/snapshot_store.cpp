#include "atlas/snapshot_store.h"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace atlas::snapshot_store {

namespace {

std::string hex(std::uint64_t value) {
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(value));
  return buffer;
}

std::uint64_t from_hex(const std::string& text) {
  try {
    return static_cast<std::uint64_t>(std::stoull(text, nullptr, 16));
  } catch (const std::exception&) {
    return 0;
  }
}

// The body: {"v":1,"next_cluster_id":N,"nodes":[[id,cluster,pagerank,betweenness,coreness,x,y,provisional]...],
// "clusters":[[id,size]...],"brokers":[...],"isolated":[...]}. Names live in atlas_cluster_names.
std::string encode(const Snapshot& snapshot) {
  nlohmann::json nodes = nlohmann::json::array();
  for (std::size_t i = 0; i < snapshot.metrics.size(); ++i) {
    const NodeMetrics& m = snapshot.metrics[i];
    nodes.push_back({snapshot.input->nodes[i].account_id, m.cluster, m.pagerank, m.betweenness, m.coreness, m.x, m.y,
                     m.provisional ? 1 : 0});
  }
  nlohmann::json clusters = nlohmann::json::array();
  for (const Cluster& cluster : snapshot.clusters) clusters.push_back({cluster.id, cluster.size});
  return nlohmann::json{{"v", 1},
                        {"next_cluster_id", snapshot.next_cluster_id},
                        {"nodes", std::move(nodes)},
                        {"clusters", std::move(clusters)},
                        {"brokers", snapshot.brokers},
                        {"isolated", snapshot.isolated}}
      .dump();
}

}  // namespace

std::int64_t insert(db::Session& session, const Snapshot& snapshot) {
  const db::Rows rows = session.query(
      "INSERT INTO atlas_snapshots (network_id, computed_at, input_fingerprint, members, ties, density, clusters, "
      "isolated, modularity, took_ms, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {snapshot.network_id, snapshot.computed_at, hex(snapshot.input_fingerprint), snapshot.figures.members,
       snapshot.figures.ties, snapshot.figures.density, snapshot.figures.clusters, snapshot.figures.isolated,
       snapshot.modularity, snapshot.took_ms, encode(snapshot)});
  const std::int64_t id = rows.at(0).int64(0);
  session.execute("UPDATE atlas_snapshots SET body = '' WHERE network_id = ? AND id <> ? AND body <> ''",
                  {snapshot.network_id, id});
  return id;
}

std::optional<Snapshot> latest(db::Session& session, std::int64_t network_id) {
  const auto row = session.query_one(
      "SELECT id, computed_at, input_fingerprint, members, ties, density, clusters, isolated, modularity, took_ms, body "
      "FROM atlas_snapshots WHERE network_id = ? AND body <> '' ORDER BY id DESC LIMIT 1",
      {network_id});
  if (!row) return std::nullopt;
  const nlohmann::json body = nlohmann::json::parse(row->text(10), nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object() || body.value("v", 0) != 1) return std::nullopt;
  Snapshot snapshot;
  snapshot.id = row->int64(0);
  snapshot.network_id = network_id;
  snapshot.computed_at = row->int64(1);
  snapshot.input_fingerprint = from_hex(row->text(2));
  snapshot.figures = Figures{row->int64(3), row->int64(4), row->real(5), row->int64(6), row->int64(7)};
  snapshot.modularity = row->real(8);
  snapshot.took_ms = row->int64(9);
  snapshot.next_cluster_id = body.value("next_cluster_id", std::int64_t{1});
  // Metrics in the order of their account ids, as NodeIndex wants (stored so; sorted again to be sure).
  std::vector<std::pair<std::int64_t, NodeMetrics>> nodes;
  for (const auto& node : body.at("nodes")) {
    NodeMetrics m;
    m.cluster = node.at(1).get<std::int64_t>();
    m.pagerank = node.at(2).get<double>();
    m.betweenness = node.at(3).get<double>();
    m.coreness = node.at(4).get<std::int64_t>();
    m.x = node.at(5).get<double>();
    m.y = node.at(6).get<double>();
    m.provisional = node.at(7).get<int>() != 0;
    nodes.emplace_back(node.at(0).get<std::int64_t>(), m);
  }
  std::sort(nodes.begin(), nodes.end(), [](const auto& l, const auto& r) { return l.first < r.first; });
  std::vector<std::int64_t> ids;
  for (auto& [id, m] : nodes) {
    ids.push_back(id);
    snapshot.metrics.push_back(m);
  }
  snapshot.index = NodeIndex(std::move(ids));
  for (const auto& cluster : body.at("clusters")) {
    snapshot.clusters.push_back(Cluster{cluster.at(0).get<std::int64_t>(), "", cluster.at(1).get<std::int64_t>(), {}});
  }
  snapshot.brokers = body.at("brokers").get<std::vector<std::int64_t>>();
  snapshot.isolated = body.at("isolated").get<std::vector<std::int64_t>>();
  return snapshot;
}

std::vector<FiguresAt> history(db::Session& session, std::int64_t network_id, std::size_t limit) {
  const db::Rows rows = session.query(
      "SELECT id, computed_at, members, ties, density, clusters, isolated, modularity, took_ms FROM atlas_snapshots "
      "WHERE network_id = ? ORDER BY id DESC LIMIT ?",
      {network_id, static_cast<std::int64_t>(limit)});
  std::vector<FiguresAt> result;
  for (auto row = rows.rbegin(); row != rows.rend(); ++row) {
    result.push_back(FiguresAt{row->int64(0), row->int64(1),
                               Figures{row->int64(2), row->int64(3), row->real(4), row->int64(5), row->int64(6)},
                               row->real(7), row->int64(8)});
  }
  return result;
}

std::map<std::int64_t, std::string> cluster_names(db::Session& session, std::int64_t network_id) {
  std::map<std::int64_t, std::string> names;
  for (const db::Row& row :
       session.query("SELECT cluster_id, name FROM atlas_cluster_names WHERE network_id = ?", {network_id})) {
    names.emplace(row.int64(0), row.text(1));
  }
  return names;
}

void put_cluster_name(db::Session& session, std::int64_t network_id, std::int64_t cluster_id, const std::string& name,
                      std::int64_t account_id, std::int64_t now) {
  if (name.empty()) {
    session.execute("DELETE FROM atlas_cluster_names WHERE network_id = ? AND cluster_id = ?", {network_id, cluster_id});
    return;
  }
  session.execute(
      "INSERT INTO atlas_cluster_names (network_id, cluster_id, name, named_by, named_at) VALUES (?, ?, ?, ?, ?) "
      "ON CONFLICT (network_id, cluster_id) DO UPDATE SET name = excluded.name, named_by = excluded.named_by, "
      "named_at = excluded.named_at",
      {network_id, cluster_id, name, account_id, now});
}

TiesMarker ties_marker(db::Session& session, std::int64_t network_id) {
  // Separate statements, so each MAX can read the end of its own index.
  TiesMarker marker;
  marker.ties = session.query_one("SELECT COUNT(*) FROM atlas_ties WHERE network_id = ?", {network_id})->int64(0);
  marker.last_decided =
      session.query_one("SELECT COALESCE(MAX(decided_at), 0) FROM atlas_ties WHERE network_id = ?", {network_id})
          ->int64(0);
  marker.last_ended =
      session.query_one("SELECT COALESCE(MAX(ended_at), 0) FROM atlas_ties WHERE network_id = ?", {network_id})->int64(0);
  const auto privacy = session.query_one("SELECT COUNT(*), COALESCE(MAX(updated_at), 0) FROM atlas_privacy");
  marker.privacy_rows = privacy->int64(0);
  marker.privacy_updated = privacy->int64(1);
  return marker;
}

std::vector<std::int64_t> network_ids(db::Session& session) {
  std::vector<std::int64_t> ids;
  for (const db::Row& row : session.query("SELECT id FROM networks ORDER BY id")) ids.push_back(row.int64(0));
  return ids;
}

}  // namespace atlas::snapshot_store
