// The message catalogs: every user-facing string, per language, loaded from the embedded
// resources/i18n/<lang>.json and resources/i18n/<lang>/<feature>.json at start-up (a feature keeps its
// own file so that people working on different features never edit the same one). Immutable after
// construction; thread-safe.
#pragma once

#include <array>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace web {

// The languages the site speaks; the first is the default.
inline constexpr std::array<std::string_view, 2> kLanguages = {"nl", "en"};
inline constexpr std::string_view kDefaultLanguage = kLanguages[0];

// `language` if it is one we speak, else nullptr-like empty view.
std::string_view supported_language(std::string_view language);

class Catalog {
 public:
  // Loads resources/i18n/<lang>.json and every resources/i18n/<lang>/*.json for each language in
  // kLanguages. Nested JSON objects become dotted keys ({"error": {"404": {"title": ...}}} ->
  // "error.404.title"); values must be strings. Throws std::runtime_error naming the file and keys
  // when a file is missing or malformed, when two files of one language define the same key, or when
  // the languages do not have exactly the same keys (a forgotten translation is a start-up error).
  static Catalog load_embedded();

  // One catalog file: where it came from (for error messages) and its JSON text.
  struct Source {
    std::string name;
    std::string json;
  };
  // Builds a catalog from the files of each language (tests); the same checks as load_embedded().
  static Catalog from_sources(const std::map<std::string, std::vector<Source>, std::less<>>& sources_by_language);
  // The same for one JSON text per language.
  static Catalog from_json(const std::map<std::string, std::string, std::less<>>& json_by_language);

  // The text for `key` in `language` (an unsupported language falls back to the default).
  // Throws std::out_of_range for an unknown key: a typo in C++ code, a bug.
  // Example: catalog.text("en", "flash.language_changed")
  std::string_view text(std::string_view language, std::string_view key) const;

  bool has(std::string_view key) const;
  // Every key, sorted (the same for each language).
  std::vector<std::string> keys() const;

 private:
  using Messages = std::map<std::string, std::string, std::less<>>;
  const Messages& messages_for(std::string_view language) const;

  std::map<std::string, Messages, std::less<>> by_language_;
};

}  // namespace web
