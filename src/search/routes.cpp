#include "search/routes.h"

#include <algorithm>
#include <charconv>
#include <memory>

#include "http/parsers.h"

namespace search {

namespace {

using kainjow::mustache::data;

constexpr std::string_view kResultsTemplate = "search/results";

std::size_t page_number(std::string_view text) {
  std::size_t value = 1;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 1) return 1;
  return std::min(value, kMaxPages);
}

std::string kind_key(std::string_view kind) {
  if (kind == "document") return "search.kind.document";
  if (kind == "page") return "search.kind.page";
  if (kind == "reply") return "search.kind.reply";
  return "search.kind.topic";
}

http::Response results_page(const web::Site& site, Service& service, const RouteOptions& options,
                            const http::Request& request, bool in_group) {
  const std::string_view language = site.language_of(request);
  const http::FormData query = http::FormData::parse(request.query);
  const std::string_view words = query.value_or("q", "");
  const std::size_t page_wanted = page_number(query.value_or("pagina", "1"));

  Scope scope;
  std::string group_name;
  std::string group_path;
  data page;
  if (in_group) {
    const auto found = service.group_scope(request.viewer, request.path_param("network"),
                                           request.path_param("group"), &group_name, &group_path);
    if (!found) return site.error_page(&request, 404);
    scope = *found;
    page.set("group_name", group_name);
    page.set("group_path", group_path);
    page.set("in_group", true);
    if (options.group_header) {
      if (auto header =
              options.group_header(request, request.path_param("network"), request.path_param("group"), "")) {
        page.set("group_header", std::move(*header));
      }
    }
  }
  const std::string action = in_group ? group_path + "/zoeken" : "/zoeken";
  if (!options.stylesheet.empty()) page.set("stylesheet", options.stylesheet);
  page.set("action", action);

  auto results = service.search(request.viewer, words, scope, page_wanted);
  if (!results) return site.error_page(&request, 404);
  page.set("query", results->query);
  page.set("title", results->query.empty()
                        ? std::string(site.text(language, "search.title"))
                        : std::string(site.text(language, "search.title")) + ": " + results->query);
  if (results->searched) {
    page.set("searched", true);
    data hits(data::type::list);
    for (const Hit& hit : results->hits) {
      data item;
      item.set("kind", std::string(site.text(language, kind_key(hit.kind))));
      item.set("title", hit.title);
      item.set("href", hit.path);
      item.set("excerpt_html", hit.excerpt_html);
      item.set("group_name", hit.group_name);
      item.set("group_href", hit.group_path);
      if (!in_group) item.set("show_group", true);
      hits.push_back(item);
    }
    page.set("hits", hits);
    if (results->hits.empty()) page.set("nothing", true);
    const std::string base = action + "?q=" + http::percent_encode(results->query) + "&pagina=";
    if (results->page > 1) page.set("previous_href", base + std::to_string(results->page - 1));
    if (results->has_next) page.set("next_href", base + std::to_string(results->page + 1));
    if (results->page > 1 || results->has_next) page.set("page_number", std::to_string(results->page));
  } else if (!words.empty()) {
    page.set("no_words", true);
  }
  http::Response response = site.page(request, kResultsTemplate, std::move(page));
  // Hits depend on who asks.
  response.headers.set("Cache-Control", "private, no-cache");
  return response;
}

}  // namespace

void register_routes(http::Router& router, const web::Site& site, Service& service, RouteOptions options) {
  site.require_templates({kResultsTemplate});
  auto shared = std::make_shared<RouteOptions>(std::move(options));
  router.get("/zoeken", [&site, &service, shared](http::Request& request) {
    return results_page(site, service, *shared, request, false);
  });
  router.get("/groepen/{network}/{group}/zoeken", [&site, &service, shared](http::Request& request) {
    return results_page(site, service, *shared, request, true);
  });
}

}  // namespace search
