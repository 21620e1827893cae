// Importing an address list into a network's contacts: the file is read (contacts/csv_reader.h), its
// columns mapped to name, organisation, e-mail, town, discipline and source, every row checked, and
// the good rows added or merged in ONE write transaction, so a failing import writes nothing and
// running the same file again adds nothing. A merge fills empty fields and never overwrites with an
// empty one. Members of the network are not imported; suppressed addresses are refused with their
// reason; every refused row comes back with its line number and reason.
//
// Example (the CLI):
//   auto preview = contacts::preview(bytes, 5);            // header, first rows, guessed map
//   contacts::ImportRequest request{network.id, std::nullopt, "leden.csv", "KvK-lijst",
//                                   "gerechtvaardigd belang", preview.columns};
//   contacts::ImportReport report = contacts::run_import(database, bytes, request, &places, now);
//   report.added, report.merged, report.refused_rows[i].line / .reason
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "contacts/csv_reader.h"
#include "db/database.h"

namespace members {
class Places;
}

namespace contacts {

// Uploads through the web stop here (413 beyond); the command line takes larger files.
inline constexpr std::size_t kMaxWebBytes = 50u * 1024u * 1024u;
inline constexpr std::size_t kMaxWebRows = 500000;
inline constexpr std::size_t kMaxFieldLength = 300;

enum class Field { Email, Name, Organisation, Town, Discipline, Source };
inline constexpr std::array<Field, 6> kFields{Field::Email, Field::Name,       Field::Organisation,
                                              Field::Town,  Field::Discipline, Field::Source};
std::string_view to_string(Field field);  // "email", "name", "organisation", "town", "discipline", "source"
std::optional<Field> field_from(std::string_view text);

// The file's column (0-based) for each field; nothing: not imported.
struct ColumnMap {
  std::array<std::optional<std::size_t>, kFields.size()> columns;
  std::optional<std::size_t>& operator[](Field field) { return columns[static_cast<std::size_t>(field)]; }
  const std::optional<std::size_t>& operator[](Field field) const {
    return columns[static_cast<std::size_t>(field)];
  }
};

// Guesses the map from header names, Dutch and English ("E-mailadres", "Plaats", "Woonplaats",
// "Vakgebied", "Organisatie", "Company", ...), ignoring case, spaces, hyphens and underscores.
ColumnMap guess_columns(const std::vector<std::string>& header);
// "email=E-mail,town=Woonplaats": header names (or 1-based column numbers) per field, on top of the
// guess. Nothing when a field or column is unknown (the message names it in `error`).
std::optional<ColumnMap> columns_from_spec(const std::vector<std::string>& header, std::string_view spec,
                                           const ColumnMap& start, std::string& error);

// The first rows of a file for the mapping step.
struct Preview {
  std::optional<FileProblem> problem;
  Encoding encoding = Encoding::Utf8;
  char separator = ',';
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::size_t rows_total = 0;
  ColumnMap columns;  // guessed
};
Preview preview(std::string_view bytes, std::size_t rows, std::size_t max_records = kMaxWebRows);

struct ImportRequest {
  std::int64_t network_id = 0;
  std::optional<std::int64_t> created_by;
  std::string file_name;
  std::string source;  // for rows without a source column value
  std::string legal_basis;
  ColumnMap columns;
  std::string language = "nl";
  std::size_t max_rows = kMaxWebRows;
};

// A refused row: its line and why (catalog key contacts.reason.<reason>), with the address as given.
struct RefusedRow {
  std::size_t line = 0;
  std::string reason;  // broken_quotes, no_email, invalid_email, too_long, member, suppressed_<why>
  std::string email;
};
// A merged row: into a contact that existed (duplicate_of_line 0) or into an earlier line of the file.
struct MergedRow {
  std::size_t line = 0;
  std::size_t duplicate_of_line = 0;
  bool changed = false;  // it filled at least one empty field
};

struct ImportReport {
  std::optional<FileProblem> file_problem;  // nothing was read
  bool missing_email_column = false;        // nothing was imported
  Encoding encoding = Encoding::Utf8;
  char separator = ',';
  std::int64_t import_id = 0;
  std::int64_t rows_total = 0;
  std::int64_t added = 0;
  std::int64_t merged = 0;  // rows that matched a contact or an earlier line (changed or not)
  std::int64_t refused = 0;
  std::vector<RefusedRow> refused_rows;  // by line
  std::vector<MergedRow> merged_rows;    // by line

  bool refused_whole_file() const { return file_problem || missing_email_column; }
  nlohmann::json to_json() const;
  static ImportReport from_json(const nlohmann::json& json);
};

// The report as a spreadsheet (formula-safe CSV, events/csv.h): one line per refused or merged row,
// by line number. `text` turns a catalog key into the reader's language.
std::string report_csv(const ImportReport& report,
                       const std::function<std::string(std::string_view key)>& text);

// Runs the import in one write transaction. `places` (may be null) gives towns their region and
// canonical spelling.
ImportReport run_import(db::Database& database, std::string_view bytes, const ImportRequest& request,
                        const members::Places* places, std::int64_t now);

}  // namespace contacts
