// Throttling of failed sign-ins, per typed address and per client address, kept in the database so
// every instance behind a proxy counts the same attempts. The address is counted whether or not an
// account has it, so being throttled never tells whether an address is registered.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "db/database.h"

namespace auth {

struct ThrottlePolicy {
  std::int64_t failures_per_email = 5;     // within the window, per typed e-mail address
  std::int64_t failures_per_address = 20;  // within the window, per client IP
  std::int64_t window_seconds = 15 * 60;
};

class SignInThrottle {
 public:
  explicit SignInThrottle(ThrottlePolicy policy = {}) : policy_(policy) {}

  // When sign-ins for this e-mail or from this IP are refused until a later time: that time (Unix
  // seconds). Nothing when an attempt may go ahead. Call in a read or write transaction.
  std::optional<std::int64_t> blocked_until(db::Session& session, std::string_view email, std::string_view ip,
                                            std::int64_t now) const;
  // Counts one failed attempt (and forgets attempts older than the window). Call in a write transaction.
  void record_failure(db::Session& session, std::string_view email, std::string_view ip,
                      std::int64_t now) const;
  // A successful sign-in forgets the failures for that e-mail (not those of the IP).
  void record_success(db::Session& session, std::string_view email) const;

  const ThrottlePolicy& policy() const { return policy_; }

 private:
  ThrottlePolicy policy_;
};

}  // namespace auth
