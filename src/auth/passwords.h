// Password rules and argon2id hashing (libsodium crypto_pwhash_str). Thread-safe.
//
// Hashing is deliberately expensive (interactive limits: 64 MiB, a few tens of milliseconds of one
// core), so PasswordHasher lets only a few hashes run at once: a burst of sign-ins queues here
// instead of taking every core and every worker thread from the rest of the site.
//
// Example:
//   PasswordHasher hasher;                        // interactive limits, cores - 1 at once
//   if (check_password(password, email) != PasswordProblem::None) { ... show the rule ... }
//   std::string stored = hasher.hash(password);
//   bool ok = hasher.verify(stored, attempt);
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <optional>
#include <semaphore>
#include <string>
#include <string_view>

namespace auth {

inline constexpr std::size_t kMinPasswordCharacters = 10;
// Longer input is refused before hashing: argon2 reads it whole, so megabyte "passwords" would be
// a cheap way to make the server work hard.
inline constexpr std::size_t kMaxPasswordBytes = 1024;

enum class PasswordProblem { None, TooShort, TooLong, TooCommon, SameAsEmail, NotText };

// The catalog key that explains a problem to the user ("auth.password.too_short", ...).
std::string_view message_key(PasswordProblem problem);

// Checks the rules: at least 10 characters (code points), at most 1024 bytes, valid UTF-8, not one of
// the common passwords in resources/auth/common_passwords.txt (case-insensitive), not a run of one
// character or of a keyboard or digit sequence, and not the e-mail address (or its part before @).
PasswordProblem check_password(std::string_view password, std::string_view email);

// True when `password` (lower-cased) is in the embedded list of common passwords.
bool is_common_password(std::string_view password);

class PasswordHasher {
 public:
  struct Limits {
    unsigned long long ops = 0;
    std::size_t memory = 0;
  };
  // crypto_pwhash_OPSLIMIT_INTERACTIVE / MEMLIMIT_INTERACTIVE: what production uses.
  static Limits interactive();
  // The smallest limits libsodium accepts: for tests that hash many passwords. Never in production.
  static Limits minimal();
  // max(1, hardware threads - 1): leave a core for everything else.
  static std::size_t default_concurrency();

  explicit PasswordHasher(Limits limits = interactive(), std::size_t max_concurrent = default_concurrency());
  PasswordHasher(const PasswordHasher&) = delete;
  PasswordHasher& operator=(const PasswordHasher&) = delete;

  // The argon2id string ("$argon2id$v=19$m=...") for `password`. Blocks while `max_concurrent`
  // other hashes run. Throws std::runtime_error when memory cannot be allocated.
  std::string hash(std::string_view password);
  // True when `password` matches `stored`. False for an empty or malformed `stored`, in about the
  // time a real check takes, so a missing account cannot be told apart by timing.
  bool verify(std::string_view stored, std::string_view password);
  // True when `stored` was made with other limits than this hasher's (then hash again at sign-in).
  bool needs_rehash(std::string_view stored) const;

  std::size_t max_concurrent() const { return max_concurrent_; }
  // The most hashes (or verifications) that ever ran at the same moment: never above max_concurrent().
  std::size_t peak_concurrency() const { return peak_.load(); }

 private:
  // Holds one of the semaphore's slots for as long as it lives.
  class Slot;

  Limits limits_;
  std::size_t max_concurrent_;
  std::counting_semaphore<> slots_;
  std::string dummy_hash_;
  std::atomic<std::size_t> running_{0};
  std::atomic<std::size_t> peak_{0};  // verified against when there is nothing real to compare with
};

// The one argon2id hash of the demo password "knooppunt-demo" that every demo account shares
// (hashing it 230 times would take many seconds). A fixed string, so demo data is deterministic.
std::string_view demo_password_hash();
inline constexpr std::string_view kDemoPassword = "knooppunt-demo";

}  // namespace auth
