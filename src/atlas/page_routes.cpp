#include "atlas/page_routes.h"

#include <algorithm>
#include <charconv>
#include <ctime>
#include <map>
#include <utility>

#include "atlas/types.h"
#include "http/parsers.h"
#include "members/types.h"

namespace atlas {

namespace {

using kainjow::mustache::data;

constexpr std::string_view kMapTemplate = "atlas/map";
constexpr std::string_view kTextTemplate = "atlas/text";
constexpr std::string_view kCoordinatorTemplate = "atlas/coordinator";
constexpr std::string_view kScriptStringsPrefix = "atlas.map.js.";
constexpr std::size_t kMaxQueryLength = 200;
constexpr std::size_t kCandidatesShown = 10;
constexpr std::size_t kIntroductionsPerMember = 2;

std::string fill(std::string_view text, const std::map<std::string, std::string>& values) {
  std::string out(text);
  for (const auto& [name, value] : values) {
    const std::string marker = "{" + name + "}";
    for (std::size_t at = out.find(marker); at != std::string::npos; at = out.find(marker, at + value.size())) {
      out.replace(at, marker.size(), value);
    }
  }
  return out;
}

// Cluster ids start at 0 (the engine numbers them from there), so unlike http::parse_id this takes 0.
std::optional<std::int64_t> parse_cluster_id(std::string_view text) {
  std::int64_t id = 0;
  if (text.empty() || text.size() > 18) return std::nullopt;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (error != std::errc() || end != text.data() + text.size() || id < 0) return std::nullopt;
  return id;
}

std::string iso_date(std::int64_t unix_seconds) {
  const std::time_t time = static_cast<std::time_t>(unix_seconds);
  std::tm parts{};
  gmtime_r(&time, &parts);
  char buffer[16];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d", &parts);
  return buffer;
}

bool valid_utf8_text(std::string_view text) {
  // Control characters are refused; the rest was validated as UTF-8 by the form parser.
  return std::none_of(text.begin(), text.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 || byte == 0x7f;
  });
}

std::string trimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return std::string(text);
}

// Counts UTF-8 code points (continuation bytes are not counted).
std::size_t characters(std::string_view text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

class Pages {
 public:
  Pages(const web::Site& site, auth::Service& auth, regions::Service& networks, PageSources sources, PageOptions options)
      : site_(site), auth_(auth), networks_(networks), sources_(std::move(sources)), options_(std::move(options)) {}

  http::Response map(http::Request& request) {
    const auto language = site_.language_of(request);
    auto network = network_for(request);
    if (!network) return site_.error_page(&request, 404);
    data page = base(request, *network, "atlas.map.title");
    if (!request.viewer) return site_.page(request, kMapTemplate, std::move(page));
    if (!auth_.is_member(request.viewer->account_id, network->id)) return site_.error_page(&request, 403);
    page.set("member", true);
    page.set("script", options_.script_url);
    page.set("kinds", kinds_data(language));
    page.set("config", config_json(request, *network));
    return site_.page(request, kMapTemplate, std::move(page));
  }

  http::Response text(http::Request& request) {
    const auto language = site_.language_of(request);
    auto network = network_for(request);
    if (!network) return site_.error_page(&request, 404);
    data page = base(request, *network, "atlas.text.title");
    if (!request.viewer) return site_.page(request, kTextTemplate, std::move(page));
    if (!auth_.is_member(request.viewer->account_id, network->id)) return site_.error_page(&request, 403);
    page.set("member", true);
    auto view = view_for(request, network->id);
    if (!view) {
      page.set("not_computed", true);
      return site_.page(request, kTextTemplate, std::move(page));
    }
    page.set("computed", true);
    page.set("computed_at", iso_date(view->computed_at));
    page.set("member_count", std::to_string(view->members.size()));
    page.set("tie_count", std::to_string(view->ties.size()));
    page.set("clusters", clusters_data(language, *view));
    page.set("has_clusters", !view->clusters.empty());
    page.set("brokers", members_data(language, *view, view->brokers));
    page.set("has_brokers", !view->brokers.empty());

    const std::int64_t me = request.viewer->account_id;
    if (view->member(me)) {
      page.set("in_atlas", true);
      data connections(data::type::list);
      for (const Connection& connection : connections_of(*view, me)) {
        data item = member_data(language, *view, connection.id);
        std::string joined;
        for (const std::string& kind : connection.kinds) {
          if (!joined.empty()) joined += ", ";
          joined += kind_label(language, kind);
        }
        item.set("kinds", joined);
        if (connection.since > 0) item.set("since", iso_date(connection.since));
        connections.push_back(item);
      }
      page.set("has_connections", !connections.is_empty_list());
      page.set("connections", connections);
    }

    // "How am I connected to X": ?naar= a name (or ?naar_id= one of the candidates offered).
    const http::FormData query = http::FormData::parse(request.query);
    const std::string wanted = trimmed(query.value_or("naar", ""));
    page.set("naar", wanted);
    std::optional<std::int64_t> target;
    if (auto id = http::parse_id(query.value_or("naar_id", ""))) {
      if (view->member(*id)) target = id;
      else page.set("target_unknown", true);
    } else if (!wanted.empty()) {
      if (wanted.size() > kMaxQueryLength) {
        web::FormErrors errors;
        errors.add("naar", "atlas.text.path.too_long");
        errors.add_to(page, site_.catalog(), language);
        return site_.page(request, kTextTemplate, std::move(page), 422);
      }
      const auto found = find_members(*view, wanted, kCandidatesShown);
      if (found.size() == 1 || (!found.empty() && view->member(found.front())->name == wanted)) {
        target = found.front();
      } else if (found.empty()) {
        page.set("target_unknown", true);
      } else {
        data candidates(data::type::list);
        for (std::int64_t candidate : found) {
          data item = member_data(language, *view, candidate);
          item.set("choose_url", "/atlas/tekst?network=" + http::percent_encode(network->slug) +
                                     "&naar_id=" + std::to_string(candidate) + "#verbinding");
          candidates.push_back(item);
        }
        page.set("candidates", candidates);
        page.set("has_candidates", true);
      }
    }
    if (target) {
      data result;
      result.set("target_name", view->member(*target)->name);
      if (!view->member(me)) {
        result.set("not_in_atlas", true);
      } else {
        const auto chains = sources_.chains ? sources_.chains(request.viewer, network->id, me, *target, kChainsShown)
                                            : shortest_chains(*view, me, *target, kChainsShown);
        if (chains.empty()) {
          result.set("no_chain", true);
        } else {
          data chain_list(data::type::list);
          for (const auto& chain : chains) {
            data chain_data;
            chain_data.set("steps", std::to_string(chain.size() - 1));
            chain_data.set("members", members_data(language, *view, chain));
            chain_list.push_back(chain_data);
          }
          result.set("chains", chain_list);
          result.set("has_chains", true);
          result.set("steps", std::to_string(chains.front().size() - 1));
        }
      }
      page.set("path_result", result);
    }
    return site_.page(request, kTextTemplate, std::move(page));
  }

  http::Response coordinator(http::Request& request) {
    auto network = network_for(request);
    if (!network) return site_.error_page(&request, 404);
    if (!request.viewer) return sign_in_redirect(request);
    if (!auth_.can_coordinate(*request.viewer, network->id)) return site_.error_page(&request, 403);
    return coordinator_page(request, *network, web::FormErrors{}, "", "", 200);
  }

  http::Response name_cluster(http::Request& request) {
    const http::FormData form = http::FormData::parse(request.body);
    if (!site_.csrf_ok(request, form)) return site_.error_page(&request, 403);
    if (!request.viewer) return sign_in_redirect(request);
    auto network = auth_.network(form.value_or("network", ""));
    if (!network) return site_.error_page(&request, 404);
    if (!auth_.can_coordinate(*request.viewer, network->id)) return site_.error_page(&request, 403);
    if (!sources_.name_cluster) return site_.error_page(&request, 404);

    const std::string cluster_text(form.value_or("cluster", ""));
    const std::string name = trimmed(form.value_or("name", ""));
    web::FormErrors errors;
    auto view = view_for(request, network->id);
    const auto cluster_id = parse_cluster_id(cluster_text);
    if (!cluster_id || !view || !view->cluster(*cluster_id)) errors.add("cluster", "atlas.coordinator.name.unknown_cluster");
    if (characters(name) > kMaxClusterNameLength) errors.add("name", "atlas.coordinator.name.too_long");
    else if (!valid_utf8_text(name)) errors.add("name", "atlas.coordinator.name.invalid");
    if (errors.empty() && !sources_.name_cluster(network->id, *cluster_id, name, request.viewer->account_id)) {
      errors.add("cluster", "atlas.coordinator.name.unknown_cluster");
    }
    if (!errors.empty()) return coordinator_page(request, *network, errors, cluster_text, name, 422);
    http::Response response =
        http::Response::redirect("/atlas/coordinator?network=" + http::percent_encode(network->slug) + "#clusters");
    site_.set_flash(response, "flash.atlas_map.cluster_named");
    return response;
  }

 private:
  http::Response coordinator_page(const http::Request& request, const auth::NetworkAccess& network,
                                   const web::FormErrors& errors, std::string_view cluster_value,
                                   std::string_view name_value, int status) {
    const auto language = site_.language_of(request);
    data page = base(request, network, "atlas.coordinator.title");
    page.set("member", true);

    // Figures over time: one small chart per figure, and the same numbers in a table.
    const std::vector<HistoryPoint> history = sources_.history ? sources_.history(network.id) : std::vector<HistoryPoint>{};
    if (!history.empty()) {
      const std::string first = iso_date(history.front().computed_at);
      const std::string last = iso_date(history.back().computed_at);
      data charts(data::type::list);
      auto add_chart = [&](std::string_view key, auto value_of) {
        std::vector<std::pair<std::int64_t, double>> points;
        for (const HistoryPoint& point : history) points.emplace_back(point.computed_at, value_of(point));
        data chart;
        const std::string title(site_.text(language, key));
        chart.set("title", title);
        chart.set("svg", line_chart_svg(points, title, first, last));
        charts.push_back(chart);
      };
      add_chart("atlas.coordinator.figures.members", [](const HistoryPoint& p) { return static_cast<double>(p.members); });
      add_chart("atlas.coordinator.figures.ties", [](const HistoryPoint& p) { return static_cast<double>(p.ties); });
      add_chart("atlas.coordinator.figures.density", [](const HistoryPoint& p) { return p.density; });
      add_chart("atlas.coordinator.figures.clusters", [](const HistoryPoint& p) { return static_cast<double>(p.clusters); });
      add_chart("atlas.coordinator.figures.isolated", [](const HistoryPoint& p) { return static_cast<double>(p.isolated); });
      page.set("charts", charts);
      data rows(data::type::list);
      for (auto point = history.rbegin(); point != history.rend(); ++point) {
        data row;
        row.set("date", iso_date(point->computed_at));
        row.set("members", std::to_string(point->members));
        row.set("ties", std::to_string(point->ties));
        char density[32];
        std::snprintf(density, sizeof density, "%.4f", point->density);
        row.set("density", std::string(density));
        row.set("clusters", std::to_string(point->clusters));
        row.set("isolated", std::to_string(point->isolated));
        rows.push_back(row);
      }
      page.set("history", rows);
      page.set("has_history", true);
    }

    auto view = view_for(request, network.id);
    if (view) {
      page.set("computed", true);
      page.set("computed_at", iso_date(view->computed_at));
      page.set("brokers", members_data(language, *view, view->brokers));
      page.set("has_brokers", !view->brokers.empty());
      page.set("isolated", members_data(language, *view, view->isolated));
      page.set("has_isolated", !view->isolated.empty());
      data introductions(data::type::list);
      for (const Introduction& introduction : suggested_introductions(*view, kIntroductionsPerMember)) {
        data item;
        item.set("member", member_data(language, *view, introduction.member));
        item.set("suggested", member_data(language, *view, introduction.suggested));
        std::string reason;
        if (!introduction.shared_discipline.empty()) {
          reason = fill(site_.text(language, "atlas.coordinator.introductions.shared_discipline"),
                        {{"discipline", discipline_label(language, introduction.shared_discipline)}});
        }
        if (introduction.same_region) {
          if (!reason.empty()) reason += "; ";
          reason += site_.text(language, "atlas.coordinator.introductions.same_region");
        }
        item.set("reason", reason);
        introductions.push_back(item);
      }
      page.set("has_introductions", !introductions.is_empty_list());
      page.set("introductions", introductions);
      page.set("clusters", clusters_data(language, *view));
      page.set("has_clusters", !view->clusters.empty());
      if (sources_.name_cluster && !view->clusters.empty()) {
        page.set("can_name", true);
        data options(data::type::list);
        for (const MapCluster& cluster : view->clusters) {
          data option;
          option.set("id", std::to_string(cluster.id));
          option.set("label", view->cluster_label(cluster.id, site_.text(language, "atlas.text.clusters.unnamed")) +
                                  " (" + std::to_string(cluster.size) + ")");
          if (cluster_value == std::to_string(cluster.id)) option.set("selected", true);
          options.push_back(option);
        }
        page.set("cluster_options", options);
        page.set("name_value", std::string(name_value));
      }
    } else {
      page.set("not_computed", true);
    }
    if (sources_.export_url) {
      data exports(data::type::list);
      for (const auto& [format, label] : {std::pair{"gexf", "GEXF 1.3"}, {"graphml", "GraphML"}, {"json", "JSON"}}) {
        data item;
        item.set("url", sources_.export_url(network.slug, format));
        item.set("label", std::string(label));
        exports.push_back(item);
      }
      page.set("exports", exports);
      page.set("has_exports", true);
    }
    errors.add_to(page, site_.catalog(), language);
    return site_.page(request, kCoordinatorTemplate, std::move(page), status);
  }

  // The network the request asks about (?network=SLUG), else the viewer's first network, else the
  // primary one. nullopt for an unknown slug.
  std::optional<auth::NetworkAccess> network_for(const http::Request& request) {
    const http::FormData query = http::FormData::parse(request.query);
    if (auto slug = query.get("network"); slug && !slug->empty()) return auth_.network(*slug);
    if (request.viewer) {
      for (const regions::Network& network : networks_.networks()) {
        if (auth_.is_member(request.viewer->account_id, network.id)) return auth_.network(network.slug);
      }
    }
    return auth_.primary_network();
  }

  std::optional<AtlasView> view_for(const http::Request& request, std::int64_t network_id) {
    if (!sources_.atlas) return std::nullopt;
    auto json = sources_.atlas(request.viewer, network_id);
    if (!json) return std::nullopt;
    return parse_atlas(*json);
  }

  data base(const http::Request& request, const auth::NetworkAccess& network, std::string_view title_key) {
    const auto language = site_.language_of(request);
    data page;
    page.set("title", std::string(site_.text(language, title_key)));
    page.set("stylesheet_atlas", options_.stylesheet_url);
    page.set("network_name", network.name);
    page.set("network_slug", network.slug);
    const std::string suffix = "?network=" + http::percent_encode(network.slug);
    page.set("map_url", "/atlas" + suffix);
    page.set("text_url", "/atlas/tekst" + suffix);
    page.set("sign_in_url", "/inloggen?next=" + http::percent_encode(web::local_path_or_root(request.target)));
    if (request.viewer && auth_.can_coordinate(*request.viewer, network.id)) {
      page.set("coordinator_url", "/atlas/coordinator" + suffix);
    }
    return page;
  }

  std::string config_json(const http::Request& request, const auth::NetworkAccess& network) {
    const auto language = site_.language_of(request);
    nlohmann::json config;
    config["network"] = network.slug;
    config["language"] = language;
    config["me"] = request.viewer->account_id;
    config["dataUrl"] = "/atlas/data.json?network=" + http::percent_encode(network.slug);
    config["textUrl"] = "/atlas/tekst?network=" + http::percent_encode(network.slug);
    nlohmann::json strings = nlohmann::json::object();
    for (const std::string& key : site_.catalog().keys()) {
      if (key.starts_with(kScriptStringsPrefix)) {
        strings[key.substr(kScriptStringsPrefix.size())] = std::string(site_.text(language, key));
      }
    }
    config["strings"] = std::move(strings);
    nlohmann::json disciplines = nlohmann::json::object();
    for (const members::Label& label : members::disciplines()) {
      disciplines[std::string(label.code)] = std::string(label.in(language));
    }
    config["disciplines"] = std::move(disciplines);
    nlohmann::json groups = nlohmann::json::object();
    if (auto overview = networks_.overview(network.slug)) {
      for (const regions::KnowledgeGroup& group : overview->groups) groups[std::to_string(group.id)] = group.name;
    }
    config["groups"] = std::move(groups);
    return config.dump();
  }

  data kinds_data(std::string_view language) const {
    data list(data::type::list);
    for (TieKind kind : kAllTieKinds) {
      data item;
      item.set("code", std::string(to_string(kind)));
      item.set("label", kind_label(language, to_string(kind)));
      list.push_back(item);
    }
    return list;
  }

  std::string kind_label(std::string_view language, std::string_view kind) const {
    const std::string key = "atlas.map.kinds." + std::string(kind);
    for (const std::string& known : site_.catalog().keys()) {
      if (known == key) return std::string(site_.text(language, key));
    }
    return std::string(kind);
  }

  std::string discipline_label(std::string_view language, std::string_view code) const {
    const members::Label* label = members::find_discipline(code);
    return label ? std::string(label->in(language)) : std::string(code);
  }

  data member_data(std::string_view language, const AtlasView& view, std::int64_t id) const {
    data item;
    const MapMember* member = view.member(id);
    if (!member) return item;
    item.set("name", member->name);
    item.set("profile", member->profile);
    std::string disciplines;
    for (const std::string& code : member->disciplines) {
      if (!disciplines.empty()) disciplines += ", ";
      disciplines += discipline_label(language, code);
    }
    item.set("disciplines", disciplines);
    item.set("town", member->town);
    if (member->cluster) {
      item.set("cluster", view.cluster_label(*member->cluster, site_.text(language, "atlas.text.clusters.unnamed")));
    }
    return item;
  }

  data members_data(std::string_view language, const AtlasView& view, const std::vector<std::int64_t>& ids) const {
    data list(data::type::list);
    for (std::int64_t id : ids) {
      if (view.member(id)) list.push_back(member_data(language, view, id));
    }
    return list;
  }

  data clusters_data(std::string_view language, const AtlasView& view) const {
    data list(data::type::list);
    for (const MapCluster& cluster : view.clusters) {
      data item;
      item.set("id", std::to_string(cluster.id));
      item.set("name", view.cluster_label(cluster.id, site_.text(language, "atlas.text.clusters.unnamed")));
      item.set("size", std::to_string(cluster.size));
      std::string mix;
      std::size_t shown = 0;
      for (const auto& [code, count] : cluster.disciplines) {
        if (shown++ == 4) break;
        if (!mix.empty()) mix += ", ";
        mix += discipline_label(language, code) + " " + std::to_string(count);
      }
      item.set("disciplines", mix);
      list.push_back(item);
    }
    return list;
  }

  http::Response sign_in_redirect(const http::Request& request) const {
    return http::Response::redirect("/inloggen?next=" + http::percent_encode(web::local_path_or_root(request.target)));
  }

  const web::Site& site_;
  auth::Service& auth_;
  regions::Service& networks_;
  PageSources sources_;
  PageOptions options_;
};

}  // namespace

void register_page_routes(http::Router& router, const web::Site& site, auth::Service& auth,
                          regions::Service& networks, PageSources sources, PageOptions options) {
  site.require_templates({kMapTemplate, kTextTemplate, kCoordinatorTemplate});
  auto pages = std::make_shared<Pages>(site, auth, networks, std::move(sources), std::move(options));
  router.get("/atlas", [pages](http::Request& request) { return pages->map(request); });
  router.get("/atlas/tekst", [pages](http::Request& request) { return pages->text(request); });
  router.get("/atlas/coordinator", [pages](http::Request& request) { return pages->coordinator(request); });
  router.post("/atlas/coordinator/clusters", [pages](http::Request& request) { return pages->name_cluster(request); });
}

}  // namespace atlas
