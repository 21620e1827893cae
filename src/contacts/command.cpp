#include "contacts/command.h"

#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>

#include "contacts/import.h"
#include "contacts/service.h"
#include "members/places.h"
#include "web/catalog.h"

namespace contacts {

int run_import_command(db::Database& database, const ImportCommand& command, std::ostream& out,
                       std::ostream& err) {
  const web::Catalog catalog = web::Catalog::load_embedded();
  const std::string language(web::supported_language(command.language));
  const auto text = [&](std::string_view key) { return std::string(catalog.text(language, key)); };

  std::ifstream in(command.file, std::ios::binary);
  if (!in) {
    err << "knooppunt: cannot read " << command.file << "\n";
    return 2;
  }
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto network = database.read([&](db::Session& session) {
    return session.query_one("SELECT id FROM networks WHERE slug = ?", {command.network});
  });
  if (!network) {
    err << "knooppunt: no network with the slug '" << command.network << "'\n";
    return 2;
  }
  constexpr std::size_t kNoLimit = std::numeric_limits<std::size_t>::max() - 1;
  const Preview file_preview = preview(bytes, 0, kNoLimit);
  if (file_preview.problem) {
    err << "knooppunt: " << text("contacts.file." + std::string(to_string(*file_preview.problem))) << "\n";
    return 2;
  }
  std::string map_error;
  const auto columns = columns_from_spec(file_preview.header, command.map, file_preview.columns, map_error);
  if (!columns) {
    err << "knooppunt: --map: " << map_error << "\n";
    return 2;
  }
  ImportRequest request;
  request.network_id = network->int64(0);
  request.file_name = std::filesystem::path(command.file).filename().string();
  request.source = command.source.empty() ? request.file_name : command.source;
  request.legal_basis = command.legal_basis;
  request.columns = *columns;
  request.language = language;
  request.max_rows = kNoLimit;
  const members::Places places = members::Places::load_embedded();
  const ImportReport report =
      run_import(database, bytes, request, &places, static_cast<std::int64_t>(std::time(nullptr)));
  if (report.missing_email_column) {
    err << "knooppunt: " << text("contacts.file.missing_email_column") << " (--map email=COLUMN)\n";
    return 2;
  }
  if (report.file_problem) {
    err << "knooppunt: " << text("contacts.file." + std::string(to_string(*report.file_problem))) << "\n";
    return 2;
  }
  out << fill(text("contacts.report.summary"), {{"total", std::to_string(report.rows_total)},
                                                {"added", std::to_string(report.added)},
                                                {"merged", std::to_string(report.merged)},
                                                {"refused", std::to_string(report.refused)}})
      << "\n";
  out << fill(text("contacts.report.file_facts"), {{"file", request.file_name},
                                                   {"encoding", std::string(to_string(report.encoding))},
                                                   {"source", request.source},
                                                   {"legal_basis", request.legal_basis}})
      << "\n";
  for (const RefusedRow& row : report.refused_rows) {
    out << text("contacts.report.line") << " " << row.line << ": " << text("contacts.reason." + row.reason);
    if (!row.email.empty()) out << " (" << row.email << ")";
    out << "\n";
  }
  return 0;
}

}  // namespace contacts
