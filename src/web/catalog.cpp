#include "web/catalog.h"

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "util/resources.h"

namespace web {

namespace {

void flatten(const nlohmann::json& node, const std::string& prefix, const std::string& source,
             std::map<std::string, std::string, std::less<>>& out) {
  for (const auto& [name, value] : node.items()) {
    const std::string key = prefix.empty() ? name : prefix + "." + name;
    if (value.is_object()) {
      flatten(value, key, source, out);
    } else if (value.is_string()) {
      if (!out.emplace(key, value.get<std::string>()).second) {
        throw std::runtime_error(source + ": '" + key + "' is already defined by another catalog file");
      }
    } else {
      throw std::runtime_error(source + ": the value of '" + key + "' must be a string");
    }
  }
}

std::string list_keys(const std::vector<std::string>& keys) {
  std::string text;
  for (const auto& key : keys) text += (text.empty() ? "" : ", ") + key;
  return text;
}

}  // namespace

std::string_view supported_language(std::string_view language) {
  for (auto known : kLanguages) {
    if (known == language) return known;
  }
  return {};
}

Catalog Catalog::load_embedded() {
  std::map<std::string, std::vector<Source>, std::less<>> sources_by_language;
  for (auto language : kLanguages) {
    const std::string path = "resources/i18n/" + std::string(language) + ".json";
    auto content = util::find_resource(path);
    if (!content) throw std::runtime_error("message catalog " + path + " is not embedded");
    auto& sources = sources_by_language[std::string(language)];
    sources.push_back(Source{path, std::string(*content)});
    for (const auto& feature_file : util::resources_under("resources/i18n/" + std::string(language) + "/")) {
      if (!feature_file.path.ends_with(".json")) continue;
      sources.push_back(Source{std::string(feature_file.path), std::string(feature_file.content)});
    }
  }
  return from_sources(sources_by_language);
}

Catalog Catalog::from_json(const std::map<std::string, std::string, std::less<>>& json_by_language) {
  std::map<std::string, std::vector<Source>, std::less<>> sources_by_language;
  for (const auto& [language, json] : json_by_language) {
    sources_by_language[language].push_back(Source{"message catalog '" + language + "'", json});
  }
  return from_sources(sources_by_language);
}

Catalog Catalog::from_sources(const std::map<std::string, std::vector<Source>, std::less<>>& sources_by_language) {
  Catalog catalog;
  for (auto language : kLanguages) {
    auto found = sources_by_language.find(language);
    if (found == sources_by_language.end() || found->second.empty()) {
      throw std::runtime_error("message catalog '" + std::string(language) + "' is missing");
    }
    for (const auto& source : found->second) {
      nlohmann::json root;
      try {
        root = nlohmann::json::parse(source.json);
      } catch (const nlohmann::json::parse_error& error) {
        throw std::runtime_error(source.name + " is not valid JSON: " + error.what());
      }
      if (!root.is_object()) throw std::runtime_error(source.name + " must be a JSON object");
      flatten(root, "", source.name, catalog.by_language_[std::string(language)]);
    }
  }

  // Every language must carry every key: compare each to the default language both ways.
  const Messages& reference = catalog.by_language_.at(std::string(kDefaultLanguage));
  for (auto language : kLanguages) {
    const Messages& messages = catalog.by_language_.at(std::string(language));
    std::vector<std::string> missing, extra;
    for (const auto& [key, text] : reference) {
      if (!messages.contains(key)) missing.push_back(key);
    }
    for (const auto& [key, text] : messages) {
      if (!reference.contains(key)) extra.push_back(key);
    }
    if (!missing.empty()) {
      throw std::runtime_error("message catalog '" + std::string(language) +
                               "' lacks keys: " + list_keys(missing));
    }
    if (!extra.empty()) {
      throw std::runtime_error("message catalog '" + std::string(kDefaultLanguage) + "' lacks keys that '" +
                               std::string(language) + "' has: " + list_keys(extra));
    }
  }
  return catalog;
}

const Catalog::Messages& Catalog::messages_for(std::string_view language) const {
  auto found = by_language_.find(language);
  if (found == by_language_.end()) found = by_language_.find(kDefaultLanguage);
  return found->second;
}

std::string_view Catalog::text(std::string_view language, std::string_view key) const {
  const Messages& messages = messages_for(language);
  auto found = messages.find(key);
  if (found == messages.end()) {
    throw std::out_of_range("unknown message key '" + std::string(key) + "'");
  }
  return found->second;
}

bool Catalog::has(std::string_view key) const {
  const Messages& messages = messages_for(kDefaultLanguage);
  return messages.find(key) != messages.end();
}

std::vector<std::string> Catalog::keys() const {
  std::vector<std::string> keys;
  for (const auto& [key, text] : messages_for(kDefaultLanguage)) keys.push_back(key);
  return keys;
}

}  // namespace web
