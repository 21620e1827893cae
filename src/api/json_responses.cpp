#include "api/json_responses.h"

#include "http/parsers.h"

namespace api {

namespace {

std::string generic_key(ErrorCode code) { return "api.errors." + std::string(to_string(code)); }

nlohmann::json error_body(const web::Catalog& catalog, std::string_view language, ErrorCode code,
                          std::string_view message_key) {
  const std::string key = message_key.empty() ? generic_key(code) : std::string(message_key);
  return {{"error", {{"code", to_string(code)}, {"message", catalog.text(language, key)}}}};
}

}  // namespace

bool is_api_path(std::string_view path) { return path == "/api" || path.starts_with("/api/"); }

std::string_view language_for(const http::Request& request) {
  if (request.viewer) {
    const auto chosen = web::supported_language(request.viewer->language);
    if (!chosen.empty()) return chosen;
  }
  if (const auto header = request.headers.get("cookie")) {
    const auto chosen = web::supported_language(http::Cookies::parse(*header).get("taal").value_or(""));
    if (!chosen.empty()) return chosen;
  }
  for (const std::string& tag : http::parse_accept_language(request.header("accept-language"))) {
    const std::string_view primary = std::string_view(tag).substr(0, tag.find('-'));
    const auto chosen = web::supported_language(primary);
    if (!chosen.empty()) return chosen;
  }
  return web::kDefaultLanguage;
}

http::Response json_response(int status, const nlohmann::json& body) {
  // Invalid UTF-8 cannot come from our own data (inputs are validated); replace rather than throw.
  http::Response response =
      http::Response::json(status, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  response.headers.set("Content-Type", "application/json; charset=utf-8");
  response.headers.set("Cache-Control", "no-store");
  return response;
}

http::Response error_response(const web::Catalog& catalog, const http::Request& request, ErrorCode code,
                              std::string_view message_key) {
  const std::string_view language = language_for(request);
  http::Response response =
      json_response(http_status(code), error_body(catalog, language, code, message_key));
  response.headers.set("Content-Language", std::string(language));
  if (code == ErrorCode::Unauthorized) response.headers.set("WWW-Authenticate", "Bearer realm=\"knooppunt\"");
  return response;
}

http::Response field_error_response(const web::Catalog& catalog, const http::Request& request,
                                    const std::vector<FieldProblem>& problems, ErrorCode code) {
  const std::string_view language = language_for(request);
  nlohmann::json body = error_body(catalog, language, code, {});
  nlohmann::json fields = nlohmann::json::object();
  for (const FieldProblem& problem : problems) {
    if (fields.contains(problem.field)) continue;  // the first problem per field, as the HTML forms do
    fields[problem.field] = {{"code", field_code(problem.message_key)},
                             {"message", catalog.text(language, problem.message_key)}};
  }
  body["error"]["fields"] = std::move(fields);
  http::Response response = json_response(http_status(code), body);
  response.headers.set("Content-Language", std::string(language));
  return response;
}

http::Response error_response_for_status(const web::Catalog& catalog, const http::Request& request,
                                         int status) {
  const ErrorCode code = error_code_for_status(status);
  http::Response response = error_response(catalog, request, code);
  response.status = status;  // e.g. 431 keeps its own status with the bad_request code
  return response;
}

std::string field_code(std::string_view message_key) {
  const std::size_t dot = message_key.rfind('.');
  return std::string(dot == std::string_view::npos ? message_key : message_key.substr(dot + 1));
}

}  // namespace api
