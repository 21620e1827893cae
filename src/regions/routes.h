// HTTP for regional networks: the home page (the primary network), /netwerken and /netwerken/{slug},
// and the language choice (/taal, from web/language_routes.h), which every page's layout links to.
#pragma once

#include "http/router.h"
#include "regions/service.h"
#include "web/site.h"

namespace regions {

// Registers GET /, GET /netwerken, GET /netwerken/{slug}, GET and POST /taal. `site` and `service`
// must outlive the router. Throws std::runtime_error at start-up when a template is missing.
void register_routes(http::Router& router, const web::Site& site, Service& service);

}  // namespace regions
