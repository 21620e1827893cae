#include "api/routes.h"

#include <charconv>
#include <stdexcept>

#include "api/json_responses.h"
#include "api/openapi.h"
#include "http/parsers.h"

namespace api {

namespace {

using nlohmann::json;

members::Viewer members_viewer(const http::Request& request) {
  if (!request.viewer) return {};
  return members::Viewer{request.viewer->account_id, request.viewer->administrator};
}

std::vector<FieldProblem> problems_from(const std::vector<members::FieldError>& errors) {
  std::vector<FieldProblem> problems;
  for (const members::FieldError& error : errors) {
    // The API names the Markdown source of the bio explicitly.
    problems.push_back({error.field == "bio" ? "bio_markdown" : error.field, error.message_key});
  }
  return problems;
}

class JsonApi {
 public:
  JsonApi(const web::Site& site, ApiServices services) : site_(site), services_(services) {}

  http::Response openapi(http::Request&) const {
    http::Response response = http::Response::json(200, std::string(openapi_text()));
    response.headers.set("Content-Type", "application/json; charset=utf-8");
    response.headers.set("Cache-Control", "public, max-age=300");
    return response;
  }

  http::Response networks(http::Request&) const {
    json list = json::array();
    for (const regions::Network& network : services_.regions.networks()) {
      const auto access = services_.auth.network(network.slug);
      list.push_back({{"slug", network.slug},
                      {"name", network.name},
                      {"short_name", network.short_name},
                      {"region", network.region},
                      {"tagline", network.tagline},
                      {"signup_mode", auth::to_string(access ? access->signup_mode : auth::SignupMode::Open)},
                      {"url", "/netwerken/" + network.slug}});
    }
    return json_response(200, {{"networks", std::move(list)}});
  }

  http::Response member_list(http::Request& request) const {
    const http::FormData parameters = http::FormData::parse(request.query);
    DirectoryRequest parsed =
        directory_query_from(parameters, [this](std::string_view slug) { return network_id_of(slug); });
    if (!parsed.problems.empty()) return bad_filters(request, parsed.problems);
    auto page = services_.members.directory(members_viewer(request), parsed.query);
    if (!page.ok()) return bad_filters(request, problems_from(page.errors));
    json list = json::array();
    const MemberUrls urls = site_member_urls();
    for (const members::ProfileView& member : page.value->members) list.push_back(member_json(member, urls));
    return json_response(
        200,
        {{"members", std::move(list)},
         {"next_cursor", page.value->next_cursor.empty() ? json(nullptr) : json(page.value->next_cursor)}});
  }

  http::Response member(http::Request& request) const {
    const auto id = http::parse_id(request.path_param("id"));
    if (!id) return error_response(site_.catalog(), request, ErrorCode::NotFound);
    const auto view = services_.members.profile_for(members_viewer(request), *id);
    if (!view) return error_response(site_.catalog(), request, ErrorCode::NotFound);
    return json_response(200, member_json(*view, site_member_urls()));
  }

  http::Response me(http::Request& request) const {
    if (!request.viewer) return error_response(site_.catalog(), request, ErrorCode::Unauthorized);
    const auto profile = services_.members.own_profile(request.viewer->account_id);
    if (!profile) return error_response(site_.catalog(), request, ErrorCode::Unauthorized);
    return json_response(200, own_profile_json(*profile, request.viewer->email, site_member_urls()));
  }

  http::Response update_me(http::Request& request) const {
    const web::Catalog& catalog = site_.catalog();
    if (!request.viewer) return error_response(catalog, request, ErrorCode::Unauthorized);
    if (!request.viewer->via_api_token && !http::origin_matches_host(request)) {
      return error_response(catalog, request, ErrorCode::Forbidden, "api.errors.origin_required");
    }
    if (request.body.size() > kMaxJsonBodyBytes)
      return error_response(catalog, request, ErrorCode::PayloadTooLarge);
    const std::string_view content_type = request.header("content-type");
    if (!http::has_media_type(content_type, "application/json") &&
        !http::has_media_type(content_type, "application/merge-patch+json")) {
      return error_response(catalog, request, ErrorCode::BadRequest, "api.errors.json_required");
    }
    const json patch = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
    if (patch.is_discarded())
      return error_response(catalog, request, ErrorCode::BadRequest, "api.errors.invalid_json");

    const std::int64_t account_id = request.viewer->account_id;
    const auto current = services_.members.own_profile(account_id);
    if (!current) return error_response(catalog, request, ErrorCode::Unauthorized);
    ProfilePatch parsed = profile_patch_from(patch, current->visibility);
    if (!parsed.problems.empty()) return field_error_response(catalog, request, parsed.problems);
    auto saved = services_.members.update_own_profile(account_id, parsed.update);
    if (!saved.ok()) return field_error_response(catalog, request, problems_from(saved.errors));
    return json_response(200, own_profile_json(*saved.value, request.viewer->email, site_member_urls()));
  }

 private:
  std::optional<std::int64_t> network_id_of(std::string_view slug) const {
    if (!regions::Service::is_valid_slug(slug)) return std::nullopt;
    const auto access = services_.auth.network(slug);
    if (!access) return std::nullopt;
    return access->id;
  }

  http::Response bad_filters(const http::Request& request, const std::vector<FieldProblem>& problems) const {
    http::Response response = field_error_response(site_.catalog(), request, problems, ErrorCode::BadRequest);
    // The generic message for 400 speaks of the request; here it is the filters.
    json body = json::parse(response.body);
    body["error"]["message"] = site_.text(language_for(request), "api.errors.invalid_filters");
    response.body = body.dump();
    return response;
  }

  const web::Site& site_;
  ApiServices services_;
};

}  // namespace

void register_api_routes(http::Router& router, const web::Site& site, ApiServices services) {
  const auto problems = openapi_problems(openapi_document(), api_routes());
  if (!problems.empty()) throw std::runtime_error("the OpenAPI document is incomplete: " + problems.front());

  auto api = std::make_shared<JsonApi>(site, services);
  using Method = http::Method;
  // Each handler by its route in api_routes(), so a route cannot be added without its table entry.
  const std::map<std::pair<Method, std::string_view>, http::Response (JsonApi::*)(http::Request&) const>
      handlers = {
          {{Method::Get, "/api/v1/openapi.json"}, &JsonApi::openapi},
          {{Method::Get, "/api/v1/networks"}, &JsonApi::networks},
          {{Method::Get, "/api/v1/members"}, &JsonApi::member_list},
          {{Method::Get, "/api/v1/members/{id}"}, &JsonApi::member},
          {{Method::Get, "/api/v1/me"}, &JsonApi::me},
          {{Method::Patch, "/api/v1/me"}, &JsonApi::update_me},
      };
  for (const RouteSpec& route : api_routes()) {
    const auto handler = handlers.find({route.method, route.pattern});
    if (handler == handlers.end()) {
      throw std::logic_error("no handler for API route " + std::string(route.pattern));
    }
    router.add(route.method, route.pattern,
               [api, method = handler->second](http::Request& request) { return ((*api).*method)(request); });
  }
  if (handlers.size() != api_routes().size())
    throw std::logic_error("an API handler has no entry in api_routes()");
}

}  // namespace api
