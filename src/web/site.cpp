#include "web/site.h"

#include <sodium.h>
#include <spdlog/spdlog.h>

#include <array>
#include <chrono>
#include <stdexcept>

namespace web {

namespace {

using kainjow::mustache::data;

constexpr std::string_view kLayoutTemplate = "layout";
constexpr std::string_view kErrorTemplate = "error";
constexpr std::size_t kCsrfNonceBytes = 24;
constexpr long long kFlashLifetimeSeconds = 120;
constexpr long long kLanguageCookieSeconds = 365LL * 24 * 60 * 60;
constexpr std::size_t kMaxNextLength = 2048;
constexpr char kSlotMarkerByte = '\x01';  // never in catalog text, URLs or markup
constexpr std::array<int, 8> kErrorStatuses = {400, 403, 404, 405, 413, 431, 500, 503};

std::string base64url(const unsigned char* bytes, std::size_t size) {
  std::string out(sodium_base64_ENCODED_LEN(size, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes, size, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

bool equal_constant_time(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}


// "https://example.org:8443/path" -> "example.org:8443"; empty when it is not an absolute URL.
std::string_view authority_of(std::string_view url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos || scheme_end == 0) return {};
  std::string_view rest = url.substr(scheme_end + 3);
  const auto end = rest.find_first_of("/?#");
  rest = rest.substr(0, end);
  if (rest.find('@') != std::string_view::npos) return {};  // userinfo: never sent by browsers
  return rest;
}

long long now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int page_status_for(int status) {
  for (int known : kErrorStatuses) {
    if (known == status) return status;
  }
  return status >= 500 ? 500 : 400;
}

// The last resort when even the error template cannot render: no template, no catalog.
http::Response bare_error(int status) {
  std::string body = "<!doctype html><html lang=\"nl\"><meta charset=\"utf-8\"><title>" +
                     std::to_string(status) + "</title><h1>" + std::to_string(status) + " " +
                     std::string(http::reason_phrase(status)) + "</h1></html>";
  auto response = http::Response::html(status, std::move(body));
  response.headers.set("Cache-Control", "no-store");
  return response;
}

}  // namespace

std::string local_path_or_root(std::string_view candidate) {
  if (candidate.empty() || candidate.size() > kMaxNextLength || candidate.front() != '/') return "/";
  if (candidate.size() > 1 && (candidate[1] == '/' || candidate[1] == '\\')) return "/";
  for (char c : candidate) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F || c == '\\') return "/";
  }
  return std::string(candidate);
}

Site::Site(AssetUrls assets, SiteOptions options)
    : Site(std::move(assets), std::move(options), Catalog::load_embedded()) {}

Site::Site(AssetUrls assets, SiteOptions options, Catalog catalog)
    : Site(std::move(assets), std::move(options), catalog, Templates::load_embedded(catalog)) {}

Site::Site(AssetUrls assets, SiteOptions options, Catalog catalog, Templates templates)
    : assets_(std::move(assets)),
      options_(std::move(options)),
      catalog_(std::move(catalog)),
      templates_(std::move(templates)) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
  if (options_.secret.empty()) throw std::runtime_error("the site secret (for cookies and forms) is empty");
  require_templates({kLayoutTemplate, kErrorTemplate});

  // Derive a fixed-size MAC key so that any secret length works.
  key_.resize(crypto_auth_KEYBYTES);
  crypto_generichash(reinterpret_cast<unsigned char*>(key_.data()), key_.size(),
                     reinterpret_cast<const unsigned char*>(options_.secret.data()), options_.secret.size(),
                     nullptr, 0);
  for (auto language : kLanguages) {
    kainjow::mustache::data others(kainjow::mustache::data::type::list);
    for (auto other : kLanguages) {
      if (other == language) continue;
      kainjow::mustache::data entry;
      entry.set("code", std::string(other));
      // A language is offered in its own words: "English" on a Dutch page.
      entry.set("name", std::string(catalog_.text(other, "language.self_name")));
      others.push_back(entry);
    }
    other_languages_.emplace(std::string(language), std::move(others));
  }
  build_layout_frames();
}

void Site::require_templates(std::initializer_list<std::string_view> names) const {
  std::string missing;
  for (auto name : names) {
    if (!templates_.contains(name)) missing += (missing.empty() ? "" : ", ") + std::string(name);
  }
  if (!missing.empty()) throw std::runtime_error("templates not found in resources/templates/: " + missing);
}

std::string_view Site::language_of(const http::Request& request) const {
  const auto header = request.headers.get("cookie");
  if (!header) return kDefaultLanguage;
  const auto cookies = http::Cookies::parse(*header);
  const auto chosen = supported_language(cookies.get(kLanguageCookie).value_or(""));
  return chosen.empty() ? kDefaultLanguage : chosen;
}

std::string Site::sign(std::string_view purpose, std::string_view message) const {
  crypto_auth_hmacsha512256_state state;
  crypto_auth_hmacsha512256_init(&state, reinterpret_cast<const unsigned char*>(key_.data()), key_.size());
  // The purpose keeps a signature for one use (a flash message) from passing as another (a token).
  crypto_auth_hmacsha512256_update(&state, reinterpret_cast<const unsigned char*>(purpose.data()),
                                   purpose.size());
  const unsigned char separator = 0;
  crypto_auth_hmacsha512256_update(&state, &separator, 1);
  crypto_auth_hmacsha512256_update(&state, reinterpret_cast<const unsigned char*>(message.data()),
                                   message.size());
  std::array<unsigned char, crypto_auth_hmacsha512256_BYTES> tag{};
  crypto_auth_hmacsha512256_final(&state, tag.data());
  return base64url(tag.data(), tag.size());
}

bool Site::signature_ok(std::string_view purpose, std::string_view message,
                        std::string_view signature) const {
  return equal_constant_time(sign(purpose, message), signature);
}

std::string Site::new_csrf_token() const {
  std::array<unsigned char, kCsrfNonceBytes> nonce{};
  randombytes_buf(nonce.data(), nonce.size());
  std::string token = base64url(nonce.data(), nonce.size());
  token += '.';
  token += sign("csrf", token.substr(0, token.size() - 1));
  return token;
}

bool Site::csrf_token_valid(std::string_view token) const {
  const auto dot = token.find('.');
  if (dot == std::string_view::npos || dot == 0) return false;
  return signature_ok("csrf", token.substr(0, dot), token.substr(dot + 1));
}

std::string Site::valid_csrf_cookie(const http::Request& request) const {
  const auto header = request.headers.get("cookie");
  if (!header) return {};
  const http::Cookies cookies = http::Cookies::parse(*header);  // the token views into it
  const auto token = cookies.get(kCsrfCookie);
  return token && csrf_token_valid(*token) ? std::string(*token) : std::string();
}

std::string Site::csrf_token_for(const http::Request& request, http::Response& response) const {
  std::string token = valid_csrf_cookie(request);
  if (token.empty()) {
    token = new_csrf_token();
    response.headers.add("Set-Cookie", cookie(kCsrfCookie, token).to_header());
  }
  return token;
}

bool Site::csrf_ok(const http::Request& request, const http::FormData& form) const {
  // A cross-site form post carries the attacker's Origin; browsers send Origin on every POST, and
  // Referer is the fallback for old ones. Neither present (curl, some privacy tools): the token decides.
  const auto host = request.headers.get("host");
  const auto origin = request.headers.get("origin");
  const auto referer = request.headers.get("referer");
  if (origin || referer) {
    const std::string_view source = origin ? *origin : *referer;
    const std::string_view authority = authority_of(source);
    if (!host || authority.empty() || !http::equal_ignoring_case(authority, *host)) return false;
  }

  const auto header = request.headers.get("cookie");
  if (!header) return false;
  const auto cookies = http::Cookies::parse(*header);
  const auto cookie_token = cookies.get(kCsrfCookie);
  const auto form_token = form.get(kCsrfField);
  if (!cookie_token || !form_token || cookie_token->empty()) return false;
  if (!equal_constant_time(*cookie_token, *form_token)) return false;
  return csrf_token_valid(*cookie_token);
}

http::SetCookie Site::cookie(std::string_view name, std::string value) const {
  http::SetCookie cookie;
  cookie.name = std::string(name);
  cookie.value = std::move(value);
  cookie.path = "/";
  cookie.http_only = true;
  cookie.secure = options_.secure_cookies;
  cookie.same_site = "Lax";
  return cookie;
}

void Site::set_flash(http::Response& response, std::string_view message_key) const {
  if (!catalog_.has(message_key))
    throw std::out_of_range("unknown flash message key '" + std::string(message_key) + "'");
  // value: <expires>~<key>~<signature>; '~' never occurs in a key or a number.
  std::string message =
      std::to_string(now_seconds() + kFlashLifetimeSeconds) + "~" + std::string(message_key);
  std::string value = message + "~" + sign("flash", message);
  auto set = cookie(kFlashCookie, std::move(value));
  set.max_age_seconds = kFlashLifetimeSeconds;
  response.headers.add("Set-Cookie", set.to_header());
}

std::string Site::flash_key_of(const http::Request& request) const {
  const auto header = request.headers.get("cookie");
  if (!header) return {};
  const auto cookies = http::Cookies::parse(*header);
  const std::string_view value = cookies.get(kFlashCookie).value_or("");
  const auto last = value.rfind('~');
  if (last == std::string_view::npos) return {};
  const std::string_view message = value.substr(0, last);
  if (!signature_ok("flash", message, value.substr(last + 1))) return {};
  const auto first = message.find('~');
  if (first == std::string_view::npos) return {};
  long long expires = 0;
  try {
    expires = std::stoll(std::string(message.substr(0, first)));
  } catch (const std::exception&) {
    return {};
  }
  if (expires < now_seconds()) return {};
  const std::string_view key = message.substr(first + 1);
  // Only flash.* keys: a signed cookie from another purpose must not print arbitrary catalog text.
  if (!key.starts_with("flash.") || !catalog_.has(key)) return {};
  return std::string(key);
}

void Site::set_language(http::Response& response, std::string_view language) const {
  const auto chosen = supported_language(language);
  auto set = cookie(kLanguageCookie, std::string(chosen.empty() ? kDefaultLanguage : chosen));
  set.max_age_seconds = kLanguageCookieSeconds;
  response.headers.add("Set-Cookie", set.to_header());
}

Site::RequestState Site::request_state(const http::Request* request,
                                       const kainjow::mustache::data* body_data) const {
  RequestState state;
  if (request != nullptr) {
    state.language = language_of(*request);
    // The CSRF token: the browser's own when it carries our signature, else a new one for a cookie.
    if (const auto header = request->headers.get("cookie")) {
      const auto cookies = http::Cookies::parse(*header);
      const auto existing = cookies.get(kCsrfCookie);
      if (existing && csrf_token_valid(*existing)) state.csrf_token = std::string(*existing);
      if (cookies.get(kFlashCookie)) {
        state.flash_key = flash_key_of(*request);
        // Shown once: the cookie goes now, whether it was valid or not.
        auto clear = cookie(kFlashCookie, "");
        clear.max_age_seconds = 0;
        state.set_cookies.push_back(clear.to_header());
      }
    }
    if (state.csrf_token.empty()) {
      state.csrf_token = new_csrf_token();
      state.set_cookies.push_back(cookie(kCsrfCookie, state.csrf_token).to_header());
    }
    // Pages for API tokens are never rendered; a browser's session shows its user menu.
    if (request->viewer && !request->viewer->via_api_token) {
      state.signed_in = true;
      state.account_name = request->viewer->name;
      state.account_id = request->viewer->account_id;
      if (unread_counter_) {
        try {
          state.unread = unread_counter_(state.account_id);
        } catch (const std::exception&) {
          state.unread = 0;  // a badge is not worth failing a page for
        }
      }
    }
    const std::string_view path = request->path;
    if (path == "/") {
      state.nav = NavItem::Home;
    } else if (path == "/leden" || path.starts_with("/leden/")) {
      state.nav = NavItem::Members;
    } else if (path == "/agenda" || path.starts_with("/agenda/")) {
      state.nav = NavItem::Agenda;
    } else if (path == "/netwerken" || path.starts_with("/netwerken/")) {
      state.nav = NavItem::Networks;
    } else if (path == "/taal") {
      state.nav = NavItem::Language;
    }
  }
  const kainjow::mustache::data* given = body_data != nullptr ? body_data->get("next") : nullptr;
  if (given != nullptr && given->is_string()) {
    state.next = local_path_or_root(given->string_value());
  } else {
    state.next = request != nullptr ? local_path_or_root(request->target) : "/";
  }
  return state;
}

std::string Site::render(std::string_view language, std::string_view template_name,
                         const kainjow::mustache::data& data) const {
  std::string html;
  html.reserve(8 * 1024);
  templates_.render(language, template_name, data, html);
  return html;
}

http::Response Site::page(const http::Request& request, std::string_view template_name,
                          kainjow::mustache::data data, int status) const {
  RequestState state = request_state(&request, &data);
  const auto text_of = [&](const char* key) {
    const auto* value = data.get(key);
    return value != nullptr && value->is_string() ? value->string_value() : std::string();
  };
  state.feed_url = text_of("head_feed_url");
  state.feed_title = text_of("head_feed_title");
  data.set("lang", std::string(state.language));
  data.set("csrf", state.csrf_token);
  data.set("next", state.next);
  const std::string body = render(state.language, template_name, data);
  const auto* title = data.get("title");
  return assemble(&request, state, title != nullptr && title->is_string() ? title->string_value() : "", body,
                  status);
}

http::Response Site::page_html(const http::Request& request, std::string_view title,
                               std::string_view body_html, int status) const {
  return assemble(&request, request_state(&request, nullptr), title, body_html, status);
}

const Site::LayoutFrame& Site::frame_for(std::string_view language, NavItem nav, bool with_flash,
                                         bool with_language_switch, bool signed_in) const {
  std::size_t language_index = 0;
  while (language_index + 1 < kLanguages.size() && kLanguages[language_index] != language) ++language_index;
  return frames_[frame_index(language_index, nav, with_flash, with_language_switch, signed_in)];
}

std::size_t Site::frame_index(std::size_t language_index, NavItem nav, bool with_flash,
                              bool with_language_switch, bool signed_in) {
  return (((language_index * kNavItems + static_cast<std::size_t>(nav)) * 2 + (with_flash ? 1 : 0)) * 2 +
          (with_language_switch ? 1 : 0)) *
             2 +
         (signed_in ? 1 : 0);
}

void Site::build_layout_frames() {
  // The layout is rendered once per combination of its switches, with a marker in each per-request
  // slot; a page is then the frame's literal pieces joined with the slot values. This keeps the
  // layout as a mustache template while costing a few appends per request.
  frames_.resize(kLanguages.size() * kNavItems * 8);
  for (std::size_t language_index = 0; language_index < kLanguages.size(); ++language_index) {
    const std::string_view language = kLanguages[language_index];
    for (std::size_t nav = 0; nav < kNavItems; ++nav) {
      for (int with_flash = 0; with_flash < 2; ++with_flash) {
        for (int with_switch = 0; with_switch < 2; ++with_switch) {
          for (int signed_in = 0; signed_in < 2; ++signed_in) {
            kainjow::mustache::data layout;
            layout.set("lang", std::string(language));
            layout.set("title", slot_marker(Slot::Title));
            layout.set("body", slot_marker(Slot::Body));
            layout.set("head", slot_marker(Slot::Head));
            layout.set("stylesheet", assets_.stylesheet);
            layout.set("logo", assets_.logo);
            layout.set("favicon", assets_.favicon);
            layout.set("nav_home", nav == static_cast<std::size_t>(NavItem::Home));
            layout.set("nav_members", nav == static_cast<std::size_t>(NavItem::Members));
            layout.set("nav_agenda", nav == static_cast<std::size_t>(NavItem::Agenda));
            layout.set("nav_networks", nav == static_cast<std::size_t>(NavItem::Networks));
            layout.set("nav_language", nav == static_cast<std::size_t>(NavItem::Language));
            if (with_flash != 0) layout.set("flash", slot_marker(Slot::Flash));
            if (with_switch != 0) {
              layout.set("language_switch", true);
              layout.set("csrf", slot_marker(Slot::Csrf));
              layout.set("next", slot_marker(Slot::Next));
              layout.set("other_languages", other_languages_.at(std::string(language)));
            }
            // The user menu: a signed-in page has a request, so its csrf slot is there for sign-out.
            if (signed_in != 0) {
              layout.set("signed_in", true);
              layout.set("csrf", slot_marker(Slot::Csrf));
              layout.set("account_name", slot_marker(Slot::AccountName));
              layout.set("account_id", slot_marker(Slot::AccountId));
              layout.set("unread_badge", slot_marker(Slot::UnreadBadge));
            }
            std::string html;
            templates_.render(language, kLayoutTemplate, layout, html);

            LayoutFrame& frame = frames_[frame_index(language_index, static_cast<NavItem>(nav),
                                                     with_flash != 0, with_switch != 0, signed_in != 0)];
            std::size_t start = 0;
            while (true) {
              const auto marker = html.find(kSlotMarkerByte, start);
              if (marker == std::string::npos) break;
              if (marker + 2 >= html.size() || html[marker + 2] != kSlotMarkerByte) {
                throw std::runtime_error("template 'layout': a slot marker was mangled");
              }
              frame.literals.push_back(html.substr(start, marker - start));
              frame.slots.push_back(static_cast<Slot>(html[marker + 1] - 'A'));
              start = marker + 3;
            }
            frame.literals.push_back(html.substr(start));
            frame.size = html.size();
            bool has_body = false;
            for (Slot slot : frame.slots) has_body = has_body || slot == Slot::Body;
            if (!has_body) throw std::runtime_error("template 'layout' never shows {{{body}}}");
          }
        }
      }
    }
  }
}

std::string Site::slot_marker(Slot slot) {
  return std::string{kSlotMarkerByte, static_cast<char>('A' + static_cast<int>(slot)), kSlotMarkerByte};
}

http::Response Site::assemble(const http::Request* request, const RequestState& state, std::string_view title,
                              std::string_view body_html, int status) const {
  std::string flash_text;
  if (!state.flash_key.empty()) flash_text = std::string(catalog_.text(state.language, state.flash_key));
  const LayoutFrame& frame =
      frame_for(state.language, state.nav, !flash_text.empty(), request != nullptr, state.signed_in);

  std::string html;
  html.reserve(frame.size + body_html.size() + title.size() + 256);
  for (std::size_t i = 0; i < frame.slots.size(); ++i) {
    html += frame.literals[i];
    switch (frame.slots[i]) {
      case Slot::Title:
        if (!title.empty()) {
          append_html_escaped(html, title);
          html += " · ";
        }
        append_html_escaped(html, catalog_.text(state.language, "site.name"));
        break;
      case Slot::Body:
        html += body_html;
        break;  // rendered by our templates: already escaped
      case Slot::Head:
        if (!state.feed_url.empty()) {
          html += "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"";
          append_html_escaped(html, state.feed_title);
          html += "\" href=\"";
          append_html_escaped(html, state.feed_url);
          html += "\">";
        }
        break;
      case Slot::Csrf:
        append_html_escaped(html, state.csrf_token);
        break;
      case Slot::Next:
        append_html_escaped(html, state.next);
        break;
      case Slot::Flash:
        append_html_escaped(html, flash_text);
        break;
      case Slot::AccountName:
        append_html_escaped(html, state.account_name);
        break;
      case Slot::AccountId:
        html += std::to_string(state.account_id);
        break;
      case Slot::UnreadBadge:
        if (state.unread > 0) {
          html += "<span class=\"badge\">";
          html += std::to_string(state.unread);
          html += "<span class=\"visually-hidden\"> ";
          append_html_escaped(html, catalog_.text(state.language, "notifications.menu.unread"));
          html += "</span></span>";
        }
        break;
    }
  }
  html += frame.literals.back();

  http::Response response;
  response.status = status;
  response.body = std::move(html);
  for (const auto& set_cookie : state.set_cookies) response.headers.add("Set-Cookie", set_cookie);
  response.headers.set("Content-Type", "text/html; charset=utf-8");
  response.headers.set("Content-Language", std::string(state.language));
  // Pages carry a per-browser CSRF token and depend on cookies: no shared caching.
  response.headers.set("Cache-Control", "no-store");
  response.headers.set("Vary", "Cookie");
  return response;
}

http::Response Site::error_page(const http::Request* request, int status) const {
  try {
    kainjow::mustache::data data;
    // The language form posts back to where the user was; after a failed POST that is the home page.
    if (request != nullptr && request->method != http::Method::Get) data.set("next", std::string("/"));
    RequestState state = request_state(request, &data);
    const std::string prefix = "error." + std::to_string(page_status_for(status));
    const std::string title(catalog_.text(state.language, prefix + ".title"));
    data.set("status", std::to_string(status));
    data.set("title", title);
    data.set("message", std::string(catalog_.text(state.language, prefix + ".message")));
    const std::string body = render(state.language, kErrorTemplate, data);
    return assemble(request, state, title, body, status);
  } catch (const std::exception& error) {
    spdlog::error("error page {} could not render: {}", status, error.what());
    return bare_error(status);
  }
}

}  // namespace web
