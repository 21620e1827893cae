// The pages of the knowledge groups: a network's groups (/groepen/{network}), a group's home
// (/groepen/{network}/{group}), its member list (/leden), joining, asking, invitations, leaving, and
// the settings form for hosts and coordinators; plus GET /api/v1/groups. HTTP in and out only: every
// rule is in groups/service.h. The group header other features show is groups/header.h.
#pragma once

#include <cstddef>
#include <string_view>

#include "groups/service.h"
#include "http/router.h"
#include "notifications/watch.h"
#include "web/site.h"

namespace groups {

// The settings form takes an image, so it posts to one fixed path (the server raises the body limit
// for exact paths only); the group travels in the hidden field "groep".
inline constexpr std::string_view kSettingsFormPath = "/groepen/instellingen";
// An image of at most members::kMaxPhotoBytes plus the form's text fields.
inline constexpr std::size_t kMaxSettingsFormBytes = 6 * 1024 * 1024;

// watch_form: the watch-level control on a group's home page for signed-in viewers who may see the
// group (none when empty).
void register_routes(http::Router& router, const web::Site& site, Service& service,
                     notifications::WatchForm watch_form = {});
// GET /api/v1/groups (JSON errors, documented in api/openapi.cpp).
void register_api_routes(http::Router& router, const web::Site& site, Service& service);

}  // namespace groups
