// An HTTP request as features see it: already parsed, validated and size-limited by http::Server.
// Features never see Boost.Beast; this header is all they need. Not thread-safe; one request, one thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace http {

enum class Method { Get, Head, Post, Put, Patch, Delete, Options, Other };

std::string_view to_string(Method method);
Method method_from_string(std::string_view name);

// Header names are stored in lower case; lookups are case-insensitive.
class Headers {
 public:
  void add(std::string name, std::string value);
  void set(std::string name, std::string value);  // replaces every earlier value
  std::optional<std::string_view> get(std::string_view name) const;
  std::vector<std::string_view> get_all(std::string_view name) const;
  bool contains(std::string_view name) const { return get(name).has_value(); }
  void remove(std::string_view name);
  const std::vector<std::pair<std::string, std::string>>& entries() const { return entries_; }

 private:
  std::vector<std::pair<std::string, std::string>> entries_;
};

// Who sends a request, resolved by the application before routing: from the session cookie (a
// browser) or from an `Authorization: Bearer` API token. Absent for visitors.
struct Viewer {
  std::int64_t account_id = 0;
  std::string name;
  std::string email;
  std::string language;        // the member's preferred language, "nl" or "en"
  bool administrator = false;  // installation-wide; per-network roles are asked of the services
  bool via_api_token = false;  // a Bearer token: no cookies were involved, so no CSRF check applies
};

struct Request {
  Method method = Method::Get;
  std::string target;  // as sent: path and query, e.g. "/zoeken?q=caf%C3%A9"
  std::string path;    // percent-decoded, validated UTF-8, no ".." segments, e.g. "/zoeken"
  std::string query;   // raw query string without '?', e.g. "q=caf%C3%A9"
  Headers headers;
  std::string body;
  std::string remote_address;  // peer IP, e.g. "127.0.0.1"

  // Filled by the router: the values of the route's {name} segments, percent-decoded.
  std::map<std::string, std::string, std::less<>> path_params;
  // Set by the application's authentication before routing; empty for visitors.
  std::optional<Viewer> viewer;
  // The hash of the session token when the viewer came with a session cookie (for sign-out).
  std::string session_token_hash;

  // The route pattern that matched (e.g. "/groepen/{slug}"), used for metrics and logs.
  std::string route;

  std::string_view header(std::string_view name) const { return headers.get(name).value_or(""); }
  std::string_view path_param(std::string_view name) const;
};

// True when the request's Origin header names the host it was sent to ("https://kkp.nl:8443" for
// Host "kkp.nl:8443"). A JSON change made with the session cookie must carry it: a browser sends
// Origin with every such request, and a page elsewhere cannot make one name us.
bool origin_matches_host(const Request& request);

}  // namespace http
