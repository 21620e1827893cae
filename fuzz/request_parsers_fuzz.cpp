// libFuzzer target for http/parsers.h: every parser gets the raw input, and each result is checked
// against the promise its header makes (a crash, a sanitizer report or a broken promise is a finding).
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "http/parsers.h"

namespace {

void require(bool condition, const char* promise) {
  if (!condition) {
    std::fprintf(stderr, "broken promise: %s\n", promise);
    std::abort();
  }
}

bool is_unreserved(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

void check_percent_coding(std::string_view text) {
  const std::string encoded = http::percent_encode(text);
  for (const char c : encoded)
    require(is_unreserved(c) || c == '%', "percent_encode emits only unreserved or %");
  require(http::percent_decode(encoded, false) == std::string(text), "decode(encode(x)) == x");
  require(http::percent_decode(encoded, true) == std::string(text), "decode(encode(x), plus) == x");
  const auto decoded = http::percent_decode(text, true);
  if (decoded) require(decoded->size() <= text.size(), "decoding never grows the text");
}

void check_path(std::string_view raw) {
  const auto path = http::normalize_path(raw);
  if (!path) return;
  require(!path->empty() && path->front() == '/', "a normalized path starts with /");
  require(http::is_valid_utf8(*path), "a normalized path is valid UTF-8");
  require(path->find('\0') == std::string::npos, "a normalized path holds no NUL");
  require(path->find('\\') == std::string::npos, "a normalized path holds no backslash");
  const std::string wrapped = *path + "/";
  require(wrapped.find("/../") == std::string::npos, "a normalized path holds no .. segment");
  require(wrapped.find("/./") == std::string::npos, "a normalized path holds no . segment");
}

void check_form(std::string_view encoded) {
  const auto form = http::FormData::parse(encoded);
  for (const auto& [name, value] : form.entries()) {
    require(http::is_valid_utf8(name) && http::is_valid_utf8(value), "form entries are valid UTF-8");
  }
  if (!form.entries().empty()) {
    const auto& [first_name, first_value] = form.entries().front();
    require(form.get(first_name) == std::string_view(first_value), "get returns the first value");
    require(!form.get_all(first_name).empty(), "get_all finds a present name");
  }
}

void check_cookies(std::string_view header) {
  const auto cookies = http::Cookies::parse(header);
  std::size_t separators = 0;
  for (const char c : header) separators += c == ';' ? 1 : 0;
  require(cookies.size() <= separators + 1, "no more cookies than pairs");
  (void)cookies.get("sessie");
}

void check_accept_language(std::string_view header) {
  for (const auto& tag : http::parse_accept_language(header)) {
    require(!tag.empty(), "language tags are not empty");
    for (const char c : tag) {
      require((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-', "tags are lower-case ASCII");
    }
  }
}

// The input split at the first newline: a Content-Type header, then a body. Whatever the bytes, a
// parsed form keeps its promises: names are UTF-8 and non-empty, at most max_parts parts, each body a
// piece of the input, file() finds only parts with a filename, fields() holds only UTF-8.
void check_multipart(std::string_view text) {
  const std::size_t newline = text.find('\n');
  const std::string_view content_type = text.substr(0, newline);
  const std::string_view body = newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
  const http::MultipartLimits limits{.max_parts = 8, .max_part_header_bytes = 256};
  for (const std::string_view type : {content_type, std::string_view("multipart/form-data; boundary=b")}) {
    const auto form = http::Multipart::parse(type, body, limits);
    if (!form) continue;
    require(http::multipart_boundary(type).has_value(), "a parsed form had a valid boundary");
    require(form->parts().size() <= limits.max_parts, "no more parts than the limit");
    std::size_t total = 0;
    for (const auto& part : form->parts()) {
      require(!part.name.empty() && http::is_valid_utf8(part.name), "part names are non-empty UTF-8");
      require(body.find(part.body) != std::string_view::npos, "a part's body is a piece of the input");
      if (part.filename) {
        require(part.filename->find('/') == std::string::npos, "filenames hold no directory");
        require(form->file(part.name) != nullptr, "file() finds a part with a filename");
      }
      total += part.body.size();
    }
    require(total <= body.size(), "the parts never hold more bytes than the body");
    const http::FormData fields = form->fields();
    for (const auto& [name, value] : fields.entries()) {
      require(http::is_valid_utf8(name) && http::is_valid_utf8(value), "multipart fields are valid UTF-8");
    }
  }
}

void check_set_cookie(FuzzedDataProvider& provider) {
  http::SetCookie cookie;
  cookie.name = provider.ConsumeRandomLengthString(64);
  cookie.value = provider.ConsumeRandomLengthString(256);
  cookie.path = provider.ConsumeRandomLengthString(64);
  if (provider.ConsumeBool()) cookie.max_age_seconds = provider.ConsumeIntegral<long long>();
  cookie.http_only = provider.ConsumeBool();
  cookie.secure = provider.ConsumeBool();
  cookie.same_site = provider.ConsumeRandomLengthString(16);
  const std::string header = cookie.to_header();
  for (const char c : header) {
    const auto byte = static_cast<unsigned char>(c);
    require(byte >= 0x20 && byte < 0x7F, "Set-Cookie is printable ASCII (no CR, LF or NUL)");
  }
  // Whatever the fields hold, the header is one name=value pair followed only by our own attributes.
  std::string_view rest(header);
  const auto first = rest.find("; ");
  require(rest.substr(0, first).find(';') == std::string_view::npos, "the pair holds no ';'");
  while (rest.find("; ") != std::string_view::npos) {
    rest.remove_prefix(rest.find("; ") + 2);
    const std::string_view attribute = rest.substr(0, rest.find("; "));
    require(attribute.starts_with("Path=") || attribute.starts_with("Max-Age=") || attribute == "HttpOnly" ||
                attribute == "Secure" || attribute.starts_with("SameSite="),
            "only our own attributes follow the pair");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)http::is_valid_utf8(text);
  check_percent_coding(text);
  check_path(text);
  check_form(text);
  check_cookies(text);
  check_accept_language(text);
  check_multipart(text);
  FuzzedDataProvider provider(data, size);
  check_set_cookie(provider);
  return 0;
}
