// Members in and out of JSON for the API: a directory entry or profile as one viewer may see it, the
// owner's full profile, the directory's query parameters and the merge patch of PATCH /api/v1/me.
// Pure functions over values; no database, no HTTP beyond parsed parameters. Thread-safe.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/json_responses.h"
#include "http/parsers.h"
#include "members/service.h"
#include "members/types.h"

namespace api {

// Where a member's page and photo live on this site (members' routes decide; the API links to them).
struct MemberUrls {
  std::function<std::string(std::int64_t account_id)> page;
  std::function<std::string(std::int64_t account_id, std::int64_t photo_version)> photo;
};

// The paths members' routes serve: /leden/{id} and /leden/{id}/foto?v={version}.
MemberUrls site_member_urls();

// A member as the viewer may see them: fields the viewer may not see are absent.
nlohmann::json member_json(const members::ProfileView& view, const MemberUrls& urls);
// The owner's own profile: every field, with its visibility.
nlohmann::json own_profile_json(const members::Profile& profile, std::string_view email,
                                const MemberUrls& urls);

inline constexpr std::size_t kMaxDirectoryLimit = 100;
inline constexpr double kMaxRadiusKm = 500;

// The directory query from GET /api/v1/members parameters. `network_id_of` turns a network slug into
// its id (nothing for an unknown slug). Problems are per parameter ("limit", "radius_km", ...).
struct DirectoryRequest {
  members::DirectoryQuery query;
  std::vector<FieldProblem> problems;  // non-empty: answer 400
};
DirectoryRequest directory_query_from(
    const http::FormData& parameters,
    const std::function<std::optional<std::int64_t>(std::string_view slug)>& network_id_of);

// A JSON merge patch (RFC 7396) of the own profile, applied to the current visibility settings.
// Type errors (a number for a text, an unknown field, null for a required field) are problems; the
// values themselves are validated by members::Service::update_own_profile.
struct ProfilePatch {
  members::ProfileUpdate update;
  std::vector<FieldProblem> problems;  // non-empty: answer 422, save nothing
};
ProfilePatch profile_patch_from(const nlohmann::json& patch, const members::FieldVisibility& current);

}  // namespace api
