#include "regions/routes.h"

#include "web/language_routes.h"
#include "web/text_format.h"

namespace regions {

namespace {

using kainjow::mustache::data;

constexpr std::string_view kNetworkTemplate = "regions/network";
constexpr std::string_view kNetworksTemplate = "regions/networks";
constexpr std::string_view kWelcomeTemplate = "regions/welcome";

data network_summary(const Network& network) {
  data summary;
  summary.set("slug", network.slug);
  summary.set("name", network.name);
  summary.set("short_name", network.short_name);
  summary.set("region", network.region);
  summary.set("tagline", network.tagline);
  return summary;
}

data overview_data(const NetworkOverview& overview) {
  data page;
  page.set("title", overview.network.name);
  page.set("network", network_summary(overview.network));
  // The story is escaped by plain_text_to_html, so it may be inserted as HTML.
  page.set("story_html", web::plain_text_to_html(overview.network.story));

  data groups(data::type::list);
  for (const KnowledgeGroup& group : overview.groups) {
    data item;
    item.set("slug", group.slug);
    item.set("name", group.name);
    item.set("description", group.description);
    groups.push_back(item);
  }
  page.set("has_groups", !overview.groups.empty());
  page.set("groups", std::move(groups));

  data others(data::type::list);
  for (const Network& other : overview.other_networks) others.push_back(network_summary(other));
  page.set("has_others", !overview.other_networks.empty());
  page.set("others", std::move(others));
  return page;
}

}  // namespace

void register_routes(http::Router& router, const web::Site& site, Service& service) {
  site.require_templates({kNetworkTemplate, kNetworksTemplate, kWelcomeTemplate});

  router.get("/", [&site, &service](http::Request& request) {
    auto overview = service.primary_overview();
    if (!overview) {
      data page;
      page.set("title", std::string(site.text(site.language_of(request), "networks.empty_home_title")));
      return site.page(request, kWelcomeTemplate, std::move(page));
    }
    return site.page(request, kNetworkTemplate, overview_data(*overview));
  });

  router.get("/netwerken", [&site, &service](http::Request& request) {
    const auto networks = service.networks();
    data list(data::type::list);
    for (const Network& network : networks) list.push_back(network_summary(network));
    data page;
    page.set("title", std::string(site.text(site.language_of(request), "networks.title")));
    page.set("has_networks", !networks.empty());
    page.set("networks", std::move(list));
    return site.page(request, kNetworksTemplate, std::move(page));
  });

  router.get("/netwerken/{slug}", [&site, &service](http::Request& request) {
    auto overview = service.overview(request.path_param("slug"));
    if (!overview) return site.error_page(&request, 404);
    return site.page(request, kNetworkTemplate, overview_data(*overview));
  });

  web::register_language_routes(router, site);
}

}  // namespace regions
