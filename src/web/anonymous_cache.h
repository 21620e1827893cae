// A short-lived cache of whole pages as a visitor without an account sees them, so the busiest
// public pages (the home page of a network) are answered from memory on an I/O thread instead of
// being rendered from the database for every request. The same idea as Discourse's anonymous cache.
//
// What makes a request cacheable: GET or HEAD, a route that opted in, and no cookie but the language
// and CSRF ones (a flash message, and later a session, always go to the real handler). A page is
// stored only when it answered 200 and set no cookie other than the CSRF token. The CSRF token is
// the one part of such a page that differs per browser: the cache keeps the page split around it and
// puts each browser's own token back in.
//
// Freshness: an entry lives `ttl`; after that the next request renders it anew from the database. So
// visitors may see a change up to `ttl` late, on every instance behind a proxy alike.
// Thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <vector>

#include "http/request.h"
#include "http/response.h"
#include "web/site.h"

namespace web {

class AnonymousPageCache {
 public:
  AnonymousPageCache(const Site& site, std::chrono::milliseconds ttl, std::size_t max_entries = 2048);

  // Routes (patterns as registered with the router) whose pages may be cached.
  void allow_route(std::string pattern);

  // The cached page for this request, or nothing (not cacheable, not cached or expired).
  // Never blocks on I/O: meant for http::Server's fast path.
  // Sets request.route to the route that produced the page, for metrics and logs.
  std::optional<http::Response> lookup(http::Request& request) const;

  // Offers the handler's response for `request` (request.route set by the router) to the cache.
  void offer(const http::Request& request, const http::Response& response);

  std::size_t size() const;

 private:
  struct Entry {
    std::chrono::steady_clock::time_point stored;
    int status = 200;
    std::string route;
    std::vector<std::pair<std::string, std::string>> headers;  // without Set-Cookie
    std::vector<std::string> segments;  // the body, split where the CSRF token stood
  };

  bool request_is_cacheable(const http::Request& request) const;
  std::string key_of(const http::Request& request) const;

  const Site& site_;
  std::chrono::milliseconds ttl_;
  std::size_t max_entries_;
  std::set<std::string, std::less<>> routes_;

  mutable std::shared_mutex mutex_;
  // Shared so that a lookup can assemble the page after letting go of the lock.
  std::map<std::string, std::shared_ptr<const Entry>, std::less<>> entries_;
  std::list<std::string> insertion_order_;  // keys, oldest first, for eviction when full
};

}  // namespace web
