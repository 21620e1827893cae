// The search pages: /zoeken?q=... (every group the viewer may see, across networks) and
// /groepen/{network}/{group}/zoeken?q=... (one group), with ?pagina=N. HTTP in and out only.
#pragma once

#include "documents/routes.h"
#include "http/router.h"
#include "search/service.h"
#include "web/site.h"

namespace search {

struct RouteOptions {
  documents::GroupHeader group_header;  // the groups feature's header on a group's search page
  std::string stylesheet;               // the URL of documents.css (the <mark> in excerpts)
};

void register_routes(http::Router& router, const web::Site& site, Service& service,
                     RouteOptions options = {});

}  // namespace search
