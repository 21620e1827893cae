// The message catalogs: both languages carry the same keys, and a forgotten translation stops start-up.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "web/catalog.h"

namespace {

TEST(WebCatalog, EmbeddedCatalogsLoadWithIdenticalKeySets) {
  // load_embedded() throws when nl.json and en.json differ in any key, naming the keys.
  const web::Catalog catalog = web::Catalog::load_embedded();
  EXPECT_GT(catalog.keys().size(), 40u);
  for (const auto& key : catalog.keys()) {
    for (auto language : web::kLanguages) {
      EXPECT_FALSE(catalog.text(language, key).empty()) << language << ": " << key << " is empty";
    }
  }
}

TEST(WebCatalog, NestedKeysAreReachableByDottedNamesInEachLanguage) {
  const web::Catalog catalog = web::Catalog::load_embedded();
  EXPECT_EQ(catalog.text("nl", "layout.skip_link"), "Naar de inhoud");
  EXPECT_EQ(catalog.text("en", "layout.skip_link"), "Skip to content");
  EXPECT_NE(catalog.text("nl", "error.404.title"), catalog.text("en", "error.404.title"));
}

TEST(WebCatalog, UnsupportedLanguageFallsBackToDutch) {
  const web::Catalog catalog = web::Catalog::load_embedded();
  EXPECT_EQ(catalog.text("fr", "layout.skip_link"), catalog.text("nl", "layout.skip_link"));
}

TEST(WebCatalog, UnknownKeyIsABugThatThrows) {
  const web::Catalog catalog = web::Catalog::load_embedded();
  EXPECT_FALSE(catalog.has("no.such.key"));
  EXPECT_THROW(static_cast<void>(catalog.text("nl", "no.such.key")), std::out_of_range);
}

TEST(WebCatalog, KeyMissingInOneLanguageIsAStartUpErrorNamingTheKey) {
  try {
    web::Catalog::from_json({{"nl", R"({"a": "A", "b": {"c": "C"}})"}, {"en", R"({"a": "A"})"}});
    FAIL() << "a catalog without b.c loaded";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("b.c"), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("'en'"), std::string::npos) << error.what();
  }
}

TEST(WebCatalog, ExtraKeyInEnglishIsAlsoAStartUpError) {
  EXPECT_THROW(web::Catalog::from_json({{"nl", R"({"a": "A"})"}, {"en", R"({"a": "A", "z": "Z"})"}}),
               std::runtime_error);
}

TEST(WebCatalog, MalformedJsonOrNonStringValuesAreStartUpErrors) {
  EXPECT_THROW(web::Catalog::from_json({{"nl", "{"}, {"en", "{}"}}), std::runtime_error);
  EXPECT_THROW(web::Catalog::from_json({{"nl", R"({"a": 1})"}, {"en", R"({"a": 1})"}}), std::runtime_error);
  EXPECT_THROW(web::Catalog::from_json({{"nl", R"({"a": "A"})"}}), std::runtime_error);
}

TEST(WebCatalog, AFeatureFileAddsItsKeysToTheLanguage) {
  const auto catalog = web::Catalog::from_sources(
      {{"nl", {{"nl.json", R"({"a": "A"})"}, {"nl/contacts.json", R"({"contacts": {"title": "Contacten"}})"}}},
       {"en", {{"en.json", R"({"a": "A"})"}, {"en/contacts.json", R"({"contacts": {"title": "Contacts"}})"}}}});
  EXPECT_EQ(catalog.text("nl", "contacts.title"), "Contacten");
  EXPECT_EQ(catalog.text("en", "contacts.title"), "Contacts");
}

TEST(WebCatalog, TwoFilesDefiningOneKeyIsAStartUpErrorNamingFileAndKey) {
  try {
    web::Catalog::from_sources({{"nl", {{"nl.json", R"({"a": "A"})"}, {"nl/x.json", R"({"a": "B"})"}}},
                                {"en", {{"en.json", R"({"a": "A"})"}}}});
    FAIL() << "a key defined twice loaded";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("nl/x.json"), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("'a'"), std::string::npos) << error.what();
  }
}

}  // namespace

// Catalog text is inserted into templates with its braces neutralised, so "{{count}}" in a
// translation would be printed as is: values go next to the text in the template instead.
TEST(WebCatalog, NoTextRelyOnTemplateTags) {
  const web::Catalog catalog = web::Catalog::load_embedded();
  for (const std::string& key : catalog.keys()) {
    for (std::string_view language : web::kLanguages) {
      EXPECT_EQ(catalog.text(language, key).find("{{"), std::string_view::npos) << language << " " << key;
    }
  }
}
