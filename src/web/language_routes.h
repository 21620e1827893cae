// The language choice: GET /taal shows the form, POST /taal stores the choice in a cookie and goes back
// to where the user was. Works without JavaScript; the layout's one-button switch posts here too.
#pragma once

#include "http/router.h"
#include "web/site.h"

namespace web {

// Registers GET and POST /taal. `site` must outlive the router.
void register_language_routes(http::Router& router, const Site& site);

}  // namespace web
