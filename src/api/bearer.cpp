#include "api/bearer.h"

#include <string>

#include "api/json_responses.h"

namespace api {

BearerGate::BearerGate(const web::Catalog& catalog, TokenService& tokens, RateLimiter& limiter,
                       ViewerLookup viewer_for_account)
    : catalog_(catalog),
      tokens_(tokens),
      limiter_(limiter),
      viewer_for_account_(std::move(viewer_for_account)) {}

std::optional<std::string_view> BearerGate::bearer_token(std::string_view header) {
  constexpr std::string_view kScheme = "bearer";
  if (header.size() <= kScheme.size()) return std::nullopt;
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    char c = header[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != kScheme[i]) return std::nullopt;
  }
  std::string_view rest = header.substr(kScheme.size());
  if (rest.front() != ' ') return std::nullopt;
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  while (!rest.empty() && rest.back() == ' ') rest.remove_suffix(1);
  if (rest.empty()) return std::nullopt;
  return rest;
}

std::optional<http::Viewer> BearerGate::resolve(std::string_view token) {
  const auto owner = tokens_.authenticate(token);
  if (!owner) return std::nullopt;
  auto viewer = viewer_for_account_(owner->account_id);
  if (viewer) viewer->via_api_token = true;
  return viewer;
}

std::optional<http::Response> BearerGate::check(http::Request& request) {
  const auto header = request.headers.get("authorization");
  if (!header) return std::nullopt;
  const auto token = bearer_token(*header);

  if (!is_api_path(request.path)) {
    if (request.viewer && request.viewer->via_api_token) {
      request.viewer.reset();
      request.session_token_hash.clear();
    }
    return std::nullopt;
  }

  if (!token || !request.viewer || !request.viewer->via_api_token) {
    // Another scheme, a malformed token, or one that did not resolve: say so rather than answering
    // as if the client were a visitor, which would hide a revoked token behind public data.
    request.viewer.reset();
    http::Response response =
        error_response(catalog_, request, ErrorCode::Unauthorized, "api.errors.invalid_token");
    response.headers.set("WWW-Authenticate", "Bearer realm=\"knooppunt\", error=\"invalid_token\"");
    return response;
  }

  const RateLimiter::Decision decision = limiter_.take(TokenService::hash_of(*token));
  if (!decision.allowed) {
    http::Response response = error_response(catalog_, request, ErrorCode::RateLimited);
    response.headers.set("Retry-After", std::to_string(decision.retry_after_seconds));
    response.headers.set("RateLimit-Limit", std::to_string(decision.limit));
    response.headers.set("RateLimit-Remaining", "0");
    return response;
  }
  return std::nullopt;
}

}  // namespace api
