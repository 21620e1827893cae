// The JSON API's pure parts: members in and out of JSON (absent when not visible), directory
// parameters, merge patches of the own profile, error bodies, and the OpenAPI document's coverage.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "api/json_responses.h"
#include "api/member_json.h"
#include "api/openapi.h"
#include "events/routes.h"
#include "web/catalog.h"

namespace {

using nlohmann::json;

std::vector<std::string> fields_of(const std::vector<api::FieldProblem>& problems) {
  std::vector<std::string> fields;
  for (const auto& problem : problems) fields.push_back(problem.field);
  return fields;
}

TEST(ApiMemberJson, FieldsTheViewerMayNotSeeAreAbsent) {
  members::ProfileView view;
  view.account_id = 7;
  view.name = "Anna de Vries";
  view.headline = "Fiscalist";
  view.tags = std::vector<std::string>{"btw"};
  const json member = api::member_json(view, api::site_member_urls());
  EXPECT_EQ(member["id"], 7);
  EXPECT_EQ(member["name"], "Anna de Vries");
  EXPECT_EQ(member["headline"], "Fiscalist");
  EXPECT_EQ(member["url"], "/leden/7");
  for (const char* hidden :
       {"town", "website", "bio_html", "languages", "availability", "photo_url", "disciplines"}) {
    EXPECT_FALSE(member.contains(hidden)) << hidden;
  }
}

TEST(ApiMemberJson, TheOwnProfileHasEveryFieldAndItsVisibility) {
  members::Profile profile;
  profile.account_id = 3;
  profile.name = "Bram";
  profile.visibility.bio = members::Visibility::Hidden;
  const json own = api::own_profile_json(profile, "bram@example.nl", api::site_member_urls());
  EXPECT_EQ(own["email"], "bram@example.nl");
  EXPECT_TRUE(own["town"].is_null());
  EXPECT_TRUE(own["photo_url"].is_null());
  EXPECT_EQ(own["visibility"]["bio"], "hidden");
  EXPECT_EQ(own["visibility"]["profile"], "members");
  EXPECT_EQ(own["visibility"].size(), members::kFieldCount);
}

TEST(ApiDirectoryQuery, ReadsEveryFilter) {
  const auto parsed = api::directory_query_from(
      http::FormData::parse(
          "q=verzekeringen&discipline=financieel,juridisch&discipline=ict&tag=btw&town=Breda"
          "&radius_km=12.5&language=en&availability=limited&network=west&group=4&limit=50&cursor=abc"),
      [](std::string_view slug) { return slug == "west" ? std::optional<std::int64_t>(9) : std::nullopt; });
  ASSERT_TRUE(parsed.problems.empty());
  const members::DirectoryQuery& query = parsed.query;
  EXPECT_EQ(query.text, "verzekeringen");
  EXPECT_EQ(query.disciplines, (std::vector<std::string>{"financieel", "juridisch", "ict"}));
  EXPECT_EQ(query.tag, "btw");
  EXPECT_EQ(query.near_town, "Breda");
  EXPECT_DOUBLE_EQ(query.within_km, 12.5);
  EXPECT_EQ(query.language, "en");
  EXPECT_EQ(query.availability, members::Availability::Limited);
  EXPECT_EQ(query.network_id, 9);
  EXPECT_EQ(query.group_id, 4);
  EXPECT_EQ(query.limit, 50u);
  EXPECT_EQ(query.cursor, "abc");
}

TEST(ApiDirectoryQuery, NamesEachMalformedParameter) {
  const auto parsed = api::directory_query_from(
      http::FormData::parse(
          "radius_km=-1&availability=sometimes&network=nope&group=1%27%20OR%201=1&limit=101"),
      [](std::string_view) { return std::optional<std::int64_t>(); });
  EXPECT_EQ(fields_of(parsed.problems),
            (std::vector<std::string>{"radius_km", "availability", "network", "group", "limit"}));
  for (const char* query : {"limit=0", "limit=abc", "radius_km=nan", "radius_km=501"}) {
    EXPECT_EQ(api::directory_query_from(http::FormData::parse(query), {}).problems.size(), 1u) << query;
  }
}

TEST(ApiProfilePatch, SetsOnlyWhatIsSentAndNullClears) {
  const auto patch = api::profile_patch_from(
      json::parse(
          R"({"headline": "<script>alert(1)</script>", "website": null, "tags": ["btw", "erfrecht"]})"),
      {});
  ASSERT_TRUE(patch.problems.empty());
  EXPECT_EQ(patch.update.headline, "<script>alert(1)</script>");
  EXPECT_EQ(patch.update.website, "");
  EXPECT_EQ(patch.update.tags, (std::vector<std::string>{"btw", "erfrecht"}));
  EXPECT_FALSE(patch.update.name.has_value());
  EXPECT_FALSE(patch.update.bio_markdown.has_value());
  EXPECT_FALSE(patch.update.visibility.has_value());
}

TEST(ApiProfilePatch, MergesVisibilityFieldByField) {
  members::FieldVisibility current;
  current.town = members::Visibility::Public;
  const auto patch = api::profile_patch_from(json::parse(R"({"visibility": {"bio": "hidden"}})"), current);
  ASSERT_TRUE(patch.problems.empty());
  ASSERT_TRUE(patch.update.visibility.has_value());
  EXPECT_EQ(patch.update.visibility->bio, members::Visibility::Hidden);
  EXPECT_EQ(patch.update.visibility->town, members::Visibility::Public);
  EXPECT_EQ(patch.update.visibility->website, members::Visibility::Members);
}

TEST(ApiProfilePatch, ReportsEveryTypeErrorPerField) {
  const auto patch = api::profile_patch_from(
      json::parse(R"({"name": null, "headline": 5, "tags": "btw", "availability": "soms",
                      "visibility": {"bio": "everyone", "shoe_size": "public"}, "email": "x@y.nl", "colour": "red"})"),
      {});
  auto fields = fields_of(patch.problems);
  std::sort(fields.begin(), fields.end());
  EXPECT_EQ(fields, (std::vector<std::string>{"availability", "colour", "email", "headline", "name", "tags",
                                              "visibility.bio", "visibility.shoe_size"}));
  EXPECT_EQ(fields_of(api::profile_patch_from(json::array(), {}).problems),
            (std::vector<std::string>{"body"}));
}

TEST(ApiErrors, BodiesCarryAStableCodeAndAMessageInTheViewersLanguage) {
  const web::Catalog catalog = web::Catalog::load_embedded();
  http::Request request;
  request.headers.add("Accept-Language", "en-GB,en;q=0.9");
  http::Response response = api::error_response(catalog, request, api::ErrorCode::NotFound);
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.headers.get("content-type").value_or(""), "application/json; charset=utf-8");
  json body = json::parse(response.body);
  EXPECT_EQ(body["error"]["code"], "not_found");
  EXPECT_EQ(body["error"]["message"], catalog.text("en", "api.errors.not_found"));

  request.viewer = http::Viewer{1, "Anna", "anna@example.nl", "nl"};
  response = api::field_error_response(catalog, request, {{"website", "api.fields.not_a_string"}});
  body = json::parse(response.body);
  EXPECT_EQ(response.status, 422);
  EXPECT_EQ(body["error"]["code"], "unprocessable");
  EXPECT_EQ(body["error"]["fields"]["website"]["code"], "not_a_string");
  EXPECT_EQ(body["error"]["fields"]["website"]["message"], catalog.text("nl", "api.fields.not_a_string"));
}

TEST(ApiErrors, EveryCodeHasAMessageInEveryLanguage) {
  const web::Catalog catalog = web::Catalog::load_embedded();
  for (int status : {400, 401, 403, 404, 405, 413, 422, 429, 500, 503}) {
    const api::ErrorCode code = api::error_code_for_status(status);
    EXPECT_EQ(api::http_status(code), status);
    EXPECT_TRUE(catalog.has("api.errors." + std::string(api::to_string(code)))) << status;
  }
}

TEST(ApiOpenApi, DocumentsEveryRegisteredRouteAndResolvesEveryReference) {
  const json& document = api::openapi_document();
  EXPECT_EQ(document["openapi"].get<std::string>().substr(0, 2), "3.");
  const auto problems = api::openapi_problems(document, api::api_routes());
  EXPECT_TRUE(problems.empty()) << problems.front();
  EXPECT_GE(api::api_routes().size(), 6u);
  // Every feature that registers /api/v1 routes keeps a table of them; each must be documented.
  const auto event_problems = api::openapi_problems(document, events::api_routes());
  EXPECT_TRUE(event_problems.empty()) << event_problems.front();
}

TEST(ApiOpenApi, NoticesAnUndocumentedRouteAndABrokenReference) {
  json document = api::openapi_document();
  document["paths"].erase("/api/v1/networks");
  document["paths"]["/api/v1/me"]["get"]["responses"]["200"] = {{"$ref", "#/components/responses/Nope"}};
  const auto problems = api::openapi_problems(document, api::api_routes());
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_NE(problems[0].find("/api/v1/networks"), std::string::npos);
  EXPECT_NE(problems[1].find("#/components/responses/Nope"), std::string::npos);
}

}  // namespace
