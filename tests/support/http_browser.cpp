#include "support/http_browser.h"

#include "http/parsers.h"

namespace testing_support {

std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string body;
  for (const auto& [name, value] : fields) {
    if (!body.empty()) body += '&';
    body += http::percent_encode(name) + "=" + http::percent_encode(value);
  }
  return body;
}

HttpResponse HttpBrowser::post(const std::string& target, std::vector<std::pair<std::string, std::string>> fields,
                               bool with_csrf) {
  if (with_csrf) fields.emplace_back("csrf", csrf());
  return send("POST", target, form_encode(fields), "application/x-www-form-urlencoded");
}

HttpResponse HttpBrowser::send(const std::string& method, const std::string& target, const std::string& body,
                               const std::string& content_type) {
  std::map<std::string, std::string> headers;
  const std::string cookies = cookie_header();
  if (!cookies.empty()) headers["Cookie"] = cookies;
  if (!content_type.empty()) headers["Content-Type"] = content_type;
  headers["Host"] = "127.0.0.1:" + std::to_string(port_);
  HttpResponse response = request(port_, method, target, headers, body);
  for (const std::string& set_cookie : response.header_all("set-cookie")) {
    const auto equals = set_cookie.find('=');
    if (equals == std::string::npos) continue;
    const std::string name = set_cookie.substr(0, equals);
    const std::string value = set_cookie.substr(equals + 1, set_cookie.find(';') - equals - 1);
    if (set_cookie.find("Max-Age=0") != std::string::npos) {
      cookies_.erase(name);
    } else {
      cookies_[name] = value;
    }
  }
  return response;
}

bool HttpBrowser::sign_in(const std::string& email, const std::string& password) {
  return post("/inloggen", {{"email", email}, {"password", password}, {"next", "/"}}).status == 303;
}

std::string HttpBrowser::csrf() {
  if (cookies_.count("csrf") == 0) get("/inloggen");
  return cookies_["csrf"];
}

std::string HttpBrowser::cookie_header() const {
  std::string header;
  for (const auto& [name, value] : cookies_) header += (header.empty() ? "" : "; ") + name + "=" + value;
  return header;
}

}  // namespace testing_support
