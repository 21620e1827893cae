#include "api/token_store.h"

#include <string>

namespace api::store {

namespace {

constexpr std::string_view kColumns = "id, account_id, name, prefix, created_at, last_used_at, revoked_at";

ApiToken token_from(const db::Row& row) {
  ApiToken token;
  token.id = row.int64(0);
  token.account_id = row.int64(1);
  token.name = row.text(2);
  token.prefix = row.text(3);
  token.created_at = row.int64(4);
  token.last_used_at = row.optional_int64(5);
  token.revoked_at = row.optional_int64(6);
  return token;
}

}  // namespace

std::int64_t insert_token(db::Session& session, const ApiToken& token, std::string_view token_hash) {
  auto row = session.query_one(
      "INSERT INTO api_tokens (account_id, name, token_hash, prefix, created_at) VALUES (?, ?, ?, ?, ?) "
      "RETURNING id",
      {token.account_id, token.name, std::string(token_hash), token.prefix, token.created_at});
  return row->int64(0);
}

std::vector<ApiToken> tokens_of(db::Session& session, std::int64_t account_id) {
  static const std::string sql =
      "SELECT " + std::string(kColumns) + " FROM api_tokens WHERE account_id = ? ORDER BY id DESC";
  std::vector<ApiToken> tokens;
  for (const auto& row : session.query(sql, {account_id})) tokens.push_back(token_from(row));
  return tokens;
}

std::int64_t count_active(db::Session& session, std::int64_t account_id) {
  auto row = session.query_one("SELECT COUNT(*) FROM api_tokens WHERE account_id = ? AND revoked_at IS NULL",
                               {account_id});
  return row ? row->int64(0) : 0;
}

std::optional<StoredToken> find_by_hash(db::Session& session, std::string_view token_hash) {
  static const std::string sql =
      "SELECT " + std::string(kColumns) + ", token_hash FROM api_tokens WHERE token_hash = ?";
  auto row = session.query_one(sql, {std::string(token_hash)});
  if (!row) return std::nullopt;
  return StoredToken{token_from(*row), row->text(7)};
}

bool revoke(db::Session& session, std::int64_t account_id, std::int64_t token_id, std::int64_t now) {
  return session.execute(
             "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND account_id = ? AND revoked_at IS NULL",
             {now, token_id, account_id}) > 0;
}

std::int64_t revoke_all(db::Session& session, std::int64_t account_id, std::int64_t now) {
  return session.execute("UPDATE api_tokens SET revoked_at = ? WHERE account_id = ? AND revoked_at IS NULL",
                         {now, account_id});
}

void touch(db::Session& session, std::int64_t token_id, std::int64_t now) {
  session.execute("UPDATE api_tokens SET last_used_at = ? WHERE id = ?", {now, token_id});
}

}  // namespace api::store
