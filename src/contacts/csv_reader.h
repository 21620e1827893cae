// Reading an uploaded address list: the encoding (UTF-8 with or without BOM, else Windows-1252 or
// Latin-1, converted by ICU), the separator (comma, semicolon or tab, from the header line) and the
// records (RFC 4180 quoting, line breaks inside quotes). A record with a broken quote is reported by
// its line and parsing resumes on the next line, so one bad line never hides the rest of the file.
// Pure functions on bytes; no database.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace contacts {

enum class Encoding { Utf8, Utf8Bom, Windows1252, Latin1 };
std::string_view to_string(Encoding encoding);  // "UTF-8", "UTF-8 (BOM)", "Windows-1252", "ISO-8859-1"

// Why a file is not read at all (catalog key suffixes under contacts.file.*).
enum class FileProblem { Empty, Binary, NoSeparator, TooManyRows };
std::string_view to_string(FileProblem problem);  // "empty", "binary", "no_separator", "too_many_rows"

struct Record {
  std::size_t line = 0;  // 1-based physical line where the record starts
  std::vector<std::string> fields;
};

struct BrokenLine {
  std::size_t line = 0;
};

struct ParsedFile {
  Encoding encoding = Encoding::Utf8;
  char separator = ',';
  std::vector<Record> records;  // the header first; blank lines skipped
  std::vector<BrokenLine> broken;
};

struct ReadResult {
  std::optional<ParsedFile> file;
  std::optional<FileProblem> problem;
};

// The bytes as UTF-8 and the encoding they were in (BOM removed).
std::pair<std::string, Encoding> decode_to_utf8(std::string_view bytes);

// Reads the file. `max_records` counts data records (not the header); beyond it: TooManyRows.
ReadResult read_csv(std::string_view bytes, std::size_t max_records);

}  // namespace contacts
