// HTTP for declared ties and atlas privacy: the pages /atlas/relaties (my ties, confirm, decline,
// withdraw, end), /atlas/relaties/nieuw (declare, with a name search), /atlas/instellingen (who sees
// my ties, whether I appear), and the JSON API under /api/v1/ties. The database must outlive the router.
#pragma once

#include <span>

#include "api/openapi.h"
#include "atlas/ties_service.h"
#include "http/router.h"
#include "web/site.h"

namespace atlas {

// Registers the pages, and GET/POST /api/v1/ties and POST /api/v1/ties/{id}/{confirm,decline,withdraw,end},
// over one TiesService of their own. Throws std::runtime_error at start-up when a template is
// missing or the OpenAPI document does not describe each API route.
// `options.changed` is called after each committed change the atlas shows (see TiesOptions).
void register_ties_routes(http::Router& router, const web::Site& site, db::Database& database,
                          TiesOptions options = {});
// The API routes (the OpenAPI document must describe each; tests check it).
std::span<const api::RouteSpec> ties_api_routes();

}  // namespace atlas
