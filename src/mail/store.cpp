#include "mail/store.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace mail::store {

namespace {

constexpr std::string_view kColumns =
    "id, to_address, to_name, subject, text_body, html_body, headers, kind, message_id, created_at, "
    "attempts, "
    "next_attempt_at, claimed_until, sent_at, failed_at, last_error";

std::string headers_to_json(const std::vector<std::pair<std::string, std::string>>& headers) {
  nlohmann::json array = nlohmann::json::array();
  for (const auto& [name, value] : headers) array.push_back({name, value});
  return array.dump();
}

std::vector<std::pair<std::string, std::string>> headers_from_json(const std::string& text) {
  std::vector<std::pair<std::string, std::string>> headers;
  const auto array = nlohmann::json::parse(text, nullptr, false);
  if (!array.is_array()) return headers;
  for (const auto& pair : array) {
    if (pair.is_array() && pair.size() == 2 && pair[0].is_string() && pair[1].is_string()) {
      headers.emplace_back(pair[0].get<std::string>(), pair[1].get<std::string>());
    }
  }
  return headers;
}

OutboxRow row_from(const db::Row& row) {
  OutboxRow out;
  out.id = row.int64(0);
  out.message.to_address = row.text(1);
  out.message.to_name = row.text(2);
  out.message.subject = row.text(3);
  out.message.text = row.text(4);
  out.message.html = row.text(5);
  out.message.headers = headers_from_json(row.text(6));
  out.message.kind = row.text(7);
  out.message_id = row.text(8);
  out.created_at = row.int64(9);
  out.attempts = row.int64(10);
  out.next_attempt_at = row.int64(11);
  out.claimed_until = row.int64(12);
  out.sent_at = row.optional_int64(13);
  out.failed_at = row.optional_int64(14);
  out.last_error = row.text(15);
  return out;
}

// Errors come from remote servers: keep what a person needs, not a whole transcript.
std::string bounded(const std::string& error) { return error.size() <= 1000 ? error : error.substr(0, 1000); }

}  // namespace

std::int64_t insert(db::Session& session, const Message& message, const std::string& message_id,
                    std::int64_t now) {
  auto row = session.query_one(
      "INSERT INTO mail_outbox (to_address, to_name, subject, text_body, html_body, headers, kind, "
      "message_id, "
      "created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {message.to_address, message.to_name, message.subject, message.text, message.html,
       headers_to_json(message.headers), message.kind, message_id, now, now});
  return row->int64(0);
}

std::vector<OutboxRow> claim_due(db::Session& session, db::Backend backend, std::int64_t now,
                                 std::int64_t lease_until, std::int64_t limit, std::string_view kind_prefix) {
  // The due rows come from the partial index mail_outbox_due. SQLite has a single writer, so the
  // subquery and the update cannot interleave with another claim; PostgreSQL locks the chosen rows
  // and lets a concurrent claimer skip them instead of waiting for (and then re-reading) them.
  const auto sql = [](bool postgres, bool by_kind) {
    return "UPDATE mail_outbox SET claimed_until = ?, attempts = attempts + 1 WHERE id IN ("
           "SELECT id FROM mail_outbox WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ? "
           "AND claimed_until <= ? " +
           std::string(by_kind ? "AND substr(kind, 1, CAST(? AS INTEGER)) = ? " : "") + "ORDER BY next_attempt_at, id LIMIT ?" +
           std::string(postgres ? " FOR UPDATE SKIP LOCKED" : "") + ") RETURNING " + std::string(kColumns);
  };
  static const std::string sqlite_sql = sql(false, false);
  static const std::string postgres_sql = sql(true, false);
  static const std::string sqlite_kind_sql = sql(false, true);
  static const std::string postgres_kind_sql = sql(true, true);
  const bool postgres = backend == db::Backend::Postgres;
  const auto rows =
      kind_prefix.empty()
          ? session.query(postgres ? postgres_sql : sqlite_sql, {lease_until, now, now, limit})
          : session.query(postgres ? postgres_kind_sql : sqlite_kind_sql,
                          {lease_until, now, now, static_cast<std::int64_t>(kind_prefix.size()),
                           std::string(kind_prefix), limit});
  std::vector<OutboxRow> claimed;
  claimed.reserve(rows.size());
  for (const auto& row : rows) claimed.push_back(row_from(row));
  // RETURNING does not promise the subquery's order.
  std::sort(claimed.begin(), claimed.end(), [](const OutboxRow& a, const OutboxRow& b) {
    return std::pair(a.next_attempt_at, a.id) < std::pair(b.next_attempt_at, b.id);
  });
  return claimed;
}

bool mark_sent(db::Session& session, std::int64_t id, std::int64_t now) {
  return session.execute(
             "UPDATE mail_outbox SET sent_at = ?, claimed_until = 0, last_error = '' "
             "WHERE id = ? AND sent_at IS NULL",
             {now, id}) > 0;
}

bool schedule_retry(db::Session& session, std::int64_t id, std::int64_t lease_until,
                    std::int64_t next_attempt_at, const std::string& error) {
  return session.execute(
             "UPDATE mail_outbox SET next_attempt_at = ?, claimed_until = 0, last_error = ? "
             "WHERE id = ? AND claimed_until = ? AND sent_at IS NULL",
             {next_attempt_at, bounded(error), id, lease_until}) > 0;
}

bool mark_failed(db::Session& session, std::int64_t id, std::int64_t lease_until, std::int64_t now,
                 const std::string& error) {
  return session.execute(
             "UPDATE mail_outbox SET failed_at = ?, claimed_until = 0, last_error = ? "
             "WHERE id = ? AND claimed_until = ? AND sent_at IS NULL",
             {now, bounded(error), id, lease_until}) > 0;
}

bool release(db::Session& session, std::int64_t id, std::int64_t lease_until) {
  return session.execute(
             "UPDATE mail_outbox SET claimed_until = 0, attempts = attempts - 1 "
             "WHERE id = ? AND claimed_until = ? AND sent_at IS NULL",
             {id, lease_until}) > 0;
}

std::optional<OutboxRow> find(db::Session& session, std::int64_t id) {
  static const std::string sql = "SELECT " + std::string(kColumns) + " FROM mail_outbox WHERE id = ?";
  auto row = session.query_one(sql, {id});
  if (!row) return std::nullopt;
  return row_from(*row);
}

std::vector<OutboxRow> for_recipient(db::Session& session, std::string_view address) {
  static const std::string sql =
      "SELECT " + std::string(kColumns) + " FROM mail_outbox WHERE lower(to_address) = lower(?) ORDER BY id";
  std::vector<OutboxRow> rows;
  for (const db::Row& row : session.query(sql, {std::string(address)})) rows.push_back(row_from(row));
  return rows;
}

std::int64_t delete_finished(db::Session& session, std::int64_t sent_before, std::int64_t failed_before) {
  return session.execute("DELETE FROM mail_outbox WHERE sent_at < ? OR failed_at < ?",
                         {sent_before, failed_before});
}

std::int64_t delete_for_recipient(db::Session& session, std::string_view address) {
  return session.execute("DELETE FROM mail_outbox WHERE lower(to_address) = lower(?)",
                         {std::string(address)});
}

OutboxCounts counts(db::Session& session) {
  OutboxCounts result;
  result.pending =
      session.query_one("SELECT COUNT(*) FROM mail_outbox WHERE sent_at IS NULL AND failed_at IS NULL")
          ->int64(0);
  result.failed = session.query_one("SELECT COUNT(*) FROM mail_outbox WHERE failed_at IS NOT NULL")->int64(0);
  return result;
}

}  // namespace mail::store
