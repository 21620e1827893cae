#include "atlas/api_routes.h"

#include <charconv>
#include <memory>
#include <nlohmann/json.hpp>

#include "api/json_responses.h"
#include "http/parsers.h"

namespace atlas {

namespace {

using nlohmann::json;

api::ErrorCode code_for(Refusal refusal) {
  switch (refusal) {
    case Refusal::SignInRequired: return api::ErrorCode::Unauthorized;
    case Refusal::NotAMember: return api::ErrorCode::Forbidden;
    case Refusal::NotCoordinator: return api::ErrorCode::Forbidden;
    case Refusal::UnknownNetwork: return api::ErrorCode::NotFound;
    case Refusal::NotReady: return api::ErrorCode::Unavailable;
  }
  return api::ErrorCode::Internal;
}

std::string_view message_for(Refusal refusal) {
  switch (refusal) {
    case Refusal::SignInRequired: return "atlas.engine.error.sign_in_required";
    case Refusal::NotAMember: return "atlas.engine.error.not_a_member";
    case Refusal::NotCoordinator: return "atlas.engine.error.not_coordinator";
    case Refusal::UnknownNetwork: return "atlas.engine.error.network_unknown";
    case Refusal::NotReady: return "atlas.engine.error.not_ready";
  }
  return {};
}

class AtlasApi {
 public:
  AtlasApi(const web::Site& site, Service& atlas) : site_(site), atlas_(atlas) {}

  http::Response atlas(http::Request& request) {
    const http::FormData query = http::FormData::parse(request.query);
    if (!request.viewer) return refused(request, Refusal::SignInRequired);
    const auto network = atlas_.network_for(request.viewer, query.value_or("network", ""));
    if (!network) return refused(request, Refusal::UnknownNetwork);
    Refusal refusal = Refusal::NotReady;
    auto body = atlas_.atlas_json_for(request.viewer, network->id, &refusal);
    if (!body) return refused(request, refusal);
    http::Response response = http::Response::json(200, std::move(*body));
    response.headers.set("Cache-Control", "private, no-store");
    return response;
  }

  http::Response path(http::Request& request) {
    const http::FormData query = http::FormData::parse(request.query);
    if (!request.viewer) return refused(request, Refusal::SignInRequired);
    std::vector<api::FieldProblem> problems;
    const auto from = http::parse_id(query.value_or("from", ""));
    const auto to = http::parse_id(query.value_or("to", ""));
    if (!from) problems.push_back({"from", "atlas.engine.error.from_invalid"});
    if (!to) problems.push_back({"to", "atlas.engine.error.to_invalid"});
    std::size_t k = 3;
    if (const auto text = query.get("k"); text && !text->empty()) {
      const auto value = http::parse_id(*text);  // a whole number from 1, read as ids are
      if (!value || *value > static_cast<std::int64_t>(kMaxChains)) {
        problems.push_back({"k", "atlas.engine.error.k_invalid"});
      } else {
        k = static_cast<std::size_t>(*value);
      }
    }
    if (!problems.empty()) return api::field_error_response(site_.catalog(), request, problems, api::ErrorCode::BadRequest);
    const auto network = atlas_.network_for(request.viewer, query.value_or("network", ""));
    if (!network) return refused(request, Refusal::UnknownNetwork);
    const PathAnswer answer = atlas_.paths(request.viewer, network->id, *from, *to, k);
    if (answer.refusal) return refused(request, *answer.refusal);
    if (answer.unknown_member) {
      return api::error_response(site_.catalog(), request, api::ErrorCode::NotFound, "atlas.engine.error.member_unknown");
    }
    json chains = json::array();
    for (const auto& chain : answer.chains) {
      json members = json::array();
      json ties = json::array();
      for (const ChainStep& step : chain) {
        members.push_back({{"id", step.account_id}, {"name", step.name}, {"profile", step.profile_path}});
        if (&step != &chain.back()) {
          json kinds = json::array();
          for (const TieKind kind : step.kinds_to_next) kinds.push_back(std::string(to_string(kind)));
          ties.push_back(std::move(kinds));
        }
      }
      chains.push_back({{"length", chain.size() - 1}, {"members", std::move(members)}, {"ties", std::move(ties)}});
    }
    json body{{"from", *from}, {"to", *to}, {"chains", std::move(chains)}};
    if (answer.chains.empty()) {
      body["message"] = std::string(site_.text(api::language_for(request), "atlas.engine.not_connected"));
    }
    http::Response response = api::json_response(200, body);
    response.headers.set("Cache-Control", "private, no-store");
    return response;
  }

  http::Response suggestions(http::Request& request) {
    const http::FormData query = http::FormData::parse(request.query);
    if (!request.viewer) return refused(request, Refusal::SignInRequired);
    std::size_t limit = 10;
    if (const auto text = query.get("limit"); text && !text->empty()) {
      const auto value = http::parse_id(*text);  // a whole number from 1, read as ids are
      if (!value || *value > static_cast<std::int64_t>(kMaxSuggestions)) {
        return api::field_error_response(site_.catalog(), request, {{"limit", "atlas.engine.error.limit_invalid"}},
                                         api::ErrorCode::BadRequest);
      }
      limit = static_cast<std::size_t>(*value);
    }
    const auto network = atlas_.network_for(request.viewer, query.value_or("network", ""));
    if (!network) return refused(request, Refusal::UnknownNetwork);
    const SuggestionAnswer answer = atlas_.suggestions(request.viewer, network->id, limit);
    if (answer.refusal) return refused(request, *answer.refusal);
    json items = json::array();
    for (const Suggestion& suggestion : answer.suggestions) {
      items.push_back({{"id", suggestion.account_id},
                       {"name", suggestion.name},
                       {"profile", suggestion.profile_path},
                       {"disciplines", suggestion.disciplines},
                       {"new_disciplines", suggestion.new_disciplines},
                       {"via", suggestion.via},
                       {"mutual", suggestion.mutual}});
    }
    json body{{"suggestions", std::move(items)}};
    if (answer.viewer_not_in_atlas) {
      body["message"] = std::string(site_.text(api::language_for(request), "atlas.engine.viewer_not_in_atlas"));
    }
    http::Response response = api::json_response(200, body);
    response.headers.set("Cache-Control", "private, no-store");
    return response;
  }

  http::Response export_file(http::Request& request, std::string_view format_text) {
    const auto format = export_format_from(format_text);
    if (!format) {
      return http::Response::text(400, std::string(site_.text(site_.language_of(request), "atlas.export.format_unknown")));
    }
    const http::FormData query = http::FormData::parse(request.query);
    if (!request.viewer) return site_.error_page(&request, 401);
    const auto network = atlas_.network_for(request.viewer, query.value_or("network", ""));
    if (!network) return site_.error_page(&request, 404);
    ExportAnswer answer = atlas_.export_for(request.viewer, network->id, *format);
    if (answer.refusal) {
      return site_.error_page(&request, api::http_status(code_for(*answer.refusal)));
    }
    http::Response response;
    response.status = 200;
    response.body = std::move(answer.body);
    response.headers.set("Content-Type", std::string(content_type(*format)));
    response.headers.set("Content-Disposition", "attachment; filename=\"" + answer.file_name + "\"");
    response.headers.set("Cache-Control", "private, no-store");
    return response;
  }

 private:
  http::Response refused(const http::Request& request, Refusal refusal) const {
    return api::error_response(site_.catalog(), request, code_for(refusal), message_for(refusal));
  }

  const web::Site& site_;
  Service& atlas_;
};

}  // namespace

std::span<const api::RouteSpec> api_routes() {
  static constexpr api::RouteSpec kRoutes[] = {
      {http::Method::Get, "/api/v1/atlas"},
      {http::Method::Get, "/api/v1/atlas/path"},
      {http::Method::Get, "/api/v1/atlas/suggestions"},
  };
  return kRoutes;
}

void register_api_routes(http::Router& router, const web::Site& site, Service& atlas) {
  const auto problems = api::openapi_problems(api::openapi_document(), api_routes());
  if (!problems.empty()) throw std::runtime_error("the OpenAPI document misses an atlas route: " + problems.front());
  auto api = std::make_shared<AtlasApi>(site, atlas);
  router.get("/api/v1/atlas", [api](http::Request& request) { return api->atlas(request); });
  router.get("/api/v1/atlas/path", [api](http::Request& request) { return api->path(request); });
  router.get("/api/v1/atlas/suggestions", [api](http::Request& request) { return api->suggestions(request); });
  // The map reads the same document with the session cookie.
  router.get("/atlas/data.json", [api](http::Request& request) { return api->atlas(request); });
  for (const char* format : {"gexf", "graphml", "json"}) {
    router.get(std::string("/atlas/export.") + format,
               [api, format](http::Request& request) { return api->export_file(request, format); });
  }
  router.get("/atlas/export/{format}",
             [api](http::Request& request) { return api->export_file(request, request.path_param("format")); });
}

}  // namespace atlas
