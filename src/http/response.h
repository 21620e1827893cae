// An HTTP response built by a handler. Plain data; http::Server turns it into bytes.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "http/request.h"

namespace http {

struct Response {
  int status = 200;
  Headers headers;
  std::string body;

  static Response html(int status, std::string body);
  static Response text(int status, std::string body);
  static Response json(int status, std::string body);
  // 303 See Other, the right answer to a successful form POST.
  static Response redirect(std::string_view location, int status = 303);
};

// The reason phrase for a status code, e.g. "Not Found" for 404.
std::string_view reason_phrase(int status);

// Appends the HTTP/1.1 status line and header block of `response` to `out`, ending with the empty
// line. The server owns Date, Connection and Content-Length (content_length, or none when nullopt);
// a handler's own values for those are ignored, and a header whose name or value could split the
// response (CR, LF, NUL, or a name that is not a token) is dropped.
void serialize_response_head(const Response& response, bool keep_alive, std::optional<std::size_t> content_length,
                             std::string_view date, std::string& out);

}  // namespace http
