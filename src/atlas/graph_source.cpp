// Reads one network's atlas input: members in the atlas, confirmed declared ties, derived ties.
#include "atlas/graph_source.h"

#include <algorithm>
#include <tuple>
#include <unordered_map>

#include "atlas/ties_store.h"

namespace atlas {

namespace {

struct PairAt {
  std::int64_t a = 0;  // lower account id
  std::int64_t b = 0;
  std::int64_t at = 0;
};

// One edge per pair: weight = how many times the pair occurs, since = the earliest moment.
void add_counted_pairs(std::vector<PairAt>& pairs, TieKind kind, std::vector<Edge>& edges) {
  std::sort(pairs.begin(), pairs.end(), [](const PairAt& x, const PairAt& y) {
    return std::tie(x.a, x.b, x.at) < std::tie(y.a, y.b, y.at);
  });
  for (std::size_t first = 0; first < pairs.size();) {
    std::size_t last = first;
    while (last < pairs.size() && pairs[last].a == pairs[first].a && pairs[last].b == pairs[first].b) ++last;
    edges.push_back(Edge{.a = pairs[first].a, .b = pairs[first].b, .kind = kind,
                         .weight = static_cast<float>(last - first), .since = pairs[first].at});
    first = last;
  }
}

Edge declared_edge(std::int64_t tie_id, std::int64_t from_account, std::int64_t to_account, TieKind kind,
                   std::int64_t since) {
  Edge edge;
  edge.a = std::min(from_account, to_account);
  edge.b = std::max(from_account, to_account);
  edge.kind = kind;
  edge.weight = 1;
  edge.since = since;
  edge.tie_id = tie_id;
  if (is_directed(kind)) edge.direction = from_account == edge.a ? EdgeDirection::FromA : EdgeDirection::FromB;
  return edge;
}

Edge declared_edge(const Tie& tie) {
  return declared_edge(tie.id, tie.from_account, tie.to_account, tie.kind,
                       tie.date.value_or(tie.decided_at.value_or(tie.created_at)));
}

bool edge_order(const Edge& x, const Edge& y) {
  return std::tuple(x.a, x.b, static_cast<int>(x.kind), x.tie_id) <
         std::tuple(y.a, y.b, static_cast<int>(y.kind), y.tie_id);
}

bool ended_order(const EndedEdge& x, const EndedEdge& y) {
  return std::tuple(x.edge.a, x.edge.b, static_cast<int>(x.edge.kind), x.until) <
         std::tuple(y.edge.a, y.edge.b, static_cast<int>(y.edge.kind), y.until);
}

// The input's edge of this declared tie (a pair's edges are adjacent), or edges.end().
std::vector<Edge>::const_iterator held_edge(const GraphInput& input, const Edge& edge) {
  const auto by_pair = [](const Edge& x, const Edge& y) { return std::tie(x.a, x.b) < std::tie(y.a, y.b); };
  const auto [pair_begin, pair_end] = std::equal_range(input.edges.begin(), input.edges.end(), edge, by_pair);
  const auto held = std::find_if(pair_begin, pair_end, [&](const Edge& x) { return x.tie_id == edge.tie_id; });
  return held == pair_end ? input.edges.end() : held;
}

bool between_members_of(const GraphInput& input, const Tie& tie) {
  return find_node(input, tie.from_account) != nullptr && find_node(input, tie.to_account) != nullptr;
}

}  // namespace

bool input_shows_tie(const GraphInput& input, const Tie& tie) {
  if (!between_members_of(input, tie)) return true;  // load_graph_input leaves it out too
  const Edge edge = declared_edge(tie);
  const auto held = held_edge(input, edge);
  const auto ended = std::find_if(input.ended.begin(), input.ended.end(),
                                  [&](const EndedEdge& e) { return e.edge.tie_id == tie.id; });
  const bool has_edge = held != input.edges.end() && *held == edge;
  const bool has_ended = ended != input.ended.end() && ended->edge == edge && tie.ended_at == ended->until;
  if (tie.state == TieState::Confirmed) return has_edge && ended == input.ended.end();
  if (tie.state == TieState::Ended && tie.ended_at) return has_ended && held == input.edges.end();
  return held == input.edges.end() && ended == input.ended.end();
}

void apply_tie_changes(GraphInput& input, const std::vector<Tie>& changed) {
  for (const Tie& tie : changed) {
    if (input_shows_tie(input, tie)) continue;
    const Edge edge = declared_edge(tie);
    // Whatever the input holds of this tie goes first.
    if (const auto held = held_edge(input, edge); held != input.edges.end()) input.edges.erase(held);
    std::erase_if(input.ended, [&](const EndedEdge& ended) { return ended.edge.tie_id == tie.id; });

    if (tie.state == TieState::Confirmed) {
      input.edges.insert(std::lower_bound(input.edges.begin(), input.edges.end(), edge, edge_order), edge);
    } else if (tie.state == TieState::Ended && tie.ended_at) {
      const EndedEdge ended{edge, *tie.ended_at};
      input.ended.insert(std::upper_bound(input.ended.begin(), input.ended.end(), ended, ended_order), ended);
    }
  }
}

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
    node.disciplines = std::move(member.disciplines);
    node.town = std::move(member.town);
    node.region = std::move(member.region);
    node.joined_at = member.joined_at;
    node.ties_visibility = member.privacy.ties_visibility;
    index.emplace(node.account_id, input.nodes.size());
    input.nodes.push_back(std::move(node));
  }
  const auto in_atlas = [&](std::int64_t id) { return index.contains(id); };

  // Memberships of members in the atlas only: the derived ties are made from these.
  std::vector<ties_store::GroupMembership> memberships = ties_store::group_memberships(session, network_id);
  std::erase_if(memberships, [&](const auto& m) { return !in_atlas(m.account_id); });
  for (const ties_store::GroupMembership& membership : memberships) {
    input.nodes[index.at(membership.account_id)].group_ids.push_back(membership.group_id);
  }
  for (Node& node : input.nodes) std::sort(node.group_ids.begin(), node.group_ids.end());

  {
    const std::vector<ties_store::ConfirmedTie> confirmed = ties_store::confirmed_ties(session, network_id);
    input.edges.reserve(confirmed.size());
    for (const ties_store::ConfirmedTie& tie : confirmed) {
      if (!in_atlas(tie.from_account) || !in_atlas(tie.to_account)) continue;
      input.edges.push_back(declared_edge(tie.id, tie.from_account, tie.to_account, tie.kind, tie.since));
    }
  }
  for (const Tie& tie : ties_store::ended_ties(session, network_id)) {
    if (!in_atlas(tie.from_account) || !in_atlas(tie.to_account)) continue;
    input.ended.push_back(EndedEdge{declared_edge(tie), *tie.ended_at});
  }
  std::stable_sort(input.ended.begin(), input.ended.end(), ended_order);

  // Derived ties: every pair within a group (or at an occurrence), counted and dated in memory;
  // sorting the pairs is far cheaper than the database's self-join. Only groups of at most
  // kLargestCircle members tie all their members to each other: a group of n gives n(n-1)/2 pairs,
  // and in a crowd not everyone meets (the demo's eight groups once gave 14,411 such ties against
  // 1,200 declared ones, and drew the map into one ball). A larger group still shows on the map
  // through its members' colour and the group filter.
  std::vector<PairAt> pairs;
  for (std::size_t first = 0; first < memberships.size();) {
    std::size_t last = first;
    while (last < memberships.size() && memberships[last].group_id == memberships[first].group_id) ++last;
    if (last - first > kLargestCircle) {
      first = last;
      continue;
    }
    for (std::size_t i = first; i < last; ++i) {
      for (std::size_t j = i + 1; j < last; ++j) {
        // Both were in the group from the later of their two joins.
        pairs.push_back(PairAt{memberships[i].account_id, memberships[j].account_id,
                               std::max(memberships[i].joined_at, memberships[j].joined_at)});
      }
    }
    first = last;
  }
  add_counted_pairs(pairs, TieKind::SharedGroup, input.edges);

  std::vector<ties_store::Attendance> present = ties_store::attendances(session, network_id);
  std::erase_if(present, [&](const auto& a) { return !in_atlas(a.account_id); });
  pairs.clear();
  for (std::size_t first = 0; first < present.size();) {
    std::size_t last = first;
    while (last < present.size() && present[last].occurrence_id == present[first].occurrence_id) ++last;
    for (std::size_t i = first; i < last; ++i) {
      for (std::size_t j = i + 1; j < last; ++j) {
        pairs.push_back(PairAt{present[i].account_id, present[j].account_id, present[i].starts_at});
      }
    }
    first = last;
  }
  add_counted_pairs(pairs, TieKind::MetAtEvents, input.edges);

  std::sort(input.edges.begin(), input.edges.end(), edge_order);
  return input;
}

}  // namespace atlas
