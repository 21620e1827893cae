// HTTP for notifications: the member's list (/meldingen, opening one marks it read, all read at
// once), e-mail preferences (/meldingen/instellingen), watch levels chosen on group and topic pages
// (POST /meldingen/volgen, see watch.h), "Nieuw in je groepen" (/nieuw), a group's activity stream
// (/groepen/{network}/{group}/activiteit) and one-click unsubscribe from mail (/afmelden/{token}:
// GET asks, POST unsubscribes without sign-in or CSRF token, as RFC 8058 requires; the signature in
// the token is the authorisation). Services must outlive the router.
#pragma once

#include "groups/service.h"
#include "http/router.h"
#include "notifications/service.h"
#include "web/site.h"

namespace notifications {

// Throws std::runtime_error at start-up when a template is missing.
void register_routes(http::Router& router, const web::Site& site, Service& notifications, groups::Service& groups);

}  // namespace notifications
