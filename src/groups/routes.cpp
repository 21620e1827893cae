#include "groups/routes.h"

#include <charconv>
#include <string>
#include <utility>

#include "events/format.h"
#include "groups/header.h"
#include "http/parsers.h"

namespace groups {

namespace {

using kainjow::mustache::data;

constexpr std::string_view kIndexTemplate = "groups/index";
constexpr std::string_view kHomeTemplate = "groups/home";
constexpr std::string_view kMembersTemplate = "groups/members";
constexpr std::string_view kNewTemplate = "groups/new";
constexpr std::string_view kSettingsTemplate = "groups/settings";
constexpr std::string_view kRequestTemplate = "groups/request";
constexpr std::string_view kLeaveTemplate = "groups/leave";
constexpr std::string_view kTimezone = "Europe/Amsterdam";

http::Response private_page(http::Response response) {
  // What a group page shows depends on who asks: never let a shared cache keep it.
  response.headers.set("Cache-Control", "private, no-cache");
  return response;
}

http::Response sign_in_redirect(const http::Request& request, std::string_view next) {
  (void)request;
  return http::Response::redirect("/inloggen?next=" + http::percent_encode(next));
}

http::Response redirect_with_flash(const web::Site& site, const std::string& location, std::string_view key) {
  http::Response response = http::Response::redirect(location);
  site.set_flash(response, key);
  return response;
}

void add_errors(const web::Site& site, std::string_view language, data& page, const std::vector<Error>& errors) {
  web::FormErrors form_errors;
  for (const Error& error : errors) form_errors.add(error.field.empty() ? "inhoud" : error.field, error.message_key);
  form_errors.add_to(page, site.catalog(), language);
}

// A refused action on a group page: the group's page again with the reason at the top, in the
// status the failure deserves (409 conflict, 403, 404, 422).
http::Response refused(const web::Site& site, const http::Request& request, const Error& error) {
  if (error.failure == Failure::NotFound && error.message_key == "error.404.title") {
    return site.error_page(&request, 404);
  }
  const std::string_view language = site.language_of(request);
  data page;
  page.set("title", std::string(site.text(language, "groups.title")));
  page.set("message", std::string(site.text(language, error.message_key)));
  page.set("back", web::local_path_or_root(std::string(request.path.substr(0, request.path.rfind('/')))));
  return private_page(site.page(request, "groups/refused", std::move(page), http_status(error.failure)));
}

std::string date_of(std::int64_t at, std::string_view language) { return events::format_date(at, kTimezone, language); }

data member_item(const Membership& row, std::string_view language) {
  data item;
  item.set("id", std::to_string(row.account_id));
  item.set("name", row.name);
  item.set("host", row.role == Role::Host);
  if (row.joined_at) item.set("since", date_of(*row.joined_at, language));
  item.set("created", date_of(row.created_at, language));
  if (!row.message.empty()) item.set("message", row.message);
  return item;
}

data listing_item(const GroupListing& listing, std::string_view language) {
  (void)language;
  const Group& group = listing.group;
  data item;
  item.set("url", group.url());
  item.set("name", group.name);
  if (!group.image_path.empty()) item.set("image_url", group.image_url());
  if (!group.description_html.empty()) {
    item.set("description_html", group.description_html);
  } else if (!group.description.empty()) {
    item.set("description", group.description);
  }
  item.set("member_count", std::to_string(group.member_count));
  item.set("one_member", group.member_count == 1);
  item.set("visibility_" + std::string(to_string(group.visibility)), true);
  if (listing.mine) {
    switch (listing.mine->state) {
      case MemberState::Active:
        item.set(listing.access.host ? "state_host" : "state_member", listing.access.group_member);
        break;
      case MemberState::Requested: item.set("state_requested", true); break;
      case MemberState::Invited: item.set("state_invited", true); break;
    }
  }
  return item;
}

// The data every page of one group starts with: the title and the header with the active tab.
data group_page(const GroupHeader& header, std::string_view active_tab) {
  data page;
  page.set("title", header.group.name);
  page.set("group_header", header_data(header, active_tab));
  page.set("group_url", header.group.url());
  page.set("group_id", std::to_string(header.group.id));
  if (header.group.visibility == Visibility::Public) {  // the group's Atom feed, in the page's head
    page.set("head_feed_url", header.group.url() + "/feed.atom");
    page.set("head_feed_title", header.group.name);
  }
  return page;
}

// The visitor may not know the group exists: 404. A member who may see its face but not its
// content: 403.
http::Response hidden_content(const web::Site& site, const http::Request& request, const GroupHeader& header) {
  return site.error_page(&request, header.signed_in ? 403 : 404);
}

data choices(const web::Site& site, std::string_view language, std::string_view prefix,
             std::initializer_list<std::string_view> values, std::string_view chosen) {
  data list(data::type::list);
  for (std::string_view value : values) {
    data item;
    item.set("value", std::string(value));
    item.set("label", std::string(site.text(language, std::string(prefix) + std::string(value))));
    if (value == chosen) item.set("checked", true);
    list.push_back(item);
  }
  return list;
}

void add_choices(const web::Site& site, std::string_view language, data& page, std::string_view policy,
                 std::string_view visibility) {
  page.set("policies", choices(site, language, "groups.policy.", {"open", "request", "invitation"}, policy));
  page.set("visibilities",
           choices(site, language, "groups.visibility.", {"public", "network", "group"}, visibility));
}

class Pages {
 public:
  Pages(const web::Site& site, Service& service, notifications::WatchForm watch_form)
      : site_(site), service_(service), watch_form_(std::move(watch_form)) {}

  http::Response root(const http::Request& request) {
    const auto networks = service_.networks();
    if (networks.empty()) return site_.error_page(&request, 404);
    // The viewer's own network first, else the installation's first network.
    for (const store::NetworkRef& network : networks) {
      auto groups = service_.network_groups(request.viewer, network.slug);
      if (groups && groups->can_create) return http::Response::redirect("/groepen/" + network.slug, 302);
      if (groups) {
        for (const GroupListing& listing : groups->active) {
          if (listing.access.network_member) return http::Response::redirect("/groepen/" + network.slug, 302);
        }
      }
    }
    return http::Response::redirect("/groepen/" + networks.front().slug, 302);
  }

  http::Response index(const http::Request& request) {
    const std::string_view language = site_.language_of(request);
    const auto groups = service_.network_groups(request.viewer, request.path_param("network"));
    if (!groups) return site_.error_page(&request, 404);
    data page;
    page.set("title", std::string(site_.text(language, "groups.title")) + " · " + groups->network.name);
    page.set("network_name", groups->network.name);
    page.set("network_slug", groups->network.slug);
    data active(data::type::list);
    for (const GroupListing& listing : groups->active) active.push_back(listing_item(listing, language));
    data archived(data::type::list);
    for (const GroupListing& listing : groups->archived) archived.push_back(listing_item(listing, language));
    page.set("groups", active);
    page.set("has_groups", !groups->active.empty());
    page.set("archived", archived);
    page.set("has_archived", !groups->archived.empty());
    page.set("can_create", groups->can_create);
    data others(data::type::list);
    bool has_others = false;
    for (const store::NetworkRef& network : service_.networks()) {
      if (network.id == groups->network.id) continue;
      has_others = true;
      data item;
      item.set("slug", network.slug);
      item.set("name", network.name);
      others.push_back(item);
    }
    page.set("has_others", has_others);
    page.set("others", others);
    return private_page(site_.page(request, kIndexTemplate, std::move(page)));
  }

  http::Response home(const http::Request& request) {
    const auto header = service_.header(request.viewer, request.path_param("network"), request.path_param("group"));
    if (!header) return site_.error_page(&request, 404);
    data page = group_page(*header, kTabHome);
    const Group& group = header->group;
    if (!group.description_html.empty()) {
      page.set("description_html", group.description_html);
    } else if (!group.description.empty()) {
      page.set("description", group.description);
    }
    data hosts(data::type::list);
    for (const std::string& name : header->host_names) {
      data item;
      item.set("name", name);
      hosts.push_back(item);
    }
    page.set("hosts", hosts);
    page.set("has_hosts", !header->host_names.empty());
    const std::string_view language = site_.language_of(request);
    page.set("policy", std::string(site_.text(language, "groups.policy." + std::string(to_string(group.join_policy)))));
    page.set("visibility",
             std::string(site_.text(language, "groups.visibility." + std::string(to_string(group.visibility)))));
    page.set("content_hidden", !header->access.can_view);
    page.set("archived", group.archived());
    if (request.viewer && watch_form_ && header->access.can_view && !group.archived()) {
      page.set("watch_level", watch_form_(*request.viewer, notifications::Target::Group, group.id, group.url()));
    }
    return private_page(site_.page(request, kHomeTemplate, std::move(page)));
  }

  http::Response members(const http::Request& request) {
    const auto result =
        service_.member_page(request.viewer, request.path_param("network"), request.path_param("group"));
    if (!result) return site_.error_page(&request, 404);
    if (!result->header.access.can_view) return hidden_content(site_, request, result->header);
    const std::string_view language = site_.language_of(request);
    data page = group_page(result->header, kTabMembers);
    auto list_of = [&](const std::vector<Membership>& rows) {
      data list(data::type::list);
      for (const Membership& row : rows) {
        data item = member_item(row, language);
        if (result->can_manage && request.viewer && row.account_id != request.viewer->account_id) {
          item.set("manage", true);
        }
        list.push_back(item);
      }
      return list;
    };
    page.set("hosts", list_of(result->hosts));
    page.set("members", list_of(result->members));
    page.set("has_members", !result->members.empty());
    page.set("has_anyone", !result->hosts.empty() || !result->members.empty());
    page.set("can_manage", result->can_manage);
    page.set("requests", list_of(result->requests));
    page.set("has_requests", !result->requests.empty());
    page.set("invitations", list_of(result->invitations));
    page.set("has_invitations", !result->invitations.empty());
    data candidates(data::type::list);
    for (const store::Candidate& candidate : result->candidates) {
      data item;
      item.set("id", std::to_string(candidate.account_id));
      item.set("name", candidate.name);
      candidates.push_back(item);
    }
    page.set("candidates", candidates);
    page.set("has_candidates", !result->candidates.empty());
    return private_page(site_.page(request, kMembersTemplate, std::move(page)));
  }

  http::Response image(const http::Request& request) {
    auto bytes = service_.image(request.viewer, request.path_param("network"), request.path_param("group"));
    if (!bytes) return site_.error_page(&request, 404);
    http::Response response;
    response.status = 200;
    response.body = std::move(*bytes);
    response.headers.set("Content-Type", "image/jpeg");
    // A new image gets a new URL (?v=); who may see it depends on the group's visibility.
    response.headers.set("Cache-Control", "private, max-age=86400");
    return response;
  }

  // --- the viewer's own membership

  // Reads the group for a membership form, checking CSRF first. Answers the error response, or
  // gives the group's header.
  std::variant<http::Response, GroupHeader> form_group(const http::Request& request, const http::FormData& form) {
    if (!site_.csrf_ok(request, form)) return site_.error_page(&request, 403);
    auto header = service_.header(request.viewer, request.path_param("network"), request.path_param("group"));
    if (!header) return site_.error_page(&request, 404);
    if (!request.viewer) return sign_in_redirect(request, header->group.url());
    return std::move(*header);
  }

  http::Response join(const http::Request& request) {
    const auto form = http::FormData::parse(request.body);
    auto found = form_group(request, form);
    if (auto* response = std::get_if<http::Response>(&found)) return std::move(*response);
    const GroupHeader& header = std::get<GroupHeader>(found);
    const auto result = service_.join(request.viewer, header.group.id);
    if (!result.ok()) return refused(site_, request, result.error());
    return redirect_with_flash(site_, header.group.url(), "flash.groups.joined");
  }

  http::Response request_form(const http::Request& request, const GroupHeader& header, const http::FormData* form,
                              const std::vector<Error>& errors, int status) {
    const std::string_view language = site_.language_of(request);
    data page = group_page(header, kTabHome);
    page.set("title", std::string(site_.text(language, "groups.request.title")) + " · " + header.group.name);
    page.set("boodschap", std::string(form ? form->value_or("boodschap", "") : ""));
    add_errors(site_, language, page, errors);
    return private_page(site_.page(request, kRequestTemplate, std::move(page), status));
  }

  http::Response show_request_form(const http::Request& request) {
    auto header = service_.header(request.viewer, request.path_param("network"), request.path_param("group"));
    if (!header) return site_.error_page(&request, 404);
    if (!request.viewer) return sign_in_redirect(request, request.path);
    if (!header->access.can_request) return http::Response::redirect(header->group.url());
    return request_form(request, *header, nullptr, {}, 200);
  }

  http::Response send_request(const http::Request& request) {
    const auto form = http::FormData::parse(request.body);
    auto found = form_group(request, form);
    if (auto* response = std::get_if<http::Response>(&found)) return std::move(*response);
    const GroupHeader& header = std::get<GroupHeader>(found);
    const auto result = service_.request(request.viewer, header.group.id, form.value_or("boodschap", ""));
    if (!result.ok()) {
      if (result.error().failure == Failure::Invalid) return request_form(request, header, &form, result.errors, 422);
      return refused(site_, request, result.error());
    }
    return redirect_with_flash(site_, header.group.url(), "flash.groups.requested");
  }

  http::Response leave_form(const http::Request& request, const GroupHeader& header, const std::vector<Error>& errors,
                            int status) {
    const std::string_view language = site_.language_of(request);
    data page = group_page(header, kTabHome);
    page.set("title", std::string(site_.text(language, "groups.leave.title")) + " · " + header.group.name);
    // The last host of a group with other members names a successor.
    if (header.access.host && header.host_names.size() == 1) {
      const auto members = service_.member_page(request.viewer, header.group.network_slug, header.group.slug);
      data list(data::type::list);
      if (members) {
        for (const Membership& row : members->members) {
          data item;
          item.set("id", std::to_string(row.account_id));
          item.set("name", row.name);
          list.push_back(item);
        }
        page.set("needs_successor", !members->members.empty());
      }
      page.set("successors", list);
    }
    add_errors(site_, language, page, errors);
    return private_page(site_.page(request, kLeaveTemplate, std::move(page), status));
  }

  http::Response show_leave_form(const http::Request& request) {
    auto header = service_.header(request.viewer, request.path_param("network"), request.path_param("group"));
    if (!header) return site_.error_page(&request, 404);
    if (!request.viewer) return sign_in_redirect(request, request.path);
    if (!header->access.group_member) return http::Response::redirect(header->group.url());
    return leave_form(request, *header, {}, 200);
  }

  http::Response leave(const http::Request& request) {
    const auto form = http::FormData::parse(request.body);
    auto found = form_group(request, form);
    if (auto* response = std::get_if<http::Response>(&found)) return std::move(*response);
    const GroupHeader& header = std::get<GroupHeader>(found);
    std::optional<std::int64_t> successor;
    if (auto text = form.get("opvolger"); text && !text->empty()) {
      successor = http::parse_id(*text).value_or(-1);
    }
    const bool withdrawing = header.my_state && *header.my_state != MemberState::Active;
    const auto result = service_.leave(request.viewer, header.group.id, successor);
    if (!result.ok()) {
      if (result.error().failure == Failure::Invalid) return leave_form(request, header, result.errors, 422);
      return refused(site_, request, result.error());
    }
    return redirect_with_flash(site_, header.group.url(),
                               withdrawing ? "flash.groups.withdrawn" : "flash.groups.left");
  }

  http::Response invitation(const http::Request& request) {
    const auto form = http::FormData::parse(request.body);
    auto found = form_group(request, form);
    if (auto* response = std::get_if<http::Response>(&found)) return std::move(*response);
    const GroupHeader& header = std::get<GroupHeader>(found);
    const std::string_view decision = form.value_or("besluit", "");
    if (decision != "accept" && decision != "decline") {
      return refused(site_, request, Error{Failure::Invalid, "besluit", "groups.error.unknown_decision"});
    }
    const bool accept = decision == "accept";
    const auto result = service_.answer_invitation(request.viewer, header.group.id, accept);
    if (!result.ok()) return refused(site_, request, result.error());
    return redirect_with_flash(site_, header.group.url(),
                               accept ? "flash.groups.invitation_accepted" : "flash.groups.invitation_declined");
  }

  // --- hosts and coordinators on the member list

  http::Response manage_members(const http::Request& request) {
    const auto form = http::FormData::parse(request.body);
    auto found = form_group(request, form);
    if (auto* response = std::get_if<http::Response>(&found)) return std::move(*response);
    const GroupHeader& header = std::get<GroupHeader>(found);
    const std::string_view action = form.value_or("actie", "");
    const auto account = http::parse_id(form.value_or("lid", ""));
    const std::string back = header.group.url() + "/leden";
    if (!account) return refused(site_, request, Error{Failure::Invalid, "lid", "groups.error.invitee_invalid"});
    Result<Done> result;
    std::string_view flash;
    if (action == "toelaten" || action == "afwijzen") {
      result = service_.decide_request(request.viewer, header.group.id, *account, action == "toelaten");
      flash = action == "toelaten" ? "flash.groups.request_accepted" : "flash.groups.request_declined";
    } else if (action == "uitnodigen") {
      result = service_.invite(request.viewer, header.group.id, *account, form.value_or("boodschap", ""));
      flash = "flash.groups.invited";
    } else if (action == "gastheer" || action == "lid") {
      result = service_.set_role(request.viewer, header.group.id, *account,
                                 action == "gastheer" ? Role::Host : Role::Member);
      flash = "flash.groups.role_changed";
    } else if (action == "verwijderen") {
      result = service_.remove_member(request.viewer, header.group.id, *account);
      flash = "flash.groups.removed";
    } else {
      return refused(site_, request, Error{Failure::Invalid, "actie", "groups.error.unknown_action"});
    }
    if (!result.ok()) return refused(site_, request, result.error());
    return redirect_with_flash(site_, back, flash);
  }

  // --- creating and changing groups

  http::Response new_form(const http::Request& request, const GroupForm& values, const std::vector<Error>& errors,
                          int status) {
    const std::string_view language = site_.language_of(request);
    data page;
    page.set("title", std::string(site_.text(language, "groups.form.new_title")));
    page.set("network_slug", std::string(request.path_param("network")));
    page.set("naam", values.name.value_or(""));
    page.set("adres", values.slug.value_or(""));
    page.set("beschrijving", values.description.value_or(""));
    add_choices(site_, language, page, values.join_policy.value_or("open"), values.visibility.value_or("network"));
    add_errors(site_, language, page, errors);
    return private_page(site_.page(request, kNewTemplate, std::move(page), status));
  }

  http::Response show_new_form(const http::Request& request) {
    if (!request.viewer) return sign_in_redirect(request, request.path);
    const auto groups = service_.network_groups(request.viewer, request.path_param("network"));
    if (!groups) return site_.error_page(&request, 404);
    if (!groups->can_create) return site_.error_page(&request, 403);
    return new_form(request, GroupForm{}, {}, 200);
  }

  static GroupForm read_form(const http::FormData& form) {
    GroupForm values;
    auto field = [&](std::string_view name) -> std::optional<std::string> {
      if (auto value = form.get(name)) return std::string(*value);
      return std::nullopt;
    };
    values.name = field("naam");
    values.slug = field("adres");
    values.description = field("beschrijving");
    values.join_policy = field("toetreden");
    values.visibility = field("zichtbaarheid");
    return values;
  }

  http::Response create(const http::Request& request) {
    const auto form = http::FormData::parse(request.body);
    if (!site_.csrf_ok(request, form)) return site_.error_page(&request, 403);
    if (!request.viewer) return sign_in_redirect(request, request.path);
    GroupForm values = read_form(form);
    if (!values.join_policy) values.join_policy = "open";
    if (!values.visibility) values.visibility = "network";
    const auto result = service_.create(request.viewer, request.path_param("network"), values);
    if (!result.ok()) {
      const Failure failure = result.error().failure;
      if (failure == Failure::Invalid) return new_form(request, values, result.errors, 422);
      if (failure == Failure::NotFound) return site_.error_page(&request, 404);
      return site_.error_page(&request, http_status(failure));
    }
    return redirect_with_flash(site_, result.value->url(), "flash.groups.created");
  }

  http::Response settings_form(const http::Request& request, const SettingsPage& settings, const GroupForm& values,
                               const std::vector<Error>& errors, int status) {
    const std::string_view language = site_.language_of(request);
    const Group& group = settings.header.group;
    data page = group_page(settings.header, kTabHome);
    page.set("title", std::string(site_.text(language, "groups.form.edit_title")) + " · " + group.name);
    page.set("form_path", std::string(kSettingsFormPath));
    page.set("coordinator", settings.coordinator);
    page.set("archived", group.archived());
    page.set("naam", values.name.value_or(group.name));
    page.set("beschrijving", values.description.value_or(group.description));
    if (!group.image_path.empty()) page.set("image_url", group.image_url());
    add_choices(site_, language, page, values.join_policy.value_or(std::string(to_string(group.join_policy))),
                values.visibility.value_or(std::string(to_string(group.visibility))));
    add_errors(site_, language, page, errors);
    return private_page(site_.page(request, kSettingsTemplate, std::move(page), status));
  }

  http::Response show_settings(const http::Request& request) {
    if (!request.viewer) return sign_in_redirect(request, request.path);
    const auto settings =
        service_.settings_page(request.viewer, request.path_param("network"), request.path_param("group"));
    if (!settings.ok()) return site_.error_page(&request, http_status(settings.error().failure));
    return settings_form(request, *settings.value, GroupForm{}, {}, 200);
  }

  http::Response save_settings(const http::Request& request) {
    const std::string_view content_type = request.header("content-type");
    std::optional<http::Multipart> multipart;
    http::FormData form;
    if (http::multipart_boundary(content_type)) {
      multipart = http::Multipart::parse(content_type, request.body);
      if (!multipart) return site_.error_page(&request, 400);
      form = multipart->fields();
    } else {
      form = http::FormData::parse(request.body);
    }
    if (!site_.csrf_ok(request, form)) return site_.error_page(&request, 403);
    if (!request.viewer) return sign_in_redirect(request, "/groepen");
    const auto group_id = http::parse_id(form.value_or("groep", ""));
    if (!group_id) return site_.error_page(&request, 404);
    ImageChange image;
    if (multipart) {
      if (const http::MultipartPart* file = multipart->file("afbeelding"); file && !file->body.empty()) {
        image.upload = file->body;
      }
    }
    image.remove = form.value_or("afbeelding_verwijderen", "") == "1";
    const GroupForm values = read_form(form);
    const auto result = service_.update(request.viewer, *group_id, values, image);
    if (result.ok()) return redirect_with_flash(site_, result.value->url(), "flash.groups.saved");
    const Error& error = result.error();
    if (error.failure == Failure::NotFound || error.failure == Failure::Forbidden ||
        error.failure == Failure::Conflict) {
      return site_.error_page(&request, http_status(error.failure));
    }
    // Show the form again with what was typed and every error next to its field.
    const auto current = service_.group_by_id(request.viewer, *group_id);
    if (!current) return site_.error_page(&request, 404);
    auto settings = service_.settings_page(request.viewer, current->network_slug, current->slug);
    if (!settings.ok()) return site_.error_page(&request, http_status(settings.error().failure));
    int status = 422;
    for (const Error& each : result.errors) {
      if (each.failure == Failure::TooLarge || each.failure == Failure::UnsupportedType) {
        status = http_status(each.failure);
      }
    }
    return settings_form(request, *settings.value, values, result.errors, status);
  }

  http::Response archive(const http::Request& request) {
    const auto form = http::FormData::parse(request.body);
    auto found = form_group(request, form);
    if (auto* response = std::get_if<http::Response>(&found)) return std::move(*response);
    const GroupHeader& header = std::get<GroupHeader>(found);
    const std::string_view choice = form.value_or("archiveren", "");
    if (choice != "1" && choice != "0") {
      return refused(site_, request, Error{Failure::Invalid, "archiveren", "groups.error.unknown_action"});
    }
    const auto result = service_.set_archived(request.viewer, header.group.id, choice == "1");
    if (!result.ok()) return refused(site_, request, result.error());
    return redirect_with_flash(site_, header.group.url(),
                               choice == "1" ? "flash.groups.archived" : "flash.groups.unarchived");
  }

 private:
  const web::Site& site_;
  Service& service_;
  notifications::WatchForm watch_form_;
};

}  // namespace

void register_routes(http::Router& router, const web::Site& site, Service& service,
                     notifications::WatchForm watch_form) {
  site.require_templates({kIndexTemplate, kHomeTemplate, kMembersTemplate, kNewTemplate, kSettingsTemplate,
                          kRequestTemplate, kLeaveTemplate, "groups/refused"});
  auto pages = std::make_shared<Pages>(site, service, std::move(watch_form));
  router.get("/groepen", [pages](http::Request& r) { return pages->root(r); });
  router.post(kSettingsFormPath, [pages](http::Request& r) { return pages->save_settings(r); });
  router.get("/groepen/{network}", [pages](http::Request& r) { return pages->index(r); });
  router.get("/groepen/{network}/nieuw", [pages](http::Request& r) { return pages->show_new_form(r); });
  router.post("/groepen/{network}/nieuw", [pages](http::Request& r) { return pages->create(r); });
  router.get("/groepen/{network}/{group}", [pages](http::Request& r) { return pages->home(r); });
  router.get("/groepen/{network}/{group}/leden", [pages](http::Request& r) { return pages->members(r); });
  router.post("/groepen/{network}/{group}/leden", [pages](http::Request& r) { return pages->manage_members(r); });
  router.get("/groepen/{network}/{group}/afbeelding", [pages](http::Request& r) { return pages->image(r); });
  router.post("/groepen/{network}/{group}/lid-worden", [pages](http::Request& r) { return pages->join(r); });
  router.get("/groepen/{network}/{group}/aanvragen", [pages](http::Request& r) { return pages->show_request_form(r); });
  router.post("/groepen/{network}/{group}/aanvragen", [pages](http::Request& r) { return pages->send_request(r); });
  router.get("/groepen/{network}/{group}/verlaten", [pages](http::Request& r) { return pages->show_leave_form(r); });
  router.post("/groepen/{network}/{group}/verlaten", [pages](http::Request& r) { return pages->leave(r); });
  router.post("/groepen/{network}/{group}/uitnodiging", [pages](http::Request& r) { return pages->invitation(r); });
  router.get("/groepen/{network}/{group}/instellingen", [pages](http::Request& r) { return pages->show_settings(r); });
  router.post("/groepen/{network}/{group}/archiveren", [pages](http::Request& r) { return pages->archive(r); });
}

}  // namespace groups
