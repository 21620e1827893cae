// Accounts and who may do what: sign-up per network (open, by invitation, by approval), e-mail
// verification, sign-in with throttling, sessions, password reset, one-time sign-in links,
// invitations, applications, and the role checks every page asks. No HTTP here, except
// resolve_viewer(), which reads the session cookie (or an API token) from a request before routing.
//
// Rules that hold throughout:
// - Answers never reveal whether an e-mail address has an account (sign-up, sign-in, reset).
// - Tokens are random, single use, expire, and are stored only as hashes.
// - Password hashing runs outside every transaction, through the bounded PasswordHasher.
// - Every change that belongs together, with the mail that reports it, is one write transaction.
//
// Thread-safe: each call runs its own transactions; set_public_url() and set_bearer_resolver() are
// for start-up, before requests arrive.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/passwords.h"
#include "auth/sessions.h"
#include "auth/throttle.h"
#include "auth/types.h"
#include "db/database.h"
#include "http/request.h"
#include "mail/message.h"

namespace web {
class Site;
}

namespace auth {

// --- for other features (the members seed, the API): compose inside their own transaction.

// Trimmed and lower-cased (ASCII letters; the rest of the address is kept as typed).
std::string normalize_email(std::string_view email);
// A plausible address: one @, something before it, a dot in the domain, no spaces or control
// characters, at most 254 bytes. (Whether it exists is for the verification mail to find out.)
bool is_valid_email(std::string_view email);
// Inserts an account; returns its id. `account.email` is normalised here. Pass a hash from
// PasswordHasher::hash or demo_password_hash() (or empty: no password; sign-in by link only).
// Throws db::Error(Constraint) when the address is taken.
std::int64_t create_account(db::Session& session, const NewAccount& account);
// Adds (or changes) the membership of an account in a network. `created_at` 0: now (seeds pass a
// fixed time to stay deterministic).
void add_membership(db::Session& session, std::int64_t account_id, std::int64_t network_id, Role role,
                    MembershipStatus status, std::int64_t created_at = 0);
// The active account with this address, if any (the API's `token create --email` needs it).
std::optional<Account> find_account_by_email(db::Session& session, std::string_view email);
// The active accounts with an active membership of the network, by id (the events demo seed).
std::vector<Account> active_members(db::Session& session, std::int64_t network_id);
// The account with this id in any state (erased and disabled ones too), if any.
std::optional<Account> find_account(db::Session& session, std::int64_t account_id);

// --- personal data (api/personal_data): export and erasure inside the caller's transaction.
// What replaces a name on erasure; contributions elsewhere show it.
inline constexpr std::string_view kFormerMemberName = "Voormalig lid";
// The address an erased account keeps: unique, unroutable (RFC 2606 .invalid), free of personal data.
std::string tombstone_email(std::int64_t account_id);
// {"account": {...}, "memberships": [...], "sessions": [...]} without password or token hashes.
// Nothing when there is no such account.
std::optional<nlohmann::json> export_account_data(db::Session& session, std::int64_t account_id);
struct ErasedAccountData {
  std::string email;  // the address the account had (empty when there was no such account)
  std::int64_t sessions_ended = 0;
  std::int64_t memberships_ended = 0;
};
// Replaces name and e-mail by kFormerMemberName and the tombstone, clears the password, language and
// administrator flag, marks the account erased; deletes its sessions, sign-in tokens, memberships,
// invitations addressed to it that were never used, and failed sign-ins with its address. The row
// stays, so contributions that name its id remain and read "Voormalig lid".
ErasedAccountData erase_account_data(db::Session& session, std::int64_t account_id, std::int64_t now);

// A field the user must correct, with the catalog key of the explanation.
struct FieldError {
  std::string field;
  std::string message_key;
};

struct ServiceOptions {
  SessionPolicy sessions;
  ThrottlePolicy throttle;
  std::int64_t verify_token_seconds = 48LL * 60 * 60;
  std::int64_t reset_token_seconds = 60LL * 60;
  std::int64_t sign_in_link_seconds = 24LL * 60 * 60;
  std::int64_t invitation_seconds = 14LL * 24 * 60 * 60;
  // The site's address for links in mail ("https://kkp.example.nl"), never taken from a request's
  // Host header (that would let anyone send reset links that point elsewhere).
  std::string public_url = "http://127.0.0.1:8080";
  // Adds Secure to the session cookie and names it __Host-sessie (the site is served over TLS).
  bool secure_cookies = false;
  // Unix seconds now; tests move time forward.
  std::function<std::int64_t()> clock;
};

// What a sign-up form sends.
struct SignUp {
  std::string network_slug;  // empty: the primary network
  std::string name;
  std::string email;
  std::string password;
  std::string language = "nl";
  std::string invitation_token;  // required when the network signs up by invitation
};

struct SignUpResult {
  enum class Outcome {
    CheckMail,          // accepted (or the address was taken: the owner got a mail); the same page either way
    Invalid,            // see errors; nothing written
    NetworkNotFound,    // no such network
    InvitationInvalid,  // the network wants an invitation and this one is missing, used, expired or for
                        // another address
  };
  Outcome outcome = Outcome::Invalid;
  std::vector<FieldError> errors;
};

struct SignInResult {
  enum class Outcome {
    SignedIn,    // token: the new session's cookie value
    Invalid,     // wrong address or password (the same answer for both)
    Throttled,   // retry_after_seconds
    Unverified,  // right password, address not yet verified: a new verification mail was sent
  };
  Outcome outcome = Outcome::Invalid;
  std::string token;
  std::int64_t retry_after_seconds = 0;
  std::int64_t account_id = 0;
};

struct PasswordChangeResult {
  enum class Outcome { SignedIn, LinkInvalid, Invalid };
  Outcome outcome = Outcome::LinkInvalid;
  std::string token;  // the new session's cookie value when SignedIn
  std::vector<FieldError> errors;
};

// What a signed-in member sees when joining another network.
struct JoinResult {
  enum class Outcome { Joined, Pending, AlreadyMember, InvitationInvalid, NetworkNotFound };
  Outcome outcome = Outcome::NetworkNotFound;
};

struct CreatedInvitation {
  std::int64_t id = 0;
  std::string url;  // the sign-up link with the token: shown once, never stored
  std::int64_t expires_at = 0;
};

struct AdminCreated {
  std::int64_t account_id = 0;
  std::string sign_in_url;         // when no password was given: the one-time link (24 h)
  std::vector<FieldError> errors;  // when not created (bad address or name, weak password, address taken)
};

class Service {
 public:
  Service(db::Database& database, PasswordHasher& hasher, const web::Site& site, ServiceOptions options = {});
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  void set_public_url(std::string url);
  const std::string& public_url() const { return options_.public_url; }
  const ServiceOptions& options() const { return options_; }
  std::int64_t now() const;

  // --- who is asking
  // Sets request.viewer (and request.session_token_hash) from the session cookie, or from an
  // `Authorization: Bearer` token through the resolver the API registers. Leaves them empty for
  // visitors and for expired or unknown sessions. Reads the database only when a cookie or token is
  // present; writes last_seen_at at most once per touch interval.
  void resolve_viewer(http::Request& request);
  // The API's hook: turns a Bearer token into a viewer (with via_api_token = true), or nothing.
  using BearerResolver = std::function<std::optional<http::Viewer>(std::string_view token)>;
  void set_bearer_resolver(BearerResolver resolver) { bearer_resolver_ = std::move(resolver); }
  bool secure_cookies() const { return options_.secure_cookies; }

  // --- networks and roles
  std::optional<NetworkAccess> network(std::string_view slug);
  std::optional<NetworkAccess> primary_network();
  // Active member (any role) of the network.
  bool is_member(std::int64_t account_id, std::int64_t network_id);
  bool is_coordinator(std::int64_t account_id, std::int64_t network_id);
  // A coordinator of the network or an administrator. (Hosts of knowledge groups arrive with the
  // groups feature: it asks its own service, next to this one.)
  bool can_coordinate(const http::Viewer& viewer, std::int64_t network_id);
  std::optional<Membership> membership(std::int64_t account_id, std::int64_t network_id);

  // --- sign-up and verification
  SignUpResult sign_up(const SignUp& form);
  // The invitation token fits the network and is unused and unexpired.
  bool invitation_valid(std::string_view network_slug, std::string_view token);
  JoinResult join(std::int64_t account_id, std::string_view network_slug, std::string_view invitation_token);
  // Marks the address of the token's account verified; false for an unknown, used or expired token.
  bool verify_email(std::string_view token);

  // --- sign-in and out
  SignInResult sign_in(std::string_view email, std::string_view password, std::string_view ip,
                       std::string_view user_agent, std::string_view previous_session_hash = {});
  void sign_out(std::string_view session_token_hash);

  // --- password reset and sign-in links
  // Sends a reset link when an active account has this address; does nothing visible otherwise.
  void request_password_reset(std::string_view email);
  bool reset_link_valid(std::string_view token);
  // Sets the password, ends every session of the account and starts a new one.
  PasswordChangeResult reset_password(std::string_view token, std::string_view password, std::string_view ip,
                                      std::string_view user_agent);
  // For the page a sign-in link opens: the account's name and whether it still needs a password.
  struct SignInLink {
    std::string name;
    bool needs_password = false;
  };
  std::optional<SignInLink> sign_in_link(std::string_view token);
  // Uses the link (and sets `password` when the account has none yet); starts a session.
  PasswordChangeResult use_sign_in_link(std::string_view token, std::string_view password,
                                        std::string_view ip, std::string_view user_agent);

  // --- coordinators
  std::vector<Application> applications(std::int64_t network_id);
  // Approves or rejects a pending application and mails the applicant; false when there was none.
  bool decide_application(std::int64_t network_id, std::int64_t account_id, bool approve);
  CreatedInvitation create_invitation(const NetworkAccess& network, std::int64_t created_by,
                                      const std::optional<std::string>& email);
  std::vector<Invitation> recent_invitations(std::int64_t network_id);
  void set_signup_mode(std::int64_t network_id, SignupMode mode);

  // --- administrators (knooppunt admin create)
  // A verified administrator who is an active member of every network. With a password it is
  // checked by the same rules as on the site; without one, sign_in_url holds a one-time link.
  AdminCreated create_admin(std::string_view email, std::string_view name,
                            const std::optional<std::string>& password);

  // Validation shared with the routes: the name field (1 to 100 characters, no control characters).
  static std::optional<std::string> name_problem(std::string_view name);

 private:
  mail::Message compose(std::string_view kind, const Account& to, std::string_view network_name,
                        std::string_view link) const;
  void send_verification(db::Session& session, const Account& account, std::string_view network_name);
  std::string link(std::string_view path) const;
  PasswordChangeResult set_password_and_sign_in(std::string_view token, TokenPurpose purpose,
                                                std::string_view password, std::string_view ip,
                                                std::string_view user_agent);

  db::Database& database_;
  PasswordHasher& hasher_;
  const web::Site& site_;
  ServiceOptions options_;
  SignInThrottle throttle_;
  BearerResolver bearer_resolver_;
};

}  // namespace auth
