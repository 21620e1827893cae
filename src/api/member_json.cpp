#include "api/member_json.h"

#include <charconv>
#include <cmath>

namespace api {

namespace {

using nlohmann::json;

json place_json(const members::Place& place) {
  return {{"name", place.name},
          {"region", place.region},
          {"country", place.country},
          {"latitude", place.latitude},
          {"longitude", place.longitude}};
}

constexpr members::Field kAllFields[] = {
    members::Field::Profile,     members::Field::Headline,     members::Field::Photo,
    members::Field::Disciplines, members::Field::Tags,         members::Field::Town,
    members::Field::Languages,   members::Field::Availability, members::Field::Bio,
    members::Field::Website,
};

std::optional<std::int64_t> parse_int(std::string_view text) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<double> parse_number(std::string_view text) {
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

// "a,b" and repeated parameters alike; empty pieces dropped.
std::vector<std::string> split_list(const std::vector<std::string_view>& values) {
  std::vector<std::string> items;
  for (std::string_view value : values) {
    while (!value.empty()) {
      const std::size_t comma = value.find(',');
      std::string_view piece = value.substr(0, comma);
      while (!piece.empty() && piece.front() == ' ') piece.remove_prefix(1);
      while (!piece.empty() && piece.back() == ' ') piece.remove_suffix(1);
      if (!piece.empty()) items.emplace_back(piece);
      if (comma == std::string_view::npos) break;
      value.remove_prefix(comma + 1);
    }
  }
  return items;
}

}  // namespace

MemberUrls site_member_urls() {
  return MemberUrls{
      [](std::int64_t account_id) { return "/leden/" + std::to_string(account_id); },
      [](std::int64_t account_id, std::int64_t photo_version) {
        return "/leden/" + std::to_string(account_id) + "/foto?v=" + std::to_string(photo_version);
      },
  };
}

json member_json(const members::ProfileView& view, const MemberUrls& urls) {
  json member = {{"id", view.account_id}, {"name", view.name}, {"url", urls.page(view.account_id)}};
  if (view.headline) member["headline"] = *view.headline;
  if (view.disciplines) member["disciplines"] = *view.disciplines;
  if (view.tags) member["tags"] = *view.tags;
  if (view.town) member["town"] = place_json(*view.town);
  if (view.languages) member["languages"] = *view.languages;
  if (view.availability) member["availability"] = members::to_string(*view.availability);
  if (view.bio_html) member["bio_html"] = *view.bio_html;
  if (view.website) member["website"] = *view.website;
  if (view.photo_version > 0) member["photo_url"] = urls.photo(view.account_id, view.photo_version);
  if (view.distance_km) member["distance_km"] = std::round(*view.distance_km * 10) / 10;
  return member;
}

json own_profile_json(const members::Profile& profile, std::string_view email, const MemberUrls& urls) {
  json visibility = json::object();
  for (members::Field field : kAllFields) {
    visibility[std::string(members::to_string(field))] = members::to_string(profile.visibility.of(field));
  }
  return {
      {"id", profile.account_id},
      {"name", profile.name},
      {"email", email},
      {"url", urls.page(profile.account_id)},
      {"headline", profile.headline},
      {"disciplines", profile.disciplines},
      {"tags", profile.tags},
      {"town", profile.town ? place_json(*profile.town) : json(nullptr)},
      {"languages", profile.languages},
      {"availability", members::to_string(profile.availability)},
      {"bio_markdown", profile.bio_markdown},
      {"bio_html", profile.bio_html},
      {"website", profile.website},
      {"photo_url", profile.photo_version > 0 ? json(urls.photo(profile.account_id, profile.photo_version))
                                              : json(nullptr)},
      {"visibility", std::move(visibility)},
      {"updated_at", profile.updated_at}};
}

DirectoryRequest directory_query_from(
    const http::FormData& parameters,
    const std::function<std::optional<std::int64_t>(std::string_view slug)>& network_id_of) {
  DirectoryRequest request;
  members::DirectoryQuery& query = request.query;
  auto problem = [&](std::string field, std::string key) {
    request.problems.push_back({std::move(field), std::move(key)});
  };

  query.text = std::string(parameters.value_or("q", ""));
  query.disciplines = split_list(parameters.get_all("discipline"));
  query.tag = std::string(parameters.value_or("tag", ""));
  query.near_town = std::string(parameters.value_or("town", ""));
  query.language = std::string(parameters.value_or("language", ""));
  query.cursor = std::string(parameters.value_or("cursor", ""));

  if (const auto radius = parameters.get("radius_km"); radius && !radius->empty()) {
    const auto value = parse_number(*radius);
    if (!value || *value <= 0 || *value > kMaxRadiusKm) {
      problem("radius_km", "api.fields.radius_km");
    } else {
      query.within_km = *value;
    }
  }
  if (const auto availability = parameters.get("availability"); availability && !availability->empty()) {
    query.availability = members::availability_from_string(*availability);
    if (!query.availability) problem("availability", "api.fields.availability");
  }
  if (const auto network = parameters.get("network"); network && !network->empty()) {
    query.network_id = network_id_of(*network);
    if (!query.network_id) problem("network", "api.fields.network");
  }
  if (const auto group = parameters.get("group"); group && !group->empty()) {
    const auto value = parse_int(*group);
    if (!value || *value < 1) {
      problem("group", "api.fields.group");
    } else {
      query.group_id = *value;
    }
  }
  query.limit = 20;
  if (const auto limit = parameters.get("limit"); limit && !limit->empty()) {
    const auto value = parse_int(*limit);
    if (!value || *value < 1 || *value > static_cast<std::int64_t>(kMaxDirectoryLimit)) {
      problem("limit", "api.fields.limit");
    } else {
      query.limit = static_cast<std::size_t>(*value);
    }
  }
  return request;
}

ProfilePatch profile_patch_from(const json& patch, const members::FieldVisibility& current) {
  ProfilePatch result;
  members::ProfileUpdate& update = result.update;
  auto problem = [&](const std::string& field, std::string key) {
    result.problems.push_back({field, std::move(key)});
  };
  if (!patch.is_object()) {
    problem("body", "api.fields.not_an_object");
    return result;
  }

  // Text: a string, or null to clear (fields that may not be empty say so in `clearable`).
  auto text = [&](const std::string& field, const json& value, bool clearable) -> std::optional<std::string> {
    if (value.is_null()) {
      if (clearable) return std::string();
      problem(field, "api.fields.required");
      return std::nullopt;
    }
    if (!value.is_string()) {
      problem(field, "api.fields.not_a_string");
      return std::nullopt;
    }
    return value.get<std::string>();
  };
  auto list = [&](const std::string& field, const json& value) -> std::optional<std::vector<std::string>> {
    if (value.is_null()) return std::vector<std::string>();
    if (!value.is_array()) {
      problem(field, "api.fields.not_a_list");
      return std::nullopt;
    }
    std::vector<std::string> items;
    for (const json& item : value) {
      if (!item.is_string()) {
        problem(field, "api.fields.not_a_list");
        return std::nullopt;
      }
      items.push_back(item.get<std::string>());
    }
    return items;
  };

  for (const auto& [field, value] : patch.items()) {
    if (field == "name") {
      update.name = text(field, value, false);
    } else if (field == "headline") {
      update.headline = text(field, value, true);
    } else if (field == "town") {
      update.town = text(field, value, true);
    } else if (field == "bio_markdown") {
      update.bio_markdown = text(field, value, true);
    } else if (field == "website") {
      update.website = text(field, value, true);
    } else if (field == "disciplines") {
      update.disciplines = list(field, value);
    } else if (field == "tags") {
      update.tags = list(field, value);
    } else if (field == "languages") {
      update.languages = list(field, value);
    } else if (field == "availability") {
      if (value.is_null()) {
        problem(field, "api.fields.required");
      } else if (!value.is_string() || !members::availability_from_string(value.get<std::string>())) {
        problem(field, "api.fields.availability");
      } else {
        update.availability = members::availability_from_string(value.get<std::string>());
      }
    } else if (field == "visibility") {
      if (value.is_null()) continue;  // nothing to merge
      if (!value.is_object()) {
        problem(field, "api.fields.not_an_object");
        continue;
      }
      members::FieldVisibility merged = current;
      bool valid = true;
      for (const auto& [name, level] : value.items()) {
        const members::Field* known = nullptr;
        for (const members::Field& candidate : kAllFields) {
          if (members::to_string(candidate) == name) known = &candidate;
        }
        if (known == nullptr) {
          problem("visibility." + name, "api.fields.unknown_field");
          valid = false;
          continue;
        }
        if (level.is_null()) continue;  // merge patch: null removes, and a visibility cannot be removed
        const auto visibility = level.is_string() ? members::visibility_from_string(level.get<std::string>())
                                                  : std::optional<members::Visibility>();
        if (!visibility) {
          problem("visibility." + name, "api.fields.visibility");
          valid = false;
          continue;
        }
        merged.set(*known, *visibility);
      }
      if (valid) update.visibility = merged;
    } else if (field == "id" || field == "email" || field == "url" || field == "bio_html" ||
               field == "photo_url" || field == "updated_at") {
      problem(field, "api.fields.read_only");
    } else {
      problem(field, "api.fields.unknown_field");
    }
  }
  return result;
}

}  // namespace api
