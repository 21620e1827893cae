// atlas::Service: serves the engine's snapshots to viewers and keeps them current. For one viewer it
// builds what they may see (privacy.h: members in the atlas, the network-visible ties of the snapshot
// plus the viewer's own extra visible ties; visitors and non-members nothing), the chains "how am I
// connected to X" (breadth-first search over the snapshot's declared ties in memory, never igraph),
// "who should I meet", exports, cluster names and the figures over time. It also decides when the
// engine recomputes: refresh() compares a cheap marker of ties and privacy choices (every run of the
// "atlas.refresh" job) and the whole input's fingerprint (every `full_check_interval`), and hands a
// changed input to Engine::update. When only declared ties were added or decided, it reads just those
// and applies them to the input it handed over last (graph_source.h: apply_tie_changes) instead of
// reading the whole network again; members, privacy and derived ties are read whole.
//
// The atlas JSON is described in exports.h. Thread-safety: all functions may be called from any
// thread; the engine's snapshots are immutable.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "atlas/engine.h"
#include "atlas/exports.h"
#include "atlas/privacy.h"
#include "atlas/snapshot_store.h"
#include "db/database.h"
#include "http/request.h"
#include "regions/service.h"

namespace atlas {

// Why a viewer gets nothing.
enum class Refusal {
  SignInRequired,  // a visitor: 401
  NotAMember,      // signed in, not an active member of the network: 403
  NotCoordinator,  // coordinator-only (exports, names, figures): 403
  UnknownNetwork,  // 404
  NotReady,        // no snapshot computed yet: 503
};

struct Visible {
  std::optional<Refusal> refusal;
  VisibleGraph graph;
  ViewerScope scope;
};

// The viewer's scope and the served snapshot, without the visible graph: what paths and suggestions
// need (they check each member and tie they touch instead of filtering the whole network).
struct Scoped {
  std::optional<Refusal> refusal;
  ViewerScope scope;
  std::shared_ptr<const Snapshot> snapshot;
};

// One chain of confirmed ties from one member to another, both ends included.
struct ChainStep {
  std::int64_t account_id = 0;
  std::string name;
  std::string profile_path;
  std::vector<TieKind> kinds_to_next;  // the visible declared ties to the next member (empty for the last)
};
struct PathAnswer {
  std::optional<Refusal> refusal;
  bool unknown_member = false;  // `from` or `to` is not a member the viewer may see: 404
  std::vector<std::vector<ChainStep>> chains;  // shortest first; empty: not connected
};

// A member two steps away whose disciplines complement the viewer's.
struct Suggestion {
  std::int64_t account_id = 0;
  std::string name;
  std::string profile_path;
  std::vector<std::string> disciplines;
  std::vector<std::string> new_disciplines;  // theirs and not the viewer's
  std::vector<std::int64_t> via;             // mutual connections who can introduce (at most 3 listed)
  std::int64_t mutual = 0;                   // how many mutual connections in all
};
struct SuggestionAnswer {
  std::optional<Refusal> refusal;
  bool viewer_not_in_atlas = false;  // hidden viewers get no suggestions (and are told why)
  std::vector<Suggestion> suggestions;
};

struct ExportAnswer {
  std::optional<Refusal> refusal;
  std::string body;
  std::string file_name;  // "atlas-kkp-2026-11-29.gexf"
};

struct ServiceOptions {
  std::chrono::seconds full_check_interval{300};  // the whole input's fingerprint at most this often
};

inline constexpr std::size_t kMaxChains = 5;
inline constexpr std::size_t kMaxSuggestions = 50;

class Service {
 public:
  // `can_coordinate(viewer, network_id)`: auth::Service::can_coordinate. Everything passed must
  // outlive the service.
  Service(db::Database& database, Engine& engine, regions::Service& networks,
          std::function<bool(const http::Viewer&, std::int64_t)> can_coordinate, ServiceOptions options = {});

  // The network named by `slug`; empty slug: the viewer's first network (else the primary one).
  std::optional<regions::Network> network_for(const std::optional<http::Viewer>& viewer, std::string_view slug);

  // What the viewer may see of the network's served snapshot.
  Visible visible(const std::optional<http::Viewer>& viewer, std::int64_t network_id);
  // The atlas JSON (exports.h) for the viewer; the refusal otherwise.
  std::optional<std::string> atlas_json_for(const std::optional<http::Viewer>& viewer, std::int64_t network_id,
                                            Refusal* refusal = nullptr);

  // Up to `k` (1..5) shortest chains of confirmed ties the viewer may see from `from` to `to`. Reads
  // only the members involved (privacy.h: scope_over), not the network's every member.
  PathAnswer paths(const std::optional<http::Viewer>& viewer, std::int64_t network_id, std::int64_t from,
                   std::int64_t to, std::size_t k);
  // Members two steps from the viewer (over visible confirmed ties), not tied to them yet, with a
  // discipline the viewer lacks; most new disciplines first, then most mutual connections.
  SuggestionAnswer suggestions(const std::optional<http::Viewer>& viewer, std::int64_t network_id, std::size_t limit);

  // An export for a coordinator of the network, as that coordinator may see it.
  ExportAnswer export_for(const std::optional<http::Viewer>& viewer, std::int64_t network_id, ExportFormat format);
  // An export of what every member of the network may see (nodes and network-visible ties): the
  // command line's scope.
  std::optional<std::string> export_network_scope(std::int64_t network_id, ExportFormat format);

  // A coordinator names a cluster (empty: unnamed). False when the cluster is not in the snapshot.
  bool name_cluster(std::int64_t network_id, std::int64_t cluster_id, const std::string& name, std::int64_t by_account);
  // The figures of every stored run, oldest first.
  std::vector<snapshot_store::FiguresAt> history(std::int64_t network_id);

  // Start-up: serves each network's stored snapshot (patched to the current input), or computes one
  // when none is stored.
  void start();
  // Brings the network's served snapshot up to date when its input changed (see the header comment).
  void refresh(std::int64_t network_id);
  // Every network; the first call runs start() instead (the "atlas.refresh" job).
  void refresh_all();

 private:
  static PathAnswer chains_between(const Snapshot& snapshot, const ViewerScope& scope, std::int64_t from,
                                   std::int64_t to, std::size_t k);
  // `names`: the coordinators' cluster names are read too (for the visible graph).
  Scoped scoped(const std::optional<http::Viewer>& viewer, std::int64_t network_id,
                std::map<std::int64_t, std::string>* names);
  ViewerScope network_scope(const GraphInput& input, std::int64_t network_id) const;
  VisibleGraph visible_graph(std::shared_ptr<const Snapshot> snapshot, const ViewerScope& scope,
                             const regions::Network& network, std::map<std::int64_t, std::string> names) const;
  std::optional<regions::Network> network_by_id(std::int64_t network_id);
  std::int64_t now() const;

  db::Database& database_;
  Engine& engine_;
  regions::Service& networks_;
  std::function<bool(const http::Viewer&, std::int64_t)> can_coordinate_;
  ServiceOptions options_;

  std::mutex refresh_mutex_;  // one refresh at a time
  struct Seen {
    snapshot_store::TiesMarker marker;
    std::chrono::steady_clock::time_point full_check;   // when the whole input was last read
    std::shared_ptr<const GraphInput> input;            // the input last handed to the engine
  };
  std::map<std::int64_t, Seen> seen_;
  bool started_ = false;
};

// The chains themselves, over a snapshot's tie adjacency, as `scope` may see it: Yen's k shortest
// simple paths with a bidirectional breadth-first search. Node positions in the snapshot's input.
std::vector<std::vector<std::size_t>> shortest_chains(const Snapshot& snapshot, const ViewerScope& scope,
                                                      std::size_t from, std::size_t to, std::size_t k);

// "Who should I meet" over a snapshot, as `scope` may see it (see Service::suggestions).
std::vector<Suggestion> meet_suggestions(const Snapshot& snapshot, const ViewerScope& scope, std::size_t viewer,
                                         std::size_t limit);

}  // namespace atlas
