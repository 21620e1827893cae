// Server-side sessions: a random 32-byte token in a cookie, only its hash in the database, an idle
// and an absolute timeout, and a fresh token at every sign-in (no session fixation). Thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "auth/types.h"
#include "db/database.h"
#include "http/parsers.h"

namespace auth {

struct SessionPolicy {
  std::int64_t idle_seconds = 14LL * 24 * 60 * 60;      // unused this long: signed out
  std::int64_t absolute_seconds = 60LL * 24 * 60 * 60;  // after sign-in, at most this long
  // last_seen_at is written at most this often, so browsing costs no write per request.
  std::int64_t touch_interval_seconds = 60;
};

// "__Host-sessie" over TLS (the prefix makes browsers insist on Secure, Path=/ and no Domain), else
// "sessie". Neither is one of the cookies the anonymous page cache ignores, so a signed-in request
// always reaches the handler.
inline constexpr std::string_view kSessionCookie = "sessie";
inline constexpr std::string_view kSecureSessionCookie = "__Host-sessie";
std::string_view session_cookie_name(bool secure);

// The Set-Cookie for a new session token: HttpOnly, SameSite=Lax, Path=/, Secure when `secure`,
// kept by the browser for the absolute timeout (the server enforces the idle one).
http::SetCookie session_cookie(std::string token, bool secure, const SessionPolicy& policy);
// The Set-Cookie that removes it.
http::SetCookie expired_session_cookie(bool secure);

// Starts a session for `account_id` inside the caller's write transaction; returns the token for the
// cookie (the database keeps only its hash).
std::string start_session(db::Session& session, std::int64_t account_id, std::string_view ip,
                          std::string_view user_agent, std::int64_t now, const SessionPolicy& policy);

// True when a session last seen at `last_seen_at` and ending at `expires_at` is still valid at `now`.
bool session_alive(const SessionRecord& record, std::int64_t now, const SessionPolicy& policy);

}  // namespace auth
