#include "web/anonymous_cache.h"

#include <mutex>

#include "http/parsers.h"

namespace web {

namespace {

// Cookies that do not change what an anonymous page looks like beyond its language and token.
bool only_anonymous_cookies(const http::Request& request) {
  const auto header = request.headers.get("cookie");
  if (!header) return true;
  const http::Cookies cookies = http::Cookies::parse(*header);
  std::size_t known = 0;
  if (cookies.get(kLanguageCookie)) ++known;
  if (cookies.get(kCsrfCookie)) ++known;
  return cookies.size() == known;
}

std::string cookie_value_in(std::string_view set_cookie, std::string_view name) {
  if (set_cookie.size() <= name.size() || !set_cookie.starts_with(name) || set_cookie[name.size()] != '=') return {};
  const std::string_view rest = set_cookie.substr(name.size() + 1);
  return std::string(rest.substr(0, rest.find(';')));
}

std::vector<std::string> split_on(std::string_view text, std::string_view separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t found = text.find(separator, start);
    if (found == std::string_view::npos) break;
    parts.emplace_back(text.substr(start, found - start));
    start = found + separator.size();
  }
  parts.emplace_back(text.substr(start));
  return parts;
}

}  // namespace

AnonymousPageCache::AnonymousPageCache(const Site& site, std::chrono::milliseconds ttl, std::size_t max_entries)
    : site_(site), ttl_(ttl), max_entries_(max_entries) {}

void AnonymousPageCache::allow_route(std::string pattern) { routes_.insert(std::move(pattern)); }

bool AnonymousPageCache::request_is_cacheable(const http::Request& request) const {
  return ttl_.count() > 0 && (request.method == http::Method::Get || request.method == http::Method::Head) &&
         only_anonymous_cookies(request);
}

std::string AnonymousPageCache::key_of(const http::Request& request) const {
  std::string key(site_.language_of(request));
  key += ' ';
  key += request.target;
  return key;
}

std::optional<http::Response> AnonymousPageCache::lookup(http::Request& request) const {
  if (!request_is_cacheable(request)) return std::nullopt;
  const std::string key = key_of(request);
  std::shared_ptr<const Entry> entry;
  {
    std::shared_lock lock(mutex_);
    auto found = entries_.find(key);
    if (found == entries_.end()) return std::nullopt;
    entry = found->second;
  }
  if (std::chrono::steady_clock::now() - entry->stored > ttl_) return std::nullopt;

  http::Response response;
  response.status = entry->status;
  request.route = entry->route;
  for (const auto& [name, value] : entry->headers) response.headers.add(name, value);
  const std::string token = entry->segments.size() > 1 ? site_.csrf_token_for(request, response) : std::string();
  std::size_t length = 0;
  for (const auto& segment : entry->segments) length += segment.size() + token.size();
  response.body.reserve(length);
  for (std::size_t i = 0; i < entry->segments.size(); ++i) {
    if (i > 0) response.body += token;
    response.body += entry->segments[i];
  }
  return response;
}

void AnonymousPageCache::offer(const http::Request& request, const http::Response& response) {
  if (response.status != 200 || !routes_.contains(request.route) || !request_is_cacheable(request)) return;

  // The token this page carries: a new one it sets as a cookie, or the browser's own.
  std::string token;
  for (const auto& set_cookie : response.headers.get_all("set-cookie")) {
    token = cookie_value_in(set_cookie, kCsrfCookie);
    if (token.empty()) return;  // the page sets some other cookie: it is not the same for everyone
  }
  if (token.empty()) token = site_.valid_csrf_cookie(request);
  if (token.empty()) return;

  auto entry = std::make_shared<Entry>();
  entry->stored = std::chrono::steady_clock::now();
  entry->status = response.status;
  entry->route = request.route;
  for (const auto& [name, value] : response.headers.entries()) {
    if (name != "set-cookie") entry->headers.emplace_back(name, value);
  }
  entry->segments = split_on(response.body, token);

  std::string key = key_of(request);
  std::unique_lock lock(mutex_);
  if (entries_.erase(key) > 0) std::erase(insertion_order_, key);
  while (entries_.size() >= max_entries_ && !insertion_order_.empty()) {
    entries_.erase(insertion_order_.front());
    insertion_order_.pop_front();
  }
  insertion_order_.push_back(key);
  entries_.emplace(std::move(key), std::move(entry));
}

std::size_t AnonymousPageCache::size() const {
  std::shared_lock lock(mutex_);
  return entries_.size();
}

}  // namespace web
