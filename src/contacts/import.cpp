#include "contacts/import.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "contacts/records.h"
#include "events/csv.h"
#include "mail/address.h"
#include "members/places.h"

namespace contacts {

std::string_view to_string(Field field) {
  switch (field) {
    case Field::Email:
      return "email";
    case Field::Name:
      return "name";
    case Field::Organisation:
      return "organisation";
    case Field::Town:
      return "town";
    case Field::Discipline:
      return "discipline";
    case Field::Source:
      return "source";
  }
  return "email";
}

std::optional<Field> field_from(std::string_view text) {
  for (Field field : kFields) {
    if (to_string(field) == text) return field;
  }
  return std::nullopt;
}

namespace {

// "E-mailadres " -> "emailadres": ASCII letters and digits, lower-cased.
std::string header_key(std::string_view name) {
  std::string key;
  for (char c : name) {
    if (c >= 'A' && c <= 'Z')
      key += static_cast<char>(c - 'A' + 'a');
    else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
      key += c;
  }
  return key;
}

const std::unordered_map<std::string, Field>& known_headers() {
  static const std::unordered_map<std::string, Field> headers = [] {
    std::unordered_map<std::string, Field> map;
    for (const char* name : {"email", "emailadres", "emailaddress", "mail", "mailadres", "eadres", "emails",
                             "emailadressen", "emailaddresses"}) {
      map.emplace(name, Field::Email);
    }
    for (const char* name : {"naam", "name", "volledigenaam", "fullname", "contactpersoon", "contactnaam",
                             "contact", "naamcontactpersoon"}) {
      map.emplace(name, Field::Name);
    }
    for (const char* name : {"organisatie", "organisation", "organization", "bedrijf", "bedrijfsnaam",
                             "company", "companyname", "firma", "onderneming", "kantoor", "handelsnaam"}) {
      map.emplace(name, Field::Organisation);
    }
    for (const char* name : {"plaats", "woonplaats", "vestigingsplaats", "stad", "town", "city", "gemeente",
                             "place", "plaatsnaam"}) {
      map.emplace(name, Field::Town);
    }
    for (const char* name : {"vakgebied", "discipline", "beroep", "branche", "sector", "expertise",
                             "specialisatie", "vak", "profession", "field"}) {
      map.emplace(name, Field::Discipline);
    }
    for (const char* name : {"bron", "source", "herkomst", "lijst"}) map.emplace(name, Field::Source);
    return map;
  }();
  return headers;
}

std::string_view trim(std::string_view text) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

}  // namespace

ColumnMap guess_columns(const std::vector<std::string>& header) {
  ColumnMap map;
  const auto& known = known_headers();
  for (std::size_t column = 0; column < header.size(); ++column) {
    const auto found = known.find(header_key(header[column]));
    if (found == known.end()) continue;
    if (!map[found->second]) map[found->second] = column;
  }
  return map;
}

std::optional<ColumnMap> columns_from_spec(const std::vector<std::string>& header, std::string_view spec,
                                           const ColumnMap& start, std::string& error) {
  ColumnMap map = start;
  while (!spec.empty()) {
    const std::size_t comma = spec.find(',');
    const std::string_view item = trim(spec.substr(0, comma));
    spec = comma == std::string_view::npos ? std::string_view() : spec.substr(comma + 1);
    if (item.empty()) continue;
    const std::size_t equals = item.find('=');
    if (equals == std::string_view::npos) {
      error = "expected FIELD=COLUMN, got '" + std::string(item) + "'";
      return std::nullopt;
    }
    const auto field = field_from(trim(item.substr(0, equals)));
    if (!field) {
      error = "unknown field '" + std::string(trim(item.substr(0, equals))) +
              "' (email, name, organisation, town, discipline, source)";
      return std::nullopt;
    }
    const std::string_view column_name = trim(item.substr(equals + 1));
    if (column_name.empty() || column_name == "-") {
      map[*field].reset();
      continue;
    }
    std::optional<std::size_t> column;
    for (std::size_t k = 0; k < header.size(); ++k) {
      if (trim(header[k]) == column_name) {
        column = k;
        break;
      }
    }
    if (!column &&
        std::all_of(column_name.begin(), column_name.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      const std::size_t number = std::stoul(std::string(column_name));
      if (number >= 1 && number <= header.size()) column = number - 1;
    }
    if (!column) {
      error = "the file has no column '" + std::string(column_name) + "'";
      return std::nullopt;
    }
    map[*field] = column;
  }
  return map;
}

Preview preview(std::string_view bytes, std::size_t rows, std::size_t max_records) {
  Preview out;
  ReadResult read = read_csv(bytes, max_records);
  if (!read.file) {
    out.problem = read.problem;
    return out;
  }
  out.encoding = read.file->encoding;
  out.separator = read.file->separator;
  out.header = read.file->records.front().fields;
  out.rows_total = read.file->records.size() - 1 + read.file->broken.size();
  for (std::size_t k = 1; k < read.file->records.size() && out.rows.size() < rows; ++k) {
    out.rows.push_back(read.file->records[k].fields);
  }
  out.columns = guess_columns(out.header);
  return out;
}

nlohmann::json ImportReport::to_json() const {
  nlohmann::json json;
  if (file_problem) json["file_problem"] = std::string(contacts::to_string(*file_problem));
  json["missing_email_column"] = missing_email_column;
  json["encoding"] = std::string(contacts::to_string(encoding));
  json["separator"] = std::string(1, separator);
  json["import_id"] = import_id;
  json["rows_total"] = rows_total;
  json["added"] = added;
  json["merged"] = merged;
  json["refused"] = refused;
  nlohmann::json refused_json = nlohmann::json::array();
  for (const RefusedRow& row : refused_rows) {
    refused_json.push_back({{"line", row.line}, {"reason", row.reason}, {"email", row.email}});
  }
  json["refused_rows"] = std::move(refused_json);
  nlohmann::json merged_json = nlohmann::json::array();
  for (const MergedRow& row : merged_rows) {
    merged_json.push_back(
        {{"line", row.line}, {"duplicate_of_line", row.duplicate_of_line}, {"changed", row.changed}});
  }
  json["merged_rows"] = std::move(merged_json);
  return json;
}

ImportReport ImportReport::from_json(const nlohmann::json& json) {
  ImportReport report;
  report.missing_email_column = json.value("missing_email_column", false);
  const std::string encoding = json.value("encoding", "UTF-8");
  for (Encoding e : {Encoding::Utf8, Encoding::Utf8Bom, Encoding::Windows1252, Encoding::Latin1}) {
    if (contacts::to_string(e) == encoding) report.encoding = e;
  }
  const std::string separator = json.value("separator", ",");
  report.separator = separator.empty() ? ',' : separator[0];
  report.import_id = json.value("import_id", std::int64_t{0});
  report.rows_total = json.value("rows_total", std::int64_t{0});
  report.added = json.value("added", std::int64_t{0});
  report.merged = json.value("merged", std::int64_t{0});
  report.refused = json.value("refused", std::int64_t{0});
  if (json.contains("refused_rows")) {
    for (const auto& row : json["refused_rows"]) {
      report.refused_rows.push_back({row.value("line", std::size_t{0}), row.value("reason", std::string()),
                                     row.value("email", std::string())});
    }
  }
  if (json.contains("merged_rows")) {
    for (const auto& row : json["merged_rows"]) {
      report.merged_rows.push_back({row.value("line", std::size_t{0}),
                                    row.value("duplicate_of_line", std::size_t{0}),
                                    row.value("changed", false)});
    }
  }
  return report;
}

std::string report_csv(const ImportReport& report,
                       const std::function<std::string(std::string_view key)>& text) {
  std::string out;
  events::append_csv_row(out, {text("contacts.report.csv.line"), text("contacts.report.csv.outcome"),
                               text("contacts.report.csv.reason"), text("contacts.report.csv.email")});
  std::size_t r = 0;
  std::size_t m = 0;
  // Both lists are sorted by line; they are merged into one list by line.
  while (r < report.refused_rows.size() || m < report.merged_rows.size()) {
    const bool take_refused =
        m >= report.merged_rows.size() ||
        (r < report.refused_rows.size() && report.refused_rows[r].line < report.merged_rows[m].line);
    if (take_refused) {
      const RefusedRow& row = report.refused_rows[r++];
      events::append_csv_row(out, {std::to_string(row.line), text("contacts.report.outcome.refused"),
                                   text("contacts.reason." + row.reason), row.email});
    } else {
      const MergedRow& row = report.merged_rows[m++];
      std::string reason = row.duplicate_of_line == 0 ? text("contacts.report.merged_existing")
                                                      : text("contacts.report.merged_line");
      if (const auto at = reason.find("{line}"); at != std::string::npos) {
        reason.replace(at, 6, std::to_string(row.duplicate_of_line));
      }
      events::append_csv_row(out,
                             {std::to_string(row.line), text("contacts.report.outcome.merged"), reason, ""});
    }
  }
  return out;
}

namespace {

// A row to write: a new contact, or the fields that fill an existing contact's empty ones.
struct Pending {
  std::size_t line = 0;
  std::optional<std::int64_t> existing_id;  // nothing: a new contact
  bool changed = false;                     // an existing contact got a field
  std::string email, name, organisation, town, region, discipline, source;
};

// Fills `target` from `value` when it is empty and `value` is not; true when it did.
bool fill(std::string& target, const std::string& value) {
  if (!target.empty() || value.empty()) return false;
  target = value;
  return true;
}

constexpr std::size_t kInsertBatch = 400;

void insert_batch(db::Session& session, const std::vector<const Pending*>& batch,
                  const ImportRequest& request, std::int64_t import_id, std::int64_t now) {
  if (batch.empty()) return;
  std::string sql =
      "INSERT INTO contacts (network_id, email, name, organisation, town, region, discipline, source, "
      "legal_basis, "
      "language, created_at, updated_at, import_id) VALUES ";
  db::Params params;
  params.reserve(batch.size() * 13);
  for (std::size_t k = 0; k < batch.size(); ++k) {
    sql += k == 0 ? "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    const Pending& p = *batch[k];
    params.emplace_back(request.network_id);
    params.emplace_back(p.email);
    params.emplace_back(p.name);
    params.emplace_back(p.organisation);
    params.emplace_back(p.town);
    params.emplace_back(p.region);
    params.emplace_back(p.discipline);
    params.emplace_back(p.source);
    params.emplace_back(request.legal_basis);
    params.emplace_back(request.language);
    params.emplace_back(now);
    params.emplace_back(now);
    params.emplace_back(import_id);
  }
  session.execute(sql, params);
}

void link_batch(db::Session& session, const std::vector<const Pending*>& batch, std::int64_t import_id) {
  if (batch.empty()) return;
  std::string sql = "INSERT INTO contact_import_links (contact_id, import_id, outcome, line) VALUES ";
  db::Params params;
  for (std::size_t k = 0; k < batch.size(); ++k) {
    sql += k == 0 ? "(?, ?, 'merged', ?)" : ", (?, ?, 'merged', ?)";
    params.emplace_back(*batch[k]->existing_id);
    params.emplace_back(import_id);
    params.emplace_back(static_cast<std::int64_t>(batch[k]->line));
  }
  sql += " ON CONFLICT (contact_id, import_id) DO NOTHING";
  session.execute(sql, params);
}

struct Existing {
  std::int64_t id = 0;
  std::string name, organisation, town, region, discipline;
};

}  // namespace

ImportReport run_import(db::Database& database, std::string_view bytes, const ImportRequest& request,
                        const members::Places* places, std::int64_t now) {
  ImportReport base;
  ReadResult read = read_csv(bytes, request.max_rows);
  if (!read.file) {
    base.file_problem = read.problem;
    return base;
  }
  const ParsedFile& file = *read.file;
  base.encoding = file.encoding;
  base.separator = file.separator;
  if (!request.columns[Field::Email] ||
      *request.columns[Field::Email] >= file.records.front().fields.size()) {
    base.missing_email_column = true;
    return base;
  }

  return database.write([&](db::Session& session) {
    ImportReport report = base;  // fresh on every attempt (PostgreSQL may retry the transaction)
    if (database.backend() == db::Backend::Sqlite) {
      // A large list touches every page of the e-mail index; with SQLite's default 2 MB page cache the
      // transaction spills pages to the WAL again and again. 64 MB (a limit, not an allocation) for
      // the writer connection keeps a 500,000-row import in memory until commit.
      session.execute("PRAGMA cache_size = -65536");
    }
    std::unordered_map<std::string, std::string> suppressed;  // hash -> reason
    for (const db::Row& row :
         session.query("SELECT email_hash, reason FROM contact_suppressions WHERE network_id = ?",
                       {request.network_id})) {
      suppressed.emplace(row.text(0), row.text(1));
    }
    std::unordered_set<std::string> members;
    for (const db::Row& row :
         session.query("SELECT a.email FROM memberships m JOIN accounts a ON a.id = m.account_id "
                       "WHERE m.network_id = ? AND m.status = 'active'",
                       {request.network_id})) {
      members.insert(row.text(0));
    }
    std::unordered_map<std::string, Existing> existing;
    for (const db::Row& row : session.query("SELECT id, email, name, organisation, town, region, discipline "
                                            "FROM contacts WHERE network_id = ?",
                                            {request.network_id})) {
      existing.emplace(row.text(1), Existing{row.int64(0), row.text(2), row.text(3), row.text(4), row.text(5),
                                             row.text(6)});
    }

    const auto header_line = file.records.front().line;
    for (const BrokenLine& broken : file.broken) {
      if (broken.line > header_line) report.refused_rows.push_back({broken.line, "broken_quotes", ""});
    }

    std::vector<Pending> pending;  // in file order
    pending.reserve(file.records.size());
    std::unordered_map<std::string, std::size_t> by_email;  // -> index in pending
    by_email.reserve(file.records.size());
    std::unordered_map<std::string, std::pair<std::string, std::string>> towns;  // as written -> name, region
    const auto cell = [&](const Record& record, Field field) -> std::string {
      const auto& column = request.columns[field];
      if (!column || *column >= record.fields.size()) return {};
      return std::string(trim(record.fields[*column]));
    };
    for (std::size_t k = 1; k < file.records.size(); ++k) {
      const Record& record = file.records[k];
      const std::string given = cell(record, Field::Email);
      if (given.empty()) {
        report.refused_rows.push_back({record.line, "no_email", ""});
        continue;
      }
      const std::string email = normalize_email(given);
      if (!mail::is_valid_address(email)) {
        report.refused_rows.push_back({record.line, "invalid_email", given});
        continue;
      }
      Pending row;
      row.line = record.line;
      row.email = email;
      row.name = cell(record, Field::Name);
      row.organisation = cell(record, Field::Organisation);
      row.town = cell(record, Field::Town);
      row.discipline = cell(record, Field::Discipline);
      row.source = cell(record, Field::Source);
      if (row.source.empty()) row.source = request.source;
      if (std::max({row.name.size(), row.organisation.size(), row.town.size(), row.discipline.size(),
                    row.source.size(), row.email.size()}) > kMaxFieldLength) {
        report.refused_rows.push_back({record.line, "too_long", given});
        continue;
      }
      if (auto hit = suppressed.empty() ? suppressed.end() : suppressed.find(email_hash(email));
          hit != suppressed.end()) {
        report.refused_rows.push_back({record.line, "suppressed_" + hit->second, given});
        continue;
      }
      if (members.contains(email)) {
        report.refused_rows.push_back({record.line, "member", given});
        continue;
      }
      if (places != nullptr && !row.town.empty()) {
        // A list names the same few hundred towns over and over: each is looked up once.
        auto known_town = towns.find(row.town);
        if (known_town == towns.end()) {
          const members::Place* place = places->find(row.town);
          known_town = towns
                           .emplace(row.town, place ? std::make_pair(place->name, place->region)
                                                    : std::make_pair(row.town, std::string()))
                           .first;
        }
        row.town = known_town->second.first;
        row.region = known_town->second.second;
      }
      if (auto earlier = by_email.find(email); earlier != by_email.end()) {
        Pending& first = pending[earlier->second];
        bool changed = fill(first.name, row.name);
        changed = fill(first.organisation, row.organisation) || changed;
        changed = fill(first.town, row.town) || changed;
        changed = fill(first.region, row.region) || changed;
        changed = fill(first.discipline, row.discipline) || changed;
        if (changed && first.existing_id) first.changed = true;
        report.merged_rows.push_back({row.line, first.line, changed});
        continue;
      }
      if (auto known = existing.find(email); known != existing.end()) {
        Existing& contact = known->second;
        bool changed = fill(contact.name, row.name);
        changed = fill(contact.organisation, row.organisation) || changed;
        changed = fill(contact.town, row.town) || changed;
        changed = fill(contact.region, row.region) || changed;
        changed = fill(contact.discipline, row.discipline) || changed;
        row.existing_id = contact.id;
        row.changed = changed;
        row.name = contact.name;
        row.organisation = contact.organisation;
        row.town = contact.town;
        row.region = contact.region;
        row.discipline = contact.discipline;
        report.merged_rows.push_back({row.line, 0, changed});
      }
      by_email.emplace(email, pending.size());
      pending.push_back(std::move(row));
    }
    std::sort(report.refused_rows.begin(), report.refused_rows.end(),
              [](const RefusedRow& a, const RefusedRow& b) { return a.line < b.line; });
    std::sort(report.merged_rows.begin(), report.merged_rows.end(),
              [](const MergedRow& a, const MergedRow& b) { return a.line < b.line; });

    const auto import_row = session.query_one(
        "INSERT INTO contact_imports (network_id, created_by, created_at, file_name, source, legal_basis) "
        "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        {request.network_id, db::optional(request.created_by), now, request.file_name, request.source,
         request.legal_basis});
    report.import_id = import_row->int64(0);

    std::vector<const Pending*> inserts;
    std::vector<const Pending*> links;
    // New contacts go in in e-mail order: the (network, e-mail) index then grows at one end instead
    // of at random pages all over it.
    std::vector<const Pending*> ordered;
    ordered.reserve(pending.size());
    for (const Pending& row : pending) ordered.push_back(&row);
    std::sort(ordered.begin(), ordered.end(),
              [](const Pending* a, const Pending* b) { return a->email < b->email; });
    for (const Pending* row_pointer : ordered) {
      const Pending& row = *row_pointer;
      if (!row.existing_id) {
        inserts.push_back(&row);
        if (inserts.size() == kInsertBatch) {
          insert_batch(session, inserts, request, report.import_id, now);
          inserts.clear();
        }
        ++report.added;
        continue;
      }
      if (row.changed) {
        session.execute(
            "UPDATE contacts SET name = ?, organisation = ?, town = ?, region = ?, discipline = ?, "
            "updated_at = ? "
            "WHERE id = ?",
            {row.name, row.organisation, row.town, row.region, row.discipline, now, *row.existing_id});
      }
      links.push_back(&row);
      if (links.size() == kInsertBatch) {
        link_batch(session, links, report.import_id);
        links.clear();
      }
    }
    insert_batch(session, inserts, request, report.import_id, now);
    link_batch(session, links, report.import_id);
    session.execute(
        "INSERT INTO contact_import_links (contact_id, import_id, outcome, line) "
        "SELECT id, import_id, 'added', 0 FROM contacts WHERE import_id = ?",
        {report.import_id});

    report.merged = static_cast<std::int64_t>(report.merged_rows.size());
    report.refused = static_cast<std::int64_t>(report.refused_rows.size());
    report.rows_total = report.added + report.merged + report.refused;
    session.execute(
        "UPDATE contact_imports SET rows_total = ?, rows_added = ?, rows_merged = ?, rows_refused = ?, "
        "report_json = ? "
        "WHERE id = ?",
        {report.rows_total, report.added, report.merged, report.refused, report.to_json().dump(),
         report.import_id});
    return report;
  });
}

}  // namespace contacts
