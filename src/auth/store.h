// The SQL for accounts, memberships, tokens, invitations, sessions and sign-in attempts. Each
// function runs inside the caller's transaction and throws db::Error on database failures; the rules
// (who may do what, when a token counts) live in service.h. Times are Unix seconds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/types.h"
#include "db/database.h"

namespace auth::store {

// --- accounts
std::optional<Account> find_account(db::Session& session, std::int64_t id);
std::optional<Account> find_account_by_email(db::Session& session, std::string_view email);  // lower case
// Inserts `account` as given (email already normalised); returns the id. A taken address throws
// db::Error(Constraint).
std::int64_t insert_account(db::Session& session, const NewAccount& account, std::int64_t now);
void set_password_hash(db::Session& session, std::int64_t account_id, std::string_view hash,
                       std::int64_t now);
// Sets email_verified_at unless it is set already.
void mark_verified(db::Session& session, std::int64_t account_id, std::int64_t now);
void set_admin(db::Session& session, std::int64_t account_id, bool admin, std::int64_t now);

// --- networks (the auth columns)
std::optional<NetworkAccess> find_network(db::Session& session, std::string_view slug);
std::optional<NetworkAccess> find_network(db::Session& session, std::int64_t id);
std::optional<NetworkAccess> first_network(db::Session& session);
std::vector<NetworkAccess> list_networks(db::Session& session);  // by id
void set_signup_mode(db::Session& session, std::int64_t network_id, SignupMode mode);

// --- memberships
std::optional<Membership> find_membership(db::Session& session, std::int64_t account_id,
                                          std::int64_t network_id);
// Inserts, or replaces role and status of an existing membership.
void put_membership(db::Session& session, const Membership& membership);
// Moves a pending membership to `status`; false when there was no pending one.
bool decide_membership(db::Session& session, std::int64_t account_id, std::int64_t network_id,
                       MembershipStatus status, std::int64_t now);
std::vector<Application> pending_applications(db::Session& session, std::int64_t network_id);  // oldest first
// The active accounts with an active membership of the network, by id (for other features' seeds
// and lists, e.g. the events demo).
std::vector<Account> active_members(db::Session& session, std::int64_t network_id);

// --- single-use tokens (verify, reset, signin)
void insert_auth_token(db::Session& session, std::string_view token_hash, std::int64_t account_id,
                       TokenPurpose purpose, std::int64_t now, std::int64_t expires_at);
// The account of an unused, unexpired token of this purpose, or nothing.
std::optional<std::int64_t> find_valid_auth_token(db::Session& session, std::string_view token_hash,
                                                  TokenPurpose purpose, std::int64_t now);
// Marks such a token used and returns its account; nothing when it was not valid (so of two
// concurrent uses, exactly one succeeds).
std::optional<std::int64_t> use_auth_token(db::Session& session, std::string_view token_hash,
                                           TokenPurpose purpose, std::int64_t now);

// --- invitations
std::int64_t insert_invitation(db::Session& session, std::int64_t network_id, std::string_view token_hash,
                               const std::optional<std::string>& email, std::int64_t created_by,
                               std::int64_t now, std::int64_t expires_at);
std::optional<Invitation> find_valid_invitation(db::Session& session, std::string_view token_hash,
                                                std::int64_t network_id, std::int64_t now);
// Marks the invitation used by `account_id`; false when it was used (or expired) meanwhile.
bool use_invitation(db::Session& session, std::int64_t invitation_id, std::int64_t account_id,
                    std::int64_t now);
std::vector<Invitation> recent_invitations(db::Session& session, std::int64_t network_id,
                                           std::size_t limit);  // newest first

// --- sessions
struct SessionWithAccount {
  SessionRecord session;
  Account account;
};
void insert_session(db::Session& session, const SessionRecord& record, std::string_view ip,
                    std::string_view user_agent);
// The session with this hash and its account, when the account is active (expiry is the caller's rule).
std::optional<SessionWithAccount> find_session(db::Session& session, std::string_view token_hash);
void touch_session(db::Session& session, std::string_view token_hash, std::int64_t now);
void delete_session(db::Session& session, std::string_view token_hash);
void delete_sessions_of(db::Session& session, std::int64_t account_id);
std::int64_t count_sessions_of(db::Session& session, std::int64_t account_id);

// --- failed sign-ins
void insert_failed_sign_in(db::Session& session, std::string_view email, std::string_view ip,
                           std::int64_t now);
// The time of the `n`-th most recent failure (1-based) after `since` for this address or IP, if any.
std::optional<std::int64_t> nth_recent_failure_by_email(db::Session& session, std::string_view email,
                                                        std::int64_t since, std::int64_t n);
std::optional<std::int64_t> nth_recent_failure_by_ip(db::Session& session, std::string_view ip,
                                                     std::int64_t since, std::int64_t n);
void delete_failed_sign_ins(db::Session& session, std::string_view email);
void delete_failed_sign_ins_before(db::Session& session, std::int64_t before);

// --- personal data (export and erasure of one account, for the API)
struct MembershipRecord {
  std::int64_t network_id = 0;
  std::string network_slug;
  std::string network_name;
  std::string role;    // as stored: "member", "coordinator"
  std::string status;  // as stored: "active", "pending", "rejected"
  std::int64_t created_at = 0;
  std::optional<std::int64_t> decided_at;
};
std::vector<MembershipRecord> memberships_of(db::Session& session, std::int64_t account_id);  // by network
struct SessionSummary {
  std::int64_t created_at = 0;
  std::int64_t last_seen_at = 0;
  std::int64_t expires_at = 0;
  std::string ip;
  std::string user_agent;
};
std::vector<SessionSummary> sessions_of(db::Session& session, std::int64_t account_id);  // oldest first
struct ErasedRows {
  std::int64_t sessions = 0;
  std::int64_t memberships = 0;
};
// Overwrites the account's personal fields with `name` and `tombstone`, marks it erased, and deletes its
// sessions, single-use tokens and memberships; unused invitations to `email` go, used ones keep only the
// tombstone; failed sign-ins with `email` go.
ErasedRows erase_account(db::Session& session, std::int64_t account_id, std::string_view email,
                         std::string_view name, std::string_view tombstone, std::int64_t now);

}  // namespace auth::store
