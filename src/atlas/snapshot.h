// One computed state of a network's atlas: the graph it was computed from, each member's metrics and
// position, the clusters, brokers and isolated members, and the network's figures. Immutable once
// published by atlas::Engine (shared as std::shared_ptr<const Snapshot>), so request threads read it
// without locks.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "atlas/types.h"

namespace atlas {

// What the analysis says about one member. Parallel to GraphInput::nodes.
struct NodeMetrics {
  std::int64_t cluster = 0;   // stable cluster id (see Cluster)
  double pagerank = 0;        // sums to 1 over the network
  double betweenness = 0;     // normalised to [0, 1]: share of member pairs whose shortest chains pass here
  std::int64_t coreness = 0;  // k of the k-core the member belongs to
  double x = 0;               // position in [-1, 1]
  double y = 0;
  bool provisional = false;   // placed after the last full run (a new member): metrics not computed yet
  bool operator==(const NodeMetrics&) const = default;
};

// A group of members more tightly tied to each other than to the rest (Leiden on modularity). The id
// survives recomputes: a new run's cluster takes the id of the previous cluster it overlaps most.
struct Cluster {
  std::int64_t id = 0;
  std::string name;  // set by a coordinator; empty when unnamed
  std::int64_t size = 0;
  std::vector<std::pair<std::string, std::int64_t>> disciplines;  // discipline code -> members, most first
  bool operator==(const Cluster&) const = default;
};

// The network's figures at the time of the snapshot (kept over time for the coordinator's view).
struct Figures {
  std::int64_t members = 0;
  std::int64_t ties = 0;     // distinct pairs of members with at least one network-visible tie
  double density = 0;        // ties / (members * (members - 1) / 2)
  std::int64_t clusters = 0; // clusters of two or more members
  std::int64_t isolated = 0; // members with no or one tie
  bool operator==(const Figures&) const = default;
};

// Members adjacent over declared (confirmed) ties, for paths and suggestions; built once per
// snapshot. Each entry carries the edge's position in GraphInput::edges so privacy is asked per edge.
struct TieAdjacency {
  std::vector<std::uint32_t> offsets;     // node i: entries [offsets[i], offsets[i + 1])
  std::vector<std::uint32_t> neighbours;  // node positions in GraphInput::nodes
  std::vector<std::uint32_t> edges;       // positions in GraphInput::edges
};

// Account id -> position in a list of members sorted by account id (GraphInput::nodes, a snapshot's
// metrics). The ids are kept sorted and searched by halving: 8 bytes a member where a hash map took
// about 40, which counted at the peak of a 100k-member run.
class NodeIndex {
 public:
  NodeIndex() = default;
  // `sorted_ids` strictly ascending (GraphInput::nodes is); throws std::invalid_argument otherwise.
  explicit NodeIndex(std::vector<std::int64_t> sorted_ids);
  std::optional<std::size_t> find(std::int64_t account_id) const;
  bool contains(std::int64_t account_id) const { return find(account_id).has_value(); }
  std::size_t at(std::int64_t account_id) const;  // throws std::out_of_range for an unknown id
  std::size_t size() const { return ids_.size(); }

 private:
  std::vector<std::int64_t> ids_;
};

struct Snapshot {
  std::int64_t id = 0;  // storage id (0 until stored)
  std::int64_t network_id = 0;
  std::int64_t computed_at = 0;  // unix seconds of the full run
  std::int64_t took_ms = 0;      // how long the full run took
  std::uint64_t input_fingerprint = 0;  // of the input the served graph reflects (see fingerprint())
  bool patched = false;  // the graph changed after the full run: new ties shown, metrics not yet recomputed

  std::shared_ptr<const GraphInput> input;  // every member in the atlas and every tie (not per viewer)
  std::vector<NodeMetrics> metrics;         // parallel to input->nodes
  NodeIndex index;                          // account id -> position in input->nodes and metrics
  std::shared_ptr<const TieAdjacency> ties;              // over input's declared ties

  std::vector<Cluster> clusters;       // largest first
  std::vector<std::int64_t> brokers;   // account ids, strongest broker first
  std::vector<std::int64_t> isolated;  // account ids with no or one network-visible tie, by id
  Figures figures;
  double modularity = 0;
  std::int64_t next_cluster_id = 1;  // the id a cluster that overlaps no previous one receives

  const NodeMetrics* metrics_of(std::int64_t account_id) const {
    const std::optional<std::size_t> found = index.find(account_id);
    return found ? &metrics[*found] : nullptr;
  }
};

// A cheap fingerprint of everything in GraphInput the atlas shows (nodes, their privacy choice and
// profile fields, and every edge): equal fingerprints mean nothing to recompute.
std::uint64_t fingerprint(const GraphInput& input);

// True when both endpoints let every member of the network see their ties: the only edges the
// shared metrics are computed from (privacy.h).
bool is_network_visible_in(const GraphInput& input, const NodeIndex& index,
                           const Edge& edge);

TieAdjacency build_tie_adjacency(const GraphInput& input, const NodeIndex& index);

// Recounts each cluster's size and discipline mix from the metrics (keeping names), drops empty
// clusters, and orders them largest first (then by id).
void recount_clusters(Snapshot& snapshot);

// Members with no or one distinct neighbour over network-visible ties, by account id.
std::vector<std::int64_t> isolated_members(const GraphInput& input,
                                           const NodeIndex& index);

// The account -> node position map of an input.
NodeIndex index_nodes(const GraphInput& input);

}  // namespace atlas
