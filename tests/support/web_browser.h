// Test support: a browser for HTTP tests against the real binary. It keeps its cookies, sends the
// Host header, and adds the CSRF token it holds to every form it posts (or leaves it out, to test
// the 403). Header-only; one per simulated user.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "http/parsers.h"
#include "support/server_process.h"

namespace testing_support {

// A file in a multipart form, as a browser sends it.
struct FilePart {
  std::string field;
  std::string filename;
  std::string content_type;
  std::string bytes;
};

class WebBrowser {
 public:
  explicit WebBrowser(unsigned short port) : port_(port) {}

  void set_cookie(const std::string& name, const std::string& value) { cookies_[name] = value; }

  HttpResponse get(const std::string& target) { return send("GET", target, "", ""); }
  HttpResponse post(const std::string& target, std::vector<std::pair<std::string, std::string>> fields,
                    bool with_csrf = true) {
    if (with_csrf) fields.emplace_back("csrf", csrf());
    return send("POST", target, form_encode(fields), "application/x-www-form-urlencoded");
  }
  // A form with the given CSRF token instead of the browser's own (a forged or stale one).
  HttpResponse post_with_token(const std::string& target, std::vector<std::pair<std::string, std::string>> fields,
                               const std::string& token) {
    fields.emplace_back("csrf", token);
    return send("POST", target, form_encode(fields), "application/x-www-form-urlencoded");
  }
  // A multipart/form-data form (RFC 7578) with files, and the CSRF token.
  HttpResponse post_multipart(const std::string& target, std::vector<std::pair<std::string, std::string>> fields,
                              const std::vector<FilePart>& files) {
    fields.emplace_back("csrf", csrf());
    const std::string boundary = "knooppunt-test-boundary-7f3a";
    std::string body;
    for (const auto& [name, value] : fields) {
      body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
    }
    for (const FilePart& file : files) {
      body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + file.field + "\"; filename=\"" +
              file.filename + "\"\r\nContent-Type: " + file.content_type + "\r\n\r\n" + file.bytes + "\r\n";
    }
    body += "--" + boundary + "--\r\n";
    return send("POST", target, body, "multipart/form-data; boundary=" + boundary);
  }
  HttpResponse upload(const std::string& target, std::vector<std::pair<std::string, std::string>> fields,
                      const FilePart& file) {
    return post_multipart(target, std::move(fields), {file});
  }
  // Signs in through the sign-in form; true on the 303 a successful sign-in answers.
  bool sign_in(const std::string& email, const std::string& password) {
    return post("/inloggen", {{"email", email}, {"password", password}, {"next", "/"}}).status == 303;
  }
  // A JSON request as a page of the site would send it (with Origin), or without Origin.
  HttpResponse json(const std::string& method, const std::string& target, const std::string& body,
                    bool with_origin = true) {
    std::map<std::string, std::string> headers;
    if (with_origin) headers["Origin"] = "http://127.0.0.1:" + std::to_string(port_);
    return send(method, target, body, "application/json", headers);
  }

  HttpResponse send(const std::string& method, const std::string& target, const std::string& body,
                    const std::string& content_type, std::map<std::string, std::string> headers = {}) {
    const std::string cookies = cookie_header();
    if (!cookies.empty()) headers["Cookie"] = cookies;
    if (!content_type.empty()) headers["Content-Type"] = content_type;
    headers["Host"] = host();
    auto response = request(port_, method, target, headers, body);
    for (const auto& set_cookie : response.header_all("set-cookie")) {
      const auto equals = set_cookie.find('=');
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

  // The CSRF token this browser holds (a page is fetched first when it has none).
  std::string csrf() {
    if (cookies_.count("csrf") == 0) get("/inloggen");
    return cookies_["csrf"];
  }

  // One cookie's value, "" when the browser holds none by that name.
  std::string cookie(const std::string& name) const {
    const auto found = cookies_.find(name);
    return found == cookies_.end() ? "" : found->second;
  }
  std::string host() const { return "127.0.0.1:" + std::to_string(port_); }

  std::string cookie_header() const {
    std::string header;
    for (const auto& [name, value] : cookies_) header += (header.empty() ? "" : "; ") + name + "=" + value;
    return header;
  }

  static std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields) {
    std::string body;
    for (const auto& [name, value] : fields) {
      if (!body.empty()) body += '&';
      body += http::percent_encode(name) + "=" + http::percent_encode(value);
    }
    return body;
  }

 private:
  unsigned short port_;
  std::map<std::string, std::string> cookies_;
};

}  // namespace testing_support
