// Parsers for the request-side formats features read: URL paths and queries, urlencoded and
// multipart forms, and cookies. Pure functions over strings, no I/O, no Boost: fuzzed by fuzz/request_parsers_fuzz.cpp.
// Every parser accepts any byte sequence without crashing and reports malformed input as nullopt or
// by skipping the malformed part, as documented per function.
#pragma once

#include <cstdint>
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

// A database id as URLs and forms carry it: digits only, from 1 up, at most 18 of them. Anything
// else (signs, spaces, "0", overflow) is nullopt, so it never reaches SQL.
// Example: parse_id(request.path_param("id")) -> 42 for "42", nullopt for "-1" or "4a".
std::optional<std::int64_t> parse_id(std::string_view text);

// ASCII case-insensitive equality, as header values, media types and host names compare.
bool equal_ignoring_case(std::string_view a, std::string_view b);

// True when the media type of a Content-Type value (parameters ignored, case-insensitive) is
// `media_type`: has_media_type("Application/JSON; charset=utf-8", "application/json") is true.
bool has_media_type(std::string_view content_type, std::string_view media_type);

// Decodes and validates a request path: it must start with '/', decode cleanly, be valid UTF-8, and
// hold no NUL, no backslash, no "." or ".." segment and no encoded '/'. Returns nullopt otherwise.
// Example: normalize_path("/groepen/ict%20en%20data") == "/groepen/ict en data"
std::optional<std::string> normalize_path(std::string_view raw_path);

// Ordered name/value pairs from a query string or an application/x-www-form-urlencoded body.
// A pair that does not decode, or is not valid UTF-8, is skipped. Repeated names are kept in order.
class FormData {
 public:
  static FormData parse(std::string_view encoded);
  // From decoded pairs (e.g. the text fields of a multipart form); pairs that are not valid UTF-8
  // are skipped, as parse() does.
  static FormData from_entries(std::vector<std::pair<std::string, std::string>> entries);

  std::optional<std::string_view> get(std::string_view name) const;  // the first value
  std::vector<std::string_view> get_all(std::string_view name) const;
  std::string_view value_or(std::string_view name, std::string_view fallback) const {
    return get(name).value_or(fallback);
  }
  const std::vector<std::pair<std::string, std::string>>& entries() const { return entries_; }

 private:
  std::vector<std::pair<std::string, std::string>> entries_;
};

// One part of a multipart/form-data body (RFC 7578).
struct MultipartPart {
  std::string name;                     // the form field's name (valid UTF-8)
  std::optional<std::string> filename;  // present for file inputs; "" when no file was chosen
  std::string content_type;             // as the client claims it: never trust it for files
  std::string body;                     // the bytes, undecoded
};

struct MultipartLimits {
  std::size_t max_parts = 64;
  std::size_t max_part_header_bytes = 4 * 1024;  // the header block of one part
};

// A multipart/form-data body. parse() returns nullopt when `content_type` is not multipart/form-data
// with a valid boundary (1-70 characters, token or quoted), when the body does not start with the
// boundary or lacks the closing one, when a part has no form-data Content-Disposition with a name,
// or when a limit is exceeded. Anything else about the input is the caller's to check (file types
// and sizes, text that must be UTF-8).
// Example:
//   auto form = http::Multipart::parse(request.header("content-type"), request.body);
//   if (!form) return 400;
//   const http::MultipartPart* photo = form->file("foto");      // nullptr when absent
//   std::string_view headline = form->fields().value_or("kopregel", "");
class Multipart {
 public:
  static std::optional<Multipart> parse(std::string_view content_type, std::string_view body,
                                        const MultipartLimits& limits = {});

  const std::vector<MultipartPart>& parts() const { return parts_; }
  // The first part named `name` that came with a filename, or nullptr.
  const MultipartPart* file(std::string_view name) const;
  // The parts without a filename, as form fields (non-UTF-8 values skipped).
  FormData fields() const;

 private:
  std::vector<MultipartPart> parts_;
};

// The boundary of a "multipart/form-data; boundary=..." Content-Type, or nullopt.
std::optional<std::string> multipart_boundary(std::string_view content_type);

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
