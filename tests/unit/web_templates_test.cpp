// Templates: parsed once per language with translations and partials expanded; escaping by default.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "util/resources.h"
#include "web/catalog.h"
#include "web/templates.h"
#include "web/text_format.h"

namespace {

using kainjow::mustache::data;

web::Catalog small_catalog() {
  return web::Catalog::from_json({{"nl", R"({"hello": "Hallo & welkom", "brace": "a {{b}} c"})"},
                                  {"en", R"({"hello": "Hello & welcome", "brace": "a {{b}} c"})"}});
}

std::string render(const web::Templates& templates, std::string_view language, std::string_view name,
                   const data& values) {
  std::string out;
  templates.render(language, name, values, out);
  return out;
}

TEST(WebTemplates, EveryEmbeddedTemplateParsesAndEveryTranslationKeyExists) {
  // load_embedded() throws on an unknown {{t:key}}, an unknown partial or a parse error.
  const web::Catalog catalog = web::Catalog::load_embedded();
  const web::Templates templates = web::Templates::load_embedded(catalog);
  for (auto name :
       {"layout", "error", "language", "regions/network", "regions/networks", "regions/welcome"}) {
    EXPECT_TRUE(templates.contains(name)) << name;
  }
  EXPECT_FALSE(templates.contains("form_errors")) << "partials are not pages";
}

TEST(WebTemplates, EveryTranslationTagInEveryTemplateFileNamesAKnownKey) {
  // The same check, spelled out over the source files, so a failure names the file.
  const web::Catalog catalog = web::Catalog::load_embedded();
  for (const auto& resource : util::resources_under("resources/templates/")) {
    std::string_view text = resource.content;
    for (auto at = text.find("{{t:"); at != std::string_view::npos; at = text.find("{{t:", at + 1)) {
      const auto end = text.find("}}", at);
      ASSERT_NE(end, std::string_view::npos) << resource.path;
      const std::string key(text.substr(at + 4, end - at - 4));
      EXPECT_TRUE(catalog.has(key)) << resource.path << " uses unknown key " << key;
    }
  }
}

TEST(WebTemplates, TranslationsAreInsertedEscapedAndPerLanguage) {
  const auto templates = web::Templates::from_sources(small_catalog(), {{"page", "<p>{{t:hello}}</p>"}}, {});
  EXPECT_EQ(render(templates, "nl", "page", data()), "<p>Hallo &amp; welkom</p>");
  EXPECT_EQ(render(templates, "en", "page", data()), "<p>Hello &amp; welcome</p>");
}

TEST(WebTemplates, CatalogTextCanNeverBecomeAMustacheTag) {
  const auto templates = web::Templates::from_sources(small_catalog(), {{"page", "{{t:brace}}"}}, {});
  data values;
  values.set("b", std::string("INJECTED"));
  const std::string html = render(templates, "nl", "page", values);
  EXPECT_EQ(html.find("INJECTED"), std::string::npos) << html;
}

TEST(WebTemplates, VariablesAreHtmlEscapedByDefault) {
  const auto templates =
      web::Templates::from_sources(small_catalog(), {{"page", "<h1 title=\"{{name}}\">{{name}}</h1>"}}, {});
  data values;
  values.set("name", std::string("<script>alert('x')</script> \"quoted\" & more"));
  const std::string html = render(templates, "nl", "page", values);
  EXPECT_EQ(html.find("<script>"), std::string::npos) << html;
  EXPECT_EQ(html.find("\"quoted\""), std::string::npos) << html;
  EXPECT_NE(html.find("&lt;script&gt;"), std::string::npos) << html;
  EXPECT_NE(html.find("&amp; more"), std::string::npos) << html;
}

TEST(WebTemplates, PartialsAreInlinedBeforeParsing) {
  const auto templates =
      web::Templates::from_sources(small_catalog(), {{"page", "<div>{{> greeting}}</div>"}},
                                   {{"greeting", "{{t:hello}}, {{name}}{{> mark}}"}, {"mark", "!"}});
  data values;
  values.set("name", std::string("Anouk"));
  EXPECT_EQ(render(templates, "en", "page", values), "<div>Hello &amp; welcome, Anouk!</div>");
}

TEST(WebTemplates, UnknownKeyUnknownPartialOrBadSyntaxStopsStartUpWithTheTemplateName) {
  const auto expect_start_up_error = [](const web::Templates::Sources& pages,
                                        const web::Templates::Sources& partials, std::string_view needle) {
    try {
      web::Templates::from_sources(small_catalog(), pages, partials);
      ADD_FAILURE() << "loaded although broken: " << needle;
    } catch (const std::runtime_error& error) {
      const std::string message = error.what();
      EXPECT_NE(message.find("'broken'"), std::string::npos) << message;
      EXPECT_NE(message.find(needle), std::string::npos) << message;
    }
  };
  expect_start_up_error({{"broken", "{{t:nope}}"}}, {}, "nope");
  expect_start_up_error({{"broken", "{{> missing}}"}}, {}, "missing");
  expect_start_up_error({{"broken", "{{#open}}never closed"}}, {}, "open");
  expect_start_up_error({{"broken", "{{> loop}}"}}, {{"loop", "{{> loop}}"}}, "deeper");
}

TEST(WebTemplates, RenderingAnUnknownTemplateThrows) {
  const auto templates = web::Templates::from_sources(small_catalog(), {{"page", "x"}}, {});
  std::string out;
  EXPECT_THROW(templates.render("nl", "other", data(), out), std::out_of_range);
}

TEST(WebTextFormat, StoryTextBecomesEscapedParagraphsHeadingsAndLists) {
  const std::string html = web::plain_text_to_html(
      "Hallo & <b>welkom</b>\nop twee regels.\n\n## Wat er aan komt\n- ontbijt\n- zaterdag");
  EXPECT_EQ(html,
            "<p>Hallo &amp; &lt;b&gt;welkom&lt;/b&gt; op twee regels.</p>\n"
            "<h3>Wat er aan komt</h3>\n"
            "<ul><li>ontbijt</li><li>zaterdag</li></ul>\n");
}

}  // namespace
