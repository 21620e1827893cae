#include "api/tokens.h"

#include <sodium.h>

#include <chrono>

#include "api/token_store.h"
#include "audit/audit.h"
#include "http/parsers.h"

namespace api {

namespace {

constexpr std::int64_t kTouchIntervalSeconds = 60;
constexpr std::size_t kRandomBytes = 32;

std::string_view trim(std::string_view text) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

// Characters, not bytes: a name in Greek or with accents gets the same room as one in ASCII.
std::size_t utf8_length(std::string_view text) {
  std::size_t count = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
  }
  return count;
}

bool has_control_characters(std::string_view text) {
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F) return true;
  }
  return false;
}

std::string new_secret() {
  unsigned char bytes[kRandomBytes];
  randombytes_buf(bytes, sizeof bytes);
  char encoded[sodium_base64_ENCODED_LEN(kRandomBytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(encoded, sizeof encoded, bytes, sizeof bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(bytes, sizeof bytes);
  return std::string(kTokenPrefix) + encoded;
}

}  // namespace

TokenService::TokenService(db::Database& database, Clock clock)
    : database_(database), clock_(std::move(clock)) {}

std::int64_t TokenService::now() const {
  if (clock_) return clock_();
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string TokenService::hash_of(std::string_view token) {
  unsigned char hash[crypto_generichash_BYTES];
  crypto_generichash(hash, sizeof hash, reinterpret_cast<const unsigned char*>(token.data()), token.size(),
                     nullptr, 0);
  char hex[sizeof hash * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
  return std::string(hex, sizeof hash * 2);
}

bool TokenService::looks_like_token(std::string_view text) {
  if (text.size() != kTokenLength || !text.starts_with(kTokenPrefix)) return false;
  for (char c : text.substr(kTokenPrefix.size())) {
    const bool allowed =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!allowed) return false;
  }
  return true;
}

std::variant<CreatedToken, TokenError> TokenService::create(std::int64_t account_id, std::string_view name,
                                                            std::optional<std::int64_t> actor) {
  const std::string_view trimmed = trim(name);
  if (trimmed.empty()) return TokenError::NameMissing;
  if (!http::is_valid_utf8(trimmed) || has_control_characters(trimmed)) return TokenError::NameInvalid;
  if (utf8_length(trimmed) > kMaxTokenNameLength) return TokenError::NameTooLong;

  CreatedToken created;
  created.secret = new_secret();
  created.token.account_id = account_id;
  created.token.name = std::string(trimmed);
  created.token.prefix = created.secret.substr(0, kDisplayPrefixLength);
  created.token.created_at = now();
  const std::string token_hash = hash_of(created.secret);

  const bool stored = database_.write([&](db::Session& session) {
    if (store::count_active(session, account_id) >= kMaxActiveTokensPerAccount) return false;
    created.token.id = store::insert_token(session, created.token, token_hash);
    audit::record(session, {.actor_account_id = actor,
                            .action = "api_token.create",
                            .subject_type = "account",
                            .subject_id = account_id,
                            .details = {{"token_id", created.token.id},
                                        {"name", created.token.name},
                                        {"prefix", created.token.prefix}},
                            .at = created.token.created_at});
    return true;
  });
  if (!stored) return TokenError::TooManyTokens;
  return created;
}

std::vector<ApiToken> TokenService::list(std::int64_t account_id) {
  return database_.read([&](db::Session& session) { return store::tokens_of(session, account_id); });
}

std::vector<ApiToken> TokenService::list_in(db::Session& session, std::int64_t account_id) {
  return store::tokens_of(session, account_id);
}

bool TokenService::revoke(std::int64_t account_id, std::int64_t token_id) {
  const std::int64_t at = now();
  return database_.write([&](db::Session& session) {
    if (!store::revoke(session, account_id, token_id, at)) return false;
    audit::record(session, {.actor_account_id = account_id,
                            .action = "api_token.revoke",
                            .subject_type = "account",
                            .subject_id = account_id,
                            .details = {{"token_id", token_id}},
                            .at = at});
    return true;
  });
}

std::int64_t TokenService::revoke_all_in(db::Session& session, std::int64_t account_id, std::int64_t at) {
  return store::revoke_all(session, account_id, at);
}

std::optional<TokenOwner> TokenService::authenticate(std::string_view presented) {
  if (!looks_like_token(presented)) return std::nullopt;
  const std::string token_hash = hash_of(presented);
  auto stored =
      database_.read([&](db::Session& session) { return store::find_by_hash(session, token_hash); });
  // The lookup found the row by its hash; comparing again in constant time costs nothing and keeps
  // the check independent of how the database compares text.
  if (!stored || stored->token_hash.size() != token_hash.size() ||
      sodium_memcmp(stored->token_hash.data(), token_hash.data(), token_hash.size()) != 0) {
    return std::nullopt;
  }
  if (!stored->token.active()) return std::nullopt;
  const std::int64_t at = now();
  if (!stored->token.last_used_at || *stored->token.last_used_at + kTouchIntervalSeconds <= at) {
    database_.write([&](db::Session& session) { store::touch(session, stored->token.id, at); });
  }
  return TokenOwner{stored->token.id, stored->token.account_id};
}

}  // namespace api
