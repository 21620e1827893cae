// `Authorization: Bearer <token>` for the JSON API, in two steps around auth's viewer resolution:
//  1. resolve(): registered with auth::Service::set_bearer_resolver, turns a token into its owner's
//     viewer (auth then sets via_api_token = true, so no cookie, CSRF or Origin check applies);
//  2. check(): run by the application right after auth::Service::resolve_viewer. Under /api/ it
//     refuses a token that did not resolve (401 JSON, never silently a visitor) and one over its
//     rate limit (429 JSON with Retry-After). Elsewhere it drops a token's viewer: HTML pages and
//     their forms work with browser sessions only, so a leaked token cannot mint tokens or erase.
// Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

#include "api/rate_limiter.h"
#include "api/tokens.h"
#include "http/request.h"
#include "http/response.h"
#include "web/catalog.h"

namespace api {

class BearerGate {
 public:
  // The viewer for an account that may use the site now (nothing when it is erased or disabled).
  using ViewerLookup = std::function<std::optional<http::Viewer>(std::int64_t account_id)>;

  BearerGate(const web::Catalog& catalog, TokenService& tokens, RateLimiter& limiter,
             ViewerLookup viewer_for_account);

  // Step 1: the viewer a presented token stands for, or nothing (malformed, unknown, revoked, or its
  // account can no longer sign in).
  std::optional<http::Viewer> resolve(std::string_view token);

  // Step 2: nothing when the request may go on (as it is, or with a token's viewer dropped outside
  // /api/); otherwise the JSON answer to send instead.
  std::optional<http::Response> check(http::Request& request);

  // The token in an `Authorization: Bearer <token>` header (scheme case-insensitive), if any.
  static std::optional<std::string_view> bearer_token(std::string_view authorization);

 private:
  const web::Catalog& catalog_;
  TokenService& tokens_;
  RateLimiter& limiter_;
  ViewerLookup viewer_for_account_;
};

}  // namespace api
