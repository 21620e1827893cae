// Per-viewer decisions over the atlas input: who sees which members and ties (rules in privacy.h).
#include "atlas/privacy.h"

#include <algorithm>

#include "atlas/ties_store.h"

namespace atlas {

namespace {

// Does `endpoint`'s choice let the viewer (who is not the endpoint) see the endpoint's ties?
bool endpoint_allows(const ViewerScope& scope, std::int64_t endpoint, TieVisibility visibility) {
  switch (visibility) {
    case TieVisibility::Network: return true;
    case TieVisibility::Connections: return scope.connections.contains(endpoint);
    case TieVisibility::Self: return false;
  }
  return false;
}

std::optional<TieVisibility> visibility_in(const GraphInput& input, std::int64_t account_id) {
  const auto it = std::lower_bound(input.nodes.begin(), input.nodes.end(), account_id,
                                   [](const Node& node, std::int64_t id) { return node.account_id < id; });
  if (it == input.nodes.end() || it->account_id != account_id) return std::nullopt;
  return it->ties_visibility;
}

}  // namespace

PrivacySettings privacy_settings(db::Session& session, std::int64_t account_id) {
  return ties_store::find_privacy(session, account_id).value_or(PrivacySettings{});
}

void put_privacy_settings(db::Session& session, std::int64_t account_id, const PrivacySettings& settings,
                          std::int64_t now) {
  ties_store::put_privacy(session, account_id, settings, now);
}

bool is_hidden(db::Session& session, std::int64_t account_id) {
  return privacy_settings(session, account_id).hidden;
}

ViewerScope scope_for(db::Session& session, const std::optional<http::Viewer>& viewer, std::int64_t network_id) {
  ViewerScope scope;
  scope.network_id = network_id;
  if (!viewer || viewer->account_id <= 0) return scope;
  if (!ties_store::is_active_member(session, viewer->account_id, network_id)) return scope;
  scope.viewer_id = viewer->account_id;
  scope.member = true;
  scope.coordinator = ties_store::is_coordinator(session, viewer->account_id, network_id);
  const auto members = ties_store::atlas_member_visibility(session, network_id);
  scope.ties_visibility.reserve(members.size());
  for (const auto& [account_id, visibility] : members) scope.ties_visibility.emplace(account_id, visibility);
  scope.viewer_in_atlas = scope.ties_visibility.contains(viewer->account_id);
  for (std::int64_t other : ties_store::connections_of(session, viewer->account_id, network_id)) {
    scope.connections.insert(other);
  }
  return scope;
}

bool may_see_node(const ViewerScope& scope, std::int64_t account_id) {
  return scope.member && scope.ties_visibility.contains(account_id);
}

bool may_see_edge(const ViewerScope& scope, const Edge& edge) {
  if (!scope.member) return false;
  const auto a = scope.ties_visibility.find(edge.a);
  const auto b = scope.ties_visibility.find(edge.b);
  if (a == scope.ties_visibility.end() || b == scope.ties_visibility.end()) return false;
  if (scope.viewer_id == edge.a || scope.viewer_id == edge.b) return true;  // one's own tie
  return endpoint_allows(scope, edge.a, a->second) && endpoint_allows(scope, edge.b, b->second);
}

bool is_network_visible(const ViewerScope& scope, const Edge& edge) {
  const auto a = scope.ties_visibility.find(edge.a);
  const auto b = scope.ties_visibility.find(edge.b);
  return a != scope.ties_visibility.end() && b != scope.ties_visibility.end() &&
         a->second == TieVisibility::Network && b->second == TieVisibility::Network;
}

bool is_network_visible(const GraphInput& input, const Edge& edge) {
  return visibility_in(input, edge.a) == TieVisibility::Network &&
         visibility_in(input, edge.b) == TieVisibility::Network;
}

GraphInput visible_to(const ViewerScope& scope, const GraphInput& input) {
  GraphInput result;
  result.network_id = input.network_id;
  for (const Node& node : input.nodes) {
    if (may_see_node(scope, node.account_id)) result.nodes.push_back(node);
  }
  for (const Edge& edge : input.edges) {
    if (may_see_edge(scope, edge)) result.edges.push_back(edge);
  }
  return result;
}

}  // namespace atlas
