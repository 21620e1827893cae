#include "auth/throttle.h"

#include <algorithm>

#include "auth/store.h"

namespace auth {

std::optional<std::int64_t> SignInThrottle::blocked_until(db::Session& session, std::string_view email,
                                                          std::string_view ip, std::int64_t now) const {
  const std::int64_t since = now - policy_.window_seconds;
  std::optional<std::int64_t> until;
  // The limit-th most recent failure in the window: once it ages out, fewer than the limit remain.
  if (!email.empty()) {
    if (auto at = store::nth_recent_failure_by_email(session, email, since, policy_.failures_per_email)) {
      until = *at + policy_.window_seconds;
    }
  }
  if (!ip.empty()) {
    if (auto at = store::nth_recent_failure_by_ip(session, ip, since, policy_.failures_per_address)) {
      until = std::max(until.value_or(0), *at + policy_.window_seconds);
    }
  }
  return until;
}

void SignInThrottle::record_failure(db::Session& session, std::string_view email, std::string_view ip,
                                    std::int64_t now) const {
  store::delete_failed_sign_ins_before(session, now - policy_.window_seconds);
  store::insert_failed_sign_in(session, email, ip, now);
}

void SignInThrottle::record_success(db::Session& session, std::string_view email) const {
  store::delete_failed_sign_ins(session, email);
}

}  // namespace auth
