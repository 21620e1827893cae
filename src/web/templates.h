// The page templates (kainjow mustache), parsed once at start-up for every language.
//
// Before parsing, a pre-pass inlines partials ({{> name}} from resources/templates/partials/) and
// replaces {{t:some.key}} with the HTML-escaped catalog text, so translated strings and partials cost
// nothing per request. {{var}} is HTML-escaped; {{{var}}} is only for HTML we produced ourselves.
//
// Thread-safety: immutable after construction; render() may run on many threads at once as long as
// the data holds no lambdas (kainjow only writes to a template when a lambda or partial renders,
// and partials are gone after the pre-pass).
#pragma once

#include <kainjow/mustache.hpp>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "web/catalog.h"

namespace web {

class Templates {
 public:
  using Sources = std::map<std::string, std::string, std::less<>>;  // name -> mustache text

  // Every resources/templates/**/*.mustache outside partials/ becomes a template named by its path
  // without the extension ("home", "regions/network"). Throws std::runtime_error with the template,
  // language and reason on an unknown message key, unknown partial or parse error.
  static Templates load_embedded(const Catalog& catalog);
  // The same from explicit sources (tests).
  static Templates from_sources(const Catalog& catalog, const Sources& templates, const Sources& partials);

  Templates(Templates&&) noexcept;
  Templates& operator=(Templates&&) noexcept;
  ~Templates();

  bool contains(std::string_view name) const;

  // Appends the rendered template to `out`. Throws std::out_of_range for an unknown template (a bug;
  // Site::require_templates finds it at start-up) and std::runtime_error when rendering fails.
  void render(std::string_view language, std::string_view name, const kainjow::mustache::data& data,
              std::string& out) const;

  // The pre-pass alone, exposed for tests: partials inlined and {{t:key}} translated.
  static std::string expand(std::string_view source, std::string_view language, const Catalog& catalog,
                            const Sources& partials);

 private:
  Templates() = default;
  // language -> name -> parsed template. unique_ptr: kainjow templates are neither cheap nor movable
  // in a way we want to rely on, and render() is non-const in kainjow's API.
  std::map<std::string, std::map<std::string, std::unique_ptr<kainjow::mustache::mustache>, std::less<>>,
           std::less<>>
      parsed_;
};

// HTML-escapes text for element content and quoted attribute values.
std::string html_escape(std::string_view text);
void append_html_escaped(std::string& out, std::string_view text);

}  // namespace web
