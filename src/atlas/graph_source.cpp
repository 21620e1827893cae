// Reads one network's atlas input: members in the atlas, confirmed declared ties, derived ties.
#include "atlas/graph_source.h"

#include <algorithm>
#include <tuple>
#include <unordered_map>

#include "atlas/ties_store.h"

namespace atlas {

GraphInput load_graph_input(db::Session& session, std::int64_t network_id) {
  GraphInput input;
  input.network_id = network_id;

  // Members hidden from the atlas, and members whose whole profile is hidden, are left out with
  // everything attached to them.
  std::unordered_map<std::int64_t, std::size_t> index;
  for (ties_store::MemberRow& member : ties_store::network_members(session, network_id)) {
    if (member.privacy.hidden || member.profile_hidden) continue;
    Node node;
    node.account_id = member.account_id;
    node.name = std::move(member.name);
    node.profile_path = "/leden/" + std::to_string(member.account_id);
    node.disciplines = std::move(member.disciplines);
    node.town = std::move(member.town);
    node.region = std::move(member.region);
    node.joined_at = member.joined_at;
    node.ties_visibility = member.privacy.ties_visibility;
    index.emplace(node.account_id, input.nodes.size());
    input.nodes.push_back(std::move(node));
  }
  const auto in_atlas = [&](std::int64_t id) { return index.contains(id); };

  for (const ties_store::GroupMembership& membership : ties_store::group_memberships(session, network_id)) {
    if (auto it = index.find(membership.account_id); it != index.end()) {
      input.nodes[it->second].group_ids.push_back(membership.group_id);
    }
  }

  for (const Tie& tie : ties_store::confirmed_ties(session, network_id)) {
    if (!in_atlas(tie.from_account) || !in_atlas(tie.to_account)) continue;
    Edge edge;
    edge.a = std::min(tie.from_account, tie.to_account);
    edge.b = std::max(tie.from_account, tie.to_account);
    edge.kind = tie.kind;
    edge.weight = 1;
    edge.since = tie.date.value_or(tie.decided_at.value_or(tie.created_at));
    edge.tie_id = tie.id;
    edge.from = is_directed(tie.kind) ? tie.from_account : 0;
    input.edges.push_back(edge);
  }

  const auto add_derived = [&](const std::vector<ties_store::SharedPair>& pairs, TieKind kind) {
    for (const ties_store::SharedPair& pair : pairs) {
      if (!in_atlas(pair.a) || !in_atlas(pair.b)) continue;
      input.edges.push_back(Edge{pair.a, pair.b, kind, static_cast<double>(pair.count), pair.since, 0, 0});
    }
  };
  add_derived(ties_store::shared_group_pairs(session, network_id), TieKind::SharedGroup);
  add_derived(ties_store::met_at_event_pairs(session, network_id), TieKind::MetAtEvents);

  std::sort(input.edges.begin(), input.edges.end(), [](const Edge& x, const Edge& y) {
    return std::tuple(x.a, x.b, static_cast<int>(x.kind), x.tie_id) <
           std::tuple(y.a, y.b, static_cast<int>(y.kind), y.tie_id);
  });
  return input;
}

}  // namespace atlas
