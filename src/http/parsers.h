// Parsers for the request-side formats features read: URL paths and queries, urlencoded forms and
// cookies. Pure functions over strings, no I/O, no Boost: fuzzed by fuzz/request_parsers_fuzz.cpp.
// Every parser accepts any byte sequence without crashing and reports malformed input as nullopt or
// by skipping the malformed part, as documented per function.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace http {

// Percent-decodes `text`. With plus_as_space, '+' becomes ' ' (forms and queries, not paths).
// Returns nullopt for a '%' not followed by two hex digits.
std::optional<std::string> percent_decode(std::string_view text, bool plus_as_space);

// Percent-encodes everything but unreserved characters (RFC 3986).
std::string percent_encode(std::string_view text);

// True when `text` is well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool is_valid_utf8(std::string_view text);

// Decodes and validates a request path: it must start with '/', decode cleanly, be valid UTF-8, and
// hold no NUL, no backslash, no "." or ".." segment and no encoded '/'. Returns nullopt otherwise.
// Example: normalize_path("/groepen/ict%20en%20data") == "/groepen/ict en data"
std::optional<std::string> normalize_path(std::string_view raw_path);

// Ordered name/value pairs from a query string or an application/x-www-form-urlencoded body.
// A pair that does not decode, or is not valid UTF-8, is skipped. Repeated names are kept in order.
class FormData {
 public:
  static FormData parse(std::string_view encoded);

  std::optional<std::string_view> get(std::string_view name) const;  // the first value
  std::vector<std::string_view> get_all(std::string_view name) const;
  std::string_view value_or(std::string_view name, std::string_view fallback) const {
    return get(name).value_or(fallback);
  }
  const std::vector<std::pair<std::string, std::string>>& entries() const { return entries_; }

 private:
  std::vector<std::pair<std::string, std::string>> entries_;
};

// Cookies from a Cookie request header ("a=1; b=2"). Malformed pairs are skipped; the first value
// of a repeated name wins (the most specific path, as browsers send it first).
class Cookies {
 public:
  static Cookies parse(std::string_view header);
  std::optional<std::string_view> get(std::string_view name) const;
  std::size_t size() const { return entries_.size(); }

 private:
  std::vector<std::pair<std::string, std::string>> entries_;
};

// A Set-Cookie header value. Secure and the __Host- prefix are the caller's choice (TLS only).
struct SetCookie {
  std::string name;
  std::string value;
  std::string path = "/";
  std::optional<long long> max_age_seconds;  // nullopt: a session cookie; 0: delete it
  bool http_only = true;
  bool secure = false;
  std::string same_site = "Lax";
  std::string to_header() const;
};

// Parses an Accept-Language header into language tags ordered by preference (q values), lower case.
// Example: "en-GB,en;q=0.9,nl;q=0.8" -> {"en-gb", "en", "nl"}
std::vector<std::string> parse_accept_language(std::string_view header);

}  // namespace http
