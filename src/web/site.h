// The web layer every feature's routes use: language, the base layout, error pages, flash messages
// and CSRF protection. Built once at start-up (catalogs and templates are loaded and checked then);
// immutable afterwards and safe to share between worker threads.
//
// Example (a route):
//   kainjow::mustache::data data;
//   data.set("title", network.name);
//   return site.page(request, "regions/network", std::move(data));
#pragma once

#include <functional>
#include <initializer_list>
#include <kainjow/mustache.hpp>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "http/parsers.h"
#include "http/request.h"
#include "http/response.h"
#include "http/static_assets.h"
#include "web/catalog.h"
#include "web/form_errors.h"
#include "web/templates.h"

namespace web {

// The fingerprinted asset URLs the layout links to.
struct AssetUrls {
  std::string stylesheet;  // app.css
  std::string logo;        // logo.svg
  std::string favicon;     // favicon.svg

  // Inline so that only callers that pass real StaticAssets link against them.
  static AssetUrls from(const http::StaticAssets& assets) {
    return {assets.url_for("app.css"), assets.url_for("logo.svg"), assets.url_for("favicon.svg")};
  }
};

struct SiteOptions {
  // Signs flash messages and CSRF tokens (any length; at least 32 bytes of randomness).
  // Every instance behind one proxy needs the same secret.
  std::string secret;
  // Adds Secure to every cookie; set it when the site is served over TLS.
  bool secure_cookies = false;
};

// Cookie names (shared with tests and the browser test).
inline constexpr std::string_view kLanguageCookie = "taal";
inline constexpr std::string_view kFlashCookie = "flash";
inline constexpr std::string_view kCsrfCookie = "csrf";
inline constexpr std::string_view kCsrfField = "csrf";

// `candidate` when it is a path on this site ("/netwerken/x?y"), else "/". Refuses "//host",
// "/\host", absolute URLs and control characters, so a `next` field cannot redirect elsewhere.
std::string local_path_or_root(std::string_view candidate);

class Site {
 public:
  // Loads the embedded catalogs and templates. Throws std::runtime_error with a clear message when
  // any of them is broken or the secret is empty.
  Site(const http::StaticAssets& assets, SiteOptions options)
      : Site(AssetUrls::from(assets), std::move(options)) {}
  Site(AssetUrls assets, SiteOptions options);
  // With an explicit catalog and the embedded templates (tests).
  Site(AssetUrls assets, SiteOptions options, Catalog catalog);
  // With explicit catalog and templates (tests).
  Site(AssetUrls assets, SiteOptions options, Catalog catalog, Templates templates);

  Site(const Site&) = delete;
  Site& operator=(const Site&) = delete;

  // Throws std::runtime_error naming each template that does not exist: routes call it at start-up.
  void require_templates(std::initializer_list<std::string_view> names) const;

  // The language for this request: the `taal` cookie when it names a language we speak, else "nl".
  std::string_view language_of(const http::Request& request) const;
  const Catalog& catalog() const { return catalog_; }
  std::string_view text(std::string_view language, std::string_view key) const {
    return catalog_.text(language, key);
  }

  // Renders `template_name` with `data`, then the layout around it. Adds to the body's data:
  // "lang", "csrf" (the token for hidden fields) and "next" (the current path, unless data has it).
  // data "title" becomes the page title; "head_feed_url" and "head_feed_title" (plain text), when set,
  // become a <link rel="alternate" type="application/atom+xml"> in the page's head. Sets Content-Type, Content-Language and Cache-Control, the
  // CSRF cookie when the browser has none, and clears a flash message after showing it.
  // `data` must hold no mustache lambdas (see templates.h).
  http::Response page(const http::Request& request, std::string_view template_name,
                      kainjow::mustache::data data, int status = 200) const;

  // The same around a body rendered earlier with render() (for pages whose body a route caches).
  // `body_html` must come from our templates; `title` is plain text.
  http::Response page_html(const http::Request& request, std::string_view title, std::string_view body_html,
                           int status = 200) const;

  // Renders a template alone, with exactly `data` (no csrf, next or lang added): a fragment that does
  // not depend on the request and may therefore be cached by the caller.
  std::string render(std::string_view language, std::string_view template_name,
                     const kainjow::mustache::data& data) const;

  // A short page for an error status in the user's language (nullptr: Dutch, no language form).
  // Unknown statuses get the page of their class (4xx: 400, 5xx: 500). Never throws.
  http::Response error_page(const http::Request* request, int status) const;

  // Shows the message `message_key` on the next page this browser renders (a signed cookie).
  // Throws std::out_of_range for a key the catalog lacks.
  void set_flash(http::Response& response, std::string_view message_key) const;
  // Stores the language choice for a year.
  void set_language(http::Response& response, std::string_view language) const;

  // True when the form's `csrf` field matches the `csrf` cookie (constant-time), the cookie carries
  // our signature, and an Origin (or else Referer) header, when present, names the Host.
  bool csrf_ok(const http::Request& request, const http::FormData& form) const;
  bool csrf_ok(const http::Request& request) const {
    return csrf_ok(request, http::FormData::parse(request.body));
  }

  // The CSRF token a page for this request carries: the browser's own when its cookie holds a token
  // we signed, else a new one, which is then also set as the cookie on `response`.
  std::string csrf_token_for(const http::Request& request, http::Response& response) const;
  // The token in the request's csrf cookie when it carries our signature, else "".
  std::string valid_csrf_cookie(const http::Request& request) const;

  // The flash message key carried by this request's cookie, when its signature and age are valid.
  std::string flash_key_of(const http::Request& request) const;

  // The site's MAC (HMAC-SHA-512/256 under the site secret) of `message` for one `purpose`, as 43
  // URL-safe base64 characters; for stateless links such as one-click unsubscribe. signature_ok
  // compares in constant time.
  std::string sign(std::string_view purpose, std::string_view message) const;
  bool signature_ok(std::string_view purpose, std::string_view message, std::string_view signature) const;

  // How many unread notifications a signed-in account has, for the badge in the user menu. Set once
  // at start-up, before serving; without it (or when it throws) no badge shows.
  void set_unread_counter(std::function<std::int64_t(std::int64_t account_id)> counter) {
    unread_counter_ = std::move(counter);
  }

 private:
  std::string new_csrf_token() const;
  bool csrf_token_valid(std::string_view token) const;
  http::SetCookie cookie(std::string_view name, std::string value) const;
  enum class NavItem { None, Home, Members, Agenda, Networks, Language };
  static constexpr std::size_t kNavItems = 6;
  enum class Slot { Title, Body, Csrf, Next, Flash, AccountName, AccountId, UnreadBadge, Head };
  // The layout pre-rendered for one combination of language, current nav item, flash, language
  // switch and signed-in user menu: literal HTML with per-request slots between the pieces
  // (literals.size() == slots.size() + 1).
  struct LayoutFrame {
    std::vector<std::string> literals;
    std::vector<Slot> slots;
    std::size_t size = 0;
  };
  // What one request contributes to its page.
  struct RequestState {
    std::string_view language = kDefaultLanguage;
    std::string csrf_token;
    std::string next;
    std::string flash_key;
    NavItem nav = NavItem::None;
    std::vector<std::string> set_cookies;
    // The user menu: a signed-in browser's name and profile link, else sign-in and sign-up links.
    bool signed_in = false;
    std::string account_name;
    std::int64_t account_id = 0;
    std::int64_t unread = 0;  // unread notifications (the badge)
    // The page's Atom feed for the head (see page()); empty: none.
    std::string feed_url;
    std::string feed_title;
  };

  RequestState request_state(const http::Request* request, const kainjow::mustache::data* body_data) const;
  http::Response assemble(const http::Request* request, const RequestState& state, std::string_view title,
                          std::string_view body_html, int status) const;
  void build_layout_frames();
  const LayoutFrame& frame_for(std::string_view language, NavItem nav, bool with_flash,
                               bool with_language_switch, bool signed_in) const;
  static std::size_t frame_index(std::size_t language_index, NavItem nav, bool with_flash,
                                 bool with_language_switch, bool signed_in);
  static std::string slot_marker(Slot slot);

  AssetUrls assets_;
  SiteOptions options_;
  Catalog catalog_;
  Templates templates_;
  std::string key_;  // the MAC key, derived from options_.secret
  // language -> the other languages as {code, name} for the layout's switch, built once.
  std::map<std::string, kainjow::mustache::data, std::less<>> other_languages_;
  std::vector<LayoutFrame> frames_;  // see frame_index()
  std::function<std::int64_t(std::int64_t)> unread_counter_;
};

}  // namespace web
