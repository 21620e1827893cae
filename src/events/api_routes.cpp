// The events part of the JSON API (see routes.h): the answers follow api/json_responses.h.
#include <charconv>
#include <ctime>
#include <nlohmann/json.hpp>

#include "api/json_responses.h"
#include "api/openapi.h"
#include "events/format.h"
#include "events/recurrence.h"
#include "events/routes.h"
#include "http/parsers.h"

namespace events {

namespace {

using nlohmann::json;

constexpr std::size_t kMaxBodyBytes = 16 * 1024;
constexpr std::int64_t kDefaultDays = 90;
constexpr std::int64_t kMaxDays = 731;

std::string rfc3339(std::int64_t utc) {
  const auto seconds = static_cast<std::time_t>(utc);
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return buffer;
}

json occurrence_json(const OccurrenceView& view, const std::string& public_url) {
  json body;
  body["id"] = view.occurrence.id;
  body["event_id"] = view.event.id;
  body["kind"] = to_string(view.event.kind);
  body["title"] = view.title;
  body["description"] = view.event.description;
  body["location"] = view.location_name;
  body["address"] = view.event.location_address;
  body["starts_at"] = rfc3339(view.occurrence.starts_at);
  body["ends_at"] = rfc3339(view.occurrence.ends_at);
  body["timezone"] = view.event.timezone;
  body["local_start"] = format_input(view.occurrence.starts_at, view.event.timezone);
  body["status"] = to_string(view.occurrence.status);
  body["changed"] = view.occurrence.overridden;
  body["change_note"] = view.occurrence.change_note;
  body["visibility"] = to_string(view.event.visibility);
  body["network_id"] = view.event.network_id;
  body["group_id"] = view.event.group_id ? json(*view.event.group_id) : json(nullptr);
  body["capacity"] = view.capacity ? json(*view.capacity) : json(nullptr);
  body["seats_taken"] = view.occurrence.seats_taken;
  body["seats_left"] = view.seats_left() ? json(*view.seats_left()) : json(nullptr);
  body["rsvp_closes_at"] = rfc3339(view.rsvp_closes_at);
  body["url"] = public_url + "/agenda/" + std::to_string(view.occurrence.id);
  body["ics_url"] = public_url + "/agenda/" + std::to_string(view.occurrence.id) + "/kalender.ics";
  if (view.event.recurring())
    body["series_url"] = public_url + "/agenda/reeks/" + std::to_string(view.event.id);
  return body;
}

json rsvp_json(const Rsvp& rsvp, std::optional<std::int64_t> place) {
  return json{{"response", to_string(rsvp.response)},
              {"guests", rsvp.guests},
              {"guest_names", rsvp.guest_names},
              {"note", rsvp.note},
              {"place", place ? json(*place) : json(nullptr)},
              {"from_series", rsvp.from_series}};
}

class EventsApi {
 public:
  EventsApi(const web::Site& site, Service& events, regions::Service& regions)
      : site_(site), events_(events), regions_(regions) {}

  http::Response list(http::Request& request) {
    const http::FormData query = http::FormData::parse(request.query);
    const std::int64_t now = events_.now();
    ListQuery list_query;
    std::vector<api::FieldProblem> problems;
    auto day = [&](std::string_view field, std::int64_t fallback) -> std::int64_t {
      const auto text = query.get(field);
      if (!text || text->empty()) return fallback;
      const auto parsed = parse_local_time(std::string(*text) + "T00:00");
      const auto utc = parsed ? to_utc(*parsed, "Europe/Amsterdam") : std::nullopt;
      if (!utc) {
        problems.push_back({std::string(field), "events.api.date_invalid"});
        return fallback;
      }
      return *utc;
    };
    list_query.from = day("from", now - 12 * 3600);
    list_query.until = day("to", list_query.from + kDefaultDays * 86400);
    if (problems.empty() &&
        (list_query.until <= list_query.from || list_query.until - list_query.from > kMaxDays * 86400)) {
      problems.push_back({"to", "events.api.range_invalid"});
    }
    if (auto limit = query.get("limit")) {
      const auto value = http::parse_id(*limit);
      if (!value || *value > 500) {
        problems.push_back({"limit", "events.api.limit_invalid"});
      } else {
        list_query.limit = static_cast<std::size_t>(*value);
      }
    }
    std::optional<regions::NetworkOverview> overview;
    if (auto slug = query.get("network"); slug && !slug->empty()) {
      overview = regions_.overview(*slug);
      if (!overview) problems.push_back({"network", "events.api.network_unknown"});
      if (overview) list_query.network_id = overview->network.id;
    }
    if (auto group = query.get("group"); group && !group->empty()) {
      if (!overview) overview = regions_.primary_overview();
      if (overview) {
        list_query.network_id = overview->network.id;
        for (const regions::KnowledgeGroup& candidate : overview->groups) {
          if (candidate.slug == *group) list_query.group_id = candidate.id;
        }
      }
      if (!list_query.group_id) problems.push_back({"group", "events.api.group_unknown"});
    }
    if (!problems.empty()) {
      return api::field_error_response(site_.catalog(), request, problems, api::ErrorCode::BadRequest);
    }
    json items = json::array();
    for (const OccurrenceView& view : events_.list(actor_of(request), list_query)) {
      items.push_back(occurrence_json(view, events_.public_url()));
    }
    return api::json_response(200, json{{"events", std::move(items)},
                                        {"from", rfc3339(list_query.from)},
                                        {"to", rfc3339(list_query.until)}});
  }

  http::Response show(http::Request& request) {
    const auto id = http::parse_id(request.path_param("id"));
    if (!id) return api::error_response(site_.catalog(), request, api::ErrorCode::NotFound);
    const auto page = events_.occurrence_page(actor_of(request), *id);
    if (!page) return api::error_response(site_.catalog(), request, api::ErrorCode::NotFound);
    json body = occurrence_json(page->view, events_.public_url());
    body["going"] = page->going_people;
    body["waiting"] = page->waiting_people;
    body["rsvp_open"] = page->rsvp_open;
    body["can_rsvp"] = page->can_rsvp;
    body["my_rsvp"] = page->mine ? rsvp_json(*page->mine, page->my_place) : json(nullptr);
    return api::json_response(200, body);
  }

  http::Response rsvp(http::Request& request) {
    const web::Catalog& catalog = site_.catalog();
    if (!request.viewer) return api::error_response(catalog, request, api::ErrorCode::Unauthorized);
    if (!request.viewer->via_api_token && !http::origin_matches_host(request)) {
      return api::error_response(catalog, request, api::ErrorCode::Forbidden, "events.api.origin_required");
    }
    const auto id = http::parse_id(request.path_param("id"));
    if (!id) return api::error_response(catalog, request, api::ErrorCode::NotFound);
    if (request.body.size() > kMaxBodyBytes)
      return api::error_response(catalog, request, api::ErrorCode::PayloadTooLarge);
    if (!http::has_media_type(request.header("content-type"), "application/json")) {
      return api::error_response(catalog, request, api::ErrorCode::BadRequest, "events.api.json_required");
    }
    const json body = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
    if (body.is_discarded() || !body.is_object()) {
      return api::error_response(catalog, request, api::ErrorCode::BadRequest, "events.api.invalid_json");
    }
    RsvpInput input;
    std::vector<api::FieldProblem> problems;
    const auto response = body.contains("response") && body["response"].is_string()
                              ? response_from(body["response"].get<std::string>())
                              : std::nullopt;
    if (!response || *response == Response::Waiting) {
      problems.push_back({"response", "events.error.response_invalid"});
    } else {
      input.response = *response;
    }
    if (body.contains("guests")) {
      // Any number outside what int64 holds, or a fraction, is refused like -1.
      input.guests = body["guests"].is_number_integer() ? body["guests"].get<std::int64_t>() : -1;
      if (body["guests"].is_number_unsigned() && body["guests"].get<std::uint64_t>() > 1000)
        input.guests = -1;
    }
    if (body.contains("guest_names")) {
      if (!body["guest_names"].is_array()) {
        problems.push_back({"guest_names", "events.error.guest_names"});
      } else {
        for (const json& name : body["guest_names"]) {
          if (!name.is_string()) {
            problems.push_back({"guest_names", "events.error.guest_names"});
            break;
          }
          input.guest_names.push_back(name.get<std::string>());
        }
      }
    }
    if (body.contains("note")) {
      if (body["note"].is_string()) {
        input.note = body["note"].get<std::string>();
      } else {
        problems.push_back({"note", "events.error.too_long"});
      }
    }
    if (!problems.empty()) return api::field_error_response(catalog, request, problems);
    auto outcome = events_.respond(actor_of(request), *id, input);
    if (!outcome.ok()) return error(request, *outcome.error);
    json answer{{"rsvp", rsvp_json(outcome.value->rsvp, outcome.value->place)},
                {"event", occurrence_json(outcome.value->view, events_.public_url())}};
    return api::json_response(200, answer);
  }

 private:
  // Service errors in the API's shape: invalid input names its field; a conflict (closed, cancelled,
  // does not fit) is 409 with code "conflict" and the reason as "reason".
  http::Response error(const http::Request& request, const Error& error) {
    const web::Catalog& catalog = site_.catalog();
    const std::string_view language = api::language_for(request);
    std::string message(catalog.text(language, error.message_key));
    if (error.count) {
      for (std::size_t at = message.find("{n}"); at != std::string::npos; at = message.find("{n}")) {
        message.replace(at, 3, std::to_string(*error.count));
      }
    }
    switch (error.failure) {
      case Failure::NotFound:
        return api::error_response(catalog, request, api::ErrorCode::NotFound);
      case Failure::Forbidden:
        return api::error_response(catalog, request, api::ErrorCode::Forbidden, error.message_key);
      case Failure::Invalid: {
        json body{{"error",
                   {{"code", "unprocessable"},
                    {"message", std::string(catalog.text(language, "events.api.invalid"))},
                    {"fields",
                     {{error.field.empty() ? "request" : error.field,
                       {{"code", api::field_code(error.message_key)}, {"message", message}}}}}}}};
        return api::json_response(422, body);
      }
      case Failure::Conflict:
        return api::json_response(409, json{{"error",
                                             {{"code", "conflict"},
                                              {"reason", api::field_code(error.message_key)},
                                              {"message", message}}}});
    }
    return api::error_response(catalog, request, api::ErrorCode::Internal);
  }

  const web::Site& site_;
  Service& events_;
  regions::Service& regions_;
};

}  // namespace

std::span<const api::RouteSpec> api_routes() {
  static constexpr api::RouteSpec kRoutes[] = {
      {http::Method::Get, "/api/v1/events"},
      {http::Method::Get, "/api/v1/events/{id}"},
      {http::Method::Post, "/api/v1/events/{id}/rsvp"},
  };
  return kRoutes;
}

void register_api_routes(http::Router& router, const web::Site& site, Service& events,
                         regions::Service& regions) {
  // Undocumented routes never ship: the OpenAPI document must describe each of these.
  const auto problems = api::openapi_problems(api::openapi_document(), api_routes());
  if (!problems.empty())
    throw std::runtime_error("the OpenAPI document misses an events route: " + problems.front());
  auto api = std::make_shared<EventsApi>(site, events, regions);
  router.get("/api/v1/events", [api](http::Request& request) { return api->list(request); });
  router.get("/api/v1/events/{id}", [api](http::Request& request) { return api->show(request); });
  router.post("/api/v1/events/{id}/rsvp", [api](http::Request& request) { return api->rsvp(request); });
}

}  // namespace events
