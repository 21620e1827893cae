#include "auth/store.h"

namespace auth::store {

namespace {

constexpr std::string_view kAccountColumns =
    "a.id, a.email, a.email_verified_at, a.password_hash, a.name, a.language, a.is_admin, a.status, "
    "a.created_at, "
    "a.updated_at";
constexpr std::size_t kAccountColumnCount = 10;

Account account_from(const db::Row& row, std::size_t first = 0) {
  Account account;
  account.id = row.int64(first);
  account.email = row.text(first + 1);
  account.email_verified_at = row.optional_int64(first + 2);
  account.password_hash = row.text(first + 3);
  account.name = row.text(first + 4);
  account.language = row.text(first + 5);
  account.is_admin = row.int64(first + 6) != 0;
  account.status = account_status_from(row.text(first + 7)).value_or(AccountStatus::Disabled);
  account.created_at = row.int64(first + 8);
  account.updated_at = row.int64(first + 9);
  return account;
}

NetworkAccess network_from(const db::Row& row) {
  NetworkAccess network;
  network.id = row.int64(0);
  network.slug = row.text(1);
  network.name = row.text(2);
  network.signup_mode = signup_mode_from(row.text(3)).value_or(SignupMode::Approval);
  return network;
}

constexpr std::string_view kNetworkSelect = "SELECT id, slug, name, signup_mode FROM networks ";

Invitation invitation_from(const db::Row& row) {
  Invitation invitation;
  invitation.id = row.int64(0);
  invitation.network_id = row.int64(1);
  invitation.email = row.optional_text(2);
  invitation.created_at = row.int64(3);
  invitation.expires_at = row.int64(4);
  invitation.used_at = row.optional_int64(5);
  return invitation;
}

constexpr std::string_view kInvitationSelect =
    "SELECT id, network_id, email, created_at, expires_at, used_at FROM invitations ";

}  // namespace

// --- accounts

std::optional<Account> find_account(db::Session& session, std::int64_t id) {
  static const std::string sql = "SELECT " + std::string(kAccountColumns) + " FROM accounts a WHERE a.id = ?";
  auto row = session.query_one(sql, {id});
  if (!row) return std::nullopt;
  return account_from(*row);
}

std::optional<Account> find_account_by_email(db::Session& session, std::string_view email) {
  static const std::string sql =
      "SELECT " + std::string(kAccountColumns) + " FROM accounts a WHERE a.email = ?";
  auto row = session.query_one(sql, {std::string(email)});
  if (!row) return std::nullopt;
  return account_from(*row);
}

std::int64_t insert_account(db::Session& session, const NewAccount& account, std::int64_t now) {
  const std::int64_t created = account.created_at != 0 ? account.created_at : now;
  auto row = session.query_one(
      "INSERT INTO accounts (email, email_verified_at, password_hash, name, language, is_admin, status, "
      "created_at, "
      "updated_at) VALUES (?, ?, ?, ?, ?, ?, 'active', ?, ?) RETURNING id",
      {account.email, account.verified ? db::Value(created) : db::null(), account.password_hash, account.name,
       account.language, std::int64_t{account.is_admin ? 1 : 0}, created, created});
  return row->int64(0);
}

void set_password_hash(db::Session& session, std::int64_t account_id, std::string_view hash,
                       std::int64_t now) {
  session.execute("UPDATE accounts SET password_hash = ?, updated_at = ? WHERE id = ?",
                  {std::string(hash), now, account_id});
}

void mark_verified(db::Session& session, std::int64_t account_id, std::int64_t now) {
  session.execute(
      "UPDATE accounts SET email_verified_at = ?, updated_at = ? WHERE id = ? AND email_verified_at IS NULL",
      {now, now, account_id});
}

void set_admin(db::Session& session, std::int64_t account_id, bool admin, std::int64_t now) {
  session.execute("UPDATE accounts SET is_admin = ?, updated_at = ? WHERE id = ?",
                  {std::int64_t{admin ? 1 : 0}, now, account_id});
}

// --- networks

std::optional<NetworkAccess> find_network(db::Session& session, std::string_view slug) {
  static const std::string sql = std::string(kNetworkSelect) + "WHERE slug = ?";
  auto row = session.query_one(sql, {std::string(slug)});
  if (!row) return std::nullopt;
  return network_from(*row);
}

std::optional<NetworkAccess> find_network(db::Session& session, std::int64_t id) {
  static const std::string sql = std::string(kNetworkSelect) + "WHERE id = ?";
  auto row = session.query_one(sql, {id});
  if (!row) return std::nullopt;
  return network_from(*row);
}

std::optional<NetworkAccess> first_network(db::Session& session) {
  static const std::string sql = std::string(kNetworkSelect) + "ORDER BY id LIMIT 1";
  auto row = session.query_one(sql);
  if (!row) return std::nullopt;
  return network_from(*row);
}

std::vector<NetworkAccess> list_networks(db::Session& session) {
  static const std::string sql = std::string(kNetworkSelect) + "ORDER BY id";
  std::vector<NetworkAccess> networks;
  for (const auto& row : session.query(sql)) networks.push_back(network_from(row));
  return networks;
}

void set_signup_mode(db::Session& session, std::int64_t network_id, SignupMode mode) {
  session.execute("UPDATE networks SET signup_mode = ? WHERE id = ?",
                  {std::string(to_string(mode)), network_id});
}

// --- memberships

std::optional<Membership> find_membership(db::Session& session, std::int64_t account_id,
                                          std::int64_t network_id) {
  auto row = session.query_one(
      "SELECT account_id, network_id, role, status, created_at FROM memberships WHERE account_id = ? AND "
      "network_id = ?",
      {account_id, network_id});
  if (!row) return std::nullopt;
  Membership membership;
  membership.account_id = row->int64(0);
  membership.network_id = row->int64(1);
  membership.role = role_from(row->text(2)).value_or(Role::Member);
  membership.status = membership_status_from(row->text(3)).value_or(MembershipStatus::Pending);
  membership.created_at = row->int64(4);
  return membership;
}

void put_membership(db::Session& session, const Membership& membership) {
  session.execute(
      "INSERT INTO memberships (account_id, network_id, role, status, created_at) VALUES (?, ?, ?, ?, ?) "
      "ON CONFLICT (account_id, network_id) DO UPDATE SET role = excluded.role, status = excluded.status",
      {membership.account_id, membership.network_id, std::string(to_string(membership.role)),
       std::string(to_string(membership.status)), membership.created_at});
}

bool decide_membership(db::Session& session, std::int64_t account_id, std::int64_t network_id,
                       MembershipStatus status, std::int64_t now) {
  return session.execute(
             "UPDATE memberships SET status = ?, decided_at = ? "
             "WHERE account_id = ? AND network_id = ? AND status = 'pending'",
             {std::string(to_string(status)), now, account_id, network_id}) > 0;
}

std::vector<Application> pending_applications(db::Session& session, std::int64_t network_id) {
  std::vector<Application> applications;
  const auto rows = session.query(
      "SELECT a.id, a.name, a.email, a.email_verified_at, m.created_at FROM memberships m "
      "JOIN accounts a ON a.id = m.account_id "
      "WHERE m.network_id = ? AND m.status = 'pending' AND a.status = 'active' ORDER BY m.created_at, a.id",
      {network_id});
  for (const auto& row : rows) {
    Application application;
    application.account_id = row.int64(0);
    application.name = row.text(1);
    application.email = row.text(2);
    application.email_verified = !row.is_null(3);
    application.created_at = row.int64(4);
    applications.push_back(std::move(application));
  }
  return applications;
}

std::vector<Account> active_members(db::Session& session, std::int64_t network_id) {
  static const std::string sql = "SELECT " + std::string(kAccountColumns) +
                                 " FROM memberships m JOIN accounts a ON a.id = m.account_id "
                                 "WHERE m.network_id = ? AND m.status = 'active' AND a.status = 'active' ORDER BY a.id";
  std::vector<Account> accounts;
  for (const auto& row : session.query(sql, {network_id})) accounts.push_back(account_from(row));
  return accounts;
}

// --- single-use tokens

void insert_auth_token(db::Session& session, std::string_view token_hash, std::int64_t account_id,
                       TokenPurpose purpose, std::int64_t now, std::int64_t expires_at) {
  session.execute(
      "INSERT INTO auth_tokens (token_hash, account_id, purpose, created_at, expires_at) VALUES (?, ?, ?, ?, "
      "?)",
      {std::string(token_hash), account_id, std::string(to_string(purpose)), now, expires_at});
}

std::optional<std::int64_t> find_valid_auth_token(db::Session& session, std::string_view token_hash,
                                                  TokenPurpose purpose, std::int64_t now) {
  auto row = session.query_one(
      "SELECT account_id FROM auth_tokens WHERE token_hash = ? AND purpose = ? AND used_at IS NULL AND "
      "expires_at > ?",
      {std::string(token_hash), std::string(to_string(purpose)), now});
  if (!row) return std::nullopt;
  return row->int64(0);
}

std::optional<std::int64_t> use_auth_token(db::Session& session, std::string_view token_hash,
                                           TokenPurpose purpose, std::int64_t now) {
  auto row = session.query_one(
      "UPDATE auth_tokens SET used_at = ? "
      "WHERE token_hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > ? RETURNING account_id",
      {now, std::string(token_hash), std::string(to_string(purpose)), now});
  if (!row) return std::nullopt;
  return row->int64(0);
}

// --- invitations

std::int64_t insert_invitation(db::Session& session, std::int64_t network_id, std::string_view token_hash,
                               const std::optional<std::string>& email, std::int64_t created_by,
                               std::int64_t now, std::int64_t expires_at) {
  auto row = session.query_one(
      "INSERT INTO invitations (network_id, token_hash, email, created_by, created_at, expires_at) "
      "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
      {network_id, std::string(token_hash), db::optional(email), created_by, now, expires_at});
  return row->int64(0);
}

std::optional<Invitation> find_valid_invitation(db::Session& session, std::string_view token_hash,
                                                std::int64_t network_id, std::int64_t now) {
  static const std::string sql =
      std::string(kInvitationSelect) +
      "WHERE token_hash = ? AND network_id = ? AND used_at IS NULL AND expires_at > ?";
  auto row = session.query_one(sql, {std::string(token_hash), network_id, now});
  if (!row) return std::nullopt;
  return invitation_from(*row);
}

bool use_invitation(db::Session& session, std::int64_t invitation_id, std::int64_t account_id,
                    std::int64_t now) {
  return session.execute(
             "UPDATE invitations SET used_at = ?, used_by = ? WHERE id = ? AND used_at IS NULL AND "
             "expires_at > ?",
             {now, account_id, invitation_id, now}) > 0;
}

std::vector<Invitation> recent_invitations(db::Session& session, std::int64_t network_id, std::size_t limit) {
  static const std::string sql =
      std::string(kInvitationSelect) + "WHERE network_id = ? ORDER BY id DESC LIMIT ?";
  std::vector<Invitation> invitations;
  for (const auto& row : session.query(sql, {network_id, static_cast<std::int64_t>(limit)})) {
    invitations.push_back(invitation_from(row));
  }
  return invitations;
}

// --- sessions

void insert_session(db::Session& session, const SessionRecord& record, std::string_view ip,
                    std::string_view user_agent) {
  session.execute(
      "INSERT INTO sessions (token_hash, account_id, created_at, last_seen_at, expires_at, ip, user_agent) "
      "VALUES (?, ?, ?, ?, ?, ?, ?)",
      {record.token_hash, record.account_id, record.created_at, record.last_seen_at, record.expires_at,
       std::string(ip), std::string(user_agent)});
}

std::optional<SessionWithAccount> find_session(db::Session& session, std::string_view token_hash) {
  static const std::string sql =
      "SELECT s.token_hash, s.account_id, s.created_at, s.last_seen_at, s.expires_at, " +
      std::string(kAccountColumns) +
      " FROM sessions s JOIN accounts a ON a.id = s.account_id "
      "WHERE s.token_hash = ? AND a.status = 'active'";
  auto row = session.query_one(sql, {std::string(token_hash)});
  if (!row) return std::nullopt;
  SessionWithAccount found;
  found.session.token_hash = row->text(0);
  found.session.account_id = row->int64(1);
  found.session.created_at = row->int64(2);
  found.session.last_seen_at = row->int64(3);
  found.session.expires_at = row->int64(4);
  found.account = account_from(*row, 5);
  static_assert(kAccountColumnCount == 10);
  return found;
}

void touch_session(db::Session& session, std::string_view token_hash, std::int64_t now) {
  session.execute("UPDATE sessions SET last_seen_at = ? WHERE token_hash = ? AND last_seen_at < ?",
                  {now, std::string(token_hash), now});
}

void delete_session(db::Session& session, std::string_view token_hash) {
  session.execute("DELETE FROM sessions WHERE token_hash = ?", {std::string(token_hash)});
}

void delete_sessions_of(db::Session& session, std::int64_t account_id) {
  session.execute("DELETE FROM sessions WHERE account_id = ?", {account_id});
}

std::int64_t count_sessions_of(db::Session& session, std::int64_t account_id) {
  return session.query_one("SELECT COUNT(*) FROM sessions WHERE account_id = ?", {account_id})->int64(0);
}

// --- failed sign-ins

void insert_failed_sign_in(db::Session& session, std::string_view email, std::string_view ip,
                           std::int64_t now) {
  session.execute("INSERT INTO sign_in_attempts (email, ip, attempted_at) VALUES (?, ?, ?)",
                  {std::string(email), std::string(ip), now});
}

std::optional<std::int64_t> nth_recent_failure_by_email(db::Session& session, std::string_view email,
                                                        std::int64_t since, std::int64_t n) {
  auto row = session.query_one(
      "SELECT attempted_at FROM sign_in_attempts WHERE email = ? AND attempted_at > ? "
      "ORDER BY attempted_at DESC LIMIT 1 OFFSET ?",
      {std::string(email), since, n - 1});
  if (!row) return std::nullopt;
  return row->int64(0);
}

std::optional<std::int64_t> nth_recent_failure_by_ip(db::Session& session, std::string_view ip,
                                                     std::int64_t since, std::int64_t n) {
  auto row = session.query_one(
      "SELECT attempted_at FROM sign_in_attempts WHERE ip = ? AND attempted_at > ? "
      "ORDER BY attempted_at DESC LIMIT 1 OFFSET ?",
      {std::string(ip), since, n - 1});
  if (!row) return std::nullopt;
  return row->int64(0);
}

void delete_failed_sign_ins(db::Session& session, std::string_view email) {
  session.execute("DELETE FROM sign_in_attempts WHERE email = ?", {std::string(email)});
}

void delete_failed_sign_ins_before(db::Session& session, std::int64_t before) {
  session.execute("DELETE FROM sign_in_attempts WHERE attempted_at < ?", {before});
}

// --- personal data

std::vector<MembershipRecord> memberships_of(db::Session& session, std::int64_t account_id) {
  std::vector<MembershipRecord> result;
  for (const db::Row& row : session.query(
           "SELECT n.id, n.slug, n.name, m.role, m.status, m.created_at, m.decided_at FROM memberships m "
           "JOIN networks n ON n.id = m.network_id WHERE m.account_id = ? ORDER BY n.id",
           {account_id})) {
    result.push_back(MembershipRecord{row.int64(0), row.text(1), row.text(2), row.text(3), row.text(4),
                                      row.int64(5), row.optional_int64(6)});
  }
  return result;
}

std::vector<SessionSummary> sessions_of(db::Session& session, std::int64_t account_id) {
  std::vector<SessionSummary> result;
  for (const db::Row& row : session.query(
           "SELECT created_at, last_seen_at, expires_at, ip, user_agent FROM sessions WHERE account_id = ? "
           "ORDER BY created_at",
           {account_id})) {
    result.push_back(SessionSummary{row.int64(0), row.int64(1), row.int64(2), row.text(3), row.text(4)});
  }
  return result;
}

ErasedRows erase_account(db::Session& session, std::int64_t account_id, std::string_view email,
                         std::string_view name, std::string_view tombstone, std::int64_t now) {
  ErasedRows erased;
  const std::string address(email);
  const std::string tombstone_address(tombstone);
  session.execute(
      "UPDATE accounts SET name = ?, email = ?, email_verified_at = NULL, password_hash = '', language = "
      "'nl', is_admin = 0, status = 'erased', updated_at = ? WHERE id = ?",
      {std::string(name), tombstone_address, now, account_id});
  erased.sessions = session.execute("DELETE FROM sessions WHERE account_id = ?", {account_id});
  session.execute("DELETE FROM auth_tokens WHERE account_id = ?", {account_id});
  erased.memberships = session.execute("DELETE FROM memberships WHERE account_id = ?", {account_id});
  if (!address.empty()) {
    // An unused invitation for this address must not outlive it; a used one keeps only the tombstone.
    session.execute("DELETE FROM invitations WHERE email = ? AND used_at IS NULL", {address});
    session.execute("UPDATE invitations SET email = ? WHERE email = ?", {tombstone_address, address});
    session.execute("DELETE FROM sign_in_attempts WHERE email = ?", {address});
  }
  return erased;
}

}  // namespace auth::store
