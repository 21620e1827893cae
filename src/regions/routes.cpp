#include "regions/routes.h"

#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <utility>

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

// A network page's body depends only on the network's rows and the language, yet rendering it is
// most of a request's work. Each request still reads the rows; when they equal those of the cached
// body, that body is reused, so a change in the database shows on the very next request.
class NetworkBodyCache {
 public:
  std::shared_ptr<const std::string> body(const web::Site& site, std::string_view language,
                                          const NetworkOverview& overview) {
    const Key key{overview.network.id, std::string(language)};
    {
      std::shared_lock lock(mutex_);
      auto found = entries_.find(key);
      if (found != entries_.end() && found->second.source == overview) return found->second.html;
    }
    auto html =
        std::make_shared<const std::string>(site.render(language, kNetworkTemplate, overview_data(overview)));
    std::unique_lock lock(mutex_);
    entries_[key] = Entry{overview, html};
    return html;
  }

 private:
  using Key = std::pair<std::int64_t, std::string>;  // network id, language
  struct Entry {
    NetworkOverview source;
    std::shared_ptr<const std::string> html;
  };
  std::shared_mutex mutex_;
  std::map<Key, Entry> entries_;  // bounded: networks x languages
};

http::Response network_page(const web::Site& site, NetworkBodyCache& cache, const http::Request& request,
                            const NetworkOverview& overview) {
  const auto language = site.language_of(request);
  const auto body = cache.body(site, language, overview);
  return site.page_html(request, overview.network.name, *body);
}

}  // namespace

void register_routes(http::Router& router, const web::Site& site, Service& service) {
  site.require_templates({kNetworkTemplate, kNetworksTemplate, kWelcomeTemplate});

  auto cache = std::make_shared<NetworkBodyCache>();

  router.get("/", [&site, &service, cache](http::Request& request) {
    auto overview = service.page_overview(std::nullopt);
    if (!overview) {
      data page;
      page.set("title", std::string(site.text(site.language_of(request), "networks.empty_home_title")));
      return site.page(request, kWelcomeTemplate, std::move(page));
    }
    return network_page(site, *cache, request, *overview);
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

  router.get("/netwerken/{slug}", [&site, &service, cache](http::Request& request) {
    auto overview = service.page_overview(request.path_param("slug"));
    if (!overview) return site.error_page(&request, 404);
    return network_page(site, *cache, request, *overview);
  });

  web::register_language_routes(router, site);
}

}  // namespace regions
