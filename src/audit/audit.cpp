#include "audit/audit.h"

#include <chrono>
#include <stdexcept>

namespace audit {

namespace {

constexpr std::string_view kColumns = "id, at, actor_account_id, action, subject_type, subject_id, details";

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Entry entry_from(const db::Row& row) {
  Entry entry;
  entry.id = row.int64(0);
  entry.at = row.int64(1);
  entry.actor_account_id = row.optional_int64(2);
  entry.action = row.text(3);
  entry.subject_type = row.text(4);
  entry.subject_id = row.optional_int64(5);
  // Written by record() only, so it parses; a damaged row still exports as an empty object.
  entry.details = nlohmann::json::parse(row.text(6), nullptr, /*allow_exceptions=*/false);
  if (!entry.details.is_object()) entry.details = nlohmann::json::object();
  return entry;
}

}  // namespace

std::int64_t record(db::Session& session, const Event& event) {
  if (event.action.empty() || event.subject_type.empty()) {
    throw std::invalid_argument("audit::record needs an action and a subject type");
  }
  if (!event.details.is_object()) throw std::invalid_argument("audit::record details must be a JSON object");
  auto row = session.query_one(
      "INSERT INTO audit_log (at, actor_account_id, action, subject_type, subject_id, details) "
      "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
      {event.at.value_or(unix_now()), db::optional(event.actor_account_id), event.action, event.subject_type,
       db::optional(event.subject_id), event.details.dump()});
  return row->int64(0);
}

std::vector<Entry> entries_about_account(db::Session& session, std::int64_t account_id) {
  static const std::string sql = "SELECT " + std::string(kColumns) +
                                 " FROM audit_log WHERE (subject_type = 'account' AND subject_id = ?) "
                                 "OR actor_account_id = ? ORDER BY id";
  std::vector<Entry> entries;
  for (const auto& row : session.query(sql, {account_id, account_id})) {
    Entry entry = entry_from(row);
    const bool about_me = entry.subject_type == "account" && entry.subject_id == account_id;
    if (!about_me) entry.details = nlohmann::json::object();
    entries.push_back(std::move(entry));
  }
  return entries;
}

std::vector<Entry> entries_with_action(db::Session& session, std::string_view action) {
  static const std::string sql =
      "SELECT " + std::string(kColumns) + " FROM audit_log WHERE action = ? ORDER BY id";
  std::vector<Entry> entries;
  for (const auto& row : session.query(sql, {std::string(action)})) entries.push_back(entry_from(row));
  return entries;
}

}  // namespace audit
