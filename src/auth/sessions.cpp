#include "auth/sessions.h"

#include "auth/store.h"
#include "auth/tokens.h"

namespace auth {

std::string_view session_cookie_name(bool secure) { return secure ? kSecureSessionCookie : kSessionCookie; }

http::SetCookie session_cookie(std::string token, bool secure, const SessionPolicy& policy) {
  http::SetCookie cookie;
  cookie.name = std::string(session_cookie_name(secure));
  cookie.value = std::move(token);
  cookie.path = "/";
  cookie.http_only = true;
  cookie.secure = secure;
  cookie.same_site = "Lax";
  cookie.max_age_seconds = policy.absolute_seconds;
  return cookie;
}

http::SetCookie expired_session_cookie(bool secure) {
  http::SetCookie cookie = session_cookie("", secure, SessionPolicy{});
  cookie.max_age_seconds = 0;
  return cookie;
}

std::string start_session(db::Session& session, std::int64_t account_id, std::string_view ip,
                          std::string_view user_agent, std::int64_t now, const SessionPolicy& policy) {
  std::string token = new_token();
  SessionRecord record;
  record.token_hash = hash_token(token);
  record.account_id = account_id;
  record.created_at = now;
  record.last_seen_at = now;
  record.expires_at = now + policy.absolute_seconds;
  // A user agent is only for the member's own list of sessions: short, printable ASCII (PostgreSQL
  // refuses text that is not UTF-8, and a header may hold any byte).
  std::string agent;
  for (char c : user_agent.substr(0, 256)) agent += (c >= 0x20 && c < 0x7F) ? c : '?';
  store::insert_session(session, record, ip, agent);
  return token;
}

bool session_alive(const SessionRecord& record, std::int64_t now, const SessionPolicy& policy) {
  return now < record.expires_at && now < record.last_seen_at + policy.idle_seconds;
}

}  // namespace auth
