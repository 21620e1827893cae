// Request-side parsers (see parsers.h). Pure std C++ so that clang builds this file alone for libFuzzer.
#include "http/parsers.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <unordered_set>

namespace http {
namespace {

// Accept-Language entries past this many are ignored: real browsers send fewer than ten, and the cap
// keeps a hostile header from costing more than a few microseconds.
constexpr std::size_t kMaxLanguageEntries = 32;

constexpr char kHexDigits[] = "0123456789ABCDEF";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_ascii_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }
char to_ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool is_unreserved(char c) {
  return is_ascii_alpha(c) || is_ascii_digit(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

// RFC 7230 token characters: what a cookie name may hold.
bool is_token_char(char c) {
  constexpr std::string_view kTokenSymbols = "!#$%&'*+-.^_`|~";
  return is_ascii_alpha(c) || is_ascii_digit(c) || kTokenSymbols.find(c) != std::string_view::npos;
}

// RFC 6265 cookie-octet: visible ASCII except '"', ',', ';' and '\'.
bool is_cookie_octet(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return byte >= 0x21 && byte <= 0x7E && c != '"' && c != ',' && c != ';' && c != '\\';
}

bool is_optional_whitespace(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_optional_whitespace(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_optional_whitespace(text.back())) text.remove_suffix(1);
  return text;
}

void append_percent_escape(std::string& out, char c) {
  const auto byte = static_cast<unsigned char>(c);
  out += '%';
  out += kHexDigits[byte >> 4];
  out += kHexDigits[byte & 0x0F];
}

// Calls visit(piece) for each piece of `text` between separators, empty pieces included.
template <typename Visit>
void for_each_piece(std::string_view text, char separator, Visit visit) {
  while (true) {
    const auto end = text.find(separator);
    visit(text.substr(0, end));
    if (end == std::string_view::npos) return;
    text.remove_prefix(end + 1);
  }
}

// A language tag as RFC 4647 ranges allow: 1-8 letters, then '-'-separated 1-8 letters or digits.
bool is_language_tag(std::string_view tag) {
  if (tag.empty()) return false;
  std::size_t subtag_length = 0;
  bool first_subtag = true;
  for (const char c : tag) {
    if (c == '-') {
      if (subtag_length == 0) return false;
      subtag_length = 0;
      first_subtag = false;
      continue;
    }
    const bool allowed = first_subtag ? is_ascii_alpha(c) : (is_ascii_alpha(c) || is_ascii_digit(c));
    if (!allowed || ++subtag_length > 8) return false;
  }
  return subtag_length > 0;
}

// Parses an RFC 7231 qvalue ("0", "0.5", "1.000") into thousandths; nullopt when malformed.
std::optional<int> parse_quality(std::string_view text) {
  if (text.empty() || (text[0] != '0' && text[0] != '1')) return std::nullopt;
  int thousandths = (text[0] - '0') * 1000;
  if (text.size() == 1) return thousandths;
  if (text[1] != '.' || text.size() > 5) return std::nullopt;
  int scale = 100;
  for (const char c : text.substr(2)) {
    if (!is_ascii_digit(c)) return std::nullopt;
    thousandths += (c - '0') * scale;
    scale /= 10;
  }
  if (thousandths > 1000) return std::nullopt;
  return thousandths;
}

}  // namespace

std::optional<std::string> percent_decode(std::string_view text, bool plus_as_space) {
  std::string decoded;
  decoded.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      const int high = hex_value(text[i + 1]);
      const int low = hex_value(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      decoded += static_cast<char>((high << 4) | low);
      i += 2;
    } else if (c == '+' && plus_as_space) {
      decoded += ' ';
    } else {
      decoded += c;
    }
  }
  return decoded;
}

std::string percent_encode(std::string_view text) {
  std::string encoded;
  encoded.reserve(text.size());
  for (const char c : text) {
    if (is_unreserved(c)) {
      encoded += c;
    } else {
      append_percent_escape(encoded, c);
    }
  }
  return encoded;
}

bool is_valid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    if (lead < 0x80) {
      ++i;
      continue;
    }
    std::size_t continuation_count = 0;
    std::uint32_t code_point = 0;
    std::uint32_t smallest_allowed = 0;  // anything smaller is an overlong encoding
    if (lead >= 0xC2 && lead <= 0xDF) {
      continuation_count = 1;
      code_point = lead & 0x1Fu;
      smallest_allowed = 0x80;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      continuation_count = 2;
      code_point = lead & 0x0Fu;
      smallest_allowed = 0x800;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      continuation_count = 3;
      code_point = lead & 0x07u;
      smallest_allowed = 0x10000;
    } else {
      return false;  // a stray continuation byte, C0/C1 (always overlong) or F5..FF
    }
    if (text.size() - i <= continuation_count) return false;
    for (std::size_t k = 1; k <= continuation_count; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0u) != 0x80u) return false;
      code_point = (code_point << 6) | (next & 0x3Fu);
    }
    if (code_point < smallest_allowed || code_point > 0x10FFFF) return false;
    if (code_point >= 0xD800 && code_point <= 0xDFFF) return false;  // UTF-16 surrogates
    i += continuation_count + 1;
  }
  return true;
}

std::optional<std::string> normalize_path(std::string_view raw_path) {
  if (raw_path.empty() || raw_path.front() != '/') return std::nullopt;
  // An encoded '/' would let one decoded segment pose as two (or hide a ".."); refuse it before decoding.
  for (std::size_t i = 0; i + 2 < raw_path.size(); ++i) {
    if (raw_path[i] == '%' && raw_path[i + 1] == '2' && (raw_path[i + 2] == 'F' || raw_path[i + 2] == 'f')) {
      return std::nullopt;
    }
  }
  auto decoded = percent_decode(raw_path, /*plus_as_space=*/false);
  if (!decoded || !is_valid_utf8(*decoded)) return std::nullopt;
  if (decoded->find('\0') != std::string::npos || decoded->find('\\') != std::string::npos) {
    return std::nullopt;
  }
  bool dot_segment = false;
  for_each_piece(std::string_view(*decoded).substr(1), '/', [&](std::string_view segment) {
    if (segment == "." || segment == "..") dot_segment = true;
  });
  if (dot_segment) return std::nullopt;
  return decoded;
}

FormData FormData::parse(std::string_view encoded) {
  FormData form;
  for_each_piece(encoded, '&', [&](std::string_view pair) {
    if (pair.empty()) return;  // "a=1&&b=2" and a trailing '&' carry nothing
    const auto equals = pair.find('=');
    const std::string_view raw_name = pair.substr(0, equals);
    const std::string_view raw_value =
        equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1);
    auto name = percent_decode(raw_name, /*plus_as_space=*/true);
    auto value = percent_decode(raw_value, /*plus_as_space=*/true);
    if (!name || !value || !is_valid_utf8(*name) || !is_valid_utf8(*value)) return;
    form.entries_.emplace_back(std::move(*name), std::move(*value));
  });
  return form;
}

FormData FormData::from_entries(std::vector<std::pair<std::string, std::string>> entries) {
  FormData form;
  for (auto& [name, value] : entries) {
    if (is_valid_utf8(name) && is_valid_utf8(value)) form.entries_.emplace_back(std::move(name), std::move(value));
  }
  return form;
}

std::optional<std::string_view> FormData::get(std::string_view name) const {
  for (const auto& [entry_name, entry_value] : entries_) {
    if (entry_name == name) return std::string_view(entry_value);
  }
  return std::nullopt;
}

std::vector<std::string_view> FormData::get_all(std::string_view name) const {
  std::vector<std::string_view> values;
  for (const auto& [entry_name, entry_value] : entries_) {
    if (entry_name == name) values.emplace_back(entry_value);
  }
  return values;
}

Cookies Cookies::parse(std::string_view header) {
  Cookies cookies;
  std::unordered_set<std::string_view> seen_names;  // views into `header`, which outlives this call
  for_each_piece(header, ';', [&](std::string_view piece) {
    const std::string_view pair = trim(piece);
    const auto equals = pair.find('=');
    if (equals == std::string_view::npos) return;
    const std::string_view name = trim(pair.substr(0, equals));
    std::string_view value = trim(pair.substr(equals + 1));
    if (name.empty() || !std::all_of(name.begin(), name.end(), is_token_char)) return;
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    if (!std::all_of(value.begin(), value.end(), is_cookie_octet)) return;
    if (!seen_names.insert(name).second) return;
    cookies.entries_.emplace_back(std::string(name), std::string(value));
  });
  return cookies;
}

std::optional<std::string_view> Cookies::get(std::string_view name) const {
  for (const auto& [entry_name, entry_value] : entries_) {
    if (entry_name == name) return std::string_view(entry_value);
  }
  return std::nullopt;
}

std::string SetCookie::to_header() const {
  // Whatever the caller passes, the header keeps its shape: a byte that could end the pair or start a
  // new attribute (';', ',', whitespace, control characters, quotes) is percent-escaped, never sent raw.
  std::string header;
  for (const char c : name) {
    if (is_token_char(c) && c != '%') {
      header += c;
    } else {
      append_percent_escape(header, c);
    }
  }
  header += '=';
  for (const char c : value) {
    if (is_cookie_octet(c) && c != '%') {
      header += c;
    } else {
      append_percent_escape(header, c);
    }
  }
  if (!path.empty()) {
    header += "; Path=";
    for (const char c : path) {
      if (is_cookie_octet(c) && c != '%') {
        header += c;
      } else {
        append_percent_escape(header, c);
      }
    }
  }
  if (max_age_seconds) {
    // RFC 6265: a Max-Age of zero or less expires the cookie at once; send 0 rather than a negative.
    header += "; Max-Age=";
    header += std::to_string(std::max(*max_age_seconds, 0LL));
  }
  if (http_only) header += "; HttpOnly";
  if (secure) header += "; Secure";
  std::string lowered_same_site;
  for (const char c : same_site) lowered_same_site += to_ascii_lower(c);
  if (lowered_same_site == "strict") {
    header += "; SameSite=Strict";
  } else if (lowered_same_site == "none") {
    header += "; SameSite=None";
  } else if (!same_site.empty()) {
    header += "; SameSite=Lax";  // anything unknown falls back to the browsers' own default
  }
  return header;
}

std::vector<std::string> parse_accept_language(std::string_view header) {
  struct Preference {
    std::string tag;
    int quality;  // thousandths
  };
  std::vector<Preference> preferences;
  std::size_t entries_seen = 0;
  for_each_piece(header, ',', [&](std::string_view entry) {
    if (trim(entry).empty() || ++entries_seen > kMaxLanguageEntries) return;
    const auto semicolon = entry.find(';');
    const std::string_view tag = trim(entry.substr(0, semicolon));
    int quality = 1000;
    if (semicolon != std::string_view::npos) {
      bool malformed = false;
      for_each_piece(entry.substr(semicolon + 1), ';', [&](std::string_view parameter) {
        parameter = trim(parameter);
        if (parameter.size() >= 2 && (parameter[0] == 'q' || parameter[0] == 'Q') && parameter[1] == '=') {
          const auto parsed = parse_quality(trim(parameter.substr(2)));
          if (parsed) {
            quality = *parsed;
          } else {
            malformed = true;
          }
        } else if (!parameter.empty()) {
          malformed = true;  // Accept-Language defines no parameter but q
        }
      });
      if (malformed) return;
    }
    // "*" asks for nothing in particular and q=0 means "not this one": neither is a preference.
    if (quality == 0 || tag == "*" || !is_language_tag(tag)) return;
    std::string lowered;
    lowered.reserve(tag.size());
    for (const char c : tag) lowered += to_ascii_lower(c);
    const bool repeated = std::any_of(preferences.begin(), preferences.end(),
                                      [&](const Preference& earlier) { return earlier.tag == lowered; });
    if (!repeated) preferences.push_back({std::move(lowered), quality});
  });
  // Stable: equal q values keep the order the browser sent them in.
  std::stable_sort(preferences.begin(), preferences.end(),
                   [](const Preference& a, const Preference& b) { return a.quality > b.quality; });
  std::vector<std::string> tags;
  tags.reserve(preferences.size());
  for (auto& preference : preferences) tags.push_back(std::move(preference.tag));
  return tags;
}

// --- multipart/form-data

namespace {

// A header value with parameters, as in Content-Type and Content-Disposition:
// `type; name=token; other="quoted \"string\""`. Parameter names are lower-cased.
struct ParameterizedValue {
  std::string value;  // lower-cased
  std::vector<std::pair<std::string, std::string>> parameters;

  std::optional<std::string_view> parameter(std::string_view name) const {
    for (const auto& [key, text] : parameters) {
      if (key == name) return std::string_view(text);
    }
    return std::nullopt;
  }
};

std::optional<ParameterizedValue> parse_parameterized(std::string_view text) {
  ParameterizedValue result;
  std::size_t i = 0;
  const auto skip_whitespace = [&] {
    while (i < text.size() && is_optional_whitespace(text[i])) ++i;
  };
  const std::size_t semicolon = text.find(';');
  for (char c : trim(text.substr(0, semicolon))) result.value += to_ascii_lower(c);
  if (result.value.empty()) return std::nullopt;
  i = semicolon == std::string_view::npos ? text.size() : semicolon;
  while (i < text.size()) {
    ++i;  // the ';'
    skip_whitespace();
    if (i == text.size()) break;  // a trailing ';'
    std::string name;
    while (i < text.size() && is_token_char(text[i])) name += to_ascii_lower(text[i++]);
    if (name.empty() || i == text.size() || text[i] != '=') return std::nullopt;
    ++i;
    std::string value;
    if (i < text.size() && text[i] == '"') {
      ++i;
      bool closed = false;
      while (i < text.size()) {
        char c = text[i++];
        if (c == '"') {
          closed = true;
          break;
        }
        // A backslash escapes only a quote or itself: browsers send Windows paths unescaped.
        if (c == '\\' && i < text.size() && (text[i] == '"' || text[i] == '\\')) c = text[i++];
        value += c;
      }
      if (!closed) return std::nullopt;
    } else {
      while (i < text.size() && is_token_char(text[i])) value += text[i++];
      if (value.empty()) return std::nullopt;
    }
    skip_whitespace();
    if (i < text.size() && text[i] != ';') return std::nullopt;
    result.parameters.emplace_back(std::move(name), std::move(value));
  }
  return result;
}

// RFC 2046 bchars: letters, digits, "'()+_,-./:=?" and space (not at the end).
bool is_valid_boundary(std::string_view boundary) {
  if (boundary.empty() || boundary.size() > 70 || boundary.back() == ' ') return false;
  constexpr std::string_view kSpecials = "'()+_,-./:=? ";
  for (char c : boundary) {
    if (!is_ascii_alpha(c) && !is_ascii_digit(c) && kSpecials.find(c) == std::string_view::npos) return false;
  }
  return true;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (to_ascii_lower(a[i]) != to_ascii_lower(b[i])) return false;
  }
  return true;
}

// Reads one part's header block into `part`; false when it is malformed or lacks a form-data name.
bool parse_part_headers(std::string_view block, MultipartPart& part) {
  bool has_disposition = false;
  part.content_type = "text/plain";
  std::size_t start = 0;
  while (start < block.size()) {
    std::size_t end = block.find("\r\n", start);
    if (end == std::string_view::npos) end = block.size();
    const std::string_view line = block.substr(start, end - start);
    start = end + 2;
    if (line.empty() || is_optional_whitespace(line.front())) return false;  // no obsolete line folding
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return false;
    const std::string_view name = line.substr(0, colon);
    const std::string_view value = trim(line.substr(colon + 1));
    if (equals_ignoring_case(name, "content-disposition")) {
      if (has_disposition) return false;
      const auto disposition = parse_parameterized(value);
      if (!disposition || disposition->value != "form-data") return false;
      const auto field_name = disposition->parameter("name");
      if (!field_name || field_name->empty() || !is_valid_utf8(*field_name)) return false;
      part.name = std::string(*field_name);
      if (const auto filename = disposition->parameter("filename")) {
        // Some browsers send a whole client path: keep only its last segment.
        std::string_view base = *filename;
        const std::size_t slash = base.find_last_of("/\\");
        if (slash != std::string_view::npos) base.remove_prefix(slash + 1);
        part.filename = std::string(base);
      }
      has_disposition = true;
    } else if (equals_ignoring_case(name, "content-type")) {
      part.content_type = std::string(value);
    }
  }
  return has_disposition;
}

}  // namespace

std::optional<std::string> multipart_boundary(std::string_view content_type) {
  const auto parsed = parse_parameterized(content_type);
  if (!parsed || parsed->value != "multipart/form-data") return std::nullopt;
  const auto boundary = parsed->parameter("boundary");
  if (!boundary || !is_valid_boundary(*boundary)) return std::nullopt;
  return std::string(*boundary);
}

std::optional<Multipart> Multipart::parse(std::string_view content_type, std::string_view body,
                                          const MultipartLimits& limits) {
  const std::optional<std::string> boundary = multipart_boundary(content_type);
  if (!boundary) return std::nullopt;
  const std::string delimiter = "--" + *boundary;
  const std::string next_delimiter = "\r\n" + delimiter;

  std::size_t position = 0;
  if (body.starts_with(delimiter)) {
    position = delimiter.size();
  } else {
    const std::size_t found = body.find(next_delimiter);  // after a preamble
    if (found == std::string_view::npos) return std::nullopt;
    position = found + next_delimiter.size();
  }

  Multipart form;
  for (;;) {
    // Just after a delimiter: "--" closes the body (an epilogue may follow), else padding and CRLF.
    if (body.substr(position, 2) == "--") return form;
    while (position < body.size() && is_optional_whitespace(body[position])) ++position;
    if (body.substr(position, 2) != "\r\n") return std::nullopt;
    position += 2;

    if (form.parts_.size() == limits.max_parts) return std::nullopt;
    const std::string_view rest = body.substr(position);
    const std::size_t header_end = rest.substr(0, limits.max_part_header_bytes + 4).find("\r\n\r\n");
    if (header_end == std::string_view::npos || rest.starts_with("\r\n")) return std::nullopt;
    MultipartPart part;
    if (!parse_part_headers(rest.substr(0, header_end), part)) return std::nullopt;

    const std::size_t content_start = position + header_end + 4;
    const std::size_t content_end = body.find(next_delimiter, content_start);
    if (content_end == std::string_view::npos) return std::nullopt;
    part.body = std::string(body.substr(content_start, content_end - content_start));
    form.parts_.push_back(std::move(part));
    position = content_end + next_delimiter.size();
  }
}

const MultipartPart* Multipart::file(std::string_view name) const {
  for (const MultipartPart& part : parts_) {
    if (part.name == name && part.filename) return &part;
  }
  return nullptr;
}

FormData Multipart::fields() const {
  std::vector<std::pair<std::string, std::string>> entries;
  for (const MultipartPart& part : parts_) {
    if (!part.filename) entries.emplace_back(part.name, part.body);
  }
  return FormData::from_entries(std::move(entries));
}

std::optional<std::int64_t> parse_id(std::string_view text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  if (!std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) return std::nullopt;
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < 1) return std::nullopt;
  return value;
}

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [&](char x, char y) { return lower(x) == lower(y); });
}

bool has_media_type(std::string_view content_type, std::string_view media_type) {
  std::string_view media = content_type.substr(0, content_type.find(';'));
  while (!media.empty() && (media.back() == ' ' || media.back() == '\t')) media.remove_suffix(1);
  while (!media.empty() && (media.front() == ' ' || media.front() == '\t')) media.remove_prefix(1);
  return equal_ignoring_case(media, media_type);
}

}  // namespace http
