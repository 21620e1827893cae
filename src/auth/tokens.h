// Random secrets for links and cookies, and the one-way hashes that are all the database keeps of
// them: whoever reads a backup cannot sign in or reset a password with what is in it. Thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace auth {

// 32 random bytes (randombytes_buf) as 43 URL-safe base64 characters: fit for paths and cookies.
std::string new_token();
// The BLAKE2b (crypto_generichash) hash of `token` in hex: what is stored and looked up.
std::string hash_token(std::string_view token);
// True when `token` looks like one of ours (43 URL-safe base64 characters), so junk from a URL or a
// cookie never reaches SQL.
bool is_well_formed_token(std::string_view token);

}  // namespace auth
