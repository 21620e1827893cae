// Accounts, memberships, sessions, single-use tokens and invitations: plain values, no behaviour.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace auth {

enum class AccountStatus { Active, Disabled, Erased };
enum class Role { Member, Coordinator };
enum class MembershipStatus { Active, Pending, Rejected };
// How a network takes new members: anyone, whoever holds an invitation link, or after approval.
enum class SignupMode { Open, Invitation, Approval };
enum class TokenPurpose { Verify, Reset, SignIn };

// The words stored in the database ("active", "coordinator", "approval", "reset", ...).
std::string_view to_string(AccountStatus status);
std::string_view to_string(Role role);
std::string_view to_string(MembershipStatus status);
std::string_view to_string(SignupMode mode);
std::string_view to_string(TokenPurpose purpose);
std::optional<AccountStatus> account_status_from(std::string_view text);
std::optional<Role> role_from(std::string_view text);
std::optional<MembershipStatus> membership_status_from(std::string_view text);
std::optional<SignupMode> signup_mode_from(std::string_view text);

struct Account {
  std::int64_t id = 0;
  std::string email;  // lower case
  std::optional<std::int64_t> email_verified_at;
  std::string password_hash;  // argon2id string; empty: no password set (sign in by link only)
  std::string name;
  std::string language = "nl";
  bool is_admin = false;
  AccountStatus status = AccountStatus::Active;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;

  bool verified() const { return email_verified_at.has_value(); }
};

// What create_account() needs. The password arrives hashed: callers hash once (or share one hash,
// like the demo seed) outside the transaction, so no database lock is held while argon2 runs.
struct NewAccount {
  std::string email;  // normalised by create_account (trimmed, lower case)
  std::string name;
  std::string language = "nl";
  std::string password_hash;  // from PasswordHasher::hash, demo_password_hash(), or empty
  bool verified = false;      // sets email_verified_at to created_at
  bool is_admin = false;
  std::int64_t created_at = 0;  // 0: now
};

struct Membership {
  std::int64_t account_id = 0;
  std::int64_t network_id = 0;
  Role role = Role::Member;
  MembershipStatus status = MembershipStatus::Active;
  std::int64_t created_at = 0;
};

// A pending application as a coordinator sees it.
struct Application {
  std::int64_t account_id = 0;
  std::string name;
  std::string email;
  bool email_verified = false;
  std::int64_t created_at = 0;
};

struct Invitation {
  std::int64_t id = 0;
  std::int64_t network_id = 0;
  std::optional<std::string> email;  // when set, only this address may use it
  std::int64_t created_at = 0;
  std::int64_t expires_at = 0;
  std::optional<std::int64_t> used_at;
};

// The network facts auth needs (the rest belongs to regions).
struct NetworkAccess {
  std::int64_t id = 0;
  std::string slug;
  std::string name;
  SignupMode signup_mode = SignupMode::Open;
};

// A signed-in browser, as stored: only the hash of its token.
struct SessionRecord {
  std::string token_hash;
  std::int64_t account_id = 0;
  std::int64_t created_at = 0;
  std::int64_t last_seen_at = 0;
  std::int64_t expires_at = 0;  // the absolute end
};

}  // namespace auth
