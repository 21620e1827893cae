#include "atlas/page_sources.h"

#include "http/parsers.h"

namespace atlas {

PageSources page_sources(Service& service) {
  PageSources sources;
  sources.atlas = [&service](const std::optional<http::Viewer>& viewer,
                             std::int64_t network_id) -> std::optional<nlohmann::json> {
    auto text = service.atlas_json_for(viewer, network_id);
    if (!text) return std::nullopt;
    auto json = nlohmann::json::parse(*text, nullptr, false);
    if (json.is_discarded()) return std::nullopt;
    return json;
  };
  sources.chains = [&service](const std::optional<http::Viewer>& viewer, std::int64_t network_id, std::int64_t from,
                              std::int64_t to, std::size_t k) {
    std::vector<std::vector<std::int64_t>> chains;
    for (const auto& chain : service.paths(viewer, network_id, from, to, k).chains) {
      std::vector<std::int64_t> ids;
      for (const ChainStep& step : chain) ids.push_back(step.account_id);
      chains.push_back(std::move(ids));
    }
    return chains;
  };
  sources.history = [&service](std::int64_t network_id) {
    std::vector<HistoryPoint> points;
    for (const snapshot_store::FiguresAt& run : service.history(network_id)) {
      points.push_back({run.computed_at, run.figures.members, run.figures.ties, run.figures.density,
                        run.figures.clusters, run.figures.isolated});
    }
    return points;
  };
  sources.name_cluster = [&service](std::int64_t network_id, std::int64_t cluster_id, const std::string& name,
                                    std::int64_t by_account) {
    return service.name_cluster(network_id, cluster_id, name, by_account);
  };
  sources.export_url = [](std::string_view network_slug, std::string_view format) {
    return "/atlas/export." + std::string(format) + "?network=" + http::percent_encode(network_slug);
  };
  return sources;
}

}  // namespace atlas
