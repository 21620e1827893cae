// The campaigns part of the JSON API (see routes.h), for coordinators' tokens: the campaigns of the
// networks they coordinate and each campaign's funnel. Answers follow api/json_responses.h.
#include <nlohmann/json.hpp>

#include "api/json_responses.h"
#include "campaigns/routes.h"
#include "http/parsers.h"

namespace campaigns {

namespace {

constexpr api::RouteSpec kApiRoutes[] = {
    {http::Method::Get, "/api/v1/campaigns"},
    {http::Method::Get, "/api/v1/campaigns/{id}/funnel"},
};

nlohmann::json optional_json(const std::optional<std::int64_t>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

nlohmann::json campaign_json(const Campaign& campaign, const Progress& progress) {
  return {{"id", campaign.id},
          {"network_id", campaign.network_id},
          {"name", campaign.draft.name},
          {"subject", campaign.draft.subject},
          {"language", campaign.draft.language},
          {"status", std::string(to_string(campaign.status))},
          {"rate_per_minute", campaign.draft.rate_per_minute},
          {"segment",
           {{"region", campaign.draft.segment.region},
            {"town", campaign.draft.segment.town},
            {"discipline", campaign.draft.segment.discipline},
            {"source", campaign.draft.segment.source},
            {"only_not_responded", campaign.draft.segment.only_not_responded}}},
          {"occurrence_id", optional_json(campaign.draft.occurrence_id)},
          {"created_at", campaign.created_at},
          {"started_at", optional_json(campaign.started_at)},
          {"finished_at", optional_json(campaign.finished_at)},
          {"progress",
           {{"total", progress.total},
            {"queued", progress.queued},
            {"handed", progress.handed},
            {"sent", progress.sent},
            {"failed", progress.failed},
            {"bounced", progress.bounced},
            {"skipped", progress.skipped}}}};
}

}  // namespace

std::span<const api::RouteSpec> api_routes() { return kApiRoutes; }

void register_api_routes(http::Router& router, const web::Site& site, Service& campaigns, regions::Service& regions) {
  // Undocumented routes never ship: the OpenAPI document must describe each of these.
  const auto problems = api::openapi_problems(api::openapi_document(), kApiRoutes);
  if (!problems.empty()) throw std::runtime_error("the OpenAPI document misses a campaigns route: " + problems.front());

  router.get("/api/v1/campaigns", [&site, &campaigns, &regions](http::Request& request) {
    if (!request.viewer) return api::error_response(site.catalog(), request, api::ErrorCode::Unauthorized);
    std::vector<std::int64_t> networks;
    for (const regions::Network& network : regions.networks()) networks.push_back(network.id);
    nlohmann::json items = nlohmann::json::array();
    for (const Campaign& campaign : campaigns.coordinated_campaigns(request.viewer, networks)) {
      items.push_back(campaign_json(campaign, campaigns.progress(request.viewer, campaign.id).value.value_or(Progress{})));
    }
    http::Response response = api::json_response(200, {{"campaigns", std::move(items)}});
    response.headers.set("Cache-Control", "private, no-cache");
    return response;
  });

  router.get("/api/v1/campaigns/{id}/funnel", [&site, &campaigns](http::Request& request) {
    if (!request.viewer) return api::error_response(site.catalog(), request, api::ErrorCode::Unauthorized);
    const auto id = http::parse_id(request.path_param("id"));
    if (!id) return api::error_response(site.catalog(), request, api::ErrorCode::NotFound, "campaigns.error.not_found");
    auto funnel = campaigns.funnel(request.viewer, 0, *id);
    if (!funnel.ok()) {
      return api::error_response(site.catalog(), request, api::ErrorCode::NotFound, "campaigns.error.not_found");
    }
    nlohmann::json steps = nlohmann::json::array();
    for (const FunnelStep& step : funnel.value->steps) {
      steps.push_back({{"step", step.key},
                       {"count", step.count},
                       {"rate", step.rate},
                       {"median_seconds_from_previous", optional_json(step.median_seconds)}});
    }
    http::Response response = api::json_response(200, {{"campaign_id", *id}, {"steps", std::move(steps)}});
    response.headers.set("Cache-Control", "private, no-cache");
    return response;
  });
}

}  // namespace campaigns
