// An HTTP response built by a handler. Plain data; http::Server turns it into bytes.
#pragma once

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

}  // namespace http
