// CSV for spreadsheets (RFC 4180: CRLF line ends, fields with a comma, quote or line break in double
// quotes, quotes doubled), safe to open in Excel or LibreOffice: a cell that starts with = + - @ (or a
// tab or carriage return) gets a leading apostrophe, so it is never run as a formula.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace events {

std::string csv_field(std::string_view value);
// Appends the fields as one line (ending in CRLF) to `out`.
void append_csv_row(std::string& out, const std::vector<std::string>& fields);

}  // namespace events
