// The discussions API and the Atom feed (see api_routes.h). Answers follow api/json_responses.h.
#include "discussions/api_routes.h"

#include <charconv>
#include <nlohmann/json.hpp>
#include <variant>

#include "api/json_responses.h"
#include "discussions/feed.h"
#include "http/parsers.h"

namespace discussions {

namespace {

using nlohmann::json;

// A post may hold 64 KiB of Markdown; JSON escaping can double that. Larger bodies are refused whole.
constexpr std::size_t kMaxRequestBytes = 256 * 1024;
constexpr std::size_t kFeedEntries = 30;

// The service names form fields in Dutch (the pages' field names); the API in English.
std::string api_field(std::string_view field) {
  if (field == "titel") return "title";
  if (field == "inhoud") return "body";
  if (field == "soort") return "kind";
  return field.empty() ? "request" : std::string(field);
}

json person_json(const std::optional<std::int64_t>& id, const std::string& name, const std::string& public_url) {
  if (!id) return nullptr;  // the account is gone
  return json{{"id", *id}, {"name", name}, {"url", public_url + "/leden/" + std::to_string(*id)}};
}

json topic_json(const Topic& topic, const std::string& public_url) {
  json body;
  body["id"] = topic.id;
  body["group_id"] = topic.group_id;
  body["title"] = topic.title;
  body["kind"] = std::string(to_string(topic.kind));
  body["pinned"] = topic.pinned;
  body["closed"] = topic.closed();
  body["hidden"] = topic.hidden();
  body["author"] = person_json(topic.author_id, topic.author_name, public_url);
  body["reply_count"] = topic.reply_count;
  body["post_count"] = topic.last_post_number;
  body["accepted_reply_id"] = topic.accepted_reply_id ? json(*topic.accepted_reply_id) : json(nullptr);
  body["last_author"] = person_json(topic.last_author_id, topic.last_author_name, public_url);
  body["last_posted_at"] = rfc3339_utc(topic.last_posted_at);
  body["created_at"] = rfc3339_utc(topic.created_at);
  body["updated_at"] = rfc3339_utc(topic.updated_at);
  body["url"] = public_url + topic_path(topic.id);
  return body;
}

json post_json(const Post& post, const std::string& public_url) {
  json body;
  body["id"] = post.id;
  body["topic_id"] = post.topic_id;
  body["post_number"] = post.post_number;
  body["author"] = person_json(post.author_id, post.author_name, public_url);
  body["hidden"] = post.hidden();
  // Hidden posts reach only moderators with their text (the service has emptied it for others).
  body["body_markdown"] = post.hidden() && post.body_markdown.empty() ? json(nullptr) : json(post.body_markdown);
  body["body_html"] = post.hidden() && post.body_html.empty() ? json(nullptr) : json(post.body_html);
  body["quote_of"] = post.quote_of ? json(*post.quote_of) : json(nullptr);
  body["useful_count"] = post.useful_count;
  body["found_useful"] = post.viewer_found_useful;
  body["edited_at"] = post.edited_at ? json(rfc3339_utc(*post.edited_at)) : json(nullptr);
  body["revision_count"] = post.revision_count;
  body["created_at"] = rfc3339_utc(post.created_at);
  body["url"] = public_url + post_path(post.topic_id, post.post_number, post.id);
  return body;
}

json group_json(const GroupRef& group, const std::string& public_url) {
  return json{{"id", group.id},
              {"network_id", group.network_id},
              {"network", group.network_slug},
              {"slug", group.slug},
              {"name", group.name},
              {"url", public_url + group.path()}};
}

class DiscussionsApi {
 public:
  DiscussionsApi(const web::Site& site, Service& discussions, ApiOptions options)
      : site_(site), discussions_(discussions), options_(std::move(options)) {}

  http::Response topics(http::Request& request) {
    const auto group_id = http::parse_id(request.path_param("id"));
    if (!group_id) return not_found(request);
    const auto page = page_parameter(request);
    if (!page) return bad_page(request);
    auto list = discussions_.topics(request.viewer, *group_id, *page);
    if (!list.ok()) return error(request, list.errors);
    json items = json::array();
    for (const TopicSummary& summary : list.value->topics) {
      json item = topic_json(summary.topic, public_url());
      if (request.viewer) {
        item["visited"] = summary.visited;
        item["unread"] = summary.unread;
      }
      items.push_back(std::move(item));
    }
    return api::json_response(200, json{{"group", group_json(list.value->group, public_url())},
                                        {"topics", std::move(items)},
                                        {"page", list.value->page},
                                        {"page_count", list.value->page_count},
                                        {"per_page", kTopicsPerPage},
                                        {"total", list.value->total},
                                        {"can_post", list.value->access.can_post}});
  }

  http::Response topic(http::Request& request) {
    const auto topic_id = http::parse_id(request.path_param("id"));
    if (!topic_id) return not_found(request);
    const auto page = page_parameter(request);
    if (!page) return bad_page(request);
    auto view = discussions_.topic_page(request.viewer, *topic_id, *page);
    if (!view.ok()) return error(request, view.errors);
    json body = topic_json(view.value->topic, public_url());
    body["group"] = group_json(view.value->group, public_url());
    json posts = json::array();
    for (const Post& post : view.value->posts) posts.push_back(post_json(post, public_url()));
    body["posts"] = std::move(posts);
    body["accepted"] = view.value->accepted ? post_json(*view.value->accepted, public_url()) : json(nullptr);
    body["page"] = view.value->page;
    body["page_count"] = view.value->page_count;
    body["per_page"] = kPostsPerPage;
    const Permissions& can = view.value->can;
    body["permissions"] = json{{"reply", can.reply}, {"react", can.react}, {"flag", can.flag},
                               {"accept", can.accept}, {"moderate", can.moderate}};
    return api::json_response(200, body);
  }

  http::Response create_topic(http::Request& request) {
    const auto group_id = http::parse_id(request.path_param("id"));
    if (auto refused = refuse_write(request)) return std::move(*refused);
    if (!group_id) return not_found(request);
    auto read = read_body(request);
    if (auto* refused = std::get_if<http::Response>(&read)) return std::move(*refused);
    const json* body = &std::get<json>(read);
    std::vector<api::FieldProblem> problems;
    NewTopic input;
    input.title = text_field(*body, "title", problems);
    input.body = text_field(*body, "body", problems);
    if (body->contains("kind")) {
      const auto kind = (*body)["kind"].is_string() ? kind_from((*body)["kind"].get<std::string>()) : std::nullopt;
      if (!kind) problems.push_back({"kind", "api.fields.kind"});
      if (kind) input.kind = *kind;
    }
    if (!problems.empty()) return api::field_error_response(site_.catalog(), request, problems);
    auto created = discussions_.create_topic(request.viewer, *group_id, input);
    if (!created.ok()) return error(request, created.errors);
    http::Response response = api::json_response(201, topic_json(*created.value, public_url()));
    response.headers.set("Location", public_url() + "/api/v1/topics/" + std::to_string(created.value->id));
    return response;
  }

  http::Response reply(http::Request& request) {
    const auto topic_id = http::parse_id(request.path_param("id"));
    if (auto refused = refuse_write(request)) return std::move(*refused);
    if (!topic_id) return not_found(request);
    auto read = read_body(request);
    if (auto* refused = std::get_if<http::Response>(&read)) return std::move(*refused);
    const json* body = &std::get<json>(read);
    std::vector<api::FieldProblem> problems;
    NewReply input;
    input.body = text_field(*body, "body", problems);
    if (body->contains("quote_of") && !(*body)["quote_of"].is_null()) {
      const json& quote = (*body)["quote_of"];
      if (quote.is_number_integer() && quote.get<std::int64_t>() > 0) {
        input.quote_of = quote.get<std::int64_t>();
      } else {
        problems.push_back({"quote_of", "api.fields.quote_of"});
      }
    }
    if (!problems.empty()) return api::field_error_response(site_.catalog(), request, problems);
    auto posted = discussions_.reply(request.viewer, *topic_id, input);
    if (!posted.ok()) return error(request, posted.errors);
    http::Response response = api::json_response(201, post_json(*posted.value, public_url()));
    response.headers.set("Location", public_url() + post_path(*topic_id, posted.value->post_number,
                                                                     posted.value->id));
    return response;
  }

 private:
  std::optional<std::int64_t> page_parameter(const http::Request& request) const {
    const http::FormData query = http::FormData::parse(request.query);
    const auto text = query.get("page");
    if (!text || text->empty()) return 1;
    return http::parse_id(*text);
  }

  http::Response bad_page(const http::Request& request) const {
    return api::field_error_response(site_.catalog(), request, {{"page", "api.fields.page"}},
                                     api::ErrorCode::BadRequest);
  }

  http::Response not_found(const http::Request& request) const {
    return api::error_response(site_.catalog(), request, api::ErrorCode::NotFound);
  }

  // Who may write at all: a member (token or session); with the session, only from our own pages.
  std::optional<http::Response> refuse_write(const http::Request& request) const {
    const web::Catalog& catalog = site_.catalog();
    if (!request.viewer || request.viewer->account_id == 0)
      return api::error_response(catalog, request, api::ErrorCode::Unauthorized);
    if (!request.viewer->via_api_token && !http::origin_matches_host(request))
      return api::error_response(catalog, request, api::ErrorCode::Forbidden, "api.errors.origin_required");
    return std::nullopt;
  }

  // The request's JSON object, or the answer that refuses it.
  std::variant<json, http::Response> read_body(const http::Request& request) const {
    const web::Catalog& catalog = site_.catalog();
    if (request.body.size() > kMaxRequestBytes)
      return api::error_response(catalog, request, api::ErrorCode::PayloadTooLarge);
    if (!http::has_media_type(request.header("content-type"), "application/json"))
      return api::error_response(catalog, request, api::ErrorCode::BadRequest, "api.errors.json_required");
    json body = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
    if (body.is_discarded() || !body.is_object())
      return api::error_response(catalog, request, api::ErrorCode::BadRequest, "api.errors.invalid_json");
    return body;
  }

  static std::string text_field(const json& body, const char* name, std::vector<api::FieldProblem>& problems) {
    if (!body.contains(name)) {
      problems.push_back({name, "api.fields.required"});
      return {};
    }
    if (!body[name].is_string()) {
      problems.push_back({name, "api.fields.not_a_string"});
      return {};
    }
    return body[name].get<std::string>();
  }

  // The service's refusal in the API's shape: input problems name their fields (422, or 413 for an
  // over-long post), the rest is the status of the failure with the service's message.
  http::Response error(const http::Request& request, const std::vector<Error>& errors) const {
    const web::Catalog& catalog = site_.catalog();
    const Error& first = errors.front();
    switch (first.failure) {
      case Failure::NotFound: return not_found(request);
      case Failure::Forbidden:
        return api::error_response(catalog, request, api::ErrorCode::Forbidden, first.message_key);
      case Failure::Conflict: {
        const std::string_view language = api::language_for(request);
        return api::json_response(409, json{{"error",
                                             {{"code", "conflict"},
                                              {"reason", api::field_code(first.message_key)},
                                              {"message", std::string(catalog.text(language, first.message_key))}}}});
      }
      case Failure::Invalid:
      case Failure::TooLarge: {
        std::vector<api::FieldProblem> problems;
        bool too_large = false;
        for (const Error& error : errors) {
          problems.push_back({api_field(error.field), error.message_key});
          too_large = too_large || error.failure == Failure::TooLarge;
        }
        return api::field_error_response(catalog, request, problems,
                                         too_large ? api::ErrorCode::PayloadTooLarge : api::ErrorCode::Unprocessable);
      }
    }
    return api::error_response(catalog, request, api::ErrorCode::Internal);
  }

  std::string public_url() const { return options_.public_url ? options_.public_url() : std::string(); }

  const web::Site& site_;
  Service& discussions_;
  ApiOptions options_;
};

}  // namespace

std::span<const api::RouteSpec> api_routes() {
  static constexpr api::RouteSpec kRoutes[] = {
      {http::Method::Get, "/api/v1/groups/{id}/topics"},
      {http::Method::Post, "/api/v1/groups/{id}/topics"},
      {http::Method::Get, "/api/v1/topics/{id}"},
      {http::Method::Post, "/api/v1/topics/{id}/replies"},
  };
  return kRoutes;
}

std::string feed_path(const GroupRef& group) { return group.path() + "/feed.atom"; }

void register_api_routes(http::Router& router, const web::Site& site, Service& discussions,
                         regions::Service& regions, db::Database& database, ApiOptions options) {
  // Undocumented routes never ship: the OpenAPI document must describe each of these.
  const auto problems = api::openapi_problems(api::openapi_document(), api_routes());
  if (!problems.empty())
    throw std::runtime_error("the OpenAPI document misses a discussions route: " + problems.front());
  auto api = std::make_shared<DiscussionsApi>(site, discussions, options);
  router.get("/api/v1/groups/{id}/topics", [api](http::Request& request) { return api->topics(request); });
  router.post("/api/v1/groups/{id}/topics", [api](http::Request& request) { return api->create_topic(request); });
  router.get("/api/v1/topics/{id}", [api](http::Request& request) { return api->topic(request); });
  router.post("/api/v1/topics/{id}/replies", [api](http::Request& request) { return api->reply(request); });

  router.get("/groepen/{network}/{group}/feed.atom", [&site, &database, &regions, options](http::Request& request) {
    auto feed = public_group_feed(database, request.path_param("network"), request.path_param("group"), kFeedEntries);
    if (!feed) return site.error_page(&request, 404);  // no such group, or not public: no feed
    const std::string public_url = options.public_url ? options.public_url() : std::string();
    const GroupRef& group = feed->group;
    // The feed's id must never change: a tag URI of the site's host and the group's id, so renaming
    // the group (or its slug) does not make readers see a new feed.
    std::string host(public_url);
    if (const auto scheme = host.find("://"); scheme != std::string::npos) host.erase(0, scheme + 3);
    host = host.substr(0, host.find_first_of(":/"));
    Feed atom;
    atom.id = "tag:" + host + ",2024:knooppunt:group:" + std::to_string(group.id);
    atom.title = group.name;
    if (const auto network = regions.overview(group.network_slug)) {
      atom.title = group.name + " - " + network->network.name;
      for (const regions::KnowledgeGroup& candidate : network->groups) {
        if (candidate.id != group.id) continue;
        atom.subtitle = candidate.description;
        atom.updated = candidate.created_at;
      }
    }
    atom.html_url = public_url + group.path();
    atom.self_url = public_url + feed_path(group);
    atom.base_url = public_url;
    atom.language = "nl";
    atom.generator_version = options.version;
    for (const FeedTopic& topic : feed->topics) {
      FeedEntry entry;
      entry.url = public_url + topic_path(topic.topic.id);
      entry.title = topic.topic.title;
      entry.author_name = topic.topic.author_name;
      entry.published = topic.topic.created_at;
      entry.updated = topic.topic.last_posted_at;
      entry.content_html = topic.opening_html;
      atom.updated = std::max(atom.updated, entry.updated);
      atom.entries.push_back(std::move(entry));
    }
    http::Response response;
    response.status = 200;
    response.headers.set("Content-Type", std::string(kAtomContentType));
    response.headers.set("Cache-Control", "public, max-age=300");
    response.body = render_atom(atom);
    return response;
  });
}

}  // namespace discussions
