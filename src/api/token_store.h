// The SQL for personal API tokens. Each function runs inside the caller's transaction and throws
// db::Error on database failures; rules live in tokens.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "api/types.h"
#include "db/database.h"

namespace api::store {

// Inserts a token with its hash (hex); returns the new id.
std::int64_t insert_token(db::Session& session, const ApiToken& token, std::string_view token_hash);
// Every token of the account, newest first, revoked ones included.
std::vector<ApiToken> tokens_of(db::Session& session, std::int64_t account_id);
std::int64_t count_active(db::Session& session, std::int64_t account_id);

struct StoredToken {
  ApiToken token;
  std::string token_hash;
};
std::optional<StoredToken> find_by_hash(db::Session& session, std::string_view token_hash);

// Marks the account's token revoked; false when it is not the account's or was revoked already.
bool revoke(db::Session& session, std::int64_t account_id, std::int64_t token_id, std::int64_t now);
// Revokes every active token of the account; returns how many.
std::int64_t revoke_all(db::Session& session, std::int64_t account_id, std::int64_t now);
void touch(db::Session& session, std::int64_t token_id, std::int64_t now);

}  // namespace api::store
