// The discussions part of the JSON API and the Atom feed of public groups:
//   GET  /api/v1/groups/{id}/topics     a group's topics (pinned first, then by last activity), paged
//   POST /api/v1/groups/{id}/topics     start a topic (a member of the group, with a token or a session)
//   GET  /api/v1/topics/{id}            a topic with one page of its posts (the opening post first)
//   POST /api/v1/topics/{id}/replies    reply to an open topic
//   GET  /groepen/{network}/{group}/feed.atom   Atom feed of a public group (404 for every other group)
// The API answers only what the viewer (the token's member, the session's member or a visitor) may
// see: a group or topic they may not see is 404, as if it did not exist; posting where they may read
// but not post is 403; a closed topic 409; invalid input 422 with the field. Every decision is the
// discussions service's (groups::access underneath). The service must outlive the router.
#pragma once

#include <functional>
#include <span>
#include <string>

#include "api/openapi.h"
#include "db/database.h"
#include "discussions/service.h"
#include "regions/service.h"
#include "http/router.h"
#include "web/site.h"

namespace discussions {

struct ApiOptions {
  // The site's URL for absolute links in answers and feeds ("https://kkp.example.nl", no trailing
  // slash). A function: without --public-url the application knows it only once the port is bound.
  std::function<std::string()> public_url;
  std::string version;  // the generator version in feeds
};

// Registers the four API routes (the OpenAPI document must describe each: checked here, at start-up,
// with std::runtime_error) and the feed route.
// `regions` gives the feed its network's name and the group's description; `database` its topics.
void register_api_routes(http::Router& router, const web::Site& site, Service& discussions,
                         regions::Service& regions, db::Database& database, ApiOptions options);

// The API routes above, for the OpenAPI check in tests.
std::span<const api::RouteSpec> api_routes();

// The feed's path for a group: "/groepen/west-brabant-zeeland/ict/feed.atom".
std::string feed_path(const GroupRef& group);

}  // namespace discussions
