// How the JSON API answers: `application/json; charset=utf-8` bodies, and errors as
//   {"error": {"code": "not_found", "message": "<in the viewer's language>"}}
// with a stable code (api/types.h), plus "fields" for validation errors:
//   {"error": {"code": "unprocessable", "message": "...", "fields": {"website": {"code":
//   "members.error.website_scheme", "message": "..."}}}}
// Also used by the application for the 404/405/500/503 answers under /api/. Stateless; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/types.h"
#include "http/request.h"
#include "http/response.h"
#include "web/catalog.h"

namespace api {

// True for "/api" and every path under "/api/": answers there are JSON, errors included.
bool is_api_path(std::string_view path);

// The language of an API answer: the signed-in viewer's, else the `taal` cookie's, else the first
// supported language in Accept-Language, else Dutch.
std::string_view language_for(const http::Request& request);

http::Response json_response(int status, const nlohmann::json& body);

// A field that failed validation: its name in the API and a catalog key for the message. The key,
// without its feature prefix, is also the field's stable code ("members.error.website_scheme" ->
// "website_scheme").
struct FieldProblem {
  std::string field;
  std::string message_key;
};

// The error answer for `code`, with the generic message for it or the catalog text of `message_key`.
http::Response error_response(const web::Catalog& catalog, const http::Request& request, ErrorCode code,
                              std::string_view message_key = {});
// 422 (or `code`'s status) with one entry per field under "fields".
http::Response field_error_response(const web::Catalog& catalog, const http::Request& request,
                                    const std::vector<FieldProblem>& problems,
                                    ErrorCode code = ErrorCode::Unprocessable);
// The error answer for an HTTP status (404 -> not_found, 503 -> unavailable, ...).
http::Response error_response_for_status(const web::Catalog& catalog, const http::Request& request,
                                         int status);

// The stable code of a field error: the last segment of its catalog key.
std::string field_code(std::string_view message_key);

}  // namespace api
