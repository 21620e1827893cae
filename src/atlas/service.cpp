#include "atlas/service.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdint>
#include <ctime>
#include <limits>
#include <optional>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "atlas/graph_source.h"
#include "atlas/ties_store.h"

namespace atlas {

namespace {

std::string iso_day(std::int64_t unix_seconds) {
  const auto seconds = static_cast<std::time_t>(unix_seconds);
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  char buffer[16];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d", &parts);
  return buffer;
}

// Breadth-first search from both ends at once over the declared ties the scope may see, avoiding
// banned members and banned pairs (Yen's spur searches). Level by level: when the two searches meet,
// the rest of that level is finished and the shortest meeting chosen.
//
// Per member and per tie it keeps flat arrays instead of hash maps (a 100k-member network made every
// step a hash lookup: 10 ms a query), and remembers each member's visibility (looked up once per member)
// and what privacy decided for each tie, so the k searches of one request decide each at most once.
class ChainSearch {
 public:
  ChainSearch(const Snapshot& snapshot, const ViewerScope& scope)
      : input_(*snapshot.input),
        ties_(*snapshot.ties),
        scope_(scope),
        depth_{std::vector<std::uint32_t>(input_.nodes.size(), kUnseen),
               std::vector<std::uint32_t>(input_.nodes.size(), kUnseen)},
        parent_{std::vector<std::uint32_t>(input_.nodes.size(), 0), std::vector<std::uint32_t>(input_.nodes.size(), 0)},
        node_visibility_(input_.nodes.size(), kUnknown),
        edge_allowed_(input_.edges.size(), kUnknown) {}

  std::vector<std::size_t> shortest(std::size_t from, std::size_t to, const std::unordered_set<std::size_t>& banned_nodes,
                                    const std::vector<std::pair<std::size_t, std::size_t>>& banned_pairs) {
    if (from == to) return {from};
    reset();
    visit(kForward, from, from, 0);
    visit(kBackward, to, to, 0);
    std::vector<std::size_t> forward_frontier{from};
    std::vector<std::size_t> backward_frontier{to};
    while (!forward_frontier.empty() && !backward_frontier.empty()) {
      const int side = forward_frontier.size() <= backward_frontier.size() ? kForward : kBackward;
      const int other = 1 - side;
      auto& frontier = side == kForward ? forward_frontier : backward_frontier;
      std::vector<std::size_t> next;
      std::optional<std::size_t> meeting;
      std::uint32_t best = std::numeric_limits<std::uint32_t>::max();
      for (const std::size_t u : frontier) {
        const std::uint32_t depth = depth_[side][u];
        for (std::uint32_t at = ties_.offsets[u]; at < ties_.offsets[u + 1]; ++at) {
          const std::size_t v = ties_.neighbours[at];
          if (depth_[side][v] != kUnseen || banned_nodes.contains(v) || is_banned(banned_pairs, u, v)) continue;
          if (!usable(u, v, ties_.edges[at])) continue;
          visit(side, v, u, depth + 1);
          if (depth_[other][v] != kUnseen) {
            const std::uint32_t length = depth + 1 + depth_[other][v];
            if (length < best) {
              best = length;
              meeting = v;
            }
          }
          next.push_back(v);
        }
      }
      if (meeting) {
        std::vector<std::size_t> chain;
        for (std::size_t at = *meeting; at != from; at = parent_[kForward][at]) chain.push_back(at);
        chain.push_back(from);
        std::reverse(chain.begin(), chain.end());
        for (std::size_t at = *meeting; at != to;) {
          at = parent_[kBackward][at];
          chain.push_back(at);
        }
        return chain;
      }
      frontier = std::move(next);
    }
    return {};
  }

  bool visible_node(std::size_t node) { return scope_.member && visibility_at(node).has_value(); }

 private:
  static constexpr std::uint32_t kUnseen = std::numeric_limits<std::uint32_t>::max();
  static constexpr int kForward = 0;
  static constexpr int kBackward = 1;
  static constexpr std::uint8_t kUnknown = 0;
  static constexpr std::uint8_t kAllowed = 1;
  static constexpr std::uint8_t kRefused = 2;
  static constexpr std::uint8_t kNotInAtlas = 1;       // node_visibility_ (kUnknown: not looked up yet)
  static constexpr std::uint8_t kFirstVisibility = 2;

  template <typename Decide>
  static bool remembered(std::uint8_t& slot, Decide decide) {
    if (slot == kUnknown) slot = decide() ? kAllowed : kRefused;
    return slot == kAllowed;
  }

  void visit(int side, std::size_t node, std::size_t parent, std::uint32_t depth) {
    depth_[side][node] = depth;
    parent_[side][node] = static_cast<std::uint32_t>(parent);
    touched_.push_back(node);
  }

  // Only the members the previous search reached are cleared, not every member.
  void reset() {
    for (const std::size_t node : touched_) depth_[kForward][node] = depth_[kBackward][node] = kUnseen;
    touched_.clear();
  }

  static bool is_banned(const std::vector<std::pair<std::size_t, std::size_t>>& pairs, std::size_t u, std::size_t v) {
    for (const auto& [a, b] : pairs) {
      if ((a == u && b == v) || (a == v && b == u)) return true;
    }
    return false;
  }
  // The edge between `from` and `node` (positions; the edge's ends in either order).
  bool usable(std::size_t from, std::size_t node, std::uint32_t edge) {
    return visible_node(node) && remembered(edge_allowed_[edge], [&] {
             const Edge& tie = input_.edges[edge];
             const bool from_is_a = input_.nodes[from].account_id == tie.a;
             return may_see_edge_between(scope_, tie, visibility_at(from_is_a ? from : node),
                                         visibility_at(from_is_a ? node : from));
           });
  }

  // A member's visibility_of, remembered by position: kUnknown, kNotInAtlas, or the visibility
  // after kFirstVisibility.
  std::optional<TieVisibility> visibility_at(std::size_t node) {
    std::uint8_t& slot = node_visibility_[node];
    if (slot == kUnknown) {
      const std::optional<TieVisibility> found = visibility_of(scope_, input_.nodes[node].account_id);
      slot = found ? static_cast<std::uint8_t>(kFirstVisibility + static_cast<std::uint8_t>(*found)) : kNotInAtlas;
    }
    if (slot == kNotInAtlas) return std::nullopt;
    return static_cast<TieVisibility>(slot - kFirstVisibility);
  }

  const GraphInput& input_;
  const TieAdjacency& ties_;
  const ViewerScope& scope_;
  std::vector<std::uint32_t> depth_[2];   // per member, from each end; kUnseen: not reached
  std::vector<std::uint32_t> parent_[2];  // per member reached: where it was reached from
  std::vector<std::size_t> touched_;      // the members reached by the last search
  std::vector<std::uint8_t> node_visibility_;
  std::vector<std::uint8_t> edge_allowed_;
};

// The visible declared kinds between two members (node positions).
std::vector<TieKind> visible_kinds_between(const Snapshot& snapshot, const ViewerScope& scope, std::size_t u,
                                           std::size_t v) {
  const TieAdjacency& ties = *snapshot.ties;
  std::vector<TieKind> kinds;
  for (std::uint32_t at = ties.offsets[u]; at < ties.offsets[u + 1]; ++at) {
    if (ties.neighbours[at] != v) continue;
    const Edge& edge = snapshot.input->edges[ties.edges[at]];
    if (may_see_edge(scope, edge) && std::find(kinds.begin(), kinds.end(), edge.kind) == kinds.end()) {
      kinds.push_back(edge.kind);
    }
  }
  return kinds;
}

bool precedes(const GraphInput& input, const std::vector<std::size_t>& l, const std::vector<std::size_t>& r) {
  if (l.size() != r.size()) return l.size() < r.size();
  for (std::size_t i = 0; i < l.size(); ++i) {
    if (l[i] != r[i]) return input.nodes[l[i]].account_id < input.nodes[r[i]].account_id;
  }
  return false;
}

}  // namespace

std::vector<std::vector<std::size_t>> shortest_chains(const Snapshot& snapshot, const ViewerScope& scope,
                                                      std::size_t from, std::size_t to, std::size_t k) {
  std::vector<std::vector<std::size_t>> found;
  if (!snapshot.ties || k == 0) return found;
  ChainSearch search(snapshot, scope);
  if (!search.visible_node(from) || !search.visible_node(to)) return found;
  std::vector<std::size_t> first = search.shortest(from, to, {}, {});
  if (first.empty()) return found;
  found.push_back(std::move(first));
  std::vector<std::vector<std::size_t>> candidates;
  // Yen: each next chain leaves an earlier one at some member (the spur) and takes a way not taken yet.
  while (found.size() < k) {
    const std::vector<std::size_t> last = found.back();
    for (std::size_t i = 0; i + 1 < last.size(); ++i) {
      const std::vector<std::size_t> root(last.begin(), last.begin() + static_cast<std::ptrdiff_t>(i) + 1);
      std::vector<std::pair<std::size_t, std::size_t>> banned_pairs;
      for (const auto& chain : found) {
        if (chain.size() > i + 1 && std::equal(root.begin(), root.end(), chain.begin())) {
          banned_pairs.emplace_back(chain[i], chain[i + 1]);
        }
      }
      const std::unordered_set<std::size_t> banned_nodes(root.begin(), root.end() - 1);
      std::vector<std::size_t> spur = search.shortest(last[i], to, banned_nodes, banned_pairs);
      if (spur.empty()) continue;
      std::vector<std::size_t> chain(root.begin(), root.end() - 1);
      chain.insert(chain.end(), spur.begin(), spur.end());
      if (std::find(found.begin(), found.end(), chain) == found.end() &&
          std::find(candidates.begin(), candidates.end(), chain) == candidates.end()) {
        candidates.push_back(std::move(chain));
      }
    }
    if (candidates.empty()) break;
    const auto best = std::min_element(candidates.begin(), candidates.end(), [&](const auto& l, const auto& r) {
      return precedes(*snapshot.input, l, r);
    });
    found.push_back(std::move(*best));
    candidates.erase(best);
  }
  return found;
}

std::vector<Suggestion> meet_suggestions(const Snapshot& snapshot, const ViewerScope& scope, std::size_t viewer,
                                         std::size_t limit) {
  std::vector<Suggestion> result;
  if (!snapshot.ties) return result;
  const GraphInput& input = *snapshot.input;
  const TieAdjacency& ties = *snapshot.ties;
  auto visible_neighbours = [&](std::size_t u) {
    std::vector<std::size_t> out;
    for (std::uint32_t at = ties.offsets[u]; at < ties.offsets[u + 1]; ++at) {
      const std::size_t v = ties.neighbours[at];
      if (may_see_node(scope, input.nodes[v].account_id) && may_see_edge(scope, input.edges[ties.edges[at]])) {
        out.push_back(v);
      }
    }
    return out;
  };
  const std::vector<std::size_t> first_step = visible_neighbours(viewer);
  const std::unordered_set<std::size_t> direct(first_step.begin(), first_step.end());
  std::map<std::size_t, std::set<std::size_t>> via;  // candidate -> mutual connections
  for (const std::size_t u : direct) {
    for (const std::size_t w : visible_neighbours(u)) {
      if (w != viewer && !direct.contains(w)) via[w].insert(u);
    }
  }
  const std::vector<std::string>& mine = input.nodes[viewer].disciplines;
  struct Ranked {
    std::size_t node;
    std::vector<std::string> new_disciplines;
    std::size_t mutual;
  };
  std::vector<Ranked> ranked;
  for (const auto& [candidate, mutual] : via) {
    std::vector<std::string> fresh;
    for (const std::string& discipline : input.nodes[candidate].disciplines) {
      if (std::find(mine.begin(), mine.end(), discipline) == mine.end()) fresh.push_back(discipline);
    }
    if (fresh.empty()) continue;  // nothing to complement
    ranked.push_back(Ranked{candidate, std::move(fresh), mutual.size()});
  }
  std::sort(ranked.begin(), ranked.end(), [&](const Ranked& l, const Ranked& r) {
    if (l.new_disciplines.size() != r.new_disciplines.size()) return l.new_disciplines.size() > r.new_disciplines.size();
    if (l.mutual != r.mutual) return l.mutual > r.mutual;
    return input.nodes[l.node].account_id < input.nodes[r.node].account_id;
  });
  for (std::size_t i = 0; i < ranked.size() && i < limit; ++i) {
    const Node& node = input.nodes[ranked[i].node];
    Suggestion suggestion;
    suggestion.account_id = node.account_id;
    suggestion.name = node.name;
    suggestion.profile_path = node.profile_path();
    suggestion.disciplines = node.disciplines;
    suggestion.new_disciplines = ranked[i].new_disciplines;
    suggestion.mutual = static_cast<std::int64_t>(ranked[i].mutual);
    std::vector<std::int64_t> introducers;
    for (const std::size_t u : via[ranked[i].node]) introducers.push_back(input.nodes[u].account_id);
    std::sort(introducers.begin(), introducers.end());
    if (introducers.size() > 3) introducers.resize(3);
    suggestion.via = std::move(introducers);
    result.push_back(std::move(suggestion));
  }
  return result;
}

// --- Service

Service::Service(db::Database& database, Engine& engine, regions::Service& networks,
                 std::function<bool(const http::Viewer&, std::int64_t)> can_coordinate, ServiceOptions options)
    : database_(database),
      engine_(engine),
      networks_(networks),
      can_coordinate_(std::move(can_coordinate)),
      options_(options) {
  engine_.set_on_computed([this](const Snapshot& snapshot) {
    return database_.write([&](db::Session& session) { return snapshot_store::insert(session, snapshot); });
  });
}

std::int64_t Service::now() const {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::optional<regions::Network> Service::network_by_id(std::int64_t network_id) {
  for (regions::Network& network : networks_.networks()) {
    if (network.id == network_id) return std::move(network);
  }
  return std::nullopt;
}

std::optional<regions::Network> Service::network_for(const std::optional<http::Viewer>& viewer, std::string_view slug) {
  if (!slug.empty()) {
    auto overview = networks_.overview(slug);
    if (!overview) return std::nullopt;
    return overview->network;
  }
  std::vector<regions::Network> all = networks_.networks();
  if (viewer) {
    const std::int64_t account = viewer->account_id;
    for (regions::Network& network : all) {
      if (database_.read([&](db::Session& session) { return ties_store::is_active_member(session, account, network.id); })) {
        return std::move(network);
      }
    }
  }
  auto primary = networks_.primary_overview();
  if (!primary) return std::nullopt;
  return primary->network;
}

VisibleGraph Service::visible_graph(std::shared_ptr<const Snapshot> snapshot, const ViewerScope& scope,
                                    const regions::Network& network, std::map<std::int64_t, std::string> names) const {
  VisibleGraph graph;
  graph.network_id = network.id;
  graph.network_slug = network.slug;
  graph.network_name = network.name;
  graph.cluster_names = std::move(names);
  const GraphInput& input = *snapshot->input;
  graph.nodes.reserve(input.nodes.size());
  for (std::size_t i = 0; i < input.nodes.size(); ++i) {
    if (may_see_node(scope, input.nodes[i].account_id)) graph.nodes.push_back(i);
  }
  graph.edges.reserve(input.edges.size());
  for (std::size_t e = 0; e < input.edges.size(); ++e) {
    if (may_see_edge(scope, input.edges[e])) graph.edges.push_back(e);
  }
  for (std::size_t e = 0; e < input.ended.size(); ++e) {
    if (may_see_edge(scope, input.ended[e].edge)) graph.ended.push_back(e);
  }
  for (const std::int64_t id : snapshot->brokers) {
    if (may_see_node(scope, id)) graph.brokers.push_back(id);
  }
  for (const std::int64_t id : snapshot->isolated) {
    if (may_see_node(scope, id)) graph.isolated.push_back(id);
  }
  graph.snapshot = std::move(snapshot);
  return graph;
}

Scoped Service::scoped(const std::optional<http::Viewer>& viewer, std::int64_t network_id,
                       std::map<std::int64_t, std::string>* names) {
  Scoped result;
  if (!viewer) {
    result.refusal = Refusal::SignInRequired;
    return result;
  }
  database_.read([&](db::Session& session) {
    result.scope = scope_for(session, viewer, network_id);
    if (result.scope.member && names != nullptr) *names = snapshot_store::cluster_names(session, network_id);
  });
  if (!result.scope.member) {
    result.refusal = Refusal::NotAMember;
    return result;
  }
  result.snapshot = engine_.current(network_id);
  if (!result.snapshot) result.refusal = Refusal::NotReady;
  return result;
}

Visible Service::visible(const std::optional<http::Viewer>& viewer, std::int64_t network_id) {
  Visible result;
  if (!viewer) {
    result.refusal = Refusal::SignInRequired;
    return result;
  }
  const auto network = network_by_id(network_id);
  if (!network) {
    result.refusal = Refusal::UnknownNetwork;
    return result;
  }
  std::map<std::int64_t, std::string> names;
  Scoped seen = scoped(viewer, network_id, &names);
  result.scope = std::move(seen.scope);
  if (seen.refusal) {
    result.refusal = seen.refusal;
    return result;
  }
  result.graph = visible_graph(std::move(seen.snapshot), result.scope, *network, std::move(names));
  return result;
}

std::optional<std::string> Service::atlas_json_for(const std::optional<http::Viewer>& viewer, std::int64_t network_id,
                                                   Refusal* refusal) {
  Visible seen = visible(viewer, network_id);
  if (seen.refusal) {
    if (refusal) *refusal = *seen.refusal;
    return std::nullopt;
  }
  return atlas_json(seen.graph);
}

PathAnswer Service::paths(const std::optional<http::Viewer>& viewer, std::int64_t network_id, std::int64_t from,
                          std::int64_t to, std::size_t k) {
  PathAnswer answer;
  if (viewer && !network_by_id(network_id)) {  // (no viewer: scoped() asks to sign in first)
    answer.refusal = Refusal::UnknownNetwork;
    return answer;
  }
  // First over the served snapshot with only the members involved read now (a large network's every
  // member is not read for one path); shown only when every member in the chains is confirmed.
  if (const std::shared_ptr<const Snapshot> served = viewer ? engine_.current(network_id) : nullptr;
      served && served->input) {
    const ViewerScope scope = database_.read(
        [&](db::Session& session) { return scope_over(session, viewer, network_id, served, {from, to}); });
    if (scope.member) {
      PathAnswer fast = chains_between(*served, scope, from, to, k);
      std::vector<std::int64_t> shown;
      for (const auto& chain : fast.chains) {
        for (const ChainStep& step : chain) shown.push_back(step.account_id);
      }
      if (shown.empty() ||
          database_.read([&](db::Session& session) { return still_holds(session, scope, shown); })) {
        return fast;
      }
      spdlog::debug("atlas: a member on the chains {} -> {} changed since the snapshot: answered from the whole network",
                    from, to);
    }
  }
  const Scoped seen = scoped(viewer, network_id, nullptr);
  if (seen.refusal) {
    answer.refusal = seen.refusal;
    return answer;
  }
  return chains_between(*seen.snapshot, seen.scope, from, to, k);
}

PathAnswer Service::chains_between(const Snapshot& snapshot, const ViewerScope& scope, std::int64_t from,
                                   std::int64_t to, std::size_t k) {
  PathAnswer answer;
  const std::optional<std::size_t> from_at = snapshot.index.find(from);
  const std::optional<std::size_t> to_at = snapshot.index.find(to);
  if (!from_at || !to_at || !may_see_node(scope, from) || !may_see_node(scope, to)) {
    answer.unknown_member = true;
    return answer;
  }
  const std::size_t wanted = std::clamp<std::size_t>(k, 1, kMaxChains);
  for (const auto& chain : shortest_chains(snapshot, scope, *from_at, *to_at, wanted)) {
    std::vector<ChainStep> steps;
    for (std::size_t i = 0; i < chain.size(); ++i) {
      const Node& node = snapshot.input->nodes[chain[i]];
      ChainStep step{node.account_id, node.name, node.profile_path(), {}};
      if (i + 1 < chain.size()) step.kinds_to_next = visible_kinds_between(snapshot, scope, chain[i], chain[i + 1]);
      steps.push_back(std::move(step));
    }
    answer.chains.push_back(std::move(steps));
  }
  return answer;
}

SuggestionAnswer Service::suggestions(const std::optional<http::Viewer>& viewer, std::int64_t network_id,
                                      std::size_t limit) {
  SuggestionAnswer answer;
  if (viewer && !network_by_id(network_id)) {  // (no viewer: scoped() asks to sign in first)
    answer.refusal = Refusal::UnknownNetwork;
    return answer;
  }
  const Scoped seen = scoped(viewer, network_id, nullptr);
  if (seen.refusal) {
    answer.refusal = seen.refusal;
    return answer;
  }
  const Snapshot& snapshot = *seen.snapshot;
  const std::optional<std::size_t> me = snapshot.index.find(viewer->account_id);
  if (!me || !seen.scope.viewer_in_atlas) {
    answer.viewer_not_in_atlas = true;
    return answer;
  }
  answer.suggestions = meet_suggestions(snapshot, seen.scope, *me, std::clamp<std::size_t>(limit, 1, kMaxSuggestions));
  return answer;
}

ExportAnswer Service::export_for(const std::optional<http::Viewer>& viewer, std::int64_t network_id,
                                 ExportFormat format) {
  ExportAnswer answer;
  if (!viewer) {
    answer.refusal = Refusal::SignInRequired;
    return answer;
  }
  const auto network = network_by_id(network_id);
  if (!network) {
    answer.refusal = Refusal::UnknownNetwork;
    return answer;
  }
  if (!can_coordinate_ || !can_coordinate_(*viewer, network_id)) {
    answer.refusal = Refusal::NotCoordinator;
    return answer;
  }
  Visible seen = visible(viewer, network_id);
  if (seen.refusal) {
    answer.refusal = seen.refusal;
    return answer;
  }
  answer.body = render(seen.graph, format);
  answer.file_name = "atlas-" + network->slug + "-" + iso_day(now()) + "." + std::string(file_extension(format));
  return answer;
}

ViewerScope Service::network_scope(const GraphInput& input, std::int64_t network_id) const {
  // A member of the network who is no endpoint and nobody's connection: sees every node and exactly
  // the ties both endpoints show to the whole network.
  ViewerScope scope;
  scope.network_id = network_id;
  scope.member = true;
  scope.coordinator = true;
  for (const Node& node : input.nodes) scope.ties_visibility.emplace(node.account_id, node.ties_visibility);
  return scope;
}

std::optional<std::string> Service::export_network_scope(std::int64_t network_id, ExportFormat format) {
  const auto network = network_by_id(network_id);
  auto snapshot = engine_.current(network_id);
  if (!network || !snapshot) return std::nullopt;
  const ViewerScope scope = network_scope(*snapshot->input, network_id);
  auto names = database_.read([&](db::Session& session) { return snapshot_store::cluster_names(session, network_id); });
  return render(visible_graph(std::move(snapshot), scope, *network, std::move(names)), format);
}

bool Service::name_cluster(std::int64_t network_id, std::int64_t cluster_id, const std::string& name,
                           std::int64_t by_account) {
  const auto snapshot = engine_.current(network_id);
  if (!snapshot) return false;
  const bool exists = std::any_of(snapshot->clusters.begin(), snapshot->clusters.end(),
                                  [&](const Cluster& cluster) { return cluster.id == cluster_id; });
  if (!exists) return false;
  database_.write([&](db::Session& session) {
    snapshot_store::put_cluster_name(session, network_id, cluster_id, name, by_account, now());
  });
  return true;
}

std::vector<snapshot_store::FiguresAt> Service::history(std::int64_t network_id) {
  return database_.read([&](db::Session& session) { return snapshot_store::history(session, network_id); });
}

void Service::start() {
  const auto ids = database_.read([](db::Session& session) { return snapshot_store::network_ids(session); });
  for (const std::int64_t network_id : ids) {
    std::optional<Snapshot> stored;
    std::shared_ptr<const GraphInput> input;
    snapshot_store::TiesMarker marker;
    database_.read([&](db::Session& session) {
      stored = snapshot_store::latest(session, network_id);
      marker = snapshot_store::ties_marker(session, network_id);
      input = std::make_shared<const GraphInput>(load_graph_input(session, network_id));
    });
    {
      std::lock_guard lock(refresh_mutex_);
      seen_[network_id] = Seen{marker, std::chrono::steady_clock::now(), input};
    }
    if (stored) {
      engine_.restore(std::move(*stored), input);
    } else {
      engine_.update(input);
    }
  }
}

void Service::refresh(std::int64_t network_id) {
  std::lock_guard lock(refresh_mutex_);
  const auto started = std::chrono::steady_clock::now();
  const auto found = seen_.find(network_id);
  const Seen* seen = found != seen_.end() && found->second.input && engine_.current(network_id) ? &found->second : nullptr;
  const bool full_due = !seen || started - seen->full_check >= options_.full_check_interval;

  // One read transaction: the marker first, then what changed since the last one (or everything).
  // Ties changed by a write whose clock ran a little behind the latest decision are caught by
  // looking back kTieChangeLookback: applying a tie twice changes nothing. A tie erased in the same
  // interval as another was declared leaves the count equal and waits for the full check; requests
  // are not affected (each checks its members' privacy and membership itself).
  snapshot_store::TiesMarker marker;
  std::optional<std::vector<Tie>> changed;  // set: only declared ties changed, these
  std::shared_ptr<const GraphInput> whole;  // set: the whole input was read
  database_.read([&](db::Session& session) {
    marker = snapshot_store::ties_marker(session, network_id);
    if (!full_due && marker == seen->marker) return;
    const bool only_ties_added_or_decided = !full_due && marker.privacy_rows == seen->marker.privacy_rows &&
                                            marker.privacy_updated == seen->marker.privacy_updated &&
                                            marker.ties >= seen->marker.ties;
    if (only_ties_added_or_decided) {
      changed = ties_store::ties_changed_since(session, network_id, seen->marker.last_decided - snapshot_store::kTieChangeLookback,
                                               seen->marker.last_ended - snapshot_store::kTieChangeLookback);
    } else {
      whole = std::make_shared<const GraphInput>(load_graph_input(session, network_id));
    }
  });
  if (!changed && !whole) return;  // nothing changed
  if (changed) {
    // A new pending tie, or ties looked at again within the look-back: nothing to show differently,
    // so neither a copy of the input (75 MB at 100k members) nor a patch.
    std::erase_if(*changed, [&](const Tie& tie) { return input_shows_tie(*seen->input, tie); });
    if (changed->empty()) {
      found->second.marker = marker;
      return;
    }
  }
  const auto read = std::chrono::steady_clock::now();
  std::shared_ptr<const GraphInput> input = whole;
  if (changed) {
    auto next = std::make_shared<GraphInput>(*seen->input);
    apply_tie_changes(*next, *changed);
    input = std::move(next);
  }
  seen_[network_id] = Seen{marker, whole ? started : seen->full_check, input};
  engine_.update(input);
  spdlog::debug("atlas: network {} refreshed: {} read in {} ms, served after {} ms more", network_id,
                whole ? "the whole input" : std::to_string(changed->size()) + " changed ties",
                std::chrono::duration_cast<std::chrono::milliseconds>(read - started).count(),
                std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - read).count());
}

void Service::refresh_all() {
  bool first = false;
  {
    std::lock_guard lock(refresh_mutex_);
    first = !started_;
    started_ = true;
  }
  if (first) {
    start();
    return;
  }
  const auto ids = database_.read([](db::Session& session) { return snapshot_store::network_ids(session); });
  for (const std::int64_t network_id : ids) {
    try {
      refresh(network_id);
    } catch (const std::exception& error) {
      spdlog::error("atlas: refreshing network {} failed: {}", network_id, error.what());
    }
  }
}

}  // namespace atlas
