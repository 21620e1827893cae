#include "atlas/page_model.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <unordered_set>

namespace atlas {

namespace {

std::string lower_ascii(std::string_view text) {
  std::string result(text);
  for (char& c : result) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return result;
}

std::vector<std::string> words_of(std::string_view text) {
  std::vector<std::string> words;
  std::string current;
  for (char c : lower_ascii(text)) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      if (!current.empty()) words.push_back(std::move(current));
      current.clear();
    } else {
      current.push_back(c);
    }
  }
  if (!current.empty()) words.push_back(std::move(current));
  return words;
}

bool is_declared_kind(std::string_view kind) {
  return kind == "knows" || kind == "worked_together" || kind == "referred" || kind == "backup";
}

// Neighbours of every member over every tie (kinds merged; only ties members declared and confirmed
// when `declared_only`), sorted for stable answers.
std::unordered_map<std::int64_t, std::vector<std::int64_t>> adjacency(const AtlasView& view, bool declared_only) {
  std::unordered_map<std::int64_t, std::vector<std::int64_t>> neighbours;
  for (const MapTie& tie : view.ties) {
    if (tie.source == tie.target || (declared_only && !is_declared_kind(tie.kind))) continue;
    neighbours[tie.source].push_back(tie.target);
    neighbours[tie.target].push_back(tie.source);
  }
  for (auto& [member, list] : neighbours) {
    std::sort(list.begin(), list.end());
    list.erase(std::unique(list.begin(), list.end()), list.end());
  }
  return neighbours;
}

template <typename T>
T value_or(const nlohmann::json& object, const char* key, T fallback) {
  auto found = object.find(key);
  if (found == object.end() || found->is_null()) return fallback;
  return found->get<T>();
}

}  // namespace

const MapMember* AtlasView::member(std::int64_t id) const {
  auto found = index_.find(id);
  return found == index_.end() ? nullptr : &members[found->second];
}

const MapCluster* AtlasView::cluster(std::int64_t id) const {
  for (const MapCluster& entry : clusters) {
    if (entry.id == id) return &entry;
  }
  return nullptr;
}

std::string AtlasView::cluster_label(std::int64_t id, std::string_view unnamed_prefix) const {
  const MapCluster* found = cluster(id);
  if (found && !found->name.empty()) return found->name;
  return std::string(unnamed_prefix) + " " + std::to_string(id);
}

std::optional<AtlasView> parse_atlas(const nlohmann::json& json) {
  try {
    AtlasView view;
    if (!json.is_object() || !json.contains("nodes") || !json.contains("edges")) return std::nullopt;
    if (auto network = json.find("network"); network != json.end() && network->is_object()) {
      view.network_id = value_or<std::int64_t>(*network, "id", 0);
      view.network_slug = value_or<std::string>(*network, "slug", "");
    }
    if (auto snapshot = json.find("snapshot"); snapshot != json.end() && snapshot->is_object()) {
      view.snapshot_id = value_or<std::int64_t>(*snapshot, "id", 0);
      view.computed_at = value_or<std::int64_t>(*snapshot, "computed_at", 0);
    }
    for (const auto& node : json.at("nodes")) {
      MapMember member;
      member.id = node.at("id").get<std::int64_t>();
      member.name = value_or<std::string>(node, "name", "");
      member.profile = value_or<std::string>(node, "profile", "/leden/" + std::to_string(member.id));
      member.disciplines = value_or<std::vector<std::string>>(node, "disciplines", {});
      member.town = value_or<std::string>(node, "town", "");
      member.region = value_or<std::string>(node, "region", "");
      if (auto cluster = node.find("cluster"); cluster != node.end() && cluster->is_number_integer()) {
        member.cluster = cluster->get<std::int64_t>();
      }
      member.pagerank = value_or<double>(node, "pagerank", 0);
      member.betweenness = value_or<double>(node, "betweenness", 0);
      member.coreness = value_or<std::int64_t>(node, "coreness", 0);
      member.groups = value_or<std::vector<std::int64_t>>(node, "groups", {});
      member.since = value_or<std::int64_t>(node, "since", 0);
      view.index_.emplace(member.id, view.members.size());
      view.members.push_back(std::move(member));
    }
    for (const auto& edge : json.at("edges")) {
      MapTie tie;
      tie.source = edge.at("source").get<std::int64_t>();
      tie.target = edge.at("target").get<std::int64_t>();
      tie.kind = value_or<std::string>(edge, "kind", "");
      tie.weight = value_or<double>(edge, "weight", 1);
      tie.since = value_or<std::int64_t>(edge, "since", 0);
      // Only ties between members the view holds: the format promises it, the pages rely on it.
      if (view.index_.contains(tie.source) && view.index_.contains(tie.target)) view.ties.push_back(std::move(tie));
    }
    if (auto clusters = json.find("clusters"); clusters != json.end() && clusters->is_array()) {
      for (const auto& entry : *clusters) {
        MapCluster cluster;
        cluster.id = entry.at("id").get<std::int64_t>();
        cluster.name = value_or<std::string>(entry, "name", "");
        cluster.size = value_or<std::int64_t>(entry, "size", 0);
        if (auto mix = entry.find("disciplines"); mix != entry.end() && mix->is_object()) {
          for (const auto& [code, count] : mix->items()) cluster.disciplines.emplace_back(code, count.get<std::int64_t>());
          std::stable_sort(cluster.disciplines.begin(), cluster.disciplines.end(),
                           [](const auto& a, const auto& b) { return a.second > b.second; });
        }
        view.clusters.push_back(std::move(cluster));
      }
      std::stable_sort(view.clusters.begin(), view.clusters.end(),
                       [](const MapCluster& a, const MapCluster& b) { return a.size > b.size; });
    }
    for (const char* key : {"brokers", "isolated"}) {
      std::vector<std::int64_t>& target = std::string_view(key) == "brokers" ? view.brokers : view.isolated;
      for (std::int64_t id : value_or<std::vector<std::int64_t>>(json, key, {})) {
        if (view.index_.contains(id)) target.push_back(id);
      }
    }
    return view;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

std::vector<std::vector<std::int64_t>> shortest_chains(const AtlasView& view, std::int64_t from, std::int64_t to,
                                                       std::size_t limit) {
  if (limit == 0 || !view.member(from) || !view.member(to)) return {};
  if (from == to) return {{from}};
  const auto neighbours = adjacency(view, true);
  // Breadth-first from `from`, remembering every predecessor on a shortest route, until `to`'s level.
  std::unordered_map<std::int64_t, int> distance{{from, 0}};
  std::unordered_map<std::int64_t, std::vector<std::int64_t>> predecessors;
  std::deque<std::int64_t> queue{from};
  while (!queue.empty()) {
    const std::int64_t node = queue.front();
    queue.pop_front();
    if (distance.contains(to) && distance[node] >= distance[to]) break;
    auto found = neighbours.find(node);
    if (found == neighbours.end()) continue;
    for (std::int64_t next : found->second) {
      auto known = distance.find(next);
      if (known == distance.end()) {
        distance.emplace(next, distance[node] + 1);
        predecessors[next].push_back(node);
        queue.push_back(next);
      } else if (known->second == distance[node] + 1) {
        predecessors[next].push_back(node);
      }
    }
  }
  if (!distance.contains(to)) return {};
  // Walk back from `to` over predecessors, depth first, until `limit` chains are found.
  std::vector<std::vector<std::int64_t>> chains;
  std::vector<std::int64_t> reversed{to};
  auto walk = [&](auto&& self, std::int64_t node) -> void {
    if (chains.size() >= limit) return;
    if (node == from) {
      chains.emplace_back(reversed.rbegin(), reversed.rend());
      return;
    }
    for (std::int64_t previous : predecessors[node]) {
      reversed.push_back(previous);
      self(self, previous);
      reversed.pop_back();
      if (chains.size() >= limit) return;
    }
  };
  walk(walk, to);
  return chains;
}

std::vector<Connection> connections_of(const AtlasView& view, std::int64_t member) {
  std::map<std::int64_t, Connection> by_id;
  for (const MapTie& tie : view.ties) {
    if (tie.source != member && tie.target != member) continue;
    const std::int64_t other = tie.source == member ? tie.target : tie.source;
    if (other == member) continue;
    Connection& connection = by_id[other];
    connection.id = other;
    if (std::find(connection.kinds.begin(), connection.kinds.end(), tie.kind) == connection.kinds.end()) {
      connection.kinds.push_back(tie.kind);
    }
    if (tie.since > 0 && (connection.since == 0 || tie.since < connection.since)) connection.since = tie.since;
  }
  std::vector<Connection> result;
  for (auto& [id, connection] : by_id) result.push_back(std::move(connection));
  std::sort(result.begin(), result.end(), [&](const Connection& a, const Connection& b) {
    return view.member(a.id)->name < view.member(b.id)->name;
  });
  return result;
}

std::vector<std::int64_t> find_members(const AtlasView& view, std::string_view query, std::size_t limit) {
  const std::vector<std::string> words = words_of(query);
  if (words.empty()) return {};
  const std::string exact = lower_ascii(query);
  std::vector<std::pair<int, const MapMember*>> hits;
  for (const MapMember& member : view.members) {
    const std::string name = lower_ascii(member.name);
    if (!std::all_of(words.begin(), words.end(), [&](const std::string& word) { return name.find(word) != std::string::npos; })) {
      continue;
    }
    hits.emplace_back(name == exact ? 0 : (name.starts_with(words.front()) ? 1 : 2), &member);
  }
  std::sort(hits.begin(), hits.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first < b.first : a.second->name < b.second->name;
  });
  std::vector<std::int64_t> result;
  for (const auto& [rank, member] : hits) {
    if (result.size() >= limit) break;
    result.push_back(member->id);
  }
  return result;
}

std::vector<Introduction> suggested_introductions(const AtlasView& view, std::size_t per_member) {
  const auto neighbours = adjacency(view, false);
  auto degree = [&](std::int64_t id) {
    auto found = neighbours.find(id);
    return found == neighbours.end() ? std::size_t{0} : found->second.size();
  };
  std::vector<const MapMember*> lonely;
  for (const MapMember& member : view.members) {
    if (degree(member.id) <= 1) lonely.push_back(&member);
  }
  std::stable_sort(lonely.begin(), lonely.end(), [](const MapMember* a, const MapMember* b) { return a->since < b->since; });
  // Candidates: members with at least two ties, best connected first.
  std::vector<const MapMember*> hubs;
  for (const MapMember& member : view.members) {
    if (degree(member.id) >= 2) hubs.push_back(&member);
  }
  std::stable_sort(hubs.begin(), hubs.end(), [](const MapMember* a, const MapMember* b) { return a->pagerank > b->pagerank; });

  std::vector<Introduction> result;
  for (const MapMember* member : lonely) {
    std::unordered_set<std::int64_t> tied;
    if (auto found = neighbours.find(member->id); found != neighbours.end()) tied.insert(found->second.begin(), found->second.end());
    struct Scored {
      int score;
      const MapMember* hub;
      std::string discipline;
    };
    std::vector<Scored> scored;
    for (const MapMember* hub : hubs) {
      if (hub->id == member->id || tied.contains(hub->id)) continue;
      std::string shared;
      for (const std::string& code : member->disciplines) {
        if (std::find(hub->disciplines.begin(), hub->disciplines.end(), code) != hub->disciplines.end()) {
          shared = code;
          break;
        }
      }
      const bool same_region = !member->region.empty() && member->region == hub->region;
      if (shared.empty() && !member->disciplines.empty()) continue;
      if (shared.empty() && !same_region) continue;
      scored.push_back({(shared.empty() ? 0 : 2) + (same_region ? 1 : 0), hub, shared});
    }
    std::stable_sort(scored.begin(), scored.end(), [](const Scored& a, const Scored& b) { return a.score > b.score; });
    for (std::size_t i = 0; i < scored.size() && i < per_member; ++i) {
      result.push_back({member->id, scored[i].hub->id, scored[i].discipline,
                        !member->region.empty() && member->region == scored[i].hub->region});
    }
  }
  return result;
}

std::string escape_xml(std::string_view text) {
  std::string result;
  result.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '<': result += "&lt;"; break;
      case '>': result += "&gt;"; break;
      case '&': result += "&amp;"; break;
      case '"': result += "&quot;"; break;
      case '\'': result += "&#39;"; break;
      default: result.push_back(c);
    }
  }
  return result;
}

namespace {

std::string number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", value);
  return buffer;
}

std::string axis_value(double value) {
  char buffer[32];
  if (std::fabs(value) >= 100 || value == std::floor(value)) {
    std::snprintf(buffer, sizeof buffer, "%.0f", value);
  } else {
    std::snprintf(buffer, sizeof buffer, "%.3g", value);
  }
  return buffer;
}

}  // namespace

std::string line_chart_svg(const std::vector<std::pair<std::int64_t, double>>& points, std::string_view title,
                           std::string_view first_label, std::string_view last_label) {
  if (points.empty()) return "";
  constexpr double kWidth = 320;
  constexpr double kHeight = 140;
  constexpr double kLeft = 44;
  constexpr double kRight = 8;
  constexpr double kTop = 10;
  constexpr double kBottom = 24;
  const auto [min_time, max_time] = std::minmax_element(points.begin(), points.end(),
                                                        [](const auto& a, const auto& b) { return a.first < b.first; });
  double low = points.front().second;
  double high = points.front().second;
  for (const auto& point : points) {
    low = std::min(low, point.second);
    high = std::max(high, point.second);
  }
  low = std::min(low, 0.0);
  if (high <= low) high = low + 1;
  const double span_time = static_cast<double>(max_time->first - min_time->first);
  auto x_of = [&](std::int64_t time) {
    if (span_time <= 0) return kLeft + (kWidth - kLeft - kRight) / 2;
    return kLeft + (kWidth - kLeft - kRight) * static_cast<double>(time - min_time->first) / span_time;
  };
  auto y_of = [&](double value) { return kTop + (kHeight - kTop - kBottom) * (1 - (value - low) / (high - low)); };
  std::string svg = "<svg class=\"atlas-chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 320 140\" role=\"img\" aria-label=\"" +
                    escape_xml(title) + "\"><title>" + escape_xml(title) + "</title>";
  svg += "<line x1=\"" + number(kLeft) + "\" y1=\"" + number(kHeight - kBottom) + "\" x2=\"" + number(kWidth - kRight) +
         "\" y2=\"" + number(kHeight - kBottom) + "\" stroke=\"#8a939c\" stroke-width=\"1\"/>";
  svg += "<line x1=\"" + number(kLeft) + "\" y1=\"" + number(kTop) + "\" x2=\"" + number(kLeft) + "\" y2=\"" +
         number(kHeight - kBottom) + "\" stroke=\"#8a939c\" stroke-width=\"1\"/>";
  svg += "<text x=\"" + number(kLeft - 4) + "\" y=\"" + number(kTop + 4) + "\" text-anchor=\"end\" font-size=\"10\" fill=\"#4a525a\">" +
         axis_value(high) + "</text>";
  svg += "<text x=\"" + number(kLeft - 4) + "\" y=\"" + number(kHeight - kBottom) + "\" text-anchor=\"end\" font-size=\"10\" fill=\"#4a525a\">" +
         axis_value(low) + "</text>";
  svg += "<text x=\"" + number(kLeft) + "\" y=\"" + number(kHeight - 6) + "\" font-size=\"10\" fill=\"#4a525a\">" +
         escape_xml(first_label) + "</text>";
  svg += "<text x=\"" + number(kWidth - kRight) + "\" y=\"" + number(kHeight - 6) +
         "\" text-anchor=\"end\" font-size=\"10\" fill=\"#4a525a\">" + escape_xml(last_label) + "</text>";
  std::vector<std::pair<std::int64_t, double>> sorted = points;
  std::sort(sorted.begin(), sorted.end());
  std::string path;
  for (const auto& [time, value] : sorted) {
    path += (path.empty() ? "M" : " L") + number(x_of(time)) + " " + number(y_of(value));
  }
  svg += "<path d=\"" + path + "\" fill=\"none\" stroke=\"#0072b2\" stroke-width=\"2\" stroke-linejoin=\"round\"/>";
  if (sorted.size() <= 60) {
    for (const auto& [time, value] : sorted) {
      svg += "<circle cx=\"" + number(x_of(time)) + "\" cy=\"" + number(y_of(value)) + "\" r=\"2.5\" fill=\"#0072b2\"/>";
    }
  }
  svg += "</svg>";
  return svg;
}

}  // namespace atlas
