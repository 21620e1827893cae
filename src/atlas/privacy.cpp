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
  const Node* node = find_node(input, account_id);
  if (node == nullptr) return std::nullopt;
  return node->ties_visibility;
}

// The viewer's part of a scope: membership of the network, coordinator, connections. False for a
// visitor or an account outside the network (the scope then shows nothing).
bool fill_viewer(db::Session& session, const std::optional<http::Viewer>& viewer, ViewerScope& scope) {
  if (!viewer || viewer->account_id <= 0) return false;
  if (!ties_store::is_active_member(session, viewer->account_id, scope.network_id)) return false;
  scope.viewer_id = viewer->account_id;
  scope.member = true;
  scope.coordinator = ties_store::is_coordinator(session, viewer->account_id, scope.network_id);
  for (std::int64_t other : ties_store::connections_of(session, viewer->account_id, scope.network_id)) {
    scope.connections.insert(other);
  }
  return true;
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
  if (!fill_viewer(session, viewer, scope)) return scope;
  const auto members = ties_store::atlas_member_visibility(session, network_id);
  scope.ties_visibility.reserve(members.size());
  for (const auto& [account_id, visibility] : members) scope.ties_visibility.emplace(account_id, visibility);
  scope.viewer_in_atlas = scope.ties_visibility.contains(viewer->account_id);
  return scope;
}

ViewerScope scope_over(db::Session& session, const std::optional<http::Viewer>& viewer, std::int64_t network_id,
                       std::shared_ptr<const Snapshot> baseline, const std::vector<std::int64_t>& read_now) {
  ViewerScope scope;
  scope.network_id = network_id;
  if (!fill_viewer(session, viewer, scope)) return scope;
  scope.baseline = std::move(baseline);
  std::vector<std::int64_t> wanted = read_now;
  wanted.push_back(viewer->account_id);
  std::sort(wanted.begin(), wanted.end());
  wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
  for (const auto& [account_id, visibility] : ties_store::atlas_member_visibility(session, network_id, wanted)) {
    scope.ties_visibility.emplace(account_id, visibility);
  }
  for (const std::int64_t account_id : wanted) {
    if (!scope.ties_visibility.contains(account_id)) scope.left_atlas.insert(account_id);
  }
  scope.viewer_in_atlas = scope.ties_visibility.contains(viewer->account_id);
  return scope;
}

bool still_holds(db::Session& session, const ViewerScope& scope, const std::vector<std::int64_t>& members) {
  std::vector<std::int64_t> wanted = members;
  std::sort(wanted.begin(), wanted.end());
  wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
  std::unordered_map<std::int64_t, TieVisibility> now;
  for (const auto& [account_id, visibility] : ties_store::atlas_member_visibility(session, scope.network_id, wanted)) {
    now.emplace(account_id, visibility);
  }
  return std::all_of(wanted.begin(), wanted.end(), [&](std::int64_t account_id) {
    const auto found = now.find(account_id);
    const std::optional<TieVisibility> current =
        found == now.end() ? std::nullopt : std::optional<TieVisibility>(found->second);
    return current == visibility_of(scope, account_id);
  });
}

std::optional<TieVisibility> visibility_of(const ViewerScope& scope, std::int64_t account_id) {
  if (const auto found = scope.ties_visibility.find(account_id); found != scope.ties_visibility.end()) {
    return found->second;
  }
  if (!scope.baseline || scope.left_atlas.contains(account_id)) return std::nullopt;
  const std::optional<std::size_t> at = scope.baseline->index.find(account_id);
  if (!at) return std::nullopt;
  return scope.baseline->input->nodes[*at].ties_visibility;
}

bool may_see_node(const ViewerScope& scope, std::int64_t account_id) {
  return scope.member && visibility_of(scope, account_id).has_value();
}

bool may_see_edge(const ViewerScope& scope, const Edge& edge) {
  if (!scope.member) return false;
  return may_see_edge_between(scope, edge, visibility_of(scope, edge.a), visibility_of(scope, edge.b));
}

bool may_see_edge_between(const ViewerScope& scope, const Edge& edge, std::optional<TieVisibility> a,
                          std::optional<TieVisibility> b) {
  if (!scope.member || !a || !b) return false;
  if (scope.viewer_id == edge.a || scope.viewer_id == edge.b) return true;  // one's own tie
  return endpoint_allows(scope, edge.a, *a) && endpoint_allows(scope, edge.b, *b);
}

bool is_network_visible(const ViewerScope& scope, const Edge& edge) {
  return visibility_of(scope, edge.a) == TieVisibility::Network && visibility_of(scope, edge.b) == TieVisibility::Network;
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
