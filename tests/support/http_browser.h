// Test support: a minimal browser over testing_support::request — keeps cookies between requests and
// sends the CSRF token it holds with every form, as a real browser does with our pages.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "support/server_process.h"

namespace testing_support {

class HttpBrowser {
 public:
  explicit HttpBrowser(unsigned short port) : port_(port) {}

  HttpResponse get(const std::string& target) { return send("GET", target, "", ""); }
  // A form POST; adds the `csrf` field from the browser's cookie unless `with_csrf` is false.
  HttpResponse post(const std::string& target, std::vector<std::pair<std::string, std::string>> fields,
                    bool with_csrf = true);
  HttpResponse send(const std::string& method, const std::string& target, const std::string& body,
                    const std::string& content_type);
  // Signs in with e-mail and password; true on the 303 a successful sign-in answers.
  bool sign_in(const std::string& email, const std::string& password);

  std::string csrf();  // the token in the csrf cookie (fetches a page first when there is none)
  std::string cookie_header() const;

 private:
  unsigned short port_;
  std::map<std::string, std::string> cookies_;
};

// application/x-www-form-urlencoded
std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields);

}  // namespace testing_support
