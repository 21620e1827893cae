// HTTP for the JSON API under /api/v1/ (the routes in openapi.h's table) and for the pages where a
// member manages API tokens and personal data (/profiel/tokens, /profiel/gegevens,
// /profiel/gegevens.json, /profiel/verwijderen). Services must outlive the router.
#pragma once

#include "api/member_json.h"
#include "api/personal_data.h"
#include "api/tokens.h"
#include "auth/service.h"
#include "http/router.h"
#include "members/service.h"
#include "regions/service.h"
#include "web/site.h"

namespace api {

struct ApiServices {
  members::Service& members;
  regions::Service& regions;
  auth::Service& auth;
};

// Largest JSON body the API reads (PATCH /api/v1/me); larger: 413 payload_too_large.
inline constexpr std::size_t kMaxJsonBodyBytes = 64 * 1024;

// Registers every route of api_routes(). Throws std::runtime_error at start-up when the OpenAPI
// document is broken or misses a route.
void register_api_routes(http::Router& router, const web::Site& site, ApiServices services);

// Registers GET/POST /profiel/tokens, POST /profiel/tokens/{id}/intrekken, GET /profiel/gegevens,
// GET /profiel/gegevens.json and POST /profiel/verwijderen. Throws std::runtime_error at start-up
// when a template is missing.
// `secure_cookies`: the site runs over TLS (the session cookie to clear after erasure is then
// __Host-sessie). Pages for signed-in browsers only; an API token does not open them.
void register_account_routes(http::Router& router, const web::Site& site, TokenService& tokens,
                             PersonalDataService& personal_data, bool secure_cookies);

}  // namespace api
