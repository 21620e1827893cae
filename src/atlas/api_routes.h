// HTTP for the atlas engine's answers:
//   GET /api/v1/atlas?network=SLUG                 the atlas JSON (exports.h) for the token's member
//   GET /api/v1/atlas/path?from=&to=&k=&network=   up to k (1..5, default 3) shortest chains of confirmed ties
//   GET /api/v1/atlas/suggestions?limit=&network=  "who should I meet": complementary disciplines at two steps
//   GET /atlas/data.json?network=SLUG              the atlas JSON for the map (session cookie)
//   GET /atlas/export.gexf|.graphml|.json          exports for coordinators (and /atlas/export/{format})
// Visitors get 401 and no personal data, non-members 403. The /api/v1 routes are in the OpenAPI
// document (api_routes() lists them; start-up refuses an undocumented one). Services must outlive
// the router.
#pragma once

#include <span>

#include "api/openapi.h"
#include "atlas/service.h"
#include "http/router.h"
#include "web/site.h"

namespace atlas {

void register_api_routes(http::Router& router, const web::Site& site, Service& atlas);
// The /api/v1 routes above.
std::span<const api::RouteSpec> api_routes();

}  // namespace atlas
