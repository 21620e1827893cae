#include "web/language_routes.h"

namespace web {

namespace {

constexpr std::string_view kLanguageTemplate = "language";
constexpr std::string_view kLanguageField = "taal";

kainjow::mustache::data language_page_data(const Site& site, std::string_view page_language,
                                           std::string_view checked_language) {
  kainjow::mustache::data data;
  data.set("title", std::string(site.text(page_language, "language.title")));
  kainjow::mustache::data options(kainjow::mustache::data::type::list);
  for (auto language : kLanguages) {
    kainjow::mustache::data option;
    option.set("code", std::string(language));
    option.set("name", std::string(site.text(language, "language.self_name")));
    option.set("checked", language == checked_language);
    options.push_back(option);
  }
  data.set("options", std::move(options));
  return data;
}

}  // namespace

void register_language_routes(http::Router& router, const Site& site) {
  site.require_templates({kLanguageTemplate});

  router.get("/taal", [&site](http::Request& request) {
    const auto language = site.language_of(request);
    auto data = language_page_data(site, language, language);
    // Came from a link with ?next=...: the choice returns there.
    const auto query = http::FormData::parse(request.query);
    if (const auto next = query.get("next")) data.set("next", local_path_or_root(*next));
    return site.page(request, kLanguageTemplate, std::move(data));
  });

  router.post("/taal", [&site](http::Request& request) {
    const auto form = http::FormData::parse(request.body);
    if (!site.csrf_ok(request, form)) return site.error_page(&request, 403);

    const std::string next = local_path_or_root(form.value_or("next", "/"));
    const auto chosen = supported_language(form.value_or(kLanguageField, ""));
    if (chosen.empty()) {
      const auto language = site.language_of(request);
      auto data = language_page_data(site, language, "");
      data.set("next", next);
      FormErrors errors;
      errors.add(kLanguageField, "form.errors.language_invalid");
      errors.add_to(data, site.catalog(), language);
      return site.page(request, kLanguageTemplate, std::move(data), 422);
    }
    auto response = http::Response::redirect(next, 303);
    site.set_language(response, chosen);
    site.set_flash(response, "flash.language_changed");
    return response;
  });
}

}  // namespace web
