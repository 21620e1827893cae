// HTTP for accounts: sign-up per network, verification, sign-in and out, password reset, one-time
// sign-in links, and the coordinator pages for applications, the sign-up mode and invitations.
// Every form is a plain POST with a CSRF field, so all of it works without JavaScript.
#pragma once

#include <optional>
#include <string>

#include "auth/service.h"
#include "http/router.h"
#include "web/site.h"

namespace auth {

// Registers:
//   GET/POST /aanmelden, /netwerken/{slug}/aanmelden      sign up (or join, when signed in)
//   GET      /aanmelden/verstuurd                          "check your mail"
//   GET      /bevestigen/{token}                           verify the address
//   GET/POST /inloggen, POST /uitloggen                    sign in and out
//   GET/POST /inloggen/link/{token}                        one-time sign-in link (admin create)
//   GET/POST /wachtwoord-vergeten, GET /wachtwoord-vergeten/verstuurd
//   GET/POST /wachtwoord-herstellen/{token}
//   GET      /netwerken/{slug}/aanvragen                   coordinator: applications and sign-up mode
//   POST     /netwerken/{slug}/aanvragen/{account}         approve or reject
//   POST     /netwerken/{slug}/aanmeldwijze                set the sign-up mode
//   GET/POST /netwerken/{slug}/uitnodigingen               coordinator: invitation links
// `site` and `service` must outlive the router. Throws std::runtime_error at start-up when a
// template is missing.
void register_routes(http::Router& router, const web::Site& site, Service& service);

// For every feature's routes: nothing when the request has a signed-in viewer; otherwise the
// response to return, a redirect to /inloggen?next=<this page> (303 after a POST, so the browser
// fetches the sign-in page).
std::optional<http::Response> require_sign_in(const http::Request& request);

// The URL of the sign-in page that returns to `next` (a local path) afterwards.
std::string sign_in_url(std::string_view next);

}  // namespace auth
