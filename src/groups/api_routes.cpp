// The groups part of the JSON API: GET /api/v1/groups, the groups the caller may find (public ones
// for everybody; every group of the caller's networks for members), with their place in each. The
// answers follow api/json_responses.h; the route is documented in resources/api/openapi.json.
#include <nlohmann/json.hpp>

#include "api/json_responses.h"
#include "api/openapi.h"
#include "groups/routes.h"

namespace groups {

namespace {

constexpr api::RouteSpec kApiRoutes[] = {
    {http::Method::Get, "/api/v1/groups"},
};

nlohmann::json group_json(const ApiGroup& item) {
  const Group& group = item.group;
  nlohmann::json out = {
      {"id", group.id},
      {"network", {{"id", group.network_id}, {"slug", group.network_slug}, {"name", group.network_name}}},
      {"slug", group.slug},
      {"name", group.name},
      {"description", group.description},
      {"visibility", std::string(to_string(group.visibility))},
      {"join_policy", std::string(to_string(group.join_policy))},
      {"archived", group.archived()},
      {"member_count", group.member_count},
      {"member", item.member},
      {"host", item.host},
      {"membership_state", item.state ? nlohmann::json(std::string(to_string(*item.state))) : nlohmann::json(nullptr)},
      {"path", group.url()},
  };
  return out;
}

}  // namespace

void register_api_routes(http::Router& router, const web::Site& site, Service& service) {
  // Undocumented routes never ship: the OpenAPI document must describe each of these.
  const auto problems = api::openapi_problems(api::openapi_document(), kApiRoutes);
  if (!problems.empty()) throw std::runtime_error("the OpenAPI document misses a groups route: " + problems.front());
  (void)site;
  router.get("/api/v1/groups", [&service](http::Request& request) {
    nlohmann::json groups = nlohmann::json::array();
    for (const ApiGroup& item : service.visible_groups(request.viewer)) groups.push_back(group_json(item));
    http::Response response = api::json_response(200, {{"groups", std::move(groups)}});
    response.headers.set("Cache-Control", "private, no-cache");
    return response;
  });
}

}  // namespace groups
