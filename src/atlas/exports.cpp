#include "atlas/exports.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <ctime>
#include <set>

namespace atlas {

namespace {

// --- Writers by hand: the atlas of 10,000 members is served in well under 200 ms this way.

void append_number(std::string& out, std::int64_t value) {
  char buffer[24];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, result.ptr);
}

void append_number(std::string& out, double value) {
  if (!std::isfinite(value)) value = 0;
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, result.ptr);
}

void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  for (const char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          static constexpr char kHex[] = "0123456789abcdef";
          out += "\\u00";
          out += kHex[(static_cast<unsigned char>(c) >> 4) & 0xF];
          out += kHex[static_cast<unsigned char>(c) & 0xF];
        } else if (c == '<') {
          out += "\\u003c";  // safe to embed in a <script> block too
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

// XML 1.0 text: escaped, and the control characters XML cannot hold are dropped.
void append_xml(std::string& out, std::string_view text) {
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') break;
        out += c;
    }
  }
}

std::string iso_date(std::int64_t unix_seconds) {
  const auto seconds = static_cast<std::time_t>(unix_seconds);
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  char buffer[16];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d", &parts);
  return buffer;
}

std::string joined(const std::vector<std::string>& values, std::string_view separator) {
  std::string out;
  for (const std::string& value : values) {
    if (!out.empty()) out += separator;
    out += value;
  }
  return out;
}

std::string cluster_name(const VisibleGraph& graph, std::int64_t cluster) {
  const auto found = graph.cluster_names.find(cluster);
  return found == graph.cluster_names.end() ? std::string() : found->second;
}

// Clusters with at least one visible member: sizes and discipline mix over the visible members only.
struct VisibleCluster {
  std::int64_t id = 0;
  std::int64_t size = 0;
  std::map<std::string, std::int64_t> disciplines;
};
std::vector<VisibleCluster> visible_clusters(const VisibleGraph& graph) {
  std::map<std::int64_t, VisibleCluster> clusters;
  for (const std::size_t i : graph.nodes) {
    const std::int64_t id = graph.snapshot->metrics[i].cluster;
    VisibleCluster& cluster = clusters[id];
    cluster.id = id;
    ++cluster.size;
    for (const std::string& discipline : graph.snapshot->input->nodes[i].disciplines) ++cluster.disciplines[discipline];
  }
  std::vector<VisibleCluster> ordered;
  for (auto& [id, cluster] : clusters) ordered.push_back(std::move(cluster));
  std::stable_sort(ordered.begin(), ordered.end(), [](const VisibleCluster& l, const VisibleCluster& r) {
    return l.size != r.size ? l.size > r.size : l.id < r.id;
  });
  return ordered;
}

}  // namespace

std::optional<ExportFormat> export_format_from(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  if (lower == "gexf") return ExportFormat::Gexf;
  if (lower == "graphml") return ExportFormat::Graphml;
  if (lower == "json") return ExportFormat::Json;
  return std::nullopt;
}

std::string_view to_string(ExportFormat format) {
  switch (format) {
    case ExportFormat::Gexf: return "gexf";
    case ExportFormat::Graphml: return "graphml";
    case ExportFormat::Json: return "json";
  }
  return "json";
}

std::string_view content_type(ExportFormat format) {
  switch (format) {
    case ExportFormat::Gexf: return "application/gexf+xml; charset=utf-8";
    case ExportFormat::Graphml: return "application/graphml+xml; charset=utf-8";
    case ExportFormat::Json: return "application/json; charset=utf-8";
  }
  return "application/octet-stream";
}

std::string_view file_extension(ExportFormat format) { return to_string(format); }

std::string atlas_json(const VisibleGraph& graph) {
  const Snapshot& snapshot = *graph.snapshot;
  const GraphInput& input = *snapshot.input;
  std::string out;
  out.reserve(graph.nodes.size() * 260 + graph.edges.size() * 80 + 256);
  out += "{\"network\":{\"id\":";
  append_number(out, graph.network_id);
  out += ",\"slug\":";
  append_json_string(out, graph.network_slug);
  out += ",\"name\":";
  append_json_string(out, graph.network_name);
  out += "},\"snapshot\":{\"id\":";
  append_number(out, snapshot.id);
  out += ",\"computed_at\":";
  append_number(out, snapshot.computed_at);
  out += ",\"patched\":";
  out += snapshot.patched ? "true" : "false";
  out += "},\"nodes\":[";
  bool first = true;
  for (const std::size_t i : graph.nodes) {
    const Node& node = input.nodes[i];
    const NodeMetrics& m = snapshot.metrics[i];
    out += first ? "{\"id\":" : ",{\"id\":";
    first = false;
    append_number(out, node.account_id);
    out += ",\"name\":";
    append_json_string(out, node.name);
    out += ",\"profile\":";
    append_json_string(out, node.profile_path());
    out += ",\"x\":";
    append_number(out, m.x);
    out += ",\"y\":";
    append_number(out, m.y);
    out += ",\"cluster\":";
    append_number(out, m.cluster);
    out += ",\"pagerank\":";
    append_number(out, m.pagerank);
    out += ",\"betweenness\":";
    append_number(out, m.betweenness);
    out += ",\"coreness\":";
    append_number(out, m.coreness);
    out += ",\"disciplines\":[";
    for (std::size_t d = 0; d < node.disciplines.size(); ++d) {
      if (d > 0) out += ',';
      append_json_string(out, node.disciplines[d]);
    }
    out += "],\"town\":";
    append_json_string(out, node.town);
    out += ",\"region\":";
    append_json_string(out, node.region);
    out += ",\"groups\":[";
    for (std::size_t g = 0; g < node.group_ids.size(); ++g) {
      if (g > 0) out += ',';
      append_number(out, node.group_ids[g]);
    }
    out += "],\"since\":";
    append_number(out, node.joined_at);
    out += ",\"provisional\":";
    out += m.provisional ? "true}" : "false}";
  }
  out += "],\"edges\":[";
  first = true;
  for (const std::size_t e : graph.edges) {
    const Edge& edge = input.edges[e];
    out += first ? "{\"source\":" : ",{\"source\":";
    first = false;
    append_number(out, edge.a);
    out += ",\"target\":";
    append_number(out, edge.b);
    out += ",\"kind\":";
    append_json_string(out, to_string(edge.kind));
    out += ",\"weight\":";
    append_number(out, edge.weight);
    out += ",\"since\":";
    append_number(out, edge.since);
    if (edge.from() != 0) {
      out += ",\"from\":";
      append_number(out, edge.from());
    }
    out += '}';
  }
  // Ties that ended: apart, so that whoever reads "edges" reads today's network.
  out += "],\"ended\":[";
  first = true;
  for (const std::size_t e : graph.ended) {
    const EndedEdge& ended = input.ended[e];
    out += first ? "{\"source\":" : ",{\"source\":";
    first = false;
    append_number(out, ended.edge.a);
    out += ",\"target\":";
    append_number(out, ended.edge.b);
    out += ",\"kind\":";
    append_json_string(out, to_string(ended.edge.kind));
    out += ",\"since\":";
    append_number(out, ended.edge.since);
    out += ",\"until\":";
    append_number(out, ended.until);
    if (ended.edge.from() != 0) {
      out += ",\"from\":";
      append_number(out, ended.edge.from());
    }
    out += '}';
  }
  out += "],\"clusters\":[";
  first = true;
  for (const VisibleCluster& cluster : visible_clusters(graph)) {
    out += first ? "{\"id\":" : ",{\"id\":";
    first = false;
    append_number(out, cluster.id);
    out += ",\"name\":";
    append_json_string(out, cluster_name(graph, cluster.id));
    out += ",\"size\":";
    append_number(out, cluster.size);
    out += ",\"disciplines\":{";
    bool first_discipline = true;
    for (const auto& [discipline, count] : cluster.disciplines) {
      if (!first_discipline) out += ',';
      first_discipline = false;
      append_json_string(out, discipline);
      out += ':';
      append_number(out, count);
    }
    out += "}}";
  }
  out += "],\"brokers\":[";
  for (std::size_t b = 0; b < graph.brokers.size(); ++b) {
    if (b > 0) out += ',';
    append_number(out, graph.brokers[b]);
  }
  out += "],\"isolated\":[";
  for (std::size_t b = 0; b < graph.isolated.size(); ++b) {
    if (b > 0) out += ',';
    append_number(out, graph.isolated[b]);
  }
  out += "]}";
  return out;
}

std::string gexf(const VisibleGraph& graph) {
  const Snapshot& snapshot = *graph.snapshot;
  const GraphInput& input = *snapshot.input;
  const std::set<std::int64_t> brokers(graph.brokers.begin(), graph.brokers.end());
  const std::set<std::int64_t> isolated(graph.isolated.begin(), graph.isolated.end());
  std::string out;
  out.reserve(graph.nodes.size() * 700 + graph.edges.size() * 200 + 2048);
  out +=
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<gexf xmlns=\"http://gexf.net/1.3\" xmlns:viz=\"http://gexf.net/1.3/viz\" "
      "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
      "xsi:schemaLocation=\"http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd\" version=\"1.3\">\n";
  out += "  <meta lastmodifieddate=\"" + iso_date(snapshot.computed_at) + "\">\n    <creator>Knooppunt</creator>\n";
  out += "    <description>";
  append_xml(out, graph.network_name);
  out += "</description>\n  </meta>\n";
  out += "  <graph defaultedgetype=\"undirected\" mode=\"static\">\n";
  out +=
      "    <attributes class=\"node\">\n"
      "      <attribute id=\"cluster\" title=\"cluster\" type=\"long\"/>\n"
      "      <attribute id=\"cluster_name\" title=\"cluster name\" type=\"string\"/>\n"
      "      <attribute id=\"pagerank\" title=\"PageRank\" type=\"double\"/>\n"
      "      <attribute id=\"betweenness\" title=\"betweenness\" type=\"double\"/>\n"
      "      <attribute id=\"coreness\" title=\"coreness\" type=\"integer\"/>\n"
      "      <attribute id=\"disciplines\" title=\"disciplines\" type=\"string\"/>\n"
      "      <attribute id=\"town\" title=\"town\" type=\"string\"/>\n"
      "      <attribute id=\"region\" title=\"region\" type=\"string\"/>\n"
      "      <attribute id=\"profile\" title=\"profile\" type=\"anyURI\"/>\n"
      "      <attribute id=\"broker\" title=\"broker\" type=\"boolean\"/>\n"
      "      <attribute id=\"isolated\" title=\"isolated\" type=\"boolean\"/>\n"
      "    </attributes>\n"
      "    <attributes class=\"edge\">\n"
      "      <attribute id=\"since\" title=\"since\" type=\"date\"/>\n"
      "    </attributes>\n";
  out += "    <nodes>\n";
  for (const std::size_t i : graph.nodes) {
    const Node& node = input.nodes[i];
    const NodeMetrics& m = snapshot.metrics[i];
    out += "      <node id=\"";
    append_number(out, node.account_id);
    out += "\" label=\"";
    append_xml(out, node.name);
    out += "\">\n        <attvalues>\n";
    auto value = [&](std::string_view id, const std::string& text) {
      out += "          <attvalue for=\"";
      out += id;
      out += "\" value=\"";
      append_xml(out, text);
      out += "\"/>\n";
    };
    std::string number;
    value("cluster", std::to_string(m.cluster));
    value("cluster_name", cluster_name(graph, m.cluster));
    number.clear();
    append_number(number, m.pagerank);
    value("pagerank", number);
    number.clear();
    append_number(number, m.betweenness);
    value("betweenness", number);
    value("coreness", std::to_string(m.coreness));
    value("disciplines", joined(node.disciplines, ", "));
    value("town", node.town);
    value("region", node.region);
    value("profile", node.profile_path());
    value("broker", brokers.contains(node.account_id) ? "true" : "false");
    value("isolated", isolated.contains(node.account_id) ? "true" : "false");
    out += "        </attvalues>\n        <viz:position x=\"";
    append_number(out, m.x * 1000);
    out += "\" y=\"";
    append_number(out, m.y * 1000);
    out += "\" z=\"0\"/>\n      </node>\n";
  }
  out += "    </nodes>\n    <edges>\n";
  std::int64_t edge_id = 0;
  for (const std::size_t e : graph.edges) {
    const Edge& edge = input.edges[e];
    const bool directed = edge.direction != EdgeDirection::None;
    const std::int64_t source = directed ? edge.from() : edge.a;
    const std::int64_t target = directed ? edge.to() : edge.b;
    out += "      <edge id=\"";
    append_number(out, edge_id++);
    out += "\" source=\"";
    append_number(out, source);
    out += "\" target=\"";
    append_number(out, target);
    out += directed ? "\" type=\"directed" : "\" type=\"undirected";
    out += "\" kind=\"";
    out += to_string(edge.kind);
    out += "\" weight=\"";
    append_number(out, edge.weight);
    out += "\">\n        <attvalues>\n          <attvalue for=\"since\" value=\"";
    out += iso_date(edge.since);
    out += "\"/>\n        </attvalues>\n      </edge>\n";
  }
  out += "    </edges>\n  </graph>\n</gexf>\n";
  return out;
}

std::string graphml(const VisibleGraph& graph) {
  const Snapshot& snapshot = *graph.snapshot;
  const GraphInput& input = *snapshot.input;
  const std::set<std::int64_t> brokers(graph.brokers.begin(), graph.brokers.end());
  const std::set<std::int64_t> isolated(graph.isolated.begin(), graph.isolated.end());
  std::string out;
  out.reserve(graph.nodes.size() * 700 + graph.edges.size() * 200 + 2048);
  out +=
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" "
      "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
      "xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns "
      "http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n";
  struct Key {
    const char* id;
    const char* domain;
    const char* type;
  };
  static constexpr Key kKeys[] = {
      {"name", "node", "string"},       {"profile", "node", "string"},      {"x", "node", "double"},
      {"y", "node", "double"},          {"cluster", "node", "long"},        {"cluster_name", "node", "string"},
      {"pagerank", "node", "double"},   {"betweenness", "node", "double"}, {"coreness", "node", "int"},
      {"disciplines", "node", "string"}, {"town", "node", "string"},       {"region", "node", "string"},
      {"broker", "node", "boolean"},    {"isolated", "node", "boolean"},    {"kind", "edge", "string"},
      {"weight", "edge", "double"},     {"since", "edge", "string"},
  };
  for (const Key& key : kKeys) {
    out += "  <key id=\"";
    out += key.id;
    out += "\" for=\"";
    out += key.domain;
    out += "\" attr.name=\"";
    out += key.id;
    out += "\" attr.type=\"";
    out += key.type;
    out += "\"/>\n";
  }
  out += "  <graph id=\"";
  append_xml(out, graph.network_slug.empty() ? std::string("atlas") : graph.network_slug);
  out += "\" edgedefault=\"undirected\">\n";
  auto data = [&](std::string_view key, const std::string& text) {
    out += "      <data key=\"";
    out += key;
    out += "\">";
    append_xml(out, text);
    out += "</data>\n";
  };
  for (const std::size_t i : graph.nodes) {
    const Node& node = input.nodes[i];
    const NodeMetrics& m = snapshot.metrics[i];
    out += "    <node id=\"n";
    append_number(out, node.account_id);
    out += "\">\n";
    std::string number;
    data("name", node.name);
    data("profile", node.profile_path());
    append_number(number, m.x);
    data("x", number);
    number.clear();
    append_number(number, m.y);
    data("y", number);
    data("cluster", std::to_string(m.cluster));
    data("cluster_name", cluster_name(graph, m.cluster));
    number.clear();
    append_number(number, m.pagerank);
    data("pagerank", number);
    number.clear();
    append_number(number, m.betweenness);
    data("betweenness", number);
    data("coreness", std::to_string(m.coreness));
    data("disciplines", joined(node.disciplines, ", "));
    data("town", node.town);
    data("region", node.region);
    data("broker", brokers.contains(node.account_id) ? "true" : "false");
    data("isolated", isolated.contains(node.account_id) ? "true" : "false");
    out += "    </node>\n";
  }
  std::int64_t edge_id = 0;
  for (const std::size_t e : graph.edges) {
    const Edge& edge = input.edges[e];
    const bool directed = edge.direction != EdgeDirection::None;
    const std::int64_t source = directed ? edge.from() : edge.a;
    const std::int64_t target = directed ? edge.to() : edge.b;
    out += "    <edge id=\"e";
    append_number(out, edge_id++);
    out += "\" source=\"n";
    append_number(out, source);
    out += "\" target=\"n";
    append_number(out, target);
    out += directed ? "\" directed=\"true\">\n" : "\">\n";
    std::string number;
    data("kind", std::string(to_string(edge.kind)));
    append_number(number, edge.weight);
    data("weight", number);
    data("since", iso_date(edge.since));
    out += "    </edge>\n";
  }
  out += "  </graph>\n</graphml>\n";
  return out;
}

std::string render(const VisibleGraph& graph, ExportFormat format) {
  switch (format) {
    case ExportFormat::Gexf: return gexf(graph);
    case ExportFormat::Graphml: return graphml(graph);
    case ExportFormat::Json: return atlas_json(graph);
  }
  return atlas_json(graph);
}

}  // namespace atlas
