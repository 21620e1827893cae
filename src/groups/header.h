// The header every page of a knowledge group starts with: image, name, archive badge, the viewer's
// join / leave / request / invitation buttons and the tabs to the group's spaces (Discussies,
// Documenten, Wiki, Leden, Activiteit) with the current one marked. Other features' group pages
// (discussions, documents, wiki, activity) use it like this:
//
//   // in a route, after reading the group:
//   auto header = groups_service.header(request.viewer, network_slug, group_slug);
//   if (!header) return site.error_page(&request, 404);          // no such group, or hidden from the viewer
//   if (!header->access.can_view) return site.error_page(&request, header->signed_in ? 403 : 404);
//   data page;
//   page.set("group_header", groups::header_data(*header, groups::kTabDiscussions));
//   return site.page(request, "discussions/list", std::move(page));
//
//   // in the template, at the top of the page body:
//   {{> group_header}}
//
// The partial reads the key "group_header" and the page's own "csrf" (set by web::Site::page) for
// its forms. Tabs show only to viewers who may see the group's content (access.can_view).
// Stateless; thread-safe.
#pragma once

#include <kainjow/mustache.hpp>
#include <string_view>

#include "groups/types.h"

namespace groups {

// The tab names header_data accepts as `active_tab` (also the last URL segment of each space).
inline constexpr std::string_view kTabHome = "";  // the group's home page: no tab marked
inline constexpr std::string_view kTabDiscussions = "discussies";
inline constexpr std::string_view kTabDocuments = "documenten";
inline constexpr std::string_view kTabWiki = "wiki";
inline constexpr std::string_view kTabMembers = "leden";
inline constexpr std::string_view kTabActivity = "activiteit";

// The data for partials/group_header.mustache, to be set under the key "group_header".
// `active_tab` is one of the kTab* names; it is marked with aria-current="page".
kainjow::mustache::data header_data(const GroupHeader& header, std::string_view active_tab);

}  // namespace groups
