// HTTP for discussions: a group's topic list (/groepen/{network}/{group}/discussies), the new-topic
// form, topic pages (/onderwerpen/{id}?pagina=N, anchors #reactie-{id}) that resume where the member
// left off, replies with quotes, edits with their history, "nuttig", accepted answers, and the hosts'
// moderation (pin, close, hide, flags, move). Every form: POST + CSRF + 303 with a flash, or the same
// page with 422 and inline errors. The service must outlive the router.
#pragma once

#include "discussions/service.h"
#include "http/router.h"
#include "notifications/watch.h"
#include "web/site.h"

namespace discussions {

struct RouteOptions {
  std::string stylesheet_url;  // the fingerprinted /assets/discussions.css
  // The watch-level control on topic pages for signed-in viewers (none when empty).
  notifications::WatchForm watch_form;
};

// Registers every page. Throws std::runtime_error at start-up when a template is missing.
void register_routes(http::Router& router, const web::Site& site, Service& discussions, RouteOptions options);

// "3 sep 2025, 07:30" (Dutch) / "3 Sep 2025, 07:30" (English), in Europe/Amsterdam.
std::string format_moment(std::int64_t utc, std::string_view language);

}  // namespace discussions
