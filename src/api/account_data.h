// The account half of personal-data export and erasure, put together from what auth and mail offer
// (auth::export_account_data / erase_account_data, mail::messages_to / forget_recipient): api/ asks
// those features and never touches their tables. Each function runs inside the caller's transaction.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "auth/service.h"
#include "db/database.h"
#include "http/request.h"

namespace api::account_data {

// What replaces a name on erasure; contributions elsewhere show it.
inline constexpr std::string_view kFormerMemberName = auth::kFormerMemberName;

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
// auth::erase_account_data (name and e-mail replaced, password, sessions, sign-in tokens,
// memberships, unused invitations and failed sign-ins gone; the row stays so contributions read
// "Voormalig lid"), then the outbox mail to the address the account had (unsent mail must not go
// out; sent mail is a copy of personal data).
ErasedAccount erase_account(db::Session& session, std::int64_t account_id, std::int64_t now);

}  // namespace api::account_data
