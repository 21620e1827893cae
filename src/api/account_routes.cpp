// The pages where a member manages API tokens and personal data (declared in api/routes.h).
#include <charconv>
#include <ctime>

#include "api/routes.h"
#include "auth/sessions.h"
#include "http/parsers.h"

namespace api {

namespace {

using kainjow::mustache::data;

constexpr std::string_view kTokensTemplate = "api/tokens";
constexpr std::string_view kPersonalDataTemplate = "api/personal_data";
constexpr std::string_view kSignInPath = "/inloggen";

// Only a browser session opens these pages: a leaked API token must not mint new tokens, download
// everything or erase the account.
bool signed_in_browser(const http::Request& request) {
  return request.viewer && !request.viewer->via_api_token;
}

http::Response to_sign_in(const http::Request& request) {
  return http::Response::redirect(std::string(kSignInPath) + "?next=" + http::percent_encode(request.path));
}

// "2026-03-01 14:05" (UTC) for people, and the ISO form for <time datetime>.
std::pair<std::string, std::string> timestamp_texts(std::int64_t unix_seconds) {
  const std::time_t time = static_cast<std::time_t>(unix_seconds);
  std::tm parts{};
  gmtime_r(&time, &parts);
  char shown[32];
  char iso[32];
  std::strftime(shown, sizeof shown, "%Y-%m-%d %H:%M UTC", &parts);
  std::strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return {shown, iso};
}

data tokens_page_data(const web::Site& site, const http::Request& request,
                      const std::vector<ApiToken>& tokens) {
  data list(data::type::list);
  for (const ApiToken& token : tokens) {
    data item;
    item.set("id", std::to_string(token.id));
    item.set("name", token.name);
    item.set("prefix", token.prefix);
    const auto [created, created_iso] = timestamp_texts(token.created_at);
    item.set("created", created);
    item.set("created_iso", created_iso);
    if (token.last_used_at) {
      const auto [used, used_iso] = timestamp_texts(*token.last_used_at);
      item.set("last_used", used);
      item.set("last_used_iso", used_iso);
    }
    item.set("active", token.active());
    list.push_back(item);
  }
  data page;
  page.set("title", std::string(site.text(site.language_of(request), "api.tokens.title")));
  page.set("has_tokens", !tokens.empty());
  page.set("tokens", std::move(list));
  return page;
}

http::Response no_store(http::Response response) {
  response.headers.set("Cache-Control", "no-store");
  return response;
}

}  // namespace

void register_account_routes(http::Router& router, const web::Site& site, TokenService& tokens,
                             PersonalDataService& personal_data, bool secure_cookies) {
  site.require_templates({kTokensTemplate, kPersonalDataTemplate});

  router.get("/profiel/tokens", [&site, &tokens](http::Request& request) {
    if (!signed_in_browser(request)) return to_sign_in(request);
    data page = tokens_page_data(site, request, tokens.list(request.viewer->account_id));
    return no_store(site.page(request, kTokensTemplate, std::move(page)));
  });

  router.post("/profiel/tokens", [&site, &tokens](http::Request& request) {
    if (!signed_in_browser(request)) return to_sign_in(request);
    const http::FormData form = http::FormData::parse(request.body);
    if (!site.csrf_ok(request, form)) return site.error_page(&request, 403);
    const std::int64_t account_id = request.viewer->account_id;
    const std::string_view name = form.value_or("naam", "");
    auto created = tokens.create(account_id, name, account_id);
    if (const auto* error = std::get_if<TokenError>(&created)) {
      data page = tokens_page_data(site, request, tokens.list(account_id));
      page.set("name_value", std::string(name));
      web::FormErrors errors;
      errors.add("naam", message_key(*error));
      errors.add_to(page, site.catalog(), site.language_of(request));
      return no_store(site.page(request, kTokensTemplate, std::move(page), 422));
    }
    // Shown in this answer and never again: only the hash is stored, so there is no redirect to a
    // page that could show it.
    const auto& token = std::get<CreatedToken>(created);
    data page = tokens_page_data(site, request, tokens.list(account_id));
    data fresh;
    fresh.set("name", token.token.name);
    fresh.set("secret", token.secret);
    fresh.set("prefix", token.token.prefix);
    page.set("new_token", fresh);
    return no_store(site.page(request, kTokensTemplate, std::move(page), 201));
  });

  router.post("/profiel/tokens/{id}/intrekken", [&site, &tokens](http::Request& request) {
    if (!signed_in_browser(request)) return to_sign_in(request);
    const http::FormData form = http::FormData::parse(request.body);
    if (!site.csrf_ok(request, form)) return site.error_page(&request, 403);
    const auto id = http::parse_id(request.path_param("id"));
    if (!id || !tokens.revoke(request.viewer->account_id, *id)) return site.error_page(&request, 404);
    http::Response response = http::Response::redirect("/profiel/tokens");
    site.set_flash(response, "api.flash.token_revoked");
    return response;
  });

  router.get("/profiel/gegevens", [&site](http::Request& request) {
    if (!signed_in_browser(request)) return to_sign_in(request);
    data page;
    page.set("title", std::string(site.text(site.language_of(request), "api.personal.title")));
    return no_store(site.page(request, kPersonalDataTemplate, std::move(page)));
  });

  router.get("/profiel/gegevens.json", [&site, &personal_data](http::Request& request) {
    if (!signed_in_browser(request)) return to_sign_in(request);
    const auto document = personal_data.export_account(request.viewer->account_id);
    if (!document) return site.error_page(&request, 404);
    http::Response response =
        http::Response::json(200, document->dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
    response.headers.set("Content-Type", "application/json; charset=utf-8");
    response.headers.set("Content-Disposition", "attachment; filename=\"knooppunt-gegevens-" +
                                                    std::to_string(request.viewer->account_id) + ".json\"");
    return no_store(std::move(response));
  });

  router.post("/profiel/verwijderen", [&site, &personal_data, secure_cookies](http::Request& request) {
    if (!signed_in_browser(request)) return to_sign_in(request);
    const http::FormData form = http::FormData::parse(request.body);
    if (!site.csrf_ok(request, form)) return site.error_page(&request, 403);
    using Outcome = PersonalDataService::EraseOutcome;
    const Outcome outcome = personal_data.erase_account(
        request.viewer->account_id, form.value_or("wachtwoord", ""), request.remote_address);
    if (outcome == Outcome::Erased || outcome == Outcome::NoSuchAccount) {
      http::Response response = http::Response::redirect("/");
      if (outcome == Outcome::Erased) site.set_flash(response, "api.flash.account_erased");
      response.headers.add("Set-Cookie", auth::expired_session_cookie(secure_cookies).to_header());
      return response;
    }
    web::FormErrors errors;
    errors.add("wachtwoord", outcome == Outcome::PasswordMissing ? "api.personal.errors.password_missing"
                             : outcome == Outcome::Throttled     ? "api.personal.errors.throttled"
                                                                 : "api.personal.errors.password_wrong");
    data page;
    page.set("title", std::string(site.text(site.language_of(request), "api.personal.title")));
    errors.add_to(page, site.catalog(), site.language_of(request));
    http::Response response =
        site.page(request, kPersonalDataTemplate, std::move(page), outcome == Outcome::Throttled ? 429 : 422);
    return no_store(std::move(response));
  });
}

}  // namespace api
