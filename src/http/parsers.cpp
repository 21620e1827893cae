// Request-side parsers (see parsers.h). Pure std C++ so that clang builds this file alone for libFuzzer.
#include "http/parsers.h"

#include <algorithm>
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

}  // namespace http
