// Personal API tokens and the API's error codes: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace api {

// A personal API token as its owner sees it in a list: never the token, never its hash.
struct ApiToken {
  std::int64_t id = 0;
  std::int64_t account_id = 0;
  std::string name;             // chosen by the owner, e.g. "Spreadsheet"
  std::string prefix;           // the token's first characters, e.g. "kkp_Q3xv9Tb2"
  std::int64_t created_at = 0;  // Unix seconds
  std::optional<std::int64_t> last_used_at;
  std::optional<std::int64_t> revoked_at;

  bool active() const { return !revoked_at.has_value(); }
  bool operator==(const ApiToken&) const = default;
};

// A token just created: `secret` is the one time the token exists outside the caller's hands.
struct CreatedToken {
  ApiToken token;
  std::string secret;  // "kkp_" + 43 URL-safe base64 characters
};

// Why a token could not be created; each is a catalog key under "api.tokens.errors".
enum class TokenError { NameMissing, NameTooLong, NameInvalid, TooManyTokens };
std::string_view message_key(TokenError error);

// The stable error codes of the JSON API ({"error": {"code": ...}}); clients may rely on them.
enum class ErrorCode {
  BadRequest,
  Unauthorized,
  Forbidden,
  NotFound,
  MethodNotAllowed,
  PayloadTooLarge,
  Unprocessable,
  RateLimited,
  Unavailable,
  Internal,
};
std::string_view to_string(ErrorCode code);  // "bad_request", "not_found", ...
int http_status(ErrorCode code);             // 400, 404, ...
// The code for an HTTP error status (4xx without a code of its own: bad_request; 5xx: internal).
ErrorCode error_code_for_status(int status);

}  // namespace api
