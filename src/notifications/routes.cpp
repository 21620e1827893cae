#include "notifications/routes.h"

#include <charconv>
#include <map>
#include <memory>

#include "events/format.h"
#include "groups/header.h"
#include "http/parsers.h"
#include "notifications/watch.h"

namespace notifications {

namespace {

using kainjow::mustache::data;

std::string fill(std::string_view text, const std::map<std::string, std::string>& values) {
  std::string out(text);
  for (const auto& [name, value] : values) {
    const std::string marker = "{" + name + "}";
    for (std::size_t at = out.find(marker); at != std::string::npos; at = out.find(marker, at + value.size())) {
      out.replace(at, marker.size(), value);
    }
  }
  return out;
}

http::Response sign_in_redirect(const http::Request& request) {
  return http::Response::redirect("/inloggen?next=" + http::percent_encode(web::local_path_or_root(request.target)));
}

http::Response redirect_with_flash(const web::Site& site, std::string_view location, std::string_view flash_key) {
  http::Response response = http::Response::redirect(location);
  site.set_flash(response, flash_key);
  return response;
}

// A browser's signed-in member (API tokens do not use these pages).
const http::Viewer* member_of(const http::Request& request) {
  if (!request.viewer || request.viewer->via_api_token || request.viewer->account_id == 0) return nullptr;
  return &*request.viewer;
}

class Routes {
 public:
  Routes(const web::Site& site, Service& service, groups::Service& groups)
      : site_(site), service_(service), groups_(groups) {}

  data item_data(std::string_view language, const Item& item) const {
    data entry;
    entry.set("title", item.title);
    if (!item.excerpt.empty()) entry.set("excerpt", item.excerpt);
    entry.set("href", item.path);
    entry.set("kind", service_.item_kind_text(language, item.kind));
    entry.set("actor", item.actor_id != 0 && !item.actor_name.empty()
                           ? item.actor_name
                           : std::string(site_.text(language, "notifications.former_member")));
    if (!item.group_name.empty()) entry.set("group", item.group_name);
    entry.set("when", events::format_date(item.created_at, kTimezone, language) + ", " +
                          events::format_clock(item.created_at, kTimezone));
    entry.set("iso", events::format_input(item.created_at, kTimezone));
    return entry;
  }

  data items_data(std::string_view language, const std::vector<Item>& items) const {
    data list(data::type::list);
    for (const Item& item : items) list.push_back(item_data(language, item));
    return list;
  }

  http::Response list(const http::Request& request) {
    const http::Viewer* viewer = member_of(request);
    if (viewer == nullptr) return sign_in_redirect(request);
    const std::string_view language = site_.language_of(request);
    const http::FormData query = http::FormData::parse(request.query);
    const std::size_t page = static_cast<std::size_t>(http::parse_id(query.value_or("pagina", "1")).value_or(1));
    const NotificationList result = service_.notifications(viewer->account_id, std::min<std::size_t>(page, 10000));

    data notifications(data::type::list);
    for (const Notification& notification : result.notifications) {
      data entry = item_data(language, notification.item);
      entry.set("href", "/meldingen/" + std::to_string(notification.id));
      entry.set("unread", !notification.read_at.has_value());
      entry.set("reason", std::string(site_.text(
                              language, "notifications.reason." + std::string(to_string(notification.reason)))));
      notifications.push_back(entry);
    }
    data page_data;
    page_data.set("title", std::string(site_.text(language, "notifications.list.title")));
    page_data.set("notifications", notifications);
    page_data.set("has_notifications", !result.notifications.empty());
    page_data.set("has_unread", result.unread > 0);
    page_data.set("unread_text",
                  fill(site_.text(language, result.unread == 1 ? "notifications.list.unread_one"
                                                               : "notifications.list.unread_many"),
                       {{"n", std::to_string(result.unread)}}));
    if (result.page > 1) page_data.set("previous_href", "/meldingen?pagina=" + std::to_string(result.page - 1));
    if (result.has_more) page_data.set("next_href", "/meldingen?pagina=" + std::to_string(result.page + 1));
    return site_.page(request, "notifications/list", std::move(page_data));
  }

  http::Response open(const http::Request& request) {
    const http::Viewer* viewer = member_of(request);
    if (viewer == nullptr) return sign_in_redirect(request);
    const auto id = http::parse_id(request.path_param("id"));
    if (!id) return site_.error_page(&request, 404);
    const auto path = service_.open(viewer->account_id, *id);
    if (!path) return site_.error_page(&request, 404);
    return http::Response::redirect(web::local_path_or_root(*path));
  }

  http::Response mark_all_read(const http::Request& request) {
    const http::FormData form = http::FormData::parse(request.body);
    if (!site_.csrf_ok(request, form)) return site_.error_page(&request, 403);
    const http::Viewer* viewer = member_of(request);
    if (viewer == nullptr) return sign_in_redirect(request);
    service_.mark_all_read(viewer->account_id);
    return redirect_with_flash(site_, kListPath, "flash.notifications.all_read");
  }

  http::Response settings_page(const http::Request& request, bool mail_immediate, std::string_view digest,
                               const web::FormErrors& errors, int status) {
    const std::string_view language = site_.language_of(request);
    data page;
    page.set("title", std::string(site_.text(language, "notifications.settings.title")));
    page.set("mail_immediate", mail_immediate);
    page.set("digest_daily", digest == "daily");
    page.set("digest_weekly", digest == "weekly");
    page.set("digest_never", digest == "never");
    errors.add_to(page, site_.catalog(), language);
    return site_.page(request, "notifications/settings", std::move(page), status);
  }

  http::Response settings(const http::Request& request) {
    const http::Viewer* viewer = member_of(request);
    if (viewer == nullptr) return sign_in_redirect(request);
    const Settings current = service_.settings(viewer->account_id);
    return settings_page(request, current.mail_immediate, to_string(current.digest), web::FormErrors{}, 200);
  }

  http::Response save_settings(const http::Request& request) {
    const http::FormData form = http::FormData::parse(request.body);
    if (!site_.csrf_ok(request, form)) return site_.error_page(&request, 403);
    const http::Viewer* viewer = member_of(request);
    if (viewer == nullptr) return sign_in_redirect(request);
    const bool mail_immediate = form.value_or("direct", "") == "1";
    const std::string_view digest_text = form.value_or("samenvatting", "");
    const auto digest = digest_frequency_from(digest_text);
    if (!digest) {
      web::FormErrors errors;
      errors.add("samenvatting", "notifications.settings.digest_invalid");
      return settings_page(request, mail_immediate, "", errors, 422);
    }
    service_.save_settings(viewer->account_id, mail_immediate, *digest);
    return redirect_with_flash(site_, kSettingsPath, "flash.notifications.settings_saved");
  }

  http::Response watch(const http::Request& request) {
    const http::FormData form = http::FormData::parse(request.body);
    if (!site_.csrf_ok(request, form)) return site_.error_page(&request, 403);
    const http::Viewer* viewer = member_of(request);
    if (viewer == nullptr) return sign_in_redirect(request);
    const auto target = target_from(form.value_or("doel", ""));
    const auto id = http::parse_id(form.value_or("id", ""));
    const auto level = level_from(form.value_or("niveau", ""));
    if (!target || !id || !level) return site_.error_page(&request, 400);
    switch (service_.set_watch_level(*viewer, *target, *id, *level)) {
      case WatchOutcome::NotFound: return site_.error_page(&request, 404);
      case WatchOutcome::Forbidden: return site_.error_page(&request, 403);
      case WatchOutcome::Saved: break;
    }
    return redirect_with_flash(site_, web::local_path_or_root(form.value_or("next", "/")),
                               "flash.notifications.watch_saved");
  }

  http::Response home(const http::Request& request) {
    const http::Viewer* viewer = member_of(request);
    if (viewer == nullptr) return sign_in_redirect(request);
    const std::string_view language = site_.language_of(request);
    const http::FormData query = http::FormData::parse(request.query);
    const Stream stream = service_.home_stream(*viewer, http::parse_id(query.value_or("voor", "")));
    data page;
    page.set("title", std::string(site_.text(language, "notifications.home.title")));
    page.set("items", items_data(language, stream.items));
    page.set("has_items", !stream.items.empty());
    if (stream.next_before) page.set("next_href", std::string(kHomePath) + "?voor=" + std::to_string(*stream.next_before));
    return site_.page(request, "notifications/home", std::move(page));
  }

  http::Response group(const http::Request& request) {
    const std::string network_slug(request.path_param("network"));
    const std::string group_slug(request.path_param("group"));
    const auto header = groups_.header(request.viewer, network_slug, group_slug);
    if (!header) return site_.error_page(&request, 404);
    if (!header->access.can_view) return site_.error_page(&request, header->signed_in ? 403 : 404);
    const std::string_view language = site_.language_of(request);
    const http::FormData query = http::FormData::parse(request.query);
    const Stream stream = service_.group_stream(request.viewer, header->group.id, http::parse_id(query.value_or("voor", "")));
    data page;
    page.set("title", std::string(site_.text(language, "notifications.group.title")) + " · " + header->group.name);
    page.set("group_header", groups::header_data(*header, groups::kTabActivity));
    page.set("items", items_data(language, stream.items));
    page.set("has_items", !stream.items.empty());
    const std::string base = "/groepen/" + network_slug + "/" + group_slug + "/activiteit";
    if (stream.next_before) page.set("next_href", base + "?voor=" + std::to_string(*stream.next_before));
    if (const http::Viewer* viewer = member_of(request)) {
      page.set("watch_level", service_.watch_form(*viewer, Target::Group, header->group.id, base));
    }
    return site_.page(request, "notifications/group_activity", std::move(page));
  }

  http::Response unsubscribe_page(const http::Request& request) {
    const std::string_view language = site_.language_of(request);
    data page;
    page.set("title", std::string(site_.text(language, "notifications.unsubscribe.title")));
    const auto unsubscription = service_.verify_unsubscribe(request.path_param("token"));
    if (!unsubscription) {
      page.set("invalid", true);
      return site_.page(request, "notifications/unsubscribe", std::move(page), 400);
    }
    page.set("confirm", true);
    page.set("action", request.path);
    page.set("scope_digest", unsubscription->scope == UnsubscribeScope::Digest);
    page.set("scope_immediate", unsubscription->scope == UnsubscribeScope::Immediate);
    http::Response response = site_.page(request, "notifications/unsubscribe", std::move(page));
    response.headers.set("Referrer-Policy", "no-referrer");  // the token stays out of other sites' logs
    return response;
  }

  // RFC 8058: mail clients POST "List-Unsubscribe=One-Click" here without cookies; the signed token
  // is all the authorisation there is, so no CSRF token is asked (a forged request can only turn
  // mail off for the token's own account).
  http::Response unsubscribe(const http::Request& request) {
    const std::string_view language = site_.language_of(request);
    data page;
    page.set("title", std::string(site_.text(language, "notifications.unsubscribe.title")));
    const auto unsubscription = service_.verify_unsubscribe(request.path_param("token"));
    if (!unsubscription) {
      page.set("invalid", true);
      return site_.page(request, "notifications/unsubscribe", std::move(page), 400);
    }
    if (!service_.unsubscribe(*unsubscription)) {
      page.set("invalid", true);
      return site_.page(request, "notifications/unsubscribe", std::move(page), 404);
    }
    page.set("done", true);
    page.set("scope_digest", unsubscription->scope == UnsubscribeScope::Digest);
    page.set("scope_immediate", unsubscription->scope == UnsubscribeScope::Immediate);
    return site_.page(request, "notifications/unsubscribe", std::move(page));
  }

 private:
  const web::Site& site_;
  Service& service_;
  groups::Service& groups_;
};

}  // namespace

void register_routes(http::Router& router, const web::Site& site, Service& notifications, groups::Service& groups) {
  site.require_templates({"notifications/list", "notifications/home", "notifications/group_activity",
                          "notifications/settings", "notifications/unsubscribe"});
  // The handlers share one Routes object, kept alive by the router's handlers.
  auto routes = std::make_shared<Routes>(site, notifications, groups);
  using Page = http::Response (Routes::*)(const http::Request&);
  auto bind = [&](Page page) { return [routes, page](http::Request& request) { return ((*routes).*page)(request); }; };
  router.get(kListPath, bind(&Routes::list));
  router.get("/meldingen/{id}", bind(&Routes::open));
  router.post("/meldingen/gelezen", bind(&Routes::mark_all_read));
  router.get(kSettingsPath, bind(&Routes::settings));
  router.post(kSettingsPath, bind(&Routes::save_settings));
  router.post(kWatchPath, bind(&Routes::watch));
  router.get(kHomePath, bind(&Routes::home));
  router.get("/groepen/{network}/{group}/activiteit", bind(&Routes::group));
  router.get(std::string(kUnsubscribePath) + "/{token}", bind(&Routes::unsubscribe_page));
  router.post(std::string(kUnsubscribePath) + "/{token}", bind(&Routes::unsubscribe));
}

}  // namespace notifications
