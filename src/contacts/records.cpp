#include "contacts/records.h"

#include <algorithm>

#include "auth/tokens.h"
#include "contacts/store.h"

namespace contacts {

std::string_view to_string(Response response) {
  switch (response) {
    case Response::Interested:
      return "interested";
    case Response::NotNow:
      return "not_now";
    case Response::Never:
      return "never";
  }
  return "interested";
}

std::optional<Response> response_from(std::string_view text) {
  if (text == "interested") return Response::Interested;
  if (text == "not_now") return Response::NotNow;
  if (text == "never") return Response::Never;
  return std::nullopt;
}

std::string normalize_email(std::string_view email) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!email.empty() && is_space(email.front())) email.remove_prefix(1);
  while (!email.empty() && is_space(email.back())) email.remove_suffix(1);
  std::string out(email);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string email_hash(std::string_view email) {
  // The same unkeyed BLAKE2b in hex that tokens are stored as: every instance and the command line agree.
  return auth::hash_token(normalize_email(email));
}

std::optional<Contact> find_contact(db::Session& session, std::int64_t contact_id) {
  auto row = session.query_one(
      std::string("SELECT ") + store::kContactColumns + " FROM contacts c WHERE c.id = ?", {contact_id});
  if (!row) return std::nullopt;
  return store::contact_from(*row);
}

std::optional<Contact> find_contact_by_email(db::Session& session, std::int64_t network_id,
                                             std::string_view email) {
  auto row = session.query_one(std::string("SELECT ") + store::kContactColumns +
                                   " FROM contacts c WHERE c.network_id = ? AND c.email = ?",
                               {network_id, normalize_email(email)});
  if (!row) return std::nullopt;
  return store::contact_from(*row);
}

void suppress(db::Session& session, std::int64_t network_id, std::string_view email, std::string_view reason,
              std::int64_t now) {
  session.execute(
      "INSERT INTO contact_suppressions (network_id, email_hash, reason, created_at) VALUES (?, ?, ?, ?) "
      "ON CONFLICT (network_id, email_hash) DO NOTHING",
      {network_id, email_hash(email), std::string(reason), now});
}

bool mark_unsubscribed(db::Session& session, std::int64_t contact_id, std::int64_t now) {
  const auto contact = find_contact(session, contact_id);
  if (!contact) return false;
  session.execute(
      "UPDATE contacts SET unsubscribed_at = COALESCE(unsubscribed_at, ?), updated_at = ? WHERE id = ?",
      {now, now, contact_id});
  suppress(session, contact->network_id, contact->email, "unsubscribed", now);
  return true;
}

bool mark_bounced(db::Session& session, std::int64_t network_id, std::string_view email,
                  std::string_view reason, std::int64_t now) {
  std::string kept(reason.substr(0, std::min<std::size_t>(reason.size(), 500)));
  suppress(session, network_id, email, "bounced", now);
  return session.execute(
             "UPDATE contacts SET bounced_at = COALESCE(bounced_at, ?), bounce_reason = ?, updated_at = ? "
             "WHERE network_id = ? AND email = ?",
             {now, kept, now, network_id, normalize_email(email)}) > 0;
}

bool record_response(db::Session& session, std::int64_t contact_id, Response response, std::int64_t now) {
  const auto contact = find_contact(session, contact_id);
  if (!contact) return false;
  session.execute("UPDATE contacts SET response = ?, responded_at = ?, updated_at = ? WHERE id = ?",
                  {std::string(to_string(response)), now, now, contact_id});
  if (response == Response::Never) suppress(session, contact->network_id, contact->email, "never", now);
  return true;
}

bool mark_mailed(db::Session& session, std::int64_t contact_id, std::int64_t now) {
  return session.execute("UPDATE contacts SET last_mailed_at = ? WHERE id = ?", {now, contact_id}) > 0;
}

std::optional<std::string> suppression_reason(db::Session& session, std::int64_t network_id,
                                              std::string_view email) {
  auto row =
      session.query_one("SELECT reason FROM contact_suppressions WHERE network_id = ? AND email_hash = ?",
                        {network_id, email_hash(email)});
  if (row) return row->text(0);
  const auto contact = find_contact_by_email(session, network_id, email);
  if (contact) {
    if (contact->unsubscribed_at) return std::string("unsubscribed");
    if (contact->response == Response::Never) return std::string("never");
    if (contact->bounced_at) return std::string("bounced");
  }
  return std::nullopt;
}

bool is_suppressed(db::Session& session, std::int64_t network_id, std::string_view email) {
  return suppression_reason(session, network_id, email).has_value();
}

namespace {

nlohmann::json optional_json(const std::optional<std::int64_t>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

}  // namespace

nlohmann::json export_contact(db::Session& session, std::int64_t contact_id) {
  const auto contact = find_contact(session, contact_id);
  if (!contact) return nullptr;
  nlohmann::json out;
  auto network = session.query_one("SELECT name FROM networks WHERE id = ?", {contact->network_id});
  out["network"] = network ? network->text(0) : "";
  out["email"] = contact->email;
  out["name"] = contact->name;
  out["organisation"] = contact->organisation;
  out["town"] = contact->town;
  out["region"] = contact->region;
  out["discipline"] = contact->discipline;
  out["source"] = contact->source;
  out["legal_basis"] = contact->legal_basis;
  out["language"] = contact->language;
  out["created_at"] = contact->created_at;
  out["updated_at"] = contact->updated_at;
  out["unsubscribed_at"] = optional_json(contact->unsubscribed_at);
  out["bounced_at"] = optional_json(contact->bounced_at);
  out["bounce_reason"] =
      contact->bounce_reason ? nlohmann::json(*contact->bounce_reason) : nlohmann::json(nullptr);
  out["responded_at"] = optional_json(contact->responded_at);
  out["response"] = contact->response ? nlohmann::json(std::string(to_string(*contact->response)))
                                      : nlohmann::json(nullptr);
  out["last_mailed_at"] = optional_json(contact->last_mailed_at);
  out["became_member_at"] = optional_json(contact->became_member_at);
  nlohmann::json imports = nlohmann::json::array();
  for (const ImportSummary& import : store::imports_of_contact(session, contact_id)) {
    imports.push_back({{"imported_at", import.created_at},
                       {"file_name", import.file_name},
                       {"source", import.source},
                       {"legal_basis", import.legal_basis},
                       {"outcome", import.outcome}});
  }
  out["imports"] = std::move(imports);
  return out;
}

bool erase_contact(db::Session& session, std::int64_t contact_id, std::string_view reason, std::int64_t now) {
  const auto contact = find_contact(session, contact_id);
  if (!contact) return false;
  std::optional<std::string> keep_reason;
  if (reason == "unsubscribed" || reason == "never")
    keep_reason = std::string(reason);
  else if (contact->response == Response::Never)
    keep_reason = "never";
  else if (contact->unsubscribed_at)
    keep_reason = "unsubscribed";
  else if (contact->bounced_at)
    keep_reason = "bounced";
  if (keep_reason) suppress(session, contact->network_id, contact->email, *keep_reason, now);
  session.execute("DELETE FROM contacts WHERE id = ?", {contact_id});
  return true;
}

nlohmann::json export_member(db::Session& session, std::int64_t account_id) {
  nlohmann::json contacts = nlohmann::json::array();
  for (const db::Row& row :
       session.query("SELECT id FROM contacts WHERE account_id = ? ORDER BY id", {account_id})) {
    contacts.push_back(export_contact(session, row.int64(0)));
  }
  return contacts;
}

void erase_member(db::Session& session, std::int64_t account_id) {
  session.execute("DELETE FROM contacts WHERE account_id = ?", {account_id});
}

std::int64_t retention_days(db::Session& session, std::int64_t network_id) {
  auto row =
      session.query_one("SELECT retention_days FROM recruitment_settings WHERE network_id = ?", {network_id});
  return row ? row->int64(0) : kDefaultRetentionDays;
}

void set_retention_days(db::Session& session, std::int64_t network_id, std::int64_t days) {
  session.execute(
      "INSERT INTO recruitment_settings (network_id, retention_days) VALUES (?, ?) "
      "ON CONFLICT (network_id) DO UPDATE SET retention_days = excluded.retention_days",
      {network_id, days});
}

std::int64_t erase_expired(db::Session& session, std::int64_t now) {
  // Networks without a settings row keep contacts for the default period.
  return session.execute(
      "DELETE FROM contacts WHERE responded_at IS NULL AND account_id IS NULL AND "
      "(CASE WHEN last_mailed_at IS NOT NULL AND last_mailed_at > created_at THEN last_mailed_at ELSE "
      "created_at END) < "
      "? - 86400 * COALESCE((SELECT s.retention_days FROM recruitment_settings s "
      "WHERE s.network_id = contacts.network_id), ?)",
      {now, kDefaultRetentionDays});
}

}  // namespace contacts
