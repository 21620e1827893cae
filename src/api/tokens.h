// Personal API tokens: created with a name and shown once, stored only as a BLAKE2b hash
// (crypto_generichash), found again by that hash, revocable. No HTTP here. Thread-safe: each call
// runs its own transaction; the *_in(session, ...) functions run inside the caller's.
//
// Example:
//   auto created = tokens.create(account_id, "Spreadsheet");
//   if (auto* token = std::get_if<api::CreatedToken>(&created)) show_once(token->secret);
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "api/types.h"
#include "db/database.h"

namespace api {

// Tokens look like "kkp_" followed by 43 URL-safe base64 characters (32 random bytes).
inline constexpr std::string_view kTokenPrefix = "kkp_";
inline constexpr std::size_t kTokenLength = 4 + 43;
inline constexpr std::size_t kDisplayPrefixLength = 12;  // "kkp_" and 8 characters
inline constexpr std::size_t kMaxTokenNameLength = 80;   // characters
inline constexpr std::int64_t kMaxActiveTokensPerAccount = 20;

// Who a presented token belongs to.
struct TokenOwner {
  std::int64_t token_id = 0;
  std::int64_t account_id = 0;
};

class TokenService {
 public:
  using Clock = std::function<std::int64_t()>;  // Unix seconds
  explicit TokenService(db::Database& database, Clock clock = {});

  // Creates a token for the account and records "api_token.create" in the audit log, in one
  // transaction. `actor` is who asks (nullopt: the command line). The name is trimmed.
  std::variant<CreatedToken, TokenError> create(std::int64_t account_id, std::string_view name,
                                                std::optional<std::int64_t> actor);
  // The account's tokens, newest first, revoked ones included.
  std::vector<ApiToken> list(std::int64_t account_id);
  // Revokes one of the account's own tokens (audited). False when it is not theirs or already revoked.
  bool revoke(std::int64_t account_id, std::int64_t token_id);

  // The owner of an active token, or nothing (malformed, unknown or revoked). Records the time of
  // use at most once a minute per token, so a busy client does not turn every read into a write.
  std::optional<TokenOwner> authenticate(std::string_view presented);

  // For erasure and export, inside the caller's transaction.
  static std::int64_t revoke_all_in(db::Session& session, std::int64_t account_id, std::int64_t now);
  static std::vector<ApiToken> list_in(db::Session& session, std::int64_t account_id);

  // The hex BLAKE2b-256 hash under which a token is stored.
  static std::string hash_of(std::string_view token);
  // True when `text` has the shape of one of our tokens (checked before any database work).
  static bool looks_like_token(std::string_view text);

 private:
  std::int64_t now() const;

  db::Database& database_;
  Clock clock_;
};

}  // namespace api
