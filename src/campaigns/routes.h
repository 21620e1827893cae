// The campaign pages: coordinators' list, compose form, status and funnel (/netwerken/{slug}/campagnes,
// /campagnes/{id}), and the contact's personal page behind the link in each message (/c/{token}),
// with RFC 8058 one-click unsubscribe; plus the JSON API for coordinators' tokens.
#pragma once

#include <span>
#include <string>

#include "api/openapi.h"
#include "campaigns/service.h"
#include "http/router.h"
#include "regions/service.h"
#include "web/site.h"

namespace campaigns {

struct RouteOptions {
  std::string chart_script_url;  // the fingerprinted /assets/campaigns.js (uPlot, bundled); empty: no chart
  std::string chart_style_url;   // its stylesheet, /assets/campaigns.css
};

void register_routes(http::Router& router, const web::Site& site, Service& campaigns, regions::Service& regions,
                     RouteOptions options);
void register_api_routes(http::Router& router, const web::Site& site, Service& campaigns, regions::Service& regions);
std::span<const api::RouteSpec> api_routes();

}  // namespace campaigns
