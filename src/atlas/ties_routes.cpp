// HTTP for declared ties and atlas privacy (see ties_routes.h): pages and the JSON API.
#include "atlas/ties_routes.h"

#include <charconv>
#include <memory>
#include <nlohmann/json.hpp>

#include "api/json_responses.h"
#include "http/parsers.h"

namespace atlas {

namespace {

using kainjow::mustache::data;
using nlohmann::json;

constexpr std::string_view kTiesPath = "/atlas/relaties";
constexpr std::string_view kNewTiePath = "/atlas/relaties/nieuw";
constexpr std::string_view kSettingsPath = "/atlas/instellingen";
constexpr std::size_t kMaxApiBodyBytes = 16 * 1024;

http::Response sign_in_redirect(const http::Request& request) {
  return http::Response::redirect("/inloggen?next=" + http::percent_encode(web::local_path_or_root(request.target)));
}

http::Response private_page(http::Response response) {
  response.headers.set("Cache-Control", "private, no-store");
  return response;
}

// The label of a tie's kind as the member sees it: directed kinds read differently from the other side.
std::string kind_label(const web::Site& site, std::string_view language, const Tie& tie, std::int64_t viewer) {
  if (is_directed(tie.kind) && tie.to_account == viewer) {
    return std::string(site.text(language, "atlas.ties.kind_received." + std::string(to_string(tie.kind))));
  }
  return std::string(site.text(language, "atlas.ties.kind." + std::string(to_string(tie.kind))));
}

data listing_data(const web::Site& site, std::string_view language, const ties_store::TieListing& listing,
                  std::int64_t viewer) {
  const Tie& tie = listing.tie;
  const bool mine = tie.from_account == viewer;
  data item;
  item.set("id", std::to_string(tie.id));
  item.set("other_id", std::to_string(mine ? tie.to_account : tie.from_account));
  item.set("other_name", mine ? listing.to_name : listing.from_name);
  item.set("kind", kind_label(site, language, tie, viewer));
  item.set("network", listing.network_name);
  if (tie.date) item.set("date", format_date(*tie.date));
  if (!tie.note.empty()) item.set("note", tie.note);
  return item;
}

data list_of(const web::Site& site, std::string_view language, const std::vector<ties_store::TieListing>& listings,
             std::int64_t viewer) {
  data list(data::type::list);
  for (const auto& listing : listings) list.push_back(listing_data(site, language, listing, viewer));
  return list;
}

// What the declaration form shows and keeps between attempts.
struct DeclareForm {
  std::int64_t member_id = 0;
  std::string member_name;
  std::vector<ties_store::NetworkRef> networks;  // shared with the member
  std::string network;                           // chosen network id, as typed
  std::string kind = "knows";
  std::string date;
  std::string note;
};

class TiesPages {
 public:
  TiesPages(const web::Site& site, std::shared_ptr<TiesService> ties) : site_(site), ties_(std::move(ties)) {}

  http::Response list(const http::Request& request) {
    if (!request.viewer) return sign_in_redirect(request);
    const std::int64_t viewer = request.viewer->account_id;
    const std::string_view language = site_.language_of(request);
    const MyTies mine = ties_->my_ties(viewer);
    data page;
    page.set("title", std::string(site_.text(language, "atlas.ties.title")));
    page.set("incoming", list_of(site_, language, mine.incoming, viewer));
    page.set("outgoing", list_of(site_, language, mine.outgoing, viewer));
    page.set("confirmed", list_of(site_, language, mine.confirmed, viewer));
    page.set("has_incoming", !mine.incoming.empty());
    page.set("has_outgoing", !mine.outgoing.empty());
    page.set("has_confirmed", !mine.confirmed.empty());
    if (ties_->settings(viewer).hidden) page.set("hidden", true);
    return private_page(site_.page(request, "atlas/ties", std::move(page)));
  }

  http::Response new_form(const http::Request& request) {
    if (!request.viewer) return sign_in_redirect(request);
    const std::int64_t viewer = request.viewer->account_id;
    const http::FormData query = http::FormData::parse(request.query);
    const std::string_view language = site_.language_of(request);
    data page;
    page.set("title", std::string(site_.text(language, "atlas.ties.new.title")));
    if (const auto member = http::parse_id(query.value_or("lid", ""))) {
      DeclareForm form;
      form.member_id = *member;
      return declare_page(request, form, web::FormErrors{}, 200);
    }
    const std::string search(query.value_or("zoek", ""));
    page.set("search", search);
    if (!search.empty()) {
      data found(data::type::list);
      for (const Candidate& candidate : ties_->candidates(viewer, search)) {
        data item;
        item.set("id", std::to_string(candidate.account_id));
        item.set("name", candidate.name);
        item.set("network", candidate.network_name);
        found.push_back(std::move(item));
      }
      const bool any = !found.is_empty_list();
      page.set("searched", true);
      page.set("found", std::move(found));
      page.set("has_found", any);
    }
    return private_page(site_.page(request, "atlas/ties_search", std::move(page)));
  }

  http::Response declare(const http::Request& request) {
    if (!request.viewer) return sign_in_redirect(request);
    const http::FormData form_data = http::FormData::parse(request.body);
    if (!site_.csrf_ok(request, form_data)) return site_.error_page(&request, 403);
    DeclareForm form;
    form.member_id = http::parse_id(form_data.value_or("lid", "")).value_or(0);
    form.network = std::string(form_data.value_or("netwerk", ""));
    form.kind = std::string(form_data.value_or("soort", ""));
    form.date = std::string(form_data.value_or("datum", ""));
    form.note = std::string(form_data.value_or("notitie", ""));
    DeclareInput input;
    input.other_account = form.member_id;
    input.kind = form.kind;
    input.date = form.date;
    input.note = form.note;
    if (!form.network.empty()) {
      const auto network = http::parse_id(form.network);
      if (!network) {
        web::FormErrors errors;
        errors.add("network", "atlas.ties.errors.not_your_network");
        return declare_page(request, form, errors, 422);
      }
      input.network_id = *network;
    }
    auto result = ties_->declare(request.viewer->account_id, input);
    if (!result.ok()) {
      if (result.error->failure == Failure::Forbidden) return site_.error_page(&request, 403);
      web::FormErrors errors;
      errors.add(result.error->field.empty() ? "member" : result.error->field, result.error->message_key);
      return declare_page(request, form, errors, 422);
    }
    http::Response response = http::Response::redirect(kTiesPath);
    site_.set_flash(response, "flash.atlas_ties.requested");
    return response;
  }

  http::Response transition(const http::Request& request, std::string_view action) {
    if (!request.viewer) return sign_in_redirect(request);
    if (!site_.csrf_ok(request)) return site_.error_page(&request, 403);
    const auto id = http::parse_id(request.path_param("id"));
    if (!id) return site_.error_page(&request, 404);
    const std::int64_t viewer = request.viewer->account_id;
    Result<Tie> result = action == "confirm"    ? ties_->confirm(viewer, *id)
                         : action == "decline"  ? ties_->decline(viewer, *id)
                         : action == "withdraw" ? ties_->withdraw(viewer, *id)
                                                : ties_->end(viewer, *id);
    if (!result.ok()) {
      if (result.error->failure == Failure::Conflict) {
        // Already answered (e.g. in another tab): say so on the list rather than with an error page.
        http::Response response = http::Response::redirect(kTiesPath);
        site_.set_flash(response, "flash.atlas_ties.already_decided");
        return response;
      }
      return site_.error_page(&request, http_status(result.error->failure));
    }
    http::Response response = http::Response::redirect(kTiesPath);
    site_.set_flash(response, "flash.atlas_ties." + std::string(action));
    return response;
  }

  http::Response settings_form(const http::Request& request) {
    if (!request.viewer) return sign_in_redirect(request);
    return settings_page(request, ties_->settings(request.viewer->account_id), web::FormErrors{}, 200);
  }

  http::Response save_settings(const http::Request& request) {
    if (!request.viewer) return sign_in_redirect(request);
    const http::FormData form = http::FormData::parse(request.body);
    if (!site_.csrf_ok(request, form)) return site_.error_page(&request, 403);
    PrivacySettings settings;
    settings.hidden = form.value_or("verbergen", "") == "ja";
    const auto visibility = tie_visibility_from_string(form.value_or("zichtbaarheid", ""));
    if (!visibility) {
      web::FormErrors errors;
      errors.add("ties_visibility", "atlas.settings.errors.visibility");
      return settings_page(request, settings, errors, 422);
    }
    settings.ties_visibility = *visibility;
    ties_->save_settings(request.viewer->account_id, settings);
    http::Response response = http::Response::redirect(kSettingsPath);
    site_.set_flash(response, "flash.atlas_ties.settings_saved");
    return response;
  }

 private:
  http::Response declare_page(const http::Request& request, DeclareForm form, const web::FormErrors& errors,
                              int status) {
    const std::int64_t viewer = request.viewer->account_id;
    const std::string_view language = site_.language_of(request);
    const std::optional<std::string> name = form.member_id > 0 && form.member_id != viewer
                                                ? ties_->member_name(form.member_id)
                                                : std::nullopt;
    data page;
    page.set("title", std::string(site_.text(language, "atlas.ties.new.title")));
    if (!name) {
      // No one to declare a tie to: back to the search, with the reason.
      web::FormErrors shown = errors;
      if (shown.empty()) {
        shown.add("search", form.member_id == viewer ? "atlas.ties.errors.self" : "atlas.ties.errors.unknown_member");
      }
      shown.add_to(page, site_.catalog(), language);
      page.set("search", std::string());
      return private_page(site_.page(request, "atlas/ties_search", std::move(page), status == 200 ? 404 : status));
    }
    form.member_name = *name;
    form.networks = ties_->shared_networks(viewer, form.member_id);
    page.set("member_id", std::to_string(form.member_id));
    page.set("member_name", form.member_name);
    if (form.networks.empty()) page.set("no_shared_network", true);
    data networks(data::type::list);
    for (const auto& network : form.networks) {
      data item;
      item.set("id", std::to_string(network.id));
      item.set("name", network.name);
      if (std::to_string(network.id) == form.network) item.set("selected", true);
      networks.push_back(std::move(item));
    }
    page.set("networks", std::move(networks));
    page.set("choose_network", form.networks.size() > 1);
    if (form.networks.size() == 1) page.set("only_network", std::to_string(form.networks.front().id));
    data kinds(data::type::list);
    for (TieKind kind : kDeclaredTieKinds) {
      data item;
      item.set("value", std::string(to_string(kind)));
      item.set("label", std::string(site_.text(language, "atlas.ties.kind." + std::string(to_string(kind)))));
      if (to_string(kind) == form.kind) item.set("checked", true);
      kinds.push_back(std::move(item));
    }
    page.set("kinds", std::move(kinds));
    page.set("date", form.date);
    page.set("note", form.note);
    page.set("max_note", std::to_string(kMaxNoteLength));
    page.set("today", format_date(ties_->now()));
    errors.add_to(page, site_.catalog(), language);
    return private_page(site_.page(request, "atlas/ties_new", std::move(page), status));
  }

  http::Response settings_page(const http::Request& request, const PrivacySettings& settings,
                               const web::FormErrors& errors, int status) {
    const std::string_view language = site_.language_of(request);
    data page;
    page.set("title", std::string(site_.text(language, "atlas.settings.title")));
    page.set("visibility_network", settings.ties_visibility == TieVisibility::Network);
    page.set("visibility_connections", settings.ties_visibility == TieVisibility::Connections);
    page.set("visibility_self", settings.ties_visibility == TieVisibility::Self);
    page.set("hidden", settings.hidden);
    errors.add_to(page, site_.catalog(), language);
    return private_page(site_.page(request, "atlas/settings", std::move(page), status));
  }

  const web::Site& site_;
  std::shared_ptr<TiesService> ties_;
};

// --- JSON API

json listing_json(const ties_store::TieListing& listing) {
  json body = tie_json(listing.tie);
  body["from"] = {{"id", listing.tie.from_account}, {"name", listing.from_name}};
  body["to"] = {{"id", listing.tie.to_account}, {"name", listing.to_name}};
  body["network"] = {{"id", listing.tie.network_id}, {"slug", listing.network_slug}, {"name", listing.network_name}};
  body.erase("network_id");
  return body;
}

class TiesApi {
 public:
  TiesApi(const web::Site& site, std::shared_ptr<TiesService> ties) : site_(site), ties_(std::move(ties)) {}

  http::Response list(const http::Request& request) {
    if (!request.viewer) return api::error_response(site_.catalog(), request, api::ErrorCode::Unauthorized);
    const MyTies mine = ties_->my_ties(request.viewer->account_id);
    json body{{"confirmed", json::array()}, {"outgoing", json::array()}, {"incoming", json::array()}};
    for (const auto& listing : mine.confirmed) body["confirmed"].push_back(listing_json(listing));
    for (const auto& listing : mine.outgoing) body["outgoing"].push_back(listing_json(listing));
    for (const auto& listing : mine.incoming) body["incoming"].push_back(listing_json(listing));
    http::Response response = api::json_response(200, body);
    response.headers.set("Cache-Control", "private, no-store");
    return response;
  }

  http::Response declare(const http::Request& request) {
    const web::Catalog& catalog = site_.catalog();
    if (auto refused = refuse_write(request)) return std::move(*refused);
    if (request.body.size() > kMaxApiBodyBytes) {
      return api::error_response(catalog, request, api::ErrorCode::PayloadTooLarge);
    }
    if (!http::has_media_type(request.header("content-type"), "application/json")) {
      return api::error_response(catalog, request, api::ErrorCode::BadRequest, "atlas.ties.api.json_required");
    }
    const json body = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
    if (body.is_discarded() || !body.is_object()) {
      return api::error_response(catalog, request, api::ErrorCode::BadRequest, "atlas.ties.api.invalid_json");
    }
    std::vector<api::FieldProblem> problems;
    DeclareInput input;
    if (body.contains("member_id") && body["member_id"].is_number_integer()) {
      input.other_account = body["member_id"].get<std::int64_t>();
    } else {
      problems.push_back({"member_id", "atlas.ties.errors.unknown_member"});
    }
    if (body.contains("kind") && body["kind"].is_string()) {
      input.kind = body["kind"].get<std::string>();
    } else {
      problems.push_back({"kind", "atlas.ties.errors.kind"});
    }
    if (body.contains("date") && !body["date"].is_null()) {
      if (body["date"].is_string()) {
        input.date = body["date"].get<std::string>();
        if (input.date.empty()) problems.push_back({"date", "atlas.ties.errors.date_invalid"});
      } else {
        problems.push_back({"date", "atlas.ties.errors.date_invalid"});
      }
    }
    if (body.contains("note") && !body["note"].is_null()) {
      if (body["note"].is_string()) {
        input.note = body["note"].get<std::string>();
      } else {
        problems.push_back({"note", "atlas.ties.errors.note_invalid"});
      }
    }
    if (body.contains("network_id") && !body["network_id"].is_null()) {
      if (body["network_id"].is_number_integer()) {
        input.network_id = body["network_id"].get<std::int64_t>();
      } else {
        problems.push_back({"network_id", "atlas.ties.errors.not_your_network"});
      }
    }
    if (!problems.empty()) return api::field_error_response(catalog, request, problems);
    auto result = ties_->declare(request.viewer->account_id, input);
    if (!result.ok()) return error(request, *result.error);
    return tie_answer(request, *result.value, 201);
  }

  http::Response transition(const http::Request& request, std::string_view action) {
    if (auto refused = refuse_write(request)) return std::move(*refused);
    const auto id = http::parse_id(request.path_param("id"));
    if (!id) return api::error_response(site_.catalog(), request, api::ErrorCode::NotFound);
    const std::int64_t viewer = request.viewer->account_id;
    Result<Tie> result = action == "confirm"    ? ties_->confirm(viewer, *id)
                         : action == "decline"  ? ties_->decline(viewer, *id)
                         : action == "withdraw" ? ties_->withdraw(viewer, *id)
                                                : ties_->end(viewer, *id);
    if (!result.ok()) return error(request, *result.error);
    return tie_answer(request, *result.value, 200);
  }

 private:
  std::optional<http::Response> refuse_write(const http::Request& request) const {
    if (!request.viewer) return api::error_response(site_.catalog(), request, api::ErrorCode::Unauthorized);
    if (!request.viewer->via_api_token && !http::origin_matches_host(request)) {
      return api::error_response(site_.catalog(), request, api::ErrorCode::Forbidden, "atlas.ties.api.origin_required");
    }
    return std::nullopt;
  }

  http::Response tie_answer(const http::Request& request, const Tie& tie, int status) {
    json body = tie_json(tie);
    // The names of both sides: each is a member the caller shares a network with.
    body["from"] = {{"id", tie.from_account}, {"name", ties_->member_name(tie.from_account).value_or("")}};
    body["to"] = {{"id", tie.to_account}, {"name", ties_->member_name(tie.to_account).value_or("")}};
    (void)request;
    return api::json_response(status, json{{"tie", body}});
  }

  http::Response error(const http::Request& request, const Error& error) {
    const web::Catalog& catalog = site_.catalog();
    switch (error.failure) {
      case Failure::NotFound: return api::error_response(catalog, request, api::ErrorCode::NotFound);
      case Failure::Forbidden: return api::error_response(catalog, request, api::ErrorCode::Forbidden, error.message_key);
      case Failure::Conflict: {
        const std::string_view language = api::language_for(request);
        return api::json_response(
            409, json{{"error", {{"code", "conflict"}, {"message", std::string(catalog.text(language, error.message_key))}}}});
      }
      case Failure::Invalid: break;
    }
    // Field names in the API: member -> member_id, network -> network_id.
    std::string field = error.field.empty() ? "request" : error.field;
    if (field == "member") field = "member_id";
    if (field == "network") field = "network_id";
    return api::field_error_response(catalog, request, {{field, error.message_key}});
  }

  const web::Site& site_;
  std::shared_ptr<TiesService> ties_;
};

}  // namespace

void register_ties_routes(http::Router& router, const web::Site& site, db::Database& database, TiesOptions options) {
  site.require_templates({"atlas/ties", "atlas/ties_new", "atlas/ties_search", "atlas/settings"});
  // Undocumented routes never ship: the OpenAPI document must describe each of these.
  const auto problems = api::openapi_problems(api::openapi_document(), ties_api_routes());
  if (!problems.empty()) throw std::runtime_error("the OpenAPI document misses a ties route: " + problems.front());
  auto ties = std::make_shared<TiesService>(database, std::move(options));
  auto pages = std::make_shared<TiesPages>(site, ties);
  router.get(kTiesPath, [pages](http::Request& request) { return pages->list(request); });
  router.post(kTiesPath, [pages](http::Request& request) { return pages->declare(request); });
  router.get(kNewTiePath, [pages](http::Request& request) { return pages->new_form(request); });
  router.post("/atlas/relaties/{id}/bevestigen",
              [pages](http::Request& request) { return pages->transition(request, "confirm"); });
  router.post("/atlas/relaties/{id}/afwijzen",
              [pages](http::Request& request) { return pages->transition(request, "decline"); });
  router.post("/atlas/relaties/{id}/intrekken",
              [pages](http::Request& request) { return pages->transition(request, "withdraw"); });
  router.post("/atlas/relaties/{id}/beeindigen",
              [pages](http::Request& request) { return pages->transition(request, "end"); });
  router.get(kSettingsPath, [pages](http::Request& request) { return pages->settings_form(request); });
  router.post(kSettingsPath, [pages](http::Request& request) { return pages->save_settings(request); });

  auto api = std::make_shared<TiesApi>(site, ties);
  router.get("/api/v1/ties", [api](http::Request& request) { return api->list(request); });
  router.post("/api/v1/ties", [api](http::Request& request) { return api->declare(request); });
  for (std::string_view action : {"confirm", "decline", "withdraw", "end"}) {
    router.post("/api/v1/ties/{id}/" + std::string(action),
                [api, action](http::Request& request) { return api->transition(request, action); });
  }
}

std::span<const api::RouteSpec> ties_api_routes() {
  static constexpr api::RouteSpec kRoutes[] = {
      {http::Method::Get, "/api/v1/ties"},
      {http::Method::Post, "/api/v1/ties"},
      {http::Method::Post, "/api/v1/ties/{id}/confirm"},
      {http::Method::Post, "/api/v1/ties/{id}/decline"},
      {http::Method::Post, "/api/v1/ties/{id}/withdraw"},
      {http::Method::Post, "/api/v1/ties/{id}/end"},
  };
  return kRoutes;
}

}  // namespace atlas
