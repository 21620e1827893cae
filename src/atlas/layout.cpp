#include "atlas/layout.h"

#include <igraph.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numbers>

namespace atlas {

namespace {

// Fruchterman-Reingold's work per iteration is about members + ties: above this much work in
// total the iterations are cut (100k members with 1M ties: about 63 iterations, 30-35 s of a full
// run that must stay within a minute; at 1e8, 90 iterations took 45-50 s and a hub-heavy run
// reached 60 s on a slow day). Networks up to 10k members with 100k ties keep all 200. A map that
// large is shown as one bubble per cluster until a cluster is opened, so the last iterations'
// finer placement is seldom seen.
constexpr double kLayoutWorkBudget = 7e7;

struct Matrix {
  igraph_matrix_t matrix{};
  Matrix(igraph_integer_t rows, igraph_integer_t columns) {
    check_igraph(igraph_matrix_init(&matrix, rows, columns), "layout matrix");
  }
  ~Matrix() { igraph_matrix_destroy(&matrix); }
};

}  // namespace

std::optional<Point> place_near_neighbours(const std::vector<Point>& neighbours, std::mt19937_64& random) {
  if (neighbours.empty()) return std::nullopt;
  Point mean;
  for (const Point& p : neighbours) {
    mean.x += p.x;
    mean.y += p.y;
  }
  mean.x /= static_cast<double>(neighbours.size());
  mean.y /= static_cast<double>(neighbours.size());
  std::uniform_real_distribution<double> jitter(-0.5, 0.5);
  mean.x += jitter(random);
  mean.y += jitter(random);
  return mean;
}

void normalise(std::vector<Point>& points, const std::vector<bool>& tied) {
  if (points.empty()) return;
  std::vector<std::size_t> body;
  for (std::size_t i = 0; i < points.size(); ++i) {
    if (i < tied.size() && tied[i]) body.push_back(i);
  }
  if (body.empty()) {
    body.resize(points.size());
    for (std::size_t i = 0; i < points.size(); ++i) body[i] = i;
  }
  Point centre;
  for (const std::size_t i : body) {
    centre.x += points[i].x;
    centre.y += points[i].y;
  }
  centre.x /= static_cast<double>(body.size());
  centre.y /= static_cast<double>(body.size());
  std::vector<double> distances;
  distances.reserve(body.size());
  for (const std::size_t i : body) distances.push_back(std::hypot(points[i].x - centre.x, points[i].y - centre.y));
  const std::size_t at = std::min(distances.size() - 1, distances.size() * 98 / 100);
  std::nth_element(distances.begin(), distances.begin() + static_cast<std::ptrdiff_t>(at), distances.end());
  const double body_radius = distances[at];
  constexpr double kBodyRadius = 0.9;  // leaves a margin between the tied members and the rim
  for (std::size_t i = 0; i < points.size(); ++i) {
    const double dx = points[i].x - centre.x;
    const double dy = points[i].y - centre.y;
    const double distance = std::hypot(dx, dy);
    const bool on_rim = !body.empty() && body.size() < points.size() && !(i < tied.size() && tied[i]);
    if (body_radius <= 0 && !on_rim) {
      points[i] = Point{};
      continue;
    }
    double radius = on_rim ? 1.0 : std::min(1.0, distance / body_radius * kBodyRadius);
    if (distance <= 0) {
      // No direction to keep: a fixed one per member, so they do not pile up.
      const double angle = static_cast<double>(i) * std::numbers::pi * (3.0 - std::sqrt(5.0));
      points[i] = Point{radius * std::cos(angle), radius * std::sin(angle)};
      continue;
    }
    points[i] = Point{dx / distance * radius, dy / distance * radius};
  }
}

std::vector<Point> compute_layout(const WorkGraph& graph, const std::vector<std::optional<Point>>& previous,
                                  const std::vector<std::int64_t>& cluster, const AnalyticsOptions& options) {
  const auto n = static_cast<std::size_t>(graph.nodes);
  std::vector<Point> result(n);
  if (n == 0) return result;
  std::mt19937_64 random(options.seed ^ 0x5deece66dULL);
  // igraph's layout spreads n members over roughly sqrt(n) x sqrt(n); earlier positions in [-1, 1]
  // are scaled to that size first.
  const double scale = std::sqrt(static_cast<double>(n));
  std::vector<std::optional<Point>> start(n);
  std::size_t kept = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (previous[i]) {
      start[i] = Point{previous[i]->x * scale, previous[i]->y * scale};
      ++kept;
    }
  }
  // New members next to their positioned neighbours (twice, so a newcomer tied only to another
  // newcomer finds a place too).
  for (int pass = 0; pass < 2 && kept > 0; ++pass) {
    for (std::size_t i = 0; i < n; ++i) {
      if (start[i]) continue;
      std::vector<Point> around;
      for (auto at = graph.offsets[i]; at < graph.offsets[i + 1]; ++at) {
        if (const auto& p = start[static_cast<std::size_t>(graph.adjacency[static_cast<std::size_t>(at)])]) {
          around.push_back(*p);
        }
      }
      start[i] = place_near_neighbours(around, random);
    }
  }
  // The rest: a cluster at a time, clusters on a sunflower spiral (largest in the middle), each a
  // disc the size of its members; with earlier positions, loose newcomers go on the outer ring.
  std::map<std::int64_t, std::vector<std::size_t>> unplaced;
  for (std::size_t i = 0; i < n; ++i) {
    if (!start[i]) unplaced[cluster[i]].push_back(i);
  }
  std::vector<const std::vector<std::size_t>*> groups;
  for (const auto& [id, members] : unplaced) groups.push_back(&members);
  std::stable_sort(groups.begin(), groups.end(), [](auto* l, auto* r) { return l->size() > r->size(); });
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const double golden_angle = std::numbers::pi * (3.0 - std::sqrt(5.0));
  double spiral_step = 0;
  for (const auto* members : groups) spiral_step = std::max(spiral_step, std::sqrt(static_cast<double>(members->size())));
  for (std::size_t k = 0; k < groups.size(); ++k) {
    Point centre;
    double radius = 0.5 * std::sqrt(static_cast<double>(groups[k]->size()));
    if (kept > 0) {
      const double angle = 2 * std::numbers::pi * unit(random);
      centre = Point{std::cos(angle) * scale * 1.05, std::sin(angle) * scale * 1.05};
    } else {
      const double distance = spiral_step * std::sqrt(static_cast<double>(k) + 0.5);
      centre = Point{distance * std::cos(static_cast<double>(k) * golden_angle),
                     distance * std::sin(static_cast<double>(k) * golden_angle)};
    }
    for (const std::size_t i : *groups[k]) {
      const double r = radius * std::sqrt(unit(random));
      const double angle = 2 * std::numbers::pi * unit(random);
      start[i] = Point{centre.x + r * std::cos(angle), centre.y + r * std::sin(angle)};
    }
  }

  for (std::size_t i = 0; i < n; ++i) result[i] = *start[i];
  if (n > 1 && graph.edge_count() > 0) {
    const bool warm = kept * 2 >= n;
    int iterations = warm ? options.layout_iterations_warm : options.layout_iterations_cold;
    const double work_per_iteration = static_cast<double>(graph.nodes + graph.edge_count());
    iterations = std::max(10, std::min(iterations, static_cast<int>(kLayoutWorkBudget / work_per_iteration)));
    const double start_temperature = warm ? scale / 40.0 : scale / 10.0;
    Matrix positions(graph.nodes, 2);
    for (std::size_t i = 0; i < n; ++i) {
      MATRIX(positions.matrix, static_cast<igraph_integer_t>(i), 0) = result[i].x;
      MATRIX(positions.matrix, static_cast<igraph_integer_t>(i), 1) = result[i].y;
    }
    igraph_t g;
    igraph_vector_int_t edges;
    igraph_vector_int_view(&edges, graph.endpoints.data(), static_cast<igraph_integer_t>(graph.endpoints.size()));
    check_igraph(igraph_create(&g, &edges, graph.nodes, IGRAPH_UNDIRECTED), "layout graph");
    igraph_vector_t weights;
    igraph_vector_view(&weights, graph.weights.data(), graph.edge_count());
    // One call: restarting Fruchterman-Reingold from its own contracted result (to check the deadline
    // between chunks) made the grid cells crowded and cost 60 times more (0.35 s vs 23.6 s at 10k/100k).
    // The iterations are bounded by kLayoutWorkBudget instead; the deadline is checked right after.
    const igraph_error_t code = igraph_layout_fruchterman_reingold(
        &g, &positions.matrix, /*use_seed=*/true, iterations, start_temperature, IGRAPH_LAYOUT_GRID, &weights,
        nullptr, nullptr, nullptr, nullptr);
    igraph_destroy(&g);
    check_igraph(code, "Fruchterman-Reingold layout");
    for (std::size_t i = 0; i < n; ++i) {
      result[i].x = MATRIX(positions.matrix, static_cast<igraph_integer_t>(i), 0);
      result[i].y = MATRIX(positions.matrix, static_cast<igraph_integer_t>(i), 1);
    }
  }
  check_deadline("layout");
  std::vector<bool> tied(n);
  for (std::size_t i = 0; i < n; ++i) tied[i] = graph.offsets[i + 1] > graph.offsets[i];
  normalise(result, tied);
  return result;
}

}  // namespace atlas
