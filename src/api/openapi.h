// The OpenAPI 3 document of the JSON API (resources/api/openapi.json, embedded) and the table of
// every /api/v1 route, from which routes.cpp registers them, so a test (and start-up) can prove
// that each registered route is documented. Immutable; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "http/request.h"

namespace api {

struct RouteSpec {
  http::Method method;
  std::string_view pattern;  // router syntax, which is also OpenAPI's: "/api/v1/members/{id}"
};

// Every route of the JSON API, in the order they are registered.
std::span<const RouteSpec> api_routes();

// The embedded document, as served (bytes of the file).
std::string_view openapi_text();
// The same, parsed. Throws std::runtime_error when it is missing or not valid JSON.
const nlohmann::json& openapi_document();

// What is wrong between `document` and `routes`: each route without a path and operation, each
// "$ref" that points nowhere, each operation without responses. Empty when all is well.
std::vector<std::string> openapi_problems(const nlohmann::json& document, std::span<const RouteSpec> routes);

}  // namespace api
