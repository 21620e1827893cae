// What the atlas pages (/atlas/tekst, /atlas/coordinator) compute from the atlas JSON a viewer may see
// (the format in service.h / docs: nodes, edges, clusters, brokers, isolated): lookups, the shortest
// chains between two members, a member's connections, suggested introductions, and the SVG charts of
// the network's figures over time. Pure functions over values; no database, no HTTP.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace atlas {

struct MapMember {
  std::int64_t id = 0;
  std::string name;
  std::string profile;  // "/leden/12"
  std::vector<std::string> disciplines;
  std::string town;
  std::string region;
  std::optional<std::int64_t> cluster;
  double pagerank = 0;
  double betweenness = 0;
  std::int64_t coreness = 0;
  std::vector<std::int64_t> groups;
  std::int64_t since = 0;
};

struct MapTie {
  std::int64_t source = 0;
  std::int64_t target = 0;
  std::string kind;  // atlas::to_string(TieKind)
  double weight = 1;
  std::int64_t since = 0;
};

struct MapCluster {
  std::int64_t id = 0;
  std::string name;  // empty until a coordinator names it
  std::int64_t size = 0;
  std::vector<std::pair<std::string, std::int64_t>> disciplines;  // code -> members, most first
};

// The atlas JSON of one network as one viewer may see it, parsed.
struct AtlasView {
  std::int64_t network_id = 0;
  std::string network_slug;
  std::int64_t snapshot_id = 0;
  std::int64_t computed_at = 0;
  std::vector<MapMember> members;
  std::vector<MapTie> ties;
  std::vector<MapCluster> clusters;  // largest first
  std::vector<std::int64_t> brokers;
  std::vector<std::int64_t> isolated;

  const MapMember* member(std::int64_t id) const;
  const MapCluster* cluster(std::int64_t id) const;
  std::string cluster_label(std::int64_t id, std::string_view unnamed_prefix) const;

 private:
  friend std::optional<AtlasView> parse_atlas(const nlohmann::json& json);
  std::unordered_map<std::int64_t, std::size_t> index_;
};

// nullopt when the JSON lacks the fields the format promises (a bug upstream, shown as "not available").
std::optional<AtlasView> parse_atlas(const nlohmann::json& json);

// Up to `limit` shortest chains of confirmed declared ties (knows, worked together, referred, backup;
// not the derived shared-group or event ties) from `from` to `to` (member ids, both ends included), in
// a stable order; empty when either is unknown or no chain exists. from == to gives {{from}}.
std::vector<std::vector<std::int64_t>> shortest_chains(const AtlasView& view, std::int64_t from, std::int64_t to,
                                                       std::size_t limit);

// The members with a tie to `member`, each with the kinds of their ties (sorted by name).
struct Connection {
  std::int64_t id = 0;
  std::vector<std::string> kinds;
  std::int64_t since = 0;  // the earliest tie
};
std::vector<Connection> connections_of(const AtlasView& view, std::int64_t member);

// Members whose name contains every word of `query` (case-insensitive for ASCII), exact names first.
std::vector<std::int64_t> find_members(const AtlasView& view, std::string_view query, std::size_t limit);

// For each member with no or one tie (oldest in the network first): up to `per_member` members to
// introduce them to: sharing a discipline, not yet tied, in the same region first, then the best
// connected (PageRank). Members without disciplines get the best connected of their region.
struct Introduction {
  std::int64_t member = 0;
  std::int64_t suggested = 0;
  std::string shared_discipline;  // empty when none
  bool same_region = false;
};
std::vector<Introduction> suggested_introductions(const AtlasView& view, std::size_t per_member);

// The network's figures at one snapshot (from the engine's history).
struct HistoryPoint {
  std::int64_t computed_at = 0;
  std::int64_t members = 0;
  std::int64_t ties = 0;
  double density = 0;
  std::int64_t clusters = 0;
  std::int64_t isolated = 0;
};

// A small line chart of values over time as inline SVG (presentation attributes only: the CSP allows
// no style attributes). `title` names the chart for screen readers; `labels` are the first and last
// dates as shown under the axis. Empty points give an empty string.
std::string line_chart_svg(const std::vector<std::pair<std::int64_t, double>>& points, std::string_view title,
                           std::string_view first_label, std::string_view last_label);

// Escapes text for HTML/XML content and attributes.
std::string escape_xml(std::string_view text);

}  // namespace atlas
