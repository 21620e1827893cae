#include "contacts/store.h"

#include <stdexcept>

namespace contacts::store {

const char* const kContactColumns =
    "c.id, c.network_id, c.email, c.name, c.organisation, c.town, c.region, c.discipline, c.source, "
    "c.legal_basis, c.language, c.created_at, c.updated_at, c.import_id, c.unsubscribed_at, c.bounced_at, "
    "c.bounce_reason, c.responded_at, c.response, c.last_mailed_at, c.account_id, c.became_member_at";

Contact contact_from(const db::Row& row) {
  Contact c;
  c.id = row.int64(0);
  c.network_id = row.int64(1);
  c.email = row.text(2);
  c.name = row.text(3);
  c.organisation = row.text(4);
  c.town = row.text(5);
  c.region = row.text(6);
  c.discipline = row.text(7);
  c.source = row.text(8);
  c.legal_basis = row.text(9);
  c.language = row.text(10);
  c.created_at = row.int64(11);
  c.updated_at = row.int64(12);
  c.import_id = row.optional_int64(13);
  c.unsubscribed_at = row.optional_int64(14);
  c.bounced_at = row.optional_int64(15);
  c.bounce_reason = row.optional_text(16);
  c.responded_at = row.optional_int64(17);
  if (auto text = row.optional_text(18)) c.response = response_from(*text);
  c.last_mailed_at = row.optional_int64(19);
  c.account_id = row.optional_int64(20);
  c.became_member_at = row.optional_int64(21);
  return c;
}

namespace {

// "WHERE ..." for the filter, with its parameters appended to `params`.
std::string where_clause(const Filter& filter, db::Params& params) {
  std::string sql = " WHERE c.network_id = ?";
  params.emplace_back(filter.network_id);
  const auto equal_ignoring_case = [&](const char* column, const std::string& value) {
    if (value.empty()) return;
    sql += std::string(" AND LOWER(c.") + column + ") = LOWER(?)";
    params.emplace_back(value);
  };
  equal_ignoring_case("town", filter.town);
  equal_ignoring_case("region", filter.region);
  equal_ignoring_case("discipline", filter.discipline);
  equal_ignoring_case("source", filter.source);
  if (filter.responded)
    sql += *filter.responded ? " AND c.responded_at IS NOT NULL" : " AND c.responded_at IS NULL";
  if (filter.status == "mailable") {
    sql +=
        " AND c.unsubscribed_at IS NULL AND c.bounced_at IS NULL AND (c.response IS NULL OR c.response <> "
        "'never')";
  } else if (filter.status == "unsubscribed") {
    sql += " AND c.unsubscribed_at IS NOT NULL";
  } else if (filter.status == "bounced") {
    sql += " AND c.bounced_at IS NOT NULL";
  } else if (filter.status == "member") {
    sql += " AND c.account_id IS NOT NULL";
  }
  if (!filter.query.empty()) {
    std::string pattern = "%";
    for (char ch : filter.query) {
      if (ch == '%' || ch == '_' || ch == '\\') pattern += '\\';
      pattern += ch;
    }
    pattern += '%';
    sql +=
        " AND (LOWER(c.email) LIKE LOWER(?) ESCAPE '\\' OR LOWER(c.name) LIKE LOWER(?) ESCAPE '\\' "
        "OR LOWER(c.organisation) LIKE LOWER(?) ESCAPE '\\')";
    params.emplace_back(pattern);
    params.emplace_back(pattern);
    params.emplace_back(pattern);
  }
  return sql;
}

}  // namespace

std::vector<Contact> list(db::Session& session, const Filter& filter) {
  db::Params params;
  std::string sql = std::string("SELECT ") + kContactColumns + " FROM contacts c" +
                    where_clause(filter, params) + " ORDER BY c.name, c.email, c.id LIMIT ? OFFSET ?";
  params.emplace_back(filter.limit);
  params.emplace_back(filter.offset);
  std::vector<Contact> contacts;
  for (const db::Row& row : session.query(sql, params)) contacts.push_back(contact_from(row));
  return contacts;
}

std::int64_t count(db::Session& session, const Filter& filter) {
  db::Params params;
  const std::string sql = "SELECT COUNT(*) FROM contacts c" + where_clause(filter, params);
  return session.query_one(sql, params)->int64(0);
}

Totals totals(db::Session& session, std::int64_t network_id) {
  const auto row = session.query_one(
      "SELECT COUNT(*), COUNT(responded_at), COALESCE(SUM(CASE WHEN response = 'interested' THEN 1 ELSE 0 "
      "END), 0), "
      "COUNT(unsubscribed_at), COUNT(bounced_at), COUNT(account_id) FROM contacts WHERE network_id = ?",
      {network_id});
  Totals t;
  t.contacts = row->int64(0);
  t.responded = row->int64(1);
  t.interested = row->int64(2);
  t.unsubscribed = row->int64(3);
  t.bounced = row->int64(4);
  t.members = row->int64(5);
  return t;
}

std::vector<std::pair<std::string, std::int64_t>> facet(db::Session& session, std::int64_t network_id,
                                                        const std::string& column, std::size_t limit) {
  if (column != "town" && column != "region" && column != "discipline" && column != "source") {
    throw std::invalid_argument("contacts::store::facet: unknown column " + column);
  }
  std::vector<std::pair<std::string, std::int64_t>> values;
  const auto rows =
      session.query("SELECT " + column + ", COUNT(*) FROM contacts WHERE network_id = ? AND " + column +
                        " <> '' GROUP BY " + column + " ORDER BY COUNT(*) DESC, " + column + " LIMIT ?",
                    {network_id, static_cast<std::int64_t>(limit)});
  for (const db::Row& row : rows) values.emplace_back(row.text(0), row.int64(1));
  return values;
}

namespace {

constexpr const char* kImportColumns =
    "i.id, i.network_id, i.created_by, i.created_at, i.file_name, i.source, i.legal_basis, i.rows_total, "
    "i.rows_added, i.rows_merged, i.rows_refused, i.report_json";

ImportSummary import_from(const db::Row& row) {
  ImportSummary s;
  s.id = row.int64(0);
  s.network_id = row.int64(1);
  s.created_by = row.optional_int64(2);
  s.created_at = row.int64(3);
  s.file_name = row.text(4);
  s.source = row.text(5);
  s.legal_basis = row.text(6);
  s.rows_total = row.int64(7);
  s.rows_added = row.int64(8);
  s.rows_merged = row.int64(9);
  s.rows_refused = row.int64(10);
  s.report_json = row.text(11);
  if (row.size() > 12) s.outcome = row.text(12);
  return s;
}

}  // namespace

std::optional<ImportSummary> find_import(db::Session& session, std::int64_t import_id) {
  auto row = session.query_one(
      std::string("SELECT ") + kImportColumns + " FROM contact_imports i WHERE i.id = ?", {import_id});
  if (!row) return std::nullopt;
  return import_from(*row);
}

std::vector<ImportSummary> imports_of_network(db::Session& session, std::int64_t network_id,
                                              std::size_t limit) {
  std::vector<ImportSummary> imports;
  // The report itself is left out of the list: it can be large.
  const auto rows = session.query(
      "SELECT i.id, i.network_id, i.created_by, i.created_at, i.file_name, i.source, i.legal_basis, "
      "i.rows_total, "
      "i.rows_added, i.rows_merged, i.rows_refused, '' FROM contact_imports i WHERE i.network_id = ? "
      "ORDER BY i.id DESC LIMIT ?",
      {network_id, static_cast<std::int64_t>(limit)});
  for (const db::Row& row : rows) imports.push_back(import_from(row));
  return imports;
}

std::vector<ImportSummary> imports_of_contact(db::Session& session, std::int64_t contact_id) {
  std::vector<ImportSummary> imports;
  const auto rows = session.query(
      "SELECT i.id, i.network_id, i.created_by, i.created_at, i.file_name, i.source, i.legal_basis, "
      "i.rows_total, "
      "i.rows_added, i.rows_merged, i.rows_refused, '', l.outcome FROM contact_import_links l "
      "JOIN contact_imports i ON i.id = l.import_id WHERE l.contact_id = ? ORDER BY i.id",
      {contact_id});
  for (const db::Row& row : rows) imports.push_back(import_from(row));
  return imports;
}

}  // namespace contacts::store
