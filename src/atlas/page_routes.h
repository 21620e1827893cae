// HTTP for the atlas pages: the WebGL map (/atlas), its text alternative without JavaScript
// (/atlas/tekst) and the coordinator's view (/atlas/coordinator). The figures, positions and metrics
// come from the atlas engine through PageSources, as the atlas JSON a viewer may see; these routes
// only present them. Visitors get a sign-in prompt and no personal data.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "atlas/page_model.h"
#include "auth/service.h"
#include "http/router.h"
#include "regions/service.h"
#include "web/site.h"

namespace atlas {

// What the pages need from the engine (atlas-engine's service). An unset function means "not
// available yet": the pages say so instead of showing anything made up.
struct PageSources {
  // The atlas JSON (nodes, edges, clusters, brokers, isolated; see ATLAS.md) of a network as `viewer`
  // may see it; nullopt while no snapshot exists. (The map's script reads the same JSON from the
  // engine's GET /atlas/data.json.)
  std::function<std::optional<nlohmann::json>(const std::optional<http::Viewer>& viewer, std::int64_t network_id)> atlas;
  // Up to `k` shortest chains of confirmed ties the viewer may see from `from` to `to` (member ids,
  // both ends included; empty: not connected). Unset: computed here over the atlas JSON's declared ties.
  std::function<std::vector<std::vector<std::int64_t>>(const std::optional<http::Viewer>& viewer, std::int64_t network_id,
                                                       std::int64_t from, std::int64_t to, std::size_t k)>
      chains;
  // The network's figures at every stored snapshot, oldest first.
  std::function<std::vector<HistoryPoint>(std::int64_t network_id)> history;
  // Stores a coordinator's name for a cluster of the current snapshot (empty name: unnamed again).
  // False when the cluster does not exist.
  std::function<bool(std::int64_t network_id, std::int64_t cluster_id, const std::string& name, std::int64_t by_account)>
      name_cluster;
  // The URL of an export ("gexf", "graphml", "json") of the network for coordinators.
  std::function<std::string(std::string_view network_slug, std::string_view format)> export_url;
};

struct PageOptions {
  std::string stylesheet_url;  // StaticAssets::url_for("atlas.css")
  std::string script_url;      // StaticAssets::url_for("atlas.js") (the esbuild bundle)
};

inline constexpr std::size_t kMaxClusterNameLength = 80;
// How many chains the text alternative lists for "how am I connected to X".
inline constexpr std::size_t kChainsShown = 3;

// Registers:
//   GET  /atlas                          the map (?network=SLUG; default: the viewer's first network)
//   GET  /atlas/tekst                    clusters, brokers, my connections, "how am I connected to X" (?naar=)
//   GET  /atlas/coordinator              figures over time, brokers, isolated members, introductions, exports
//   POST /atlas/coordinator/clusters     name a cluster (coordinators; CSRF)
// Everything passed must outlive the router. Throws std::runtime_error when a template is missing.
void register_page_routes(http::Router& router, const web::Site& site, auth::Service& auth,
                          regions::Service& networks, PageSources sources, PageOptions options);

}  // namespace atlas
