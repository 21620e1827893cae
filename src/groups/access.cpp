#include "groups/access.h"

#include <string>

namespace groups {

std::string_view to_string(Visibility visibility) {
  switch (visibility) {
    case Visibility::Public: return "public";
    case Visibility::Network: return "network";
    case Visibility::Group: return "group";
  }
  return "network";
}

std::string_view to_string(JoinPolicy policy) {
  switch (policy) {
    case JoinPolicy::Open: return "open";
    case JoinPolicy::Request: return "request";
    case JoinPolicy::Invitation: return "invitation";
  }
  return "open";
}

std::optional<Visibility> visibility_from(std::string_view text) {
  if (text == "public") return Visibility::Public;
  if (text == "network") return Visibility::Network;
  if (text == "group") return Visibility::Group;
  return std::nullopt;
}

std::optional<JoinPolicy> join_policy_from(std::string_view text) {
  if (text == "open") return JoinPolicy::Open;
  if (text == "request") return JoinPolicy::Request;
  if (text == "invitation") return JoinPolicy::Invitation;
  return std::nullopt;
}

namespace {

// One group with the viewer's network membership and group membership joined in (NULL when none):
// the same columns for one group and for a network's list, so both follow the same rules.
constexpr std::string_view kAccessQuery =
    "SELECT g.id, g.network_id, g.visibility, g.join_policy, g.archived_at, m.role, m.status, gm.role, gm.state "
    "FROM knowledge_groups g "
    "LEFT JOIN memberships m ON m.network_id = g.network_id AND m.account_id = ? "
    "LEFT JOIN group_members gm ON gm.group_id = g.id AND gm.account_id = ? ";

GroupAccess access_from(const db::Row& row, const std::optional<http::Viewer>& viewer) {
  GroupAccess result;
  result.exists = true;
  result.group_id = row.int64(0);
  result.network_id = row.int64(1);
  result.visibility = visibility_from(row.text(2)).value_or(Visibility::Group);  // unknown: the strictest
  result.join_policy = join_policy_from(row.text(3)).value_or(JoinPolicy::Invitation);
  result.archived = !row.is_null(4);

  const bool signed_in = viewer.has_value() && viewer->account_id != 0;
  const bool active_in_network = signed_in && row.text(6) == "active";
  result.network_member = active_in_network;
  result.coordinator = signed_in && (viewer->administrator || (active_in_network && row.text(5) == "coordinator"));
  // Group membership counts only while the member still belongs to the network: someone who left
  // the network keeps no back door into its groups.
  const bool active_in_group = active_in_network && row.text(8) == "active";
  result.group_member = active_in_group;
  result.host = active_in_group && row.text(7) == "host";

  switch (result.visibility) {
    case Visibility::Public: result.can_view = true; break;
    case Visibility::Network: result.can_view = result.network_member || result.coordinator; break;
    case Visibility::Group: result.can_view = result.group_member || result.coordinator; break;
  }
  result.can_post = !result.archived && result.group_member;
  result.can_moderate = result.host || result.coordinator;

  const bool outside = active_in_network && !active_in_group && !result.archived;
  const bool invited = row.text(8) == "invited";
  const bool requested = row.text(8) == "requested";
  result.can_join = outside && (result.join_policy == JoinPolicy::Open || invited);
  result.can_request = outside && result.join_policy == JoinPolicy::Request && !requested && !invited;
  return result;
}

db::Params viewer_params(const std::optional<http::Viewer>& viewer) {
  const std::int64_t account = viewer ? viewer->account_id : 0;  // 0 matches no account
  return {account, account};
}

}  // namespace

GroupAccess access(db::Session& session, const std::optional<http::Viewer>& viewer, std::int64_t group_id) {
  static const std::string sql = std::string(kAccessQuery) + "WHERE g.id = ?";
  db::Params params = viewer_params(viewer);
  params.emplace_back(group_id);
  const auto row = session.query_one(sql, params);
  if (!row) return GroupAccess{};
  return access_from(*row, viewer);
}

std::vector<std::int64_t> visible_group_ids(db::Session& session, const std::optional<http::Viewer>& viewer,
                                            std::optional<std::int64_t> network_id) {
  static const std::string all_sql = std::string(kAccessQuery) + "ORDER BY g.id";
  static const std::string network_sql = std::string(kAccessQuery) + "WHERE g.network_id = ? ORDER BY g.id";
  db::Params params = viewer_params(viewer);
  if (network_id) params.emplace_back(*network_id);
  std::vector<std::int64_t> ids;
  for (const db::Row& row : session.query(network_id ? network_sql : all_sql, params)) {
    if (access_from(row, viewer).can_view) ids.push_back(row.int64(0));
  }
  return ids;
}

}  // namespace groups
