#include "api/account_data.h"

#include "auth/store.h"

namespace api::account_data {

namespace {

using nlohmann::json;

json optional_json(const std::optional<std::int64_t>& value) { return value ? json(*value) : json(nullptr); }

}  // namespace

std::string tombstone_email(std::int64_t account_id) {
  return "verwijderd-" + std::to_string(account_id) + "@knooppunt.invalid";
}

std::optional<http::Viewer> active_viewer(db::Session& session, std::int64_t account_id) {
  const auto account = auth::store::find_account(session, account_id);
  if (!account || account->status != auth::AccountStatus::Active) return std::nullopt;
  http::Viewer viewer;
  viewer.account_id = account->id;
  viewer.name = account->name;
  viewer.email = account->email;
  viewer.language = account->language;
  viewer.administrator = account->is_admin;
  return viewer;
}

std::optional<Credentials> credentials(db::Session& session, std::int64_t account_id) {
  auto row =
      session.query_one("SELECT email, password_hash, status FROM accounts WHERE id = ?", {account_id});
  if (!row) return std::nullopt;
  return Credentials{row->text(0), row->text(1), row->text(2) == "active"};
}

std::optional<json> export_account(db::Session& session, std::int64_t account_id) {
  auto account = session.query_one(
      "SELECT id, email, email_verified_at, name, language, is_admin, status, created_at, updated_at "
      "FROM accounts WHERE id = ?",
      {account_id});
  if (!account) return std::nullopt;
  json result;
  result["account"] = {{"id", account->int64(0)},
                       {"email", account->text(1)},
                       {"email_verified_at", optional_json(account->optional_int64(2))},
                       {"name", account->text(3)},
                       {"language", account->text(4)},
                       {"administrator", account->int64(5) != 0},
                       {"status", account->text(6)},
                       {"created_at", account->int64(7)},
                       {"updated_at", account->int64(8)}};

  json memberships = json::array();
  for (const auto& row : session.query(
           "SELECT n.id, n.slug, n.name, m.role, m.status, m.created_at, m.decided_at FROM memberships m "
           "JOIN networks n ON n.id = m.network_id WHERE m.account_id = ? ORDER BY n.id",
           {account_id})) {
    memberships.push_back({{"network_id", row.int64(0)},
                           {"network_slug", row.text(1)},
                           {"network_name", row.text(2)},
                           {"role", row.text(3)},
                           {"status", row.text(4)},
                           {"created_at", row.int64(5)},
                           {"decided_at", optional_json(row.optional_int64(6))}});
  }
  result["memberships"] = std::move(memberships);

  json sessions = json::array();
  for (const auto& row : session.query(
           "SELECT created_at, last_seen_at, expires_at, ip, user_agent FROM sessions WHERE account_id = ? "
           "ORDER BY created_at",
           {account_id})) {
    sessions.push_back({{"created_at", row.int64(0)},
                        {"last_seen_at", row.int64(1)},
                        {"expires_at", row.int64(2)},
                        {"ip", row.text(3)},
                        {"user_agent", row.text(4)}});
  }
  result["sessions"] = std::move(sessions);
  return result;
}

json export_mail(db::Session& session, std::string_view email) {
  json mails = json::array();
  for (const auto& row : session.query(
           "SELECT id, to_address, to_name, subject, text_body, kind, created_at, sent_at, failed_at "
           "FROM mail_outbox WHERE to_address = ? ORDER BY id",
           {std::string(email)})) {
    mails.push_back({{"id", row.int64(0)},
                     {"to_address", row.text(1)},
                     {"to_name", row.text(2)},
                     {"subject", row.text(3)},
                     {"text", row.text(4)},
                     {"kind", row.text(5)},
                     {"created_at", row.int64(6)},
                     {"sent_at", optional_json(row.optional_int64(7))},
                     {"failed_at", optional_json(row.optional_int64(8))}});
  }
  return mails;
}

ErasedAccount erase_account(db::Session& session, std::int64_t account_id, std::string_view email,
                            std::int64_t now) {
  ErasedAccount erased;
  const std::string address(email);
  const std::string tombstone = tombstone_email(account_id);
  session.execute(
      "UPDATE accounts SET name = ?, email = ?, email_verified_at = NULL, password_hash = '', language = "
      "'nl', "
      "is_admin = 0, status = 'erased', updated_at = ? WHERE id = ?",
      {std::string(kFormerMemberName), tombstone, now, account_id});
  erased.sessions_ended = session.execute("DELETE FROM sessions WHERE account_id = ?", {account_id});
  session.execute("DELETE FROM auth_tokens WHERE account_id = ?", {account_id});
  erased.memberships_ended = session.execute("DELETE FROM memberships WHERE account_id = ?", {account_id});
  if (!address.empty()) {
    // An unused invitation for this address must not outlive it; a used one keeps only the tombstone.
    session.execute("DELETE FROM invitations WHERE email = ? AND used_at IS NULL", {address});
    session.execute("UPDATE invitations SET email = ? WHERE email = ?", {tombstone, address});
    session.execute("DELETE FROM sign_in_attempts WHERE email = ?", {address});
    erased.mails_deleted = session.execute("DELETE FROM mail_outbox WHERE to_address = ?", {address});
  }
  return erased;
}

}  // namespace api::account_data
