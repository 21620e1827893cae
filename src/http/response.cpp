#include "http/response.h"

namespace http {

namespace {
Response with_type(int status, std::string body, std::string_view content_type) {
  Response response;
  response.status = status;
  response.body = std::move(body);
  response.headers.set("Content-Type", std::string(content_type));
  return response;
}
}  // namespace

Response Response::html(int status, std::string body) {
  return with_type(status, std::move(body), "text/html; charset=utf-8");
}

Response Response::text(int status, std::string body) {
  return with_type(status, std::move(body), "text/plain; charset=utf-8");
}

Response Response::json(int status, std::string body) {
  return with_type(status, std::move(body), "application/json");
}

Response Response::redirect(std::string_view location, int status) {
  Response response;
  response.status = status;
  response.headers.set("Location", std::string(location));
  return response;
}

namespace {

bool is_token_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u <= 32 || u >= 127) return false;
  return std::string_view("()<>@,;:\\\"/[]?={}").find(c) == std::string_view::npos;
}

bool safe_header(std::string_view name, std::string_view value) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!is_token_char(c)) return false;
  }
  return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

bool owned_by_server(std::string_view lower_name) {
  return lower_name == "content-length" || lower_name == "connection" || lower_name == "date" ||
         lower_name == "transfer-encoding";
}

}  // namespace

void serialize_response_head(const Response& response, bool keep_alive, std::optional<std::size_t> content_length,
                             std::string_view date, std::string& out) {
  out += "HTTP/1.1 ";
  out += std::to_string(response.status);
  out += ' ';
  out += reason_phrase(response.status);
  out += "\r\n";
  for (const auto& [name, value] : response.headers.entries()) {
    if (owned_by_server(name) || !safe_header(name, value)) continue;
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  out += "date: ";
  out += date;
  out += "\r\n";
  if (!keep_alive) out += "connection: close\r\n";
  if (content_length) {
    out += "content-length: ";
    out += std::to_string(*content_length);
    out += "\r\n";
  }
  out += "\r\n";
}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    default: return "Unknown";
  }
}

}  // namespace http
