// The atlas as files: the atlas JSON (the same document GET /api/v1/atlas serves), GEXF 1.3 (Gephi;
// igraph has no GEXF writer) and GraphML. Each writes only what a VisibleGraph holds, which is what
// one viewer may see (service.h builds it through privacy.h), so exports respect privacy by
// construction. Pure functions; thread-safe.
//
// The atlas JSON:
// { "network": {"id":1,"slug":"kkp"}, "snapshot": {"id":7,"computed_at":1700000000,"patched":false},
//   "nodes": [{"id":12,"name":"...","profile":"/leden/12","x":0.12,"y":-0.4,"cluster":3,"pagerank":0.01,
//              "betweenness":0.2,"coreness":3,"disciplines":["ict"],"town":"Breda","region":"...",
//              "groups":[2,5],"since":1600000000,"provisional":false}],
//   "edges": [{"source":12,"target":40,"kind":"knows","weight":1,"since":1650000000}],   (+"from" for
//            directed kinds: referred, backup)
//   "clusters": [{"id":3,"name":"...","size":40,"disciplines":{"ict":20,"legal":3}}],
//   "brokers": [12, 40], "isolated": [77] }
// Positions are in [-1, 1]; ids are account ids; nothing about members the viewer may not see.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "atlas/snapshot.h"

namespace atlas {

// What one viewer may see of a snapshot.
struct VisibleGraph {
  std::shared_ptr<const Snapshot> snapshot;
  std::int64_t network_id = 0;
  std::string network_slug;
  std::string network_name;
  std::vector<std::size_t> nodes;  // positions in snapshot->input->nodes, by account id
  std::vector<std::size_t> edges;  // positions in snapshot->input->edges
  std::vector<std::size_t> ended;  // positions in snapshot->input->ended (atlas_json only)
  std::map<std::int64_t, std::string> cluster_names;  // set by coordinators
  std::vector<std::int64_t> brokers;   // of the visible nodes
  std::vector<std::int64_t> isolated;  // of the visible nodes
};

enum class ExportFormat { Gexf, Graphml, Json };
// "gexf", "graphml", "json" (exactly; case-insensitive); nothing for anything else.
std::optional<ExportFormat> export_format_from(std::string_view text);
std::string_view to_string(ExportFormat format);
std::string_view content_type(ExportFormat format);  // with charset
std::string_view file_extension(ExportFormat format);

std::string atlas_json(const VisibleGraph& graph);
// GEXF 1.3: node attributes (cluster, cluster name, PageRank, betweenness, coreness, disciplines,
// town, region, profile, broker, isolated), viz:position, edges with kind, weight and since.
std::string gexf(const VisibleGraph& graph);
// GraphML with the same attributes as <key>s, x and y as node data.
std::string graphml(const VisibleGraph& graph);
std::string render(const VisibleGraph& graph, ExportFormat format);

}  // namespace atlas
