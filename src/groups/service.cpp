#include "groups/service.h"

#include <sodium.h>

#include <chrono>
#include <fstream>
#include <system_error>
#include <utility>
#include <variant>

#include "audit/audit.h"
#include "members/photos.h"
#include "notifications/activity.h"
#include "web/markdown.h"

namespace groups {

namespace {

constexpr std::string_view kImageDirectory = "groups";

// Whether the viewer may know the group exists: its face (name, description, hosts, join button).
// Public groups for everybody; every group of their network for its members.
bool findable(const GroupAccess& access) { return access.can_view || access.network_member || access.coordinator; }

bool signed_in(const Viewer& viewer) { return viewer.has_value() && viewer->account_id != 0; }

// The number of code points, or nothing for text that is not valid UTF-8 (PostgreSQL would refuse
// it, and a page could not show it).
std::optional<std::size_t> utf8_length(std::string_view text) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    if (byte < 0x80) {
      length = 1;
    } else if ((byte & 0xE0) == 0xC0 && byte >= 0xC2) {
      length = 2;
    } else if ((byte & 0xF0) == 0xE0) {
      length = 3;
    } else if ((byte & 0xF8) == 0xF0 && byte <= 0xF4) {
      length = 4;
    } else {
      return std::nullopt;
    }
    if (i + length > text.size()) return std::nullopt;
    for (std::size_t k = 1; k < length; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return std::nullopt;
    }
    if (byte == 0 || (length == 1 && byte < 0x20 && byte != '\n' && byte != '\r' && byte != '\t')) {
      return std::nullopt;  // control characters
    }
    i += length;
    ++count;
  }
  return count;
}

std::string trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '\n' ||
                           text.front() == '\r'))
    text.remove_prefix(1);
  while (!text.empty() &&
         (text.back() == ' ' || text.back() == '\t' || text.back() == '\n' || text.back() == '\r'))
    text.remove_suffix(1);
  return std::string(text);
}

// Checks one text field: valid UTF-8 without control characters, within `max` code points.
void check_text(std::vector<Error>& errors, std::string_view field, std::string_view text, std::size_t max,
                std::string_view too_long_key) {
  const auto length = utf8_length(text);
  if (!length) {
    errors.push_back(Error{Failure::Invalid, std::string(field), "groups.error.invalid_text"});
  } else if (*length > max) {
    errors.push_back(Error{Failure::Invalid, std::string(field), std::string(too_long_key)});
  }
}

Failure failure_of(members::PhotoError error) {
  switch (error) {
    case members::PhotoError::TooLarge: return Failure::TooLarge;
    case members::PhotoError::UnsupportedType: return Failure::UnsupportedType;
    case members::PhotoError::Unreadable: return Failure::Invalid;
  }
  return Failure::Invalid;
}

bool is_coordinator(db::Session& session, const Viewer& viewer, std::int64_t network_id) {
  if (!signed_in(viewer)) return false;
  if (viewer->administrator) return true;
  return session
      .query_one("SELECT 1 FROM memberships WHERE account_id = ? AND network_id = ? AND status = 'active' AND "
                 "role = 'coordinator'",
                 {viewer->account_id, network_id})
      .has_value();
}

}  // namespace

int http_status(Failure failure) {
  switch (failure) {
    case Failure::Invalid: return 422;
    case Failure::NotFound: return 404;
    case Failure::Forbidden: return 403;
    case Failure::Conflict: return 409;
    case Failure::TooLarge: return 413;
    case Failure::UnsupportedType: return 415;
  }
  return 422;
}

bool is_valid_slug(std::string_view slug) {
  if (slug.empty() || slug.size() > kMaxSlugLength) return false;
  if (slug.front() == '-' || slug.back() == '-') return false;
  char previous = 0;
  for (char c : slug) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok || (c == '-' && previous == '-')) return false;
    previous = c;
  }
  return true;
}

std::string slug_from_name(std::string_view name) {
  // Dutch and French letters with accents lose them; anything else becomes a separator.
  static const std::pair<std::string_view, char> kAccents[] = {
      {"á", 'a'}, {"à", 'a'}, {"ä", 'a'}, {"â", 'a'}, {"é", 'e'}, {"è", 'e'}, {"ë", 'e'}, {"ê", 'e'},
      {"í", 'i'}, {"ì", 'i'}, {"ï", 'i'}, {"î", 'i'}, {"ó", 'o'}, {"ò", 'o'}, {"ö", 'o'}, {"ô", 'o'},
      {"ú", 'u'}, {"ù", 'u'}, {"ü", 'u'}, {"û", 'u'}, {"ç", 'c'}, {"ñ", 'n'}, {"É", 'e'}, {"È", 'e'}};
  std::string slug;
  bool separator = false;
  for (std::size_t i = 0; i < name.size();) {
    char letter = 0;
    std::size_t consumed = 1;
    const char c = name[i];
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      letter = c;
    } else if (c >= 'A' && c <= 'Z') {
      letter = static_cast<char>(c - 'A' + 'a');
    } else {
      for (const auto& [accented, plain] : kAccents) {
        if (name.substr(i).starts_with(accented)) {
          letter = plain;
          consumed = accented.size();
          break;
        }
      }
      if (letter == 0) {
        while (i + consumed < name.size() && (static_cast<unsigned char>(name[i + consumed]) & 0xC0) == 0x80)
          ++consumed;
      }
    }
    i += consumed;
    if (letter == 0) {
      separator = !slug.empty();
      continue;
    }
    if (separator) slug += '-';
    separator = false;
    slug += letter;
  }
  if (slug.size() > kMaxSlugLength) slug.resize(kMaxSlugLength);
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  return slug;
}

std::int64_t erase_member(db::Session& session, std::int64_t account_id) {
  return store::delete_memberships_of_account(session, account_id);
}

nlohmann::json export_member(db::Session& session, std::int64_t account_id) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& [group_id, row] : store::memberships_of_account(session, account_id)) {
    const auto group = store::find_group(session, group_id);
    if (!group) continue;
    rows.push_back({{"group", {{"id", group->id},
                               {"network", group->network_slug},
                               {"slug", group->slug},
                               {"name", group->name}}},
                    {"role", std::string(to_string(row.role))},
                    {"state", std::string(to_string(row.state))},
                    {"message", row.message},
                    {"created_at", row.created_at},
                    {"joined_at", row.joined_at ? nlohmann::json(*row.joined_at) : nlohmann::json(nullptr)}});
  }
  return rows;
}

bool hosts_group(db::Session& session, std::int64_t account_id, std::int64_t group_id,
                 std::optional<std::int64_t> network_id) {
  const auto row = store::membership(session, group_id, account_id);
  if (!row || row->state != MemberState::Active || row->role != Role::Host) return false;
  const auto group = store::find_group(session, group_id);
  if (!group || group->archived() || (network_id && group->network_id != *network_id)) return false;
  return store::is_active_network_member(session, account_id, group->network_id);
}

std::vector<std::int64_t> hosted_group_ids(db::Session& session, std::int64_t account_id, std::int64_t network_id) {
  std::vector<std::int64_t> ids;
  for (const db::Row& row : session.query(
           "SELECT g.id FROM group_members gm JOIN knowledge_groups g ON g.id = gm.group_id "
           "JOIN memberships m ON m.account_id = gm.account_id AND m.network_id = g.network_id "
           "WHERE gm.account_id = ? AND g.network_id = ? AND gm.role = 'host' AND gm.state = 'active' "
           "AND g.archived_at IS NULL AND m.status = 'active' ORDER BY g.position, g.id",
           {account_id, network_id})) {
    ids.push_back(row.int64(0));
  }
  return ids;
}

Service::Service(db::Database& database, std::filesystem::path data_dir, std::function<std::int64_t()> clock)
    : database_(database), data_dir_(std::move(data_dir)), clock_(std::move(clock)) {}

std::int64_t Service::now() const {
  if (clock_) return clock_();
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::vector<store::NetworkRef> Service::networks() {
  return database_.read([](db::Session& session) { return store::networks(session); });
}

std::optional<NetworkGroups> Service::network_groups(const Viewer& viewer, std::string_view network_slug) {
  if (!is_valid_slug(network_slug)) return std::nullopt;
  return database_.read([&](db::Session& session) -> std::optional<NetworkGroups> {
    auto network = store::find_network(session, network_slug);
    if (!network) return std::nullopt;
    NetworkGroups result;
    result.network = std::move(*network);
    result.can_create = is_coordinator(session, viewer, result.network.id);
    const auto mine = signed_in(viewer) ? store::memberships_of_account(session, viewer->account_id)
                                        : std::map<std::int64_t, Membership>{};
    for (Group& group : store::groups_of_network(session, result.network.id)) {
      GroupListing listing;
      listing.access = access(session, viewer, group.id);
      if (!findable(listing.access)) continue;
      if (auto found = mine.find(group.id); found != mine.end()) listing.mine = found->second;
      const bool archived = group.archived();
      listing.group = std::move(group);
      (archived ? result.archived : result.active).push_back(std::move(listing));
    }
    return result;
  });
}

std::optional<GroupHeader> Service::header(const Viewer& viewer, std::string_view network_slug,
                                           std::string_view group_slug) {
  if (!is_valid_slug(network_slug) || !is_valid_slug(group_slug)) return std::nullopt;
  return database_.read(
      [&](db::Session& session) { return header_in(session, viewer, network_slug, group_slug); });
}

std::optional<GroupHeader> Service::header_in(db::Session& session, const Viewer& viewer,
                                              std::string_view network_slug, std::string_view group_slug) {
  if (!is_valid_slug(network_slug) || !is_valid_slug(group_slug)) return std::nullopt;
  auto group = store::find_group(session, network_slug, group_slug);
  if (!group) return std::nullopt;
  GroupHeader header;
  header.access = access(session, viewer, group->id);
  if (!findable(header.access)) return std::nullopt;
  header.signed_in = signed_in(viewer);
  if (header.signed_in) {
    if (auto row = store::membership(session, group->id, viewer->account_id)) header.my_state = row->state;
  }
  header.host_names = store::host_names(session, group->id);
  header.group = std::move(*group);
  return header;
}

std::optional<Group> Service::group_by_id(const Viewer& viewer, std::int64_t group_id) {
  return database_.read([&](db::Session& session) -> std::optional<Group> {
    if (!findable(access(session, viewer, group_id))) return std::nullopt;
    return store::find_group(session, group_id);
  });
}

std::optional<MemberPage> Service::member_page(const Viewer& viewer, std::string_view network_slug,
                                               std::string_view group_slug) {
  if (!is_valid_slug(network_slug) || !is_valid_slug(group_slug)) return std::nullopt;
  return database_.read([&](db::Session& session) -> std::optional<MemberPage> {
    auto header = header_in(session, viewer, network_slug, group_slug);
    if (!header) return std::nullopt;
    MemberPage page;
    page.header = std::move(*header);
    const GroupAccess& access = page.header.access;
    if (!access.can_view) return page;
    page.can_manage = access.can_moderate && !page.header.group.archived();
    for (Membership& row : store::members_of(session, page.header.group.id)) {
      switch (row.state) {
        case MemberState::Active:
          (row.role == Role::Host ? page.hosts : page.members).push_back(std::move(row));
          break;
        case MemberState::Requested:
          if (access.can_moderate) page.requests.push_back(std::move(row));
          break;
        case MemberState::Invited:
          if (access.can_moderate) page.invitations.push_back(std::move(row));
          break;
      }
    }
    if (page.can_manage) {
      page.candidates = store::invite_candidates(session, page.header.group.id, page.header.group.network_id);
    }
    return page;
  });
}

Result<SettingsPage> Service::settings_page(const Viewer& viewer, std::string_view network_slug,
                                            std::string_view group_slug) {
  auto header = this->header(viewer, network_slug, group_slug);
  if (!header) return Result<SettingsPage>::fail(Failure::NotFound, "", "error.404.title");
  if (!header->access.can_moderate) return Result<SettingsPage>::fail(Failure::Forbidden, "", "groups.error.forbidden");
  SettingsPage page;
  page.coordinator = header->access.coordinator;
  page.header = std::move(*header);
  return Result<SettingsPage>::of(std::move(page));
}

std::optional<std::string> Service::image(const Viewer& viewer, std::string_view network_slug,
                                          std::string_view group_slug) {
  const auto header = this->header(viewer, network_slug, group_slug);
  if (!header || header->group.image_path.empty()) return std::nullopt;
  std::ifstream in(data_dir_ / header->group.image_path, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::vector<ApiGroup> Service::visible_groups(const Viewer& viewer) {
  return database_.read([&](db::Session& session) {
    const auto mine = signed_in(viewer) ? store::memberships_of_account(session, viewer->account_id)
                                        : std::map<std::int64_t, Membership>{};
    std::vector<ApiGroup> list;
    for (Group& group : store::all_groups(session)) {
      const GroupAccess access = groups::access(session, viewer, group.id);
      if (!findable(access)) continue;
      ApiGroup item;
      item.member = access.group_member;
      item.host = access.host;
      if (auto found = mine.find(group.id); found != mine.end()) item.state = found->second.state;
      item.group = std::move(group);
      list.push_back(std::move(item));
    }
    return list;
  });
}

// --- coordinators and hosts

namespace {

struct ValidatedForm {
  Group group;  // the new values applied
  std::vector<Error> errors;
};

// Applies the form to `group` (creating: a fresh one) and validates every field.
void apply_form(ValidatedForm& out, const GroupForm& form, bool may_rename) {
  Group& group = out.group;
  if (form.name && may_rename) {
    group.name = trim(*form.name);
    if (group.name.empty()) {
      out.errors.push_back(Error{Failure::Invalid, "naam", "groups.error.name_required"});
    } else {
      check_text(out.errors, "naam", group.name, kMaxNameLength, "groups.error.name_too_long");
    }
  }
  if (form.description) {
    group.description = trim(*form.description);
    const std::size_t before = out.errors.size();
    check_text(out.errors, "beschrijving", group.description, kMaxDescriptionLength,
               "groups.error.description_too_long");
    if (out.errors.size() == before) group.description_html = web::render_markdown(group.description);
  }
  if (form.join_policy) {
    if (auto policy = join_policy_from(*form.join_policy)) {
      group.join_policy = *policy;
    } else {
      out.errors.push_back(Error{Failure::Invalid, "toetreden", "groups.error.unknown_policy"});
    }
  }
  if (form.visibility && may_rename) {
    if (auto visibility = visibility_from(*form.visibility)) {
      group.visibility = *visibility;
    } else {
      out.errors.push_back(Error{Failure::Invalid, "zichtbaarheid", "groups.error.unknown_visibility"});
    }
  }
}

// Re-encodes an uploaded image, or records why it cannot be used.
std::optional<std::string> encode_image(const ImageChange& image, std::vector<Error>& errors) {
  if (!image.upload || image.upload->empty()) return std::nullopt;
  auto encoded = members::photos::encode(*image.upload);
  if (auto* error = std::get_if<members::PhotoError>(&encoded)) {
    errors.push_back(Error{failure_of(*error), "afbeelding", std::string(members::message_key(*error))});
    return std::nullopt;
  }
  return std::move(std::get<members::photos::Encoded>(encoded).profile_jpeg);
}

nlohmann::json group_details(const Group& group) {
  return {{"network_id", group.network_id}, {"slug", group.slug},
          {"name", group.name},             {"join_policy", std::string(to_string(group.join_policy))},
          {"visibility", std::string(to_string(group.visibility))}};
}

}  // namespace

std::optional<std::string> Service::store_image(std::int64_t group_id, std::string_view jpeg) {
  std::error_code error;
  std::filesystem::create_directories(data_dir_ / kImageDirectory, error);
  if (error) return std::nullopt;
  const std::string relative = std::string(kImageDirectory) + "/" + std::to_string(group_id) + "-" +
                               std::to_string(now()) + "-" + std::to_string(randombytes_uniform(1000000)) + ".jpg";
  const std::filesystem::path path = data_dir_ / relative;
  const std::filesystem::path temporary = path.string() + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out.write(jpeg.data(), static_cast<std::streamsize>(jpeg.size()));
    if (!out) return std::nullopt;
  }
  std::filesystem::rename(temporary, path, error);
  if (error) return std::nullopt;
  return relative;
}

void Service::remove_image_file(const std::string& relative_path) {
  if (relative_path.empty()) return;
  std::error_code ignored;
  std::filesystem::remove(data_dir_ / relative_path, ignored);
}

Result<Group> Service::create(const Viewer& viewer, std::string_view network_slug, const GroupForm& form,
                              const ImageChange& image) {
  using R = Result<Group>;
  if (!signed_in(viewer)) return R::fail(Failure::Forbidden, "", "groups.error.forbidden");
  const auto network = is_valid_slug(network_slug)
                           ? database_.read([&](db::Session& s) { return store::find_network(s, network_slug); })
                           : std::nullopt;
  if (!network) return R::fail(Failure::NotFound, "", "error.404.title");

  ValidatedForm validated;
  validated.group.network_id = network->id;
  validated.group.network_slug = network->slug;
  validated.group.network_name = network->name;
  GroupForm complete = form;
  if (!complete.name) complete.name = "";  // a new group needs a name
  apply_form(validated, complete, true);
  Group& group = validated.group;
  std::string slug = trim(form.slug.value_or(""));
  if (slug.empty()) slug = slug_from_name(group.name);
  if (!is_valid_slug(slug)) {
    validated.errors.push_back(Error{Failure::Invalid, "adres", "groups.error.slug_invalid"});
  }
  group.slug = slug;
  const auto jpeg = encode_image(image, validated.errors);

  const std::int64_t at = now();
  std::optional<std::string> image_path;
  auto result = database_.write([&](db::Session& session) -> R {
      if (!is_coordinator(session, viewer, network->id)) return R::fail(Failure::Forbidden, "", "groups.error.forbidden");
      std::vector<Error> errors = validated.errors;
      if (is_valid_slug(group.slug) && store::slug_taken(session, network->id, group.slug)) {
        errors.push_back(Error{Failure::Invalid, "adres", "groups.error.slug_taken"});
      }
      if (!errors.empty()) return R::fail(std::move(errors));
      Group created = group;
      created.position = store::next_position(session, network->id);
      created.created_at = at;
      created.id = store::insert_group(session, created);
      if (jpeg) {
        image_path = store_image(created.id, *jpeg);
        if (!image_path) throw std::runtime_error("cannot write a group image into the data directory");
        store::set_image_path(session, created.id, *image_path);
        created.image_path = *image_path;
      }
      audit::record(session, {.actor_account_id = viewer->account_id,
                              .action = "group.create",
                              .subject_type = "group",
                              .subject_id = created.id,
                              .details = group_details(created),
                              .at = at});
      return R::of(std::move(created));
  });
  if (!result.ok() && image_path) remove_image_file(*image_path);
  return result;
}

Result<Group> Service::update(const Viewer& viewer, std::int64_t group_id, const GroupForm& form,
                              const ImageChange& image) {
  using R = Result<Group>;
  if (!signed_in(viewer)) return R::fail(Failure::Forbidden, "", "groups.error.forbidden");
  std::vector<Error> image_errors;
  const auto jpeg = encode_image(image, image_errors);
  std::optional<std::string> new_image;
  std::string old_image;
  const std::int64_t at = now();
  auto result = database_.write([&](db::Session& session) -> R {
    auto current = store::find_group(session, group_id);
    if (!current) return R::fail(Failure::NotFound, "", "error.404.title");
    const GroupAccess rights = access(session, viewer, group_id);
    if (!rights.can_moderate) return R::fail(Failure::Forbidden, "", "groups.error.forbidden");
    if (rights.archived) return R::fail(Failure::Conflict, "", "groups.error.archived");
    ValidatedForm validated;
    validated.group = *current;
    // Hosts look after their group's description, image and join policy; its name and who may
    // see it are the network's choice.
    apply_form(validated, form, rights.coordinator);
    for (Error& error : image_errors) validated.errors.push_back(error);
    if (!validated.errors.empty()) return R::fail(std::move(validated.errors));
    Group& group = validated.group;
    store::update_group(session, group);
    if (jpeg) {
      new_image = store_image(group.id, *jpeg);
      if (!new_image) throw std::runtime_error("cannot write a group image into the data directory");
      old_image = group.image_path;
      store::set_image_path(session, group.id, *new_image);
      group.image_path = *new_image;
    } else if (image.remove && !group.image_path.empty()) {
      old_image = group.image_path;
      store::set_image_path(session, group.id, "");
      group.image_path.clear();
    }
    nlohmann::json details = group_details(group);
    details["changed_by"] = rights.coordinator ? "coordinator" : "host";
    if (jpeg || image.remove) details["image"] = jpeg ? "replaced" : "removed";
    audit::record(session, {.actor_account_id = viewer->account_id,
                            .action = "group.update",
                            .subject_type = "group",
                            .subject_id = group.id,
                            .details = std::move(details),
                            .at = at});
    return R::of(group);
  });
  if (result.ok()) {
    remove_image_file(old_image);
  } else if (new_image) {
    remove_image_file(*new_image);
  }
  return result;
}

Result<Group> Service::set_archived(const Viewer& viewer, std::int64_t group_id, bool archived) {
  using R = Result<Group>;
  if (!signed_in(viewer)) return R::fail(Failure::Forbidden, "", "groups.error.forbidden");
  const std::int64_t at = now();
  return database_.write([&](db::Session& session) -> R {
    auto group = store::find_group(session, group_id);
    if (!group) return R::fail(Failure::NotFound, "", "error.404.title");
    if (!is_coordinator(session, viewer, group->network_id)) return R::fail(Failure::Forbidden, "", "groups.error.forbidden");
    if (group->archived() == archived) return R::of(std::move(*group));
    group->archived_at = archived ? std::optional<std::int64_t>(at) : std::nullopt;
    store::set_archived(session, group_id, group->archived_at);
    audit::record(session, {.actor_account_id = viewer->account_id,
                            .action = archived ? "group.archive" : "group.unarchive",
                            .subject_type = "group",
                            .subject_id = group_id,
                            .details = group_details(*group),
                            .at = at});
    return R::of(std::move(*group));
  });
}

// --- membership

namespace {

using DoneResult = Result<Done>;

DoneResult done() { return DoneResult::of(Done{}); }

// The checks every change of membership starts with: the group exists and is not archived.
std::optional<DoneResult> refuse_unless_open_for_changes(const GroupAccess& rights) {
  if (!rights.exists) return DoneResult::fail(Failure::NotFound, "", "error.404.title");
  if (rights.archived) return DoneResult::fail(Failure::Conflict, "", "groups.error.archived");
  return std::nullopt;
}

void tell(db::Session& session, const Group& group, std::string_view kind, std::int64_t actor,
          std::int64_t member, std::int64_t at) {
  notifications::Activity activity;
  activity.network_id = group.network_id;
  activity.group_id = group.id;
  activity.kind = std::string(kind);
  activity.actor_id = actor;
  activity.subject_type = "group";
  activity.subject_id = group.id;
  activity.title = group.name;
  activity.path = group.url();
  activity.direct = {member};
  activity.created_at = at;
  notifications::record(session, activity);
}

}  // namespace

Result<Done> Service::join(const Viewer& viewer, std::int64_t group_id) {
  if (!signed_in(viewer)) return DoneResult::fail(Failure::Forbidden, "", "groups.error.not_network_member");
  const std::int64_t at = now();
  return database_.write([&](db::Session& session) -> DoneResult {
    const GroupAccess rights = access(session, viewer, group_id);
    if (auto refused = refuse_unless_open_for_changes(rights)) return *refused;
    if (!rights.network_member) return DoneResult::fail(Failure::Forbidden, "", "groups.error.not_network_member");
    if (rights.group_member) return DoneResult::fail(Failure::Conflict, "", "groups.error.already_member");
    const auto row = store::membership(session, group_id, viewer->account_id);
    if (row && row->state == MemberState::Invited) {
      store::set_state(session, group_id, viewer->account_id, MemberState::Active, at);
      return done();
    }
    if (rights.join_policy != JoinPolicy::Open) return DoneResult::fail(Failure::Forbidden, "", "groups.error.cannot_join");
    if (row) {
      // A leftover row (e.g. a request from before the group opened): the member is in now.
      store::set_state(session, group_id, viewer->account_id, MemberState::Active, at);
    } else {
      store::insert_membership(session, Membership{.group_id = group_id,
                                                   .account_id = viewer->account_id,
                                                   .created_at = at,
                                                   .joined_at = at});
    }
    return done();
  });
}

Result<Done> Service::request(const Viewer& viewer, std::int64_t group_id, std::string_view note) {
  if (!signed_in(viewer)) return DoneResult::fail(Failure::Forbidden, "", "groups.error.not_network_member");
  std::vector<Error> errors;
  const std::string message = trim(note);
  check_text(errors, "boodschap", message, kMaxNoteLength, "groups.error.note_too_long");
  const std::int64_t at = now();
  return database_.write([&](db::Session& session) -> DoneResult {
    const GroupAccess rights = access(session, viewer, group_id);
    if (auto refused = refuse_unless_open_for_changes(rights)) return *refused;
    if (!rights.network_member) return DoneResult::fail(Failure::Forbidden, "", "groups.error.not_network_member");
    if (rights.group_member) return DoneResult::fail(Failure::Conflict, "", "groups.error.already_member");
    if (!rights.can_request) return DoneResult::fail(Failure::Conflict, "", "groups.error.cannot_request");
    if (!errors.empty()) return DoneResult::fail(errors);
    store::insert_membership(session, Membership{.group_id = group_id,
                                                 .account_id = viewer->account_id,
                                                 .state = MemberState::Requested,
                                                 .message = message,
                                                 .created_at = at});
    return done();
  });
}

Result<Done> Service::leave(const Viewer& viewer, std::int64_t group_id, std::optional<std::int64_t> successor) {
  if (!signed_in(viewer)) return DoneResult::fail(Failure::Forbidden, "", "groups.error.not_in_group");
  const std::int64_t at = now();
  return database_.write([&](db::Session& session) -> DoneResult {
    const GroupAccess rights = access(session, viewer, group_id);
    if (!rights.exists) return DoneResult::fail(Failure::NotFound, "", "error.404.title");
    const auto row = store::membership(session, group_id, viewer->account_id);
    if (!row) return DoneResult::fail(Failure::Conflict, "", "groups.error.not_in_group");
    if (row->state != MemberState::Active) {
      // Withdrawing a request or declining an invitation is always possible.
      store::delete_membership(session, group_id, viewer->account_id);
      return done();
    }
    if (rights.archived) return DoneResult::fail(Failure::Conflict, "", "groups.error.archived");
    if (row->role == Role::Host && store::count_active(session, group_id, Role::Host) == 1 &&
        store::count_active(session, group_id) > 1) {
      if (!successor) return DoneResult::fail(Failure::Invalid, "opvolger", "groups.error.last_host");
      const auto next = store::membership(session, group_id, *successor);
      if (*successor == viewer->account_id || !next || next->state != MemberState::Active ||
          !store::is_active_network_member(session, *successor, rights.network_id)) {
        return DoneResult::fail(Failure::Invalid, "opvolger", "groups.error.successor_invalid");
      }
      store::set_role(session, group_id, *successor, Role::Host);
      audit::record(session, {.actor_account_id = viewer->account_id,
                              .action = "group.member.role",
                              .subject_type = "account",
                              .subject_id = *successor,
                              .details = {{"group_id", group_id}, {"role", "host"}, {"reason", "successor"}},
                              .at = at});
    }
    store::delete_membership(session, group_id, viewer->account_id);
    return done();
  });
}

Result<Done> Service::answer_invitation(const Viewer& viewer, std::int64_t group_id, bool accept) {
  if (!signed_in(viewer)) return DoneResult::fail(Failure::Forbidden, "", "groups.error.no_invitation");
  const std::int64_t at = now();
  return database_.write([&](db::Session& session) -> DoneResult {
    const GroupAccess rights = access(session, viewer, group_id);
    if (!rights.exists) return DoneResult::fail(Failure::NotFound, "", "error.404.title");
    const auto row = store::membership(session, group_id, viewer->account_id);
    if (!row || row->state != MemberState::Invited) {
      return DoneResult::fail(Failure::Conflict, "", "groups.error.no_invitation");
    }
    if (!accept) {
      store::delete_membership(session, group_id, viewer->account_id);
      return done();
    }
    if (rights.archived) return DoneResult::fail(Failure::Conflict, "", "groups.error.archived");
    if (!rights.network_member) return DoneResult::fail(Failure::Forbidden, "", "groups.error.not_network_member");
    store::set_state(session, group_id, viewer->account_id, MemberState::Active, at);
    return done();
  });
}

Result<Done> Service::decide_request(const Viewer& viewer, std::int64_t group_id, std::int64_t account_id,
                                     bool accept) {
  if (!signed_in(viewer)) return DoneResult::fail(Failure::Forbidden, "", "groups.error.forbidden");
  const std::int64_t at = now();
  return database_.write([&](db::Session& session) -> DoneResult {
    const GroupAccess rights = access(session, viewer, group_id);
    if (!rights.exists) return DoneResult::fail(Failure::NotFound, "", "error.404.title");
    if (!rights.can_moderate) return DoneResult::fail(Failure::Forbidden, "", "groups.error.forbidden");
    if (rights.archived) return DoneResult::fail(Failure::Conflict, "", "groups.error.archived");
    const auto row = store::membership(session, group_id, account_id);
    if (!row || row->state != MemberState::Requested) {
      return DoneResult::fail(Failure::NotFound, "", "groups.error.no_request");
    }
    if (accept) {
      if (!store::is_active_network_member(session, account_id, rights.network_id)) {
        return DoneResult::fail(Failure::Conflict, "", "groups.error.not_network_member");
      }
      store::set_state(session, group_id, account_id, MemberState::Active, at);
      const auto group = store::find_group(session, group_id);
      tell(session, *group, "group.request_accepted", viewer->account_id, account_id, at);
    } else {
      store::delete_membership(session, group_id, account_id);
    }
    audit::record(session, {.actor_account_id = viewer->account_id,
                            .action = accept ? "group.request.accept" : "group.request.decline",
                            .subject_type = "account",
                            .subject_id = account_id,
                            .details = {{"group_id", group_id}},
                            .at = at});
    return done();
  });
}

Result<Done> Service::invite(const Viewer& viewer, std::int64_t group_id, std::int64_t account_id,
                             std::string_view note) {
  if (!signed_in(viewer)) return DoneResult::fail(Failure::Forbidden, "", "groups.error.forbidden");
  std::vector<Error> errors;
  const std::string message = trim(note);
  check_text(errors, "boodschap", message, kMaxNoteLength, "groups.error.note_too_long");
  const std::int64_t at = now();
  return database_.write([&](db::Session& session) -> DoneResult {
    const GroupAccess rights = access(session, viewer, group_id);
    if (!rights.exists) return DoneResult::fail(Failure::NotFound, "", "error.404.title");
    if (!rights.can_moderate) return DoneResult::fail(Failure::Forbidden, "", "groups.error.forbidden");
    if (rights.archived) return DoneResult::fail(Failure::Conflict, "", "groups.error.archived");
    const auto row = store::membership(session, group_id, account_id);
    const bool requested = row && row->state == MemberState::Requested;
    if ((row && !requested) || !store::is_active_network_member(session, account_id, rights.network_id)) {
      errors.push_back(Error{Failure::Invalid, "lid", "groups.error.invitee_invalid"});
    }
    if (!errors.empty()) return DoneResult::fail(std::move(errors));
    const auto group = store::find_group(session, group_id);
    if (requested) {
      // They asked already: an invitation from a host is a yes.
      store::set_state(session, group_id, account_id, MemberState::Active, at);
      tell(session, *group, "group.request_accepted", viewer->account_id, account_id, at);
    } else {
      store::insert_membership(session, Membership{.group_id = group_id,
                                                   .account_id = account_id,
                                                   .state = MemberState::Invited,
                                                   .invited_by = viewer->account_id,
                                                   .message = message,
                                                   .created_at = at});
      tell(session, *group, "group.invited", viewer->account_id, account_id, at);
    }
    audit::record(session, {.actor_account_id = viewer->account_id,
                            .action = requested ? "group.request.accept" : "group.invite",
                            .subject_type = "account",
                            .subject_id = account_id,
                            .details = {{"group_id", group_id}},
                            .at = at});
    return done();
  });
}

Result<Done> Service::set_role(const Viewer& viewer, std::int64_t group_id, std::int64_t account_id, Role role) {
  if (!signed_in(viewer)) return DoneResult::fail(Failure::Forbidden, "", "groups.error.forbidden");
  const std::int64_t at = now();
  return database_.write([&](db::Session& session) -> DoneResult {
    const GroupAccess rights = access(session, viewer, group_id);
    if (!rights.exists) return DoneResult::fail(Failure::NotFound, "", "error.404.title");
    if (!rights.can_moderate) return DoneResult::fail(Failure::Forbidden, "", "groups.error.forbidden");
    if (rights.archived) return DoneResult::fail(Failure::Conflict, "", "groups.error.archived");
    const auto row = store::membership(session, group_id, account_id);
    if (!row || row->state != MemberState::Active) {
      return DoneResult::fail(Failure::NotFound, "", "groups.error.member_not_found");
    }
    if (row->role == role) return done();
    if (role == Role::Member && !rights.coordinator && store::count_active(session, group_id, Role::Host) == 1) {
      return DoneResult::fail(Failure::Conflict, "", "groups.error.last_host");
    }
    store::set_role(session, group_id, account_id, role);
    audit::record(session, {.actor_account_id = viewer->account_id,
                            .action = "group.member.role",
                            .subject_type = "account",
                            .subject_id = account_id,
                            .details = {{"group_id", group_id}, {"role", std::string(to_string(role))}},
                            .at = at});
    return done();
  });
}

Result<Done> Service::remove_member(const Viewer& viewer, std::int64_t group_id, std::int64_t account_id) {
  if (!signed_in(viewer)) return DoneResult::fail(Failure::Forbidden, "", "groups.error.forbidden");
  const std::int64_t at = now();
  return database_.write([&](db::Session& session) -> DoneResult {
    const GroupAccess rights = access(session, viewer, group_id);
    if (!rights.exists) return DoneResult::fail(Failure::NotFound, "", "error.404.title");
    if (!rights.can_moderate) return DoneResult::fail(Failure::Forbidden, "", "groups.error.forbidden");
    if (rights.archived) return DoneResult::fail(Failure::Conflict, "", "groups.error.archived");
    if (account_id == viewer->account_id) return DoneResult::fail(Failure::Invalid, "", "groups.error.self");
    const auto row = store::membership(session, group_id, account_id);
    if (!row || row->state == MemberState::Requested) {
      return DoneResult::fail(Failure::NotFound, "", "groups.error.member_not_found");
    }
    if (row->state == MemberState::Active && row->role == Role::Host && !rights.coordinator &&
        store::count_active(session, group_id, Role::Host) == 1) {
      return DoneResult::fail(Failure::Conflict, "", "groups.error.last_host");
    }
    store::delete_membership(session, group_id, account_id);
    audit::record(session, {.actor_account_id = viewer->account_id,
                            .action = row->state == MemberState::Invited ? "group.invitation.cancel"
                                                                         : "group.member.remove",
                            .subject_type = "account",
                            .subject_id = account_id,
                            .details = {{"group_id", group_id}, {"role", std::string(to_string(row->role))}},
                            .at = at});
    return done();
  });
}

bool Service::hosts_group(std::int64_t account_id, std::int64_t group_id, std::optional<std::int64_t> network_id) {
  return database_.read(
      [&](db::Session& session) { return groups::hosts_group(session, account_id, group_id, network_id); });
}

std::vector<std::int64_t> Service::hosted_group_ids(std::int64_t account_id, std::int64_t network_id) {
  return database_.read(
      [&](db::Session& session) { return groups::hosted_group_ids(session, account_id, network_id); });
}

}  // namespace groups
