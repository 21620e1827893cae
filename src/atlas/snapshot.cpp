#include "atlas/snapshot.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <functional>
#include <map>
#include <stdexcept>

namespace atlas {

namespace {

// FNV-1a over the bytes, one value at a time.
struct Hasher {
  std::uint64_t state = 0xcbf29ce484222325ULL;
  void bytes(const void* data, std::size_t size) {
    const auto* p = static_cast<const unsigned char*>(data);
    for (std::size_t i = 0; i < size; ++i) {
      state ^= p[i];
      state *= 0x100000001b3ULL;
    }
  }
  void number(std::int64_t value) { bytes(&value, sizeof value); }
  void real(double value) { number(std::bit_cast<std::int64_t>(value)); }
  void text(const std::string& value) {
    number(static_cast<std::int64_t>(value.size()));
    bytes(value.data(), value.size());
  }
};

}  // namespace

std::uint64_t fingerprint(const GraphInput& input) {
  Hasher hash;
  hash.number(input.network_id);
  hash.number(static_cast<std::int64_t>(input.nodes.size()));
  for (const Node& node : input.nodes) {
    hash.number(node.account_id);
    hash.text(node.name);
    hash.number(static_cast<std::int64_t>(node.disciplines.size()));
    for (const std::string& discipline : node.disciplines) hash.text(discipline);
    hash.text(node.town);
    hash.text(node.region);
    hash.number(static_cast<std::int64_t>(node.group_ids.size()));
    for (const std::int64_t group : node.group_ids) hash.number(group);
    hash.number(node.joined_at);
    hash.number(static_cast<std::int64_t>(node.ties_visibility));
  }
  hash.number(static_cast<std::int64_t>(input.edges.size()));
  for (const Edge& edge : input.edges) {
    hash.number(edge.a);
    hash.number(edge.b);
    hash.number(static_cast<std::int64_t>(edge.kind));
    hash.real(edge.weight);
    hash.number(edge.since);
    hash.number(edge.tie_id);
    hash.number(static_cast<std::int64_t>(edge.direction));
  }
  return hash.state;
}

bool is_network_visible_in(const GraphInput& input, const NodeIndex& index,
                           const Edge& edge) {
  const std::optional<std::size_t> a = index.find(edge.a);
  const std::optional<std::size_t> b = index.find(edge.b);
  if (!a || !b) return false;
  return input.nodes[*a].ties_visibility == TieVisibility::Network &&
         input.nodes[*b].ties_visibility == TieVisibility::Network;
}

NodeIndex::NodeIndex(std::vector<std::int64_t> sorted_ids) : ids_(std::move(sorted_ids)) {
  if (std::adjacent_find(ids_.begin(), ids_.end(), std::greater_equal<>()) != ids_.end()) {
    throw std::invalid_argument("atlas: node ids not strictly ascending");
  }
}

std::optional<std::size_t> NodeIndex::find(std::int64_t account_id) const {
  const auto found = std::lower_bound(ids_.begin(), ids_.end(), account_id);
  if (found == ids_.end() || *found != account_id) return std::nullopt;
  return static_cast<std::size_t>(found - ids_.begin());
}

std::size_t NodeIndex::at(std::int64_t account_id) const {
  if (const std::optional<std::size_t> found = find(account_id)) return *found;
  throw std::out_of_range("atlas: unknown member " + std::to_string(account_id));
}

NodeIndex index_nodes(const GraphInput& input) {
  std::vector<std::int64_t> ids;
  ids.reserve(input.nodes.size());
  for (const Node& node : input.nodes) ids.push_back(node.account_id);
  return NodeIndex(std::move(ids));
}

TieAdjacency build_tie_adjacency(const GraphInput& input, const NodeIndex& index) {
  TieAdjacency adjacency;
  const std::size_t n = input.nodes.size();
  adjacency.offsets.assign(n + 1, 0);
  std::vector<std::pair<std::uint32_t, std::uint32_t>> ends;  // node positions per declared edge
  std::vector<std::uint32_t> edge_positions;
  for (std::size_t e = 0; e < input.edges.size(); ++e) {
    const Edge& edge = input.edges[e];
    if (!is_declared(edge.kind)) continue;
    const std::optional<std::size_t> a = index.find(edge.a);
    const std::optional<std::size_t> b = index.find(edge.b);
    if (!a || !b || *a == *b) continue;
    ends.emplace_back(static_cast<std::uint32_t>(*a), static_cast<std::uint32_t>(*b));
    edge_positions.push_back(static_cast<std::uint32_t>(e));
    ++adjacency.offsets[*a + 1];
    ++adjacency.offsets[*b + 1];
  }
  for (std::size_t i = 0; i < n; ++i) adjacency.offsets[i + 1] += adjacency.offsets[i];
  adjacency.neighbours.resize(adjacency.offsets[n]);
  adjacency.edges.resize(adjacency.offsets[n]);
  std::vector<std::uint32_t> fill(adjacency.offsets.begin(), adjacency.offsets.end() - 1);
  for (std::size_t k = 0; k < ends.size(); ++k) {
    const auto [a, b] = ends[k];
    adjacency.neighbours[fill[a]] = b;
    adjacency.edges[fill[a]++] = edge_positions[k];
    adjacency.neighbours[fill[b]] = a;
    adjacency.edges[fill[b]++] = edge_positions[k];
  }
  return adjacency;
}

void recount_clusters(Snapshot& snapshot) {
  std::map<std::int64_t, Cluster> clusters;
  for (const Cluster& before : snapshot.clusters) clusters[before.id] = Cluster{before.id, before.name, 0, {}};
  std::map<std::int64_t, std::map<std::string, std::int64_t>> mix;
  for (std::size_t i = 0; i < snapshot.metrics.size(); ++i) {
    const std::int64_t id = snapshot.metrics[i].cluster;
    Cluster& cluster = clusters[id];
    cluster.id = id;
    ++cluster.size;
    for (const std::string& discipline : snapshot.input->nodes[i].disciplines) ++mix[id][discipline];
  }
  snapshot.clusters.clear();
  for (auto& [id, cluster] : clusters) {
    if (cluster.size == 0) continue;
    for (const auto& [discipline, count] : mix[id]) cluster.disciplines.emplace_back(discipline, count);
    std::stable_sort(cluster.disciplines.begin(), cluster.disciplines.end(),
                     [](const auto& l, const auto& r) { return l.second > r.second; });
    snapshot.clusters.push_back(std::move(cluster));
  }
  std::stable_sort(snapshot.clusters.begin(), snapshot.clusters.end(),
                   [](const Cluster& l, const Cluster& r) { return l.size != r.size ? l.size > r.size : l.id < r.id; });
}

std::vector<std::int64_t> isolated_members(const GraphInput& input,
                                           const NodeIndex& index) {
  // Distinct neighbours, capped at 2 (all we need to know): first neighbour and a count.
  std::vector<std::int64_t> first(input.nodes.size(), -1);
  std::vector<std::uint8_t> count(input.nodes.size(), 0);
  auto meet = [&](std::size_t node, std::int64_t other) {
    if (count[node] >= 2 || first[node] == other) return;
    if (count[node] == 0) first[node] = other;
    ++count[node];
  };
  for (const Edge& edge : input.edges) {
    if (!is_network_visible_in(input, index, edge) || edge.a == edge.b) continue;
    meet(index.at(edge.a), edge.b);
    meet(index.at(edge.b), edge.a);
  }
  std::vector<std::int64_t> isolated;
  for (std::size_t i = 0; i < input.nodes.size(); ++i) {
    if (count[i] <= 1) isolated.push_back(input.nodes[i].account_id);
  }
  std::sort(isolated.begin(), isolated.end());
  return isolated;
}

}  // namespace atlas
