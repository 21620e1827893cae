#include "members/routes.h"

#include <charconv>
#include <cmath>
#include <string>
#include <utility>

#include "http/parsers.h"

namespace members {

namespace {

using kainjow::mustache::data;

constexpr std::string_view kDirectoryTemplate = "members/directory";
constexpr std::string_view kProfileTemplate = "members/profile";
constexpr std::string_view kEditTemplate = "members/edit";
constexpr std::size_t kPageSize = 20;
constexpr int kDistanceChoices[] = {5, 10, 25, 50, 100};
constexpr Field kVisibilityFields[] = {Field::Profile, Field::Headline, Field::Photo,     Field::Disciplines,
                                       Field::Tags,    Field::Town,     Field::Languages, Field::Availability,
                                       Field::Bio,     Field::Website};

Viewer viewer_of(const http::Request& request) {
  Viewer viewer;
  if (request.viewer) {
    viewer.account_id = request.viewer->account_id;
    viewer.administrator = request.viewer->administrator;
  }
  return viewer;
}

std::string_view availability_key(Availability availability) {
  switch (availability) {
    case Availability::Available:
      return "members.availability.available";
    case Availability::Limited:
      return "members.availability.limited";
    case Availability::Unavailable:
      return "members.availability.unavailable";
  }
  return "members.availability.unavailable";
}

std::string_view visibility_key(Visibility visibility) {
  switch (visibility) {
    case Visibility::Public:
      return "members.visibility.public";
    case Visibility::Members:
      return "members.visibility.members";
    case Visibility::Hidden:
      return "members.visibility.hidden";
  }
  return "members.visibility.hidden";
}

data labels_of(const std::vector<std::string>& codes, const Label* (*find)(std::string_view),
               std::string_view language) {
  data list(data::type::list);
  for (const std::string& code : codes) {
    if (const Label* label = find(code)) {
      data item;
      item.set("code", code);
      item.set("label", std::string(label->in(language)));
      list.push_back(item);
    }
  }
  return list;
}

std::string photo_url(std::int64_t account_id, std::int64_t version, bool small) {
  return "/leden/" + std::to_string(account_id) + "/foto" + (small ? "/klein" : "") +
         "?v=" + std::to_string(version);
}

// What the directory and the profile page show of one member.
data member_data(const web::Site& site, std::string_view language, const ProfileView& member) {
  data item;
  item.set("id", std::to_string(member.account_id));
  item.set("name", member.name);
  if (member.headline && !member.headline->empty()) item.set("headline", *member.headline);
  if (member.disciplines && !member.disciplines->empty()) {
    item.set("disciplines", labels_of(*member.disciplines, find_discipline, language));
    item.set("has_disciplines", true);
  }
  if (member.tags && !member.tags->empty()) {
    data tags(data::type::list);
    for (const std::string& tag : *member.tags) {
      data entry;
      entry.set("tag", tag);
      entry.set("tag_query", http::percent_encode(tag));
      tags.push_back(entry);
    }
    item.set("tags", tags);
    item.set("has_tags", true);
  }
  if (member.town) {
    item.set("town", member.town->name);
    item.set("region", member.town->region);
  }
  if (member.languages && !member.languages->empty()) {
    item.set("languages", labels_of(*member.languages, find_spoken_language, language));
    item.set("has_languages", true);
  }
  if (member.availability) {
    item.set("availability", std::string(site.text(language, availability_key(*member.availability))));
    item.set("availability_code", std::string(to_string(*member.availability)));
  }
  // Rendered by web/markdown.h when saved: raw HTML dropped, unsafe links removed.
  if (member.bio_html && !member.bio_html->empty()) item.set("bio_html", *member.bio_html);
  if (member.website && !member.website->empty()) item.set("website", *member.website);
  if (member.photo_version != 0) {
    item.set("photo_url", photo_url(member.account_id, member.photo_version, false));
    item.set("thumbnail_url", photo_url(member.account_id, member.photo_version, true));
  }
  if (member.distance_km) {
    item.set("distance", std::to_string(static_cast<long>(std::lround(*member.distance_km))));
  }
  if (member.is_owner) item.set("is_owner", true);
  return item;
}

void add_form_errors(const web::Site& site, std::string_view language, data& page,
                     const std::vector<FieldError>& errors) {
  web::FormErrors form_errors;
  for (const FieldError& error : errors) form_errors.add(error.field, error.message_key);
  form_errors.add_to(page, site.catalog(), language);
}

// --- the directory

struct DirectoryParameters {
  DirectoryQuery query;
  std::string network_slug;
  std::string km = "25";
  std::string availability;
  std::string group;
};

DirectoryParameters read_directory_parameters(const http::FormData& form, regions::Service& networks,
                                              std::vector<FieldError>& errors) {
  DirectoryParameters parameters;
  DirectoryQuery& query = parameters.query;
  query.limit = kPageSize;
  query.text = std::string(form.value_or("q", ""));
  for (std::string_view code : form.get_all("vakgebied")) {
    if (!code.empty()) query.disciplines.emplace_back(code);
  }
  query.tag = std::string(form.value_or("tag", ""));
  query.near_town = std::string(form.value_or("plaats", ""));
  parameters.km = std::string(form.value_or("km", "25"));
  double km = 0;
  const auto [end, error] =
      std::from_chars(parameters.km.data(), parameters.km.data() + parameters.km.size(), km);
  if (error != std::errc() || end != parameters.km.data() + parameters.km.size()) {
    if (!query.near_town.empty()) errors.push_back({"km", "members.error.distance_range"});
  } else {
    query.within_km = km;
  }
  query.language = std::string(form.value_or("spreekt", ""));
  parameters.availability = std::string(form.value_or("beschikbaarheid", ""));
  if (!parameters.availability.empty()) {
    query.availability = availability_from_string(parameters.availability);
    if (!query.availability) errors.push_back({"beschikbaarheid", "members.error.unknown_availability"});
  }
  parameters.network_slug = std::string(form.value_or("netwerk", ""));
  if (!parameters.network_slug.empty()) {
    for (const regions::Network& network : networks.networks()) {
      if (network.slug == parameters.network_slug) query.network_id = network.id;
    }
    if (!query.network_id) errors.push_back({"netwerk", "members.error.unknown_network"});
  }
  parameters.group = std::string(form.value_or("groep", ""));
  if (!parameters.group.empty()) {
    query.group_id = http::parse_id(parameters.group);
    if (!query.group_id) errors.push_back({"groep", "members.error.unknown_group"});
  }
  query.cursor = std::string(form.value_or("vanaf", ""));
  return parameters;
}

// The directory's own query string with another cursor, for the page links.
std::string directory_link(const http::FormData& form, std::string_view cursor) {
  std::string query;
  for (const auto& [name, value] : form.entries()) {
    if (name == "vanaf" || value.empty()) continue;
    query += (query.empty() ? "?" : "&") + http::percent_encode(name) + "=" + http::percent_encode(value);
  }
  if (!cursor.empty())
    query += (query.empty() ? "?" : "&") + std::string("vanaf=") + http::percent_encode(cursor);
  return "/leden" + query;
}

data option_list(std::span<const Label> labels, std::string_view language,
                 const std::vector<std::string>& chosen) {
  data list(data::type::list);
  for (const Label& label : labels) {
    data item;
    item.set("code", std::string(label.code));
    item.set("label", std::string(label.in(language)));
    if (std::find(chosen.begin(), chosen.end(), label.code) != chosen.end()) item.set("selected", true);
    list.push_back(item);
  }
  return list;
}

data places_list(const Places& places) {
  data list(data::type::list);
  for (const Place& place : places.all()) {
    data item;
    item.set("name", place.name);
    list.push_back(item);
  }
  return list;
}

http::Response directory_page(const web::Site& site, Service& service, regions::Service& networks,
                              const http::Request& request) {
  const std::string_view language = site.language_of(request);
  const http::FormData form = http::FormData::parse(request.query);
  std::vector<FieldError> errors;
  DirectoryParameters parameters = read_directory_parameters(form, networks, errors);
  std::optional<DirectoryPage> result;
  if (errors.empty()) {
    auto page = service.directory(viewer_of(request), parameters.query);
    if (page.ok()) {
      result = std::move(page.value);
    } else {
      errors = std::move(page.errors);
    }
  }

  data page;
  page.set("title", std::string(site.text(language, "members.directory.title")));
  page.set("q", parameters.query.text);
  page.set("tag", parameters.query.tag);
  page.set("plaats", parameters.query.near_town);
  page.set("disciplines", option_list(disciplines(), language, parameters.query.disciplines));
  page.set("languages", option_list(spoken_languages(), language, {parameters.query.language}));
  data availability(data::type::list);
  for (Availability value : {Availability::Available, Availability::Limited, Availability::Unavailable}) {
    data item;
    item.set("code", std::string(to_string(value)));
    item.set("label", std::string(site.text(language, availability_key(value))));
    if (parameters.availability == to_string(value)) item.set("selected", true);
    availability.push_back(item);
  }
  page.set("availabilities", availability);
  data distances(data::type::list);
  for (int km : kDistanceChoices) {
    data item;
    item.set("km", std::to_string(km));
    if (parameters.km == std::to_string(km)) item.set("selected", true);
    distances.push_back(item);
  }
  page.set("distances", distances);
  data network_options(data::type::list);
  for (const regions::Network& network : networks.networks()) {
    data item;
    item.set("slug", network.slug);
    item.set("name", network.name);
    if (network.slug == parameters.network_slug) item.set("selected", true);
    network_options.push_back(item);
  }
  page.set("networks", network_options);
  if (!parameters.group.empty()) page.set("group", parameters.group);
  page.set("places", places_list(service.places()));
  page.set("signed_in", request.viewer.has_value());

  if (!errors.empty()) {
    add_form_errors(site, language, page, errors);
    return site.page(request, kDirectoryTemplate, std::move(page), 422);
  }
  data members(data::type::list);
  for (const ProfileView& member : result->members) members.push_back(member_data(site, language, member));
  page.set("has_members", !result->members.empty());
  page.set("members", members);
  page.set("first", std::to_string(result->offset + 1));
  page.set("last", std::to_string(result->offset + result->members.size()));
  if (!result->next_cursor.empty()) page.set("next_url", directory_link(form, result->next_cursor));
  if (result->offset > 0) {
    const std::size_t previous = result->offset > kPageSize ? result->offset - kPageSize : 0;
    page.set("previous_url", directory_link(form, previous == 0 ? "" : std::to_string(previous)));
  }
  http::Response response = site.page(request, kDirectoryTemplate, std::move(page));
  // What a page shows depends on who asks; never let a shared cache keep it.
  response.headers.set("Cache-Control", "private, no-cache");
  return response;
}

// --- the profile form

struct EditState {
  Profile profile;        // as shown in the form
  std::string tags_text;  // the tags field as typed
};

data edit_page_data(const web::Site& site, Service& service, std::string_view language,
                    const EditState& state) {
  const Profile& profile = state.profile;
  data page;
  page.set("title", std::string(site.text(language, "members.edit.title")));
  page.set("id", std::to_string(profile.account_id));
  page.set("name", profile.name);
  page.set("headline", profile.headline);
  page.set("disciplines", option_list(disciplines(), language, profile.disciplines));
  page.set("tags", state.tags_text);
  page.set("town", profile.town ? profile.town->name : std::string());
  page.set("places", places_list(service.places()));
  page.set("languages", option_list(spoken_languages(), language, profile.languages));
  data availability(data::type::list);
  for (Availability value : {Availability::Available, Availability::Limited, Availability::Unavailable}) {
    data item;
    item.set("code", std::string(to_string(value)));
    item.set("label", std::string(site.text(language, availability_key(value))));
    if (profile.availability == value) item.set("checked", true);
    availability.push_back(item);
  }
  page.set("availabilities", availability);
  page.set("bio", profile.bio_markdown);
  page.set("website", profile.website);
  if (profile.photo_version != 0)
    page.set("photo_url", photo_url(profile.account_id, profile.photo_version, false));
  data visibility(data::type::list);
  for (Field field : kVisibilityFields) {
    data row;
    const std::string name = "visibility_" + std::string(to_string(field));
    row.set("field", name);
    row.set("label", std::string(site.text(language, "members.field." + std::string(to_string(field)))));
    data options(data::type::list);
    for (Visibility value : {Visibility::Public, Visibility::Members, Visibility::Hidden}) {
      data option;
      option.set("value", std::string(to_string(value)));
      option.set("label", std::string(site.text(language, visibility_key(value))));
      if (profile.visibility.of(field) == value) option.set("selected", true);
      options.push_back(option);
    }
    row.set("options", options);
    visibility.push_back(row);
  }
  page.set("visibility", visibility);
  return page;
}

std::vector<std::string> split_tags(std::string_view text) {
  std::vector<std::string> tags;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find_first_of(",;\n", start);
    if (end == std::string_view::npos) end = text.size();
    tags.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return tags;
}

// Reads the form into an update. Unknown visibility or availability values are errors of their own.
ProfileUpdate read_profile_form(const http::FormData& form, std::vector<FieldError>& errors) {
  ProfileUpdate update;
  update.name = std::string(form.value_or("name", ""));
  update.headline = std::string(form.value_or("headline", ""));
  std::vector<std::string> codes;
  for (std::string_view code : form.get_all("disciplines")) codes.emplace_back(code);
  update.disciplines = std::move(codes);
  update.tags = split_tags(form.value_or("tags", ""));
  update.town = std::string(form.value_or("town", ""));
  std::vector<std::string> languages;
  for (std::string_view code : form.get_all("languages")) languages.emplace_back(code);
  update.languages = std::move(languages);
  if (auto availability = availability_from_string(form.value_or("availability", "available"))) {
    update.availability = *availability;
  } else {
    errors.push_back({"availability", "members.error.unknown_availability"});
  }
  update.bio_markdown = std::string(form.value_or("bio", ""));
  update.website = std::string(form.value_or("website", ""));
  FieldVisibility visibility;
  for (Field field : kVisibilityFields) {
    const std::string name = "visibility_" + std::string(to_string(field));
    if (auto value = visibility_from_string(form.value_or(name, "members"))) {
      visibility.set(field, *value);
    } else {
      errors.push_back({name, "members.error.unknown_visibility"});
    }
  }
  update.visibility = visibility;
  return update;
}

int status_for(const std::optional<PhotoError>& photo_error) {
  if (!photo_error) return 422;
  switch (*photo_error) {
    case PhotoError::TooLarge:
      return 413;
    case PhotoError::UnsupportedType:
      return 415;
    case PhotoError::Unreadable:
      return 422;
  }
  return 422;
}

http::Response sign_in_redirect() { return http::Response::redirect("/inloggen?next=%2Fprofiel"); }

http::Response edit_form(const web::Site& site, Service& service, const http::Request& request) {
  if (!request.viewer) return sign_in_redirect();
  const auto profile = service.own_profile(request.viewer->account_id);
  if (!profile) return site.error_page(&request, 404);
  EditState state{*profile, ""};
  for (const std::string& tag : profile->tags) state.tags_text += (state.tags_text.empty() ? "" : ", ") + tag;
  return site.page(request, kEditTemplate, edit_page_data(site, service, site.language_of(request), state));
}

http::Response save_form(const web::Site& site, Service& service, const http::Request& request) {
  const std::string_view language = site.language_of(request);
  // The form is multipart when the browser sends a photo, urlencoded otherwise (or from scripts).
  const std::string_view content_type = request.header("content-type");
  std::optional<http::Multipart> multipart;
  http::FormData form;
  if (http::multipart_boundary(content_type)) {
    multipart = http::Multipart::parse(content_type, request.body);
    if (!multipart) return site.error_page(&request, 400);
    form = multipart->fields();
  } else {
    form = http::FormData::parse(request.body);
  }
  if (!site.csrf_ok(request, form)) return site.error_page(&request, 403);
  if (!request.viewer) return sign_in_redirect();
  const std::int64_t account_id = request.viewer->account_id;

  std::vector<FieldError> form_errors;
  const ProfileUpdate update = read_profile_form(form, form_errors);
  std::optional<std::string_view> photo;
  if (multipart) {
    const http::MultipartPart* file = multipart->file("photo");
    if (file && !file->body.empty()) photo = file->body;
  }
  const bool remove_photo = form.value_or("remove_photo", "") == "1";

  Service::FormSave save;
  if (form_errors.empty()) {
    save = service.save_profile_form(account_id, update, photo, remove_photo);
    if (save.result.ok()) {
      http::Response response = http::Response::redirect("/leden/" + std::to_string(account_id));
      site.set_flash(response, "flash.members.profile_saved");
      return response;
    }
    form_errors = save.result.errors;
  }

  // Show the form again as the member filled it in, with every error next to its field.
  const auto current = service.own_profile(account_id);
  if (!current) return site.error_page(&request, 404);
  EditState state{*current, std::string(form.value_or("tags", ""))};
  Profile& shown = state.profile;
  shown.name = update.name.value_or(shown.name);
  shown.headline = update.headline.value_or(shown.headline);
  shown.disciplines = update.disciplines.value_or(shown.disciplines);
  shown.languages = update.languages.value_or(shown.languages);
  if (update.availability) shown.availability = *update.availability;
  shown.bio_markdown = update.bio_markdown.value_or(shown.bio_markdown);
  shown.website = update.website.value_or(shown.website);
  if (update.visibility) shown.visibility = *update.visibility;
  data page = edit_page_data(site, service, language, state);
  page.set("town", std::string(form.value_or("town", "")));
  add_form_errors(site, language, page, form_errors);
  return site.page(request, kEditTemplate, std::move(page), status_for(save.photo_error));
}

http::Response photo(const web::Site& site, Service& service, const http::Request& request, PhotoSize size) {
  const auto id = http::parse_id(request.path_param("id"));
  if (!id) return site.error_page(&request, 404);
  auto bytes = service.photo_for(viewer_of(request), *id, size);
  if (!bytes) return site.error_page(&request, 404);
  http::Response response;
  response.status = 200;
  response.body = std::move(*bytes);
  response.headers.set("Content-Type", "image/jpeg");
  // The URL changes with every new photo (?v=); who may see it depends on the viewer, so private.
  response.headers.set("Cache-Control", "private, max-age=86400");
  return response;
}

}  // namespace

void register_routes(http::Router& router, const web::Site& site, Service& service,
                     regions::Service& networks) {
  site.require_templates({kDirectoryTemplate, kProfileTemplate, kEditTemplate});

  router.get("/leden", [&site, &service, &networks](http::Request& request) {
    return directory_page(site, service, networks, request);
  });

  router.get("/leden/{id}", [&site, &service](http::Request& request) {
    const auto id = http::parse_id(request.path_param("id"));
    if (!id) return site.error_page(&request, 404);
    const auto member = service.profile_for(viewer_of(request), *id);
    if (!member) return site.error_page(&request, 404);
    const std::string_view language = site.language_of(request);
    data page = member_data(site, language, *member);
    page.set("title", member->name);
    // A signed-in member can record a tie for the atlas with someone else (atlas/ties_routes.h).
    if (request.viewer && !member->is_owner) page.set("can_add_tie", true);
    http::Response response = site.page(request, kProfileTemplate, std::move(page));
    response.headers.set("Cache-Control", "private, no-cache");
    return response;
  });

  router.get("/leden/{id}/foto", [&site, &service](http::Request& request) {
    return photo(site, service, request, PhotoSize::Profile);
  });
  router.get("/leden/{id}/foto/klein", [&site, &service](http::Request& request) {
    return photo(site, service, request, PhotoSize::Thumbnail);
  });

  router.get(kProfileFormPath,
             [&site, &service](http::Request& request) { return edit_form(site, service, request); });
  router.post(kProfileFormPath,
              [&site, &service](http::Request& request) { return save_form(site, service, request); });
}

}  // namespace members
