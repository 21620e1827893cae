// The account half of personal-data export and erasure: what the auth and mail tables hold about one
// account (account, memberships, sessions, sign-in tokens, invitations, failed sign-ins, outbox).
//
// These statements read and change auth's and mail's tables, which only those features should do.
// Their services do not offer export or erasure yet, so the SQL sits here, in one file, to move
// into auth/ and mail/ as Session& functions once they do; nothing else in api/ touches those tables.
// Each function runs inside the caller's transaction.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "db/database.h"
#include "http/request.h"

namespace api::account_data {

// What replaces a name on erasure; contributions elsewhere show it.
inline constexpr std::string_view kFormerMemberName = "Voormalig lid";

// The address an erased account keeps: unique, unroutable (RFC 2606 .invalid), free of personal data.
std::string tombstone_email(std::int64_t account_id);

// The viewer for an account that may use the site now (an API token's owner); nothing when the
// account does not exist or is erased or disabled.
std::optional<http::Viewer> active_viewer(db::Session& session, std::int64_t account_id);

// What an erasure must check first: the account's address, password hash and whether it is active.
struct Credentials {
  std::string email;
  std::string password_hash;
  bool active = false;
};
std::optional<Credentials> credentials(db::Session& session, std::int64_t account_id);

// {"account": {...}, "memberships": [...], "sessions": [...]} without password or token hashes.
// Nothing when there is no such account.
std::optional<nlohmann::json> export_account(db::Session& session, std::int64_t account_id);
// The e-mails in the outbox addressed to `email` (sent or not), oldest first.
nlohmann::json export_mail(db::Session& session, std::string_view email);

struct ErasedAccount {
  std::int64_t sessions_ended = 0;
  std::int64_t memberships_ended = 0;
  std::int64_t mails_deleted = 0;
};
// Replaces name and e-mail by kFormerMemberName and the tombstone, clears the password, language and
// administrator flag, marks the account erased; deletes its sessions, sign-in tokens, memberships,
// invitations addressed to it that were never used, failed sign-ins with its address, and the
// outbox mail to it (unsent mail must not go out; sent mail is a copy of personal data).
// The account row stays, so contributions that name its id remain and read "Voormalig lid".
ErasedAccount erase_account(db::Session& session, std::int64_t account_id, std::string_view email,
                            std::int64_t now);

}  // namespace api::account_data
