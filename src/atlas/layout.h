// Positions of the members on the map: Fruchterman-Reingold (igraph, with grid: repulsion only from
// nearby members, so an iteration costs about members + ties) started from the previous positions so the map stays familiar, new members placed near their
// neighbours, and a cluster-by-cluster start for a first run. Positions end up in [-1, 1].
//
// Thread-safety: calls igraph; the caller holds an IgraphScope (analytics.h).
#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <vector>

#include "atlas/analytics.h"

namespace atlas {

struct Point {
  double x = 0;
  double y = 0;
};

// Where a member with these positioned neighbours goes before the layout runs: the mean of the
// neighbours' positions plus a small seeded jitter (so two newcomers with the same neighbour do not
// sit on top of each other); nothing when no neighbour has a position.
std::optional<Point> place_near_neighbours(const std::vector<Point>& neighbours, std::mt19937_64& random);

// The layout of `graph`. `previous[i]` is member i's earlier position (in [-1, 1]) or nothing;
// `cluster[i]` its cluster, used to group members that have no earlier position nor positioned
// neighbour. Returns one point per member in [-1, 1] (see normalise: members with ties fill the map,
// members without any sit on its rim).
std::vector<Point> compute_layout(const WorkGraph& graph, const std::vector<std::optional<Point>>& previous,
                                  const std::vector<std::int64_t>& cluster, const AnalyticsOptions& options);

// Fits the points into the unit disc. The members with ties (`tied[i]`) decide centre and scale: the
// 98th percentile of their distances from their centre becomes radius 0.9, and the few beyond it are
// drawn in to the rim. Members without any tie keep their direction and go on the rim, radius 1:
// Fruchterman-Reingold pushes them far out, and scaling by them would shrink everyone else to a dot
// (the demo had 95% of its members within radius 0.03 before). Without tied members, every point
// counts. A single point goes to (0, 0).
void normalise(std::vector<Point>& points, const std::vector<bool>& tied);

}  // namespace atlas
