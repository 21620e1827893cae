#include "contacts/csv_reader.h"

#include <unicode/ucnv.h>

#include <array>
#include <stdexcept>

namespace contacts {

std::string_view to_string(Encoding encoding) {
  switch (encoding) {
    case Encoding::Utf8:
      return "UTF-8";
    case Encoding::Utf8Bom:
      return "UTF-8 (BOM)";
    case Encoding::Windows1252:
      return "Windows-1252";
    case Encoding::Latin1:
      return "ISO-8859-1";
  }
  return "UTF-8";
}

std::string_view to_string(FileProblem problem) {
  switch (problem) {
    case FileProblem::Empty:
      return "empty";
    case FileProblem::Binary:
      return "binary";
    case FileProblem::NoSeparator:
      return "no_separator";
    case FileProblem::TooManyRows:
      return "too_many_rows";
  }
  return "empty";
}

namespace {

bool is_valid_utf8(std::string_view text) {
  std::size_t i = 0;
  const std::size_t n = text.size();
  while (i < n) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t length = 0;
    std::uint32_t code = 0;
    if (c >= 0xC2 && c <= 0xDF) {
      length = 2;
      code = c & 0x1Fu;
    } else if (c >= 0xE0 && c <= 0xEF) {
      length = 3;
      code = c & 0x0Fu;
    } else if (c >= 0xF0 && c <= 0xF4) {
      length = 4;
      code = c & 0x07u;
    } else {
      return false;
    }
    if (i + length > n) return false;
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0u) != 0x80u) return false;
      code = (code << 6) | (next & 0x3Fu);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    if ((length == 3 && code < 0x800) || (length == 4 && (code < 0x10000 || code > 0x10FFFF)) ||
        (code >= 0xD800 && code <= 0xDFFF)) {
      return false;
    }
    i += length;
  }
  return true;
}

std::string convert_to_utf8(std::string_view bytes, const char* from) {
  UErrorCode status = U_ZERO_ERROR;
  std::string out(bytes.size() * 3 + 1, '\0');
  const int32_t written = ucnv_convert("UTF-8", from, out.data(), static_cast<int32_t>(out.size()),
                                       bytes.data(), static_cast<int32_t>(bytes.size()), &status);
  if (U_FAILURE(status)) throw std::runtime_error(std::string("ICU could not convert from ") + from);
  out.resize(static_cast<std::size_t>(written));
  return out;
}

bool looks_binary(std::string_view bytes) {
  std::size_t controls = 0;
  for (char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == 0) return true;
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') ++controls;
  }
  return controls > 0 && controls * 100 >= bytes.size();  // 1% control characters: not a text file
}

bool is_blank(std::string_view text) {
  for (char c : text) {
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return false;
  }
  return true;
}

// The separator that occurs most often outside quotes in the first record; 0 when none does.
char detect_separator(std::string_view text) {
  std::array<std::size_t, 3> counts{};
  constexpr std::array<char, 3> kCandidates{',', ';', '\t'};
  bool quoted = false;
  for (char c : text) {
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    if (c == '\n' || c == '\r') break;
    for (std::size_t k = 0; k < kCandidates.size(); ++k) {
      if (c == kCandidates[k]) ++counts[k];
    }
  }
  std::size_t best = 0;
  for (std::size_t k = 1; k < counts.size(); ++k) {
    if (counts[k] > counts[best]) best = k;
  }
  return counts[best] == 0 ? '\0' : kCandidates[best];
}

bool first_line_mentions_mail(std::string_view text) {
  const std::size_t end = text.find_first_of("\r\n");
  std::string line(text.substr(0, end));
  for (char& c : line) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return line.find("mail") != std::string::npos || line.find('@') != std::string::npos;
}

}  // namespace

std::pair<std::string, Encoding> decode_to_utf8(std::string_view bytes) {
  if (bytes.size() >= 3 && bytes.substr(0, 3) == "\xEF\xBB\xBF") {
    return {std::string(bytes.substr(3)), Encoding::Utf8Bom};
  }
  if (is_valid_utf8(bytes)) return {std::string(bytes), Encoding::Utf8};
  // Not UTF-8: an 8-bit Western encoding. Bytes 0x80-0x9F are C1 controls in Latin-1, which real text
  // never holds, and letters and quotes in Windows-1252 ("€", "‘", "Š"): their presence decides.
  bool c1 = false;
  for (char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x80 && c <= 0x9F) {
      c1 = true;
      break;
    }
  }
  if (c1) return {convert_to_utf8(bytes, "windows-1252"), Encoding::Windows1252};
  return {convert_to_utf8(bytes, "ISO-8859-1"), Encoding::Latin1};
}

ReadResult read_csv(std::string_view bytes, std::size_t max_records) {
  ReadResult result;
  if (looks_binary(bytes)) {
    result.problem = FileProblem::Binary;
    return result;
  }
  auto [text, encoding] = decode_to_utf8(bytes);
  if (is_blank(text)) {
    result.problem = FileProblem::Empty;
    return result;
  }
  char separator = detect_separator(text);
  if (separator == '\0') {
    // One column is a list of addresses only when its header says so; otherwise it is not CSV.
    if (!first_line_mentions_mail(text)) {
      result.problem = FileProblem::NoSeparator;
      return result;
    }
    separator = ',';
  }
  ParsedFile file;
  file.encoding = encoding;
  file.separator = separator;

  const std::size_t n = text.size();
  std::size_t pos = 0;
  std::size_t line = 1;
  const auto skip_line_end = [&](std::size_t& at) {
    if (at < n && text[at] == '\r') ++at;
    if (at < n && text[at] == '\n') ++at;
  };
  while (pos < n) {
    const std::size_t record_line = line;
    const std::size_t record_start = pos;
    Record record;
    record.line = record_line;
    bool broken = false;
    std::string field;
    while (true) {
      field.clear();
      bool at_end = false;
      if (pos < n && text[pos] == '"') {
        ++pos;
        bool closed = false;
        while (pos < n) {
          const char c = text[pos];
          if (c == '"') {
            if (pos + 1 < n && text[pos + 1] == '"') {
              field += '"';
              pos += 2;
              continue;
            }
            ++pos;
            closed = true;
            break;
          }
          if (c == '\n') ++line;
          field += c;
          ++pos;
        }
        if (!closed) {
          broken = true;
          break;
        }
        if (pos < n && text[pos] == separator) {
          ++pos;
        } else if (pos >= n || text[pos] == '\r' || text[pos] == '\n') {
          at_end = true;
        } else {
          broken = true;  // text after the closing quote
          break;
        }
      } else {
        const std::size_t start = pos;
        while (pos < n && text[pos] != separator && text[pos] != '\r' && text[pos] != '\n') ++pos;
        field.assign(text, start, pos - start);
        if (pos < n && text[pos] == separator) {
          ++pos;
        } else {
          at_end = true;
        }
      }
      record.fields.push_back(field);
      if (at_end) break;
    }
    if (broken) {
      // The record's own first line is lost; reading resumes on the line after it.
      file.broken.push_back({record_line});
      pos = record_start;
      while (pos < n && text[pos] != '\n' && text[pos] != '\r') ++pos;
      skip_line_end(pos);
      line = record_line + 1;
      continue;
    }
    skip_line_end(pos);
    ++line;
    const bool blank = record.fields.size() == 1 && is_blank(record.fields[0]);
    if (!blank) {
      file.records.push_back(std::move(record));
      if (file.records.size() > max_records + 1) {
        result.problem = FileProblem::TooManyRows;
        return result;
      }
    }
  }
  if (file.records.empty()) {
    result.problem = FileProblem::Empty;
    return result;
  }
  result.file = std::move(file);
  return result;
}

}  // namespace contacts
