#include "api/openapi.h"

#include <stdexcept>

#include "util/resources.h"

namespace api {

namespace {

constexpr std::string_view kDocumentPath = "resources/api/openapi.json";

constexpr RouteSpec kRoutes[] = {
    {http::Method::Get, "/api/v1/openapi.json"}, {http::Method::Get, "/api/v1/networks"},
    {http::Method::Get, "/api/v1/members"},      {http::Method::Get, "/api/v1/members/{id}"},
    {http::Method::Get, "/api/v1/me"},           {http::Method::Patch, "/api/v1/me"},
};

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

void check_refs(const nlohmann::json& document, const nlohmann::json& node,
                std::vector<std::string>& problems) {
  if (node.is_object()) {
    for (const auto& [key, value] : node.items()) {
      if (key == "$ref" && value.is_string()) {
        const std::string ref = value.get<std::string>();
        bool found = false;
        if (ref.starts_with("#/")) {
          try {
            found = document.contains(nlohmann::json::json_pointer(ref.substr(1)));
          } catch (const nlohmann::json::exception&) {
            found = false;
          }
        }
        if (!found) problems.push_back("$ref " + ref + " points nowhere");
      } else {
        check_refs(document, value, problems);
      }
    }
  } else if (node.is_array()) {
    for (const auto& value : node) check_refs(document, value, problems);
  }
}

}  // namespace

std::span<const RouteSpec> api_routes() { return kRoutes; }

std::string_view openapi_text() {
  const auto text = util::find_resource(kDocumentPath);
  if (!text)
    throw std::runtime_error("the OpenAPI document " + std::string(kDocumentPath) + " is not embedded");
  return *text;
}

const nlohmann::json& openapi_document() {
  static const nlohmann::json document = [] {
    try {
      return nlohmann::json::parse(openapi_text());
    } catch (const nlohmann::json::parse_error& error) {
      throw std::runtime_error(std::string(kDocumentPath) + " is not valid JSON: " + error.what());
    }
  }();
  return document;
}

std::vector<std::string> openapi_problems(const nlohmann::json& document, std::span<const RouteSpec> routes) {
  std::vector<std::string> problems;
  if (!document.is_object() || !document.contains("openapi") || !document["openapi"].is_string() ||
      !document["openapi"].get<std::string>().starts_with("3.")) {
    problems.push_back("not an OpenAPI 3 document");
    return problems;
  }
  const nlohmann::json& paths = document.value("paths", nlohmann::json::object());
  for (const RouteSpec& route : routes) {
    const std::string pattern(route.pattern);
    const std::string method = lower(http::to_string(route.method));
    if (!paths.contains(pattern)) {
      problems.push_back("route " + pattern + " is not documented");
    } else if (!paths[pattern].contains(method)) {
      problems.push_back("route " + std::string(http::to_string(route.method)) + " " + pattern +
                         " has no operation");
    }
  }
  for (const auto& [path, item] : paths.items()) {
    for (const auto& [method, operation] : item.items()) {
      if (!operation.is_object() || !operation.contains("responses") || operation["responses"].empty()) {
        problems.push_back(method + " " + path + " has no responses");
      }
    }
  }
  check_refs(document, document, problems);
  return problems;
}

}  // namespace api
