// SQL for atlas snapshots (migration 0013): store a full run, read the newest back at start-up, the
// figures over time, cluster names, and a cheap marker of the ties and privacy choices of a network
// (changes there are what the map must show quickly). No rules here: see service.h and engine.h.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "atlas/snapshot.h"
#include "db/database.h"

namespace atlas::snapshot_store {

// Stores a full run and clears the body of the network's older rows (their figures stay). Returns
// the new id. Runs in the caller's write transaction.
std::int64_t insert(db::Session& session, const Snapshot& snapshot);

// The newest stored snapshot of a network: metrics (with `index` over them), brokers, isolated,
// figures, next cluster id, fingerprint; `input` is empty (Engine::restore joins it to the current
// input). Nothing when none was stored.
std::optional<Snapshot> latest(db::Session& session, std::int64_t network_id);

// The figures of every stored run of a network, oldest first (at most `limit`, the newest ones).
struct FiguresAt {
  std::int64_t snapshot_id = 0;
  std::int64_t computed_at = 0;
  Figures figures;
  double modularity = 0;
  std::int64_t took_ms = 0;
  bool operator==(const FiguresAt&) const = default;
};
std::vector<FiguresAt> history(db::Session& session, std::int64_t network_id, std::size_t limit = 1000);

// Cluster names of a network, by cluster id.
std::map<std::int64_t, std::string> cluster_names(db::Session& session, std::int64_t network_id);
// Sets (or, with an empty name, removes) a cluster's name.
void put_cluster_name(db::Session& session, std::int64_t network_id, std::int64_t cluster_id, const std::string& name,
                      std::int64_t account_id, std::int64_t now);

// Changes whenever a tie of the network is declared, confirmed, declined, withdrawn, ended or
// erased, or a member changes their atlas privacy. Cheap at a million ties: the latest times come
// from indexes (migration 0017); the count walks the network's entries of one index.
struct TiesMarker {
  std::int64_t ties = 0;          // the network's tie rows in any state: a declaration raises it, an erasure lowers it
  std::int64_t last_decided = 0;  // the latest decided_at (a tie confirmed, declined or withdrawn)
  std::int64_t last_ended = 0;    // the latest ended_at
  std::int64_t privacy_rows = 0;  // atlas_privacy (installation-wide): rows and the latest update
  std::int64_t privacy_updated = 0;
  bool operator==(const TiesMarker&) const = default;
};
TiesMarker ties_marker(db::Session& session, std::int64_t network_id);
// How far before the latest decision seen the next refresh looks for changed ties (seconds): a
// write that read its clock before another but committed after it still gets caught.
inline constexpr std::int64_t kTieChangeLookback = 60;

// Every network id, by id.
std::vector<std::int64_t> network_ids(db::Session& session);

}  // namespace atlas::snapshot_store
