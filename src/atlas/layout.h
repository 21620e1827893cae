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
// neighbour. Returns one point per member, normalised to [-1, 1] (centred, largest |coordinate| = 1
// when there is more than one member).
std::vector<Point> compute_layout(const WorkGraph& graph, const std::vector<std::optional<Point>>& previous,
                                  const std::vector<std::int64_t>& cluster, const AnalyticsOptions& options);

// Centres the points and scales them so the largest |coordinate| is 1 (a single point goes to 0,0).
void normalise(std::vector<Point>& points);

}  // namespace atlas
