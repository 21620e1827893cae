// HTTP for events: the agenda (/agenda), occurrence and series pages, RSVP forms, registration of
// non-members with a confirmation link, host pages (attendees, check-in, changes, CSV export), the
// congress programme, calendar feeds (.ics) and the JSON API under /api/v1/events. Services must
// outlive the router.
#pragma once

#include <span>
#include <string>

#include "api/openapi.h"
#include "events/service.h"
#include "http/router.h"
#include "regions/service.h"
#include "web/site.h"

namespace events {

struct RouteOptions {
  std::string stylesheet_url;  // the fingerprinted /assets/events.css
};

// Registers every page under /agenda. Throws std::runtime_error at start-up when a template is missing.
void register_routes(http::Router& router, const web::Site& site, Service& events, regions::Service& regions,
                     RouteOptions options);

// Registers GET /api/v1/events, GET /api/v1/events/{id} and POST /api/v1/events/{id}/rsvp, which the
// OpenAPI document (resources/api/openapi.json) describes.
void register_api_routes(http::Router& router, const web::Site& site, Service& events,
                         regions::Service& regions);
// Those three routes (the OpenAPI document must describe each; tests check it).
std::span<const api::RouteSpec> api_routes();

// The viewer of a request as events sees it.
Actor actor_of(const http::Request& request);

}  // namespace events
