// The rules for knowledge groups: which groups a viewer finds, what a group's pages show, how
// coordinators add, change and archive groups, and how members join, ask, are invited, leave, and
// become hosts. Who may see or post is decided by groups::access (groups/access.h); this service adds
// the rules of membership on top. No HTTP here: the pages (groups/routes.h) and the JSON API call it.
//
// Rules, in one place:
// - Only active members of the group's network join a group; an archived group changes no more
//   (coordinators may unarchive it).
// - Open groups: a network member joins at once. Request: they ask (with a note), a host or
//   coordinator accepts or declines. Invitation (and any policy): a host invites a network member,
//   who accepts or declines.
// - A group with hosts keeps at least one: the last host leaves only by naming an active member as
//   successor (made host in the same transaction), unless no one else is left. Only a coordinator
//   may demote or remove the last host.
// - Coordinators change everything of a group; its hosts change description, image and join policy.
// Every action is one write transaction; role changes, removals, decisions, invitations and group
// changes are written to the audit log in it.
//
// Thread-safe: each call runs its own transactions.
//
// Example (a route):
//   auto joined = service.join(request.viewer, group_id);
//   if (!joined.ok()) return error_page(http_status(joined.error->failure));
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "db/database.h"
#include "groups/access.h"
#include "groups/store.h"
#include "groups/types.h"
#include "http/request.h"

namespace groups {

using Viewer = std::optional<http::Viewer>;

enum class Failure { Invalid, NotFound, Forbidden, Conflict, TooLarge, UnsupportedType };
int http_status(Failure failure);  // 422, 404, 403, 409, 413, 415

// Why something was refused: the form field (empty: the whole action) and a catalog key.
struct Error {
  Failure failure = Failure::Invalid;
  std::string field;
  std::string message_key;
};

template <class T>
struct Result {
  std::optional<T> value;
  std::vector<Error> errors;  // non-empty exactly when value is empty
  bool ok() const { return value.has_value(); }
  const Error& error() const { return errors.front(); }
  static Result of(T value) {
    Result result;
    result.value = std::move(value);
    return result;
  }
  static Result fail(Failure failure, std::string field, std::string key) {
    Result result;
    result.errors.push_back(Error{failure, std::move(field), std::move(key)});
    return result;
  }
  static Result fail(std::vector<Error> errors) {
    Result result;
    result.errors = std::move(errors);
    return result;
  }
};
struct Done {};

// A group's settings as a form or the API sends them: text, validated by the service (unknown
// policies and visibilities are errors of their own fields). Empty optionals: unchanged.
struct GroupForm {
  std::optional<std::string> name;
  std::optional<std::string> slug;  // only when creating; "" derives it from the name
  std::optional<std::string> description;
  std::optional<std::string> join_policy;  // "open", "request", "invitation"
  std::optional<std::string> visibility;   // "public", "network", "group"
};

// An image for a group: the uploaded bytes, re-encoded before they are stored.
struct ImageChange {
  std::optional<std::string_view> upload;
  bool remove = false;
};

// One group as a list shows it to one viewer.
struct GroupListing {
  Group group;
  GroupAccess access;
  std::optional<Membership> mine;
};

// The list page of a network's groups.
struct NetworkGroups {
  store::NetworkRef network;
  std::vector<GroupListing> active;
  std::vector<GroupListing> archived;
  bool can_create = false;  // a coordinator of the network
};

// The member list of a group; requests and invitations only for those who manage it.
struct MemberPage {
  GroupHeader header;
  std::vector<Membership> hosts;
  std::vector<Membership> members;
  std::vector<Membership> requests;
  std::vector<Membership> invitations;
  std::vector<store::Candidate> candidates;  // whom a host may invite
  bool can_manage = false;
};

// What the settings form needs.
struct SettingsPage {
  GroupHeader header;
  bool coordinator = false;  // may rename, change visibility, archive
};

// One group for the API, with the caller's place in it.
struct ApiGroup {
  Group group;
  bool member = false;
  bool host = false;
  std::optional<MemberState> state;
};

// Slugs: lower-case ASCII letters, digits and single hyphens, 1 to 64 characters ("juridisch-advies").
bool is_valid_slug(std::string_view slug);
// A slug made from a name: "Financiën & recht" -> "financien-recht" (may be empty or invalid).
std::string slug_from_name(std::string_view name);

// Removes every group membership, request and invitation of the account (personal-data erasure),
// in the caller's transaction. Returns the rows removed.
std::int64_t erase_member(db::Session& session, std::int64_t account_id);

// The account's group memberships, requests and invitations for its personal-data download: one
// object per row with the group (id, network, slug, name), role, state, note and dates.
nlohmann::json export_member(db::Session& session, std::int64_t account_id);

// Whether the account is an active host of the group, which is not archived and (when given) belongs
// to `network_id` (events: a group's hosts create and manage its events).
bool hosts_group(db::Session& session, std::int64_t account_id, std::int64_t group_id,
                 std::optional<std::int64_t> network_id = std::nullopt);
// The groups of the network the account hosts by the same rule, in one query (a page that needs
// them all does not ask group by group).
std::vector<std::int64_t> hosted_group_ids(db::Session& session, std::int64_t account_id, std::int64_t network_id);

class Service {
 public:
  // `data_dir` holds group images under groups/. `clock` returns Unix seconds (tests pass their own).
  Service(db::Database& database, std::filesystem::path data_dir, std::function<std::int64_t()> clock = {});

  std::vector<store::NetworkRef> networks();

  // The groups of a network that the viewer may find: public ones for everybody; for members of
  // the network every group (content of group-only groups stays with their members). Nothing for an
  // unknown network.
  std::optional<NetworkGroups> network_groups(const Viewer& viewer, std::string_view network_slug);

  // The header of a group's pages. Nothing when the group does not exist or the viewer may not even
  // know it exists (then answer 404); with access.can_view false the viewer sees the group's face
  // but not its content (403 on content pages for network members).
  std::optional<GroupHeader> header(const Viewer& viewer, std::string_view network_slug,
                                    std::string_view group_slug);
  std::optional<GroupHeader> header_in(db::Session& session, const Viewer& viewer, std::string_view network_slug,
                                       std::string_view group_slug);

  // A group the viewer may find, by id (nothing otherwise).
  std::optional<Group> group_by_id(const Viewer& viewer, std::int64_t group_id);

  // The member list (nothing when the header is nothing; the caller checks access.can_view).
  std::optional<MemberPage> member_page(const Viewer& viewer, std::string_view network_slug,
                                        std::string_view group_slug);
  // The settings form (Forbidden unless host or coordinator).
  Result<SettingsPage> settings_page(const Viewer& viewer, std::string_view network_slug,
                                     std::string_view group_slug);
  // The group's image (JPEG bytes) for a viewer who may find the group.
  std::optional<std::string> image(const Viewer& viewer, std::string_view network_slug,
                                   std::string_view group_slug);

  // Every group the viewer may find in any network, with their place in it (the API).
  std::vector<ApiGroup> visible_groups(const Viewer& viewer);

  // --- coordinators and hosts
  Result<Group> create(const Viewer& viewer, std::string_view network_slug, const GroupForm& form,
                       const ImageChange& image = {});
  Result<Group> update(const Viewer& viewer, std::int64_t group_id, const GroupForm& form,
                       const ImageChange& image = {});
  Result<Group> set_archived(const Viewer& viewer, std::int64_t group_id, bool archived);

  // --- membership (the viewer acts for themselves)
  Result<Done> join(const Viewer& viewer, std::int64_t group_id);
  Result<Done> request(const Viewer& viewer, std::int64_t group_id, std::string_view note);
  // Leaves the group, or withdraws a request. The last host names `successor` (an active member).
  Result<Done> leave(const Viewer& viewer, std::int64_t group_id, std::optional<std::int64_t> successor = {});
  Result<Done> answer_invitation(const Viewer& viewer, std::int64_t group_id, bool accept);

  // --- hosts and coordinators act on others
  Result<Done> decide_request(const Viewer& viewer, std::int64_t group_id, std::int64_t account_id, bool accept);
  Result<Done> invite(const Viewer& viewer, std::int64_t group_id, std::int64_t account_id, std::string_view note);
  Result<Done> set_role(const Viewer& viewer, std::int64_t group_id, std::int64_t account_id, Role role);
  // Removes an active member, or withdraws an invitation.
  Result<Done> remove_member(const Viewer& viewer, std::int64_t group_id, std::int64_t account_id);

  // groups::hosts_group in its own transaction (wired into events::Access::hosts_group by app/).
  bool hosts_group(std::int64_t account_id, std::int64_t group_id,
                   std::optional<std::int64_t> network_id = std::nullopt);
  std::vector<std::int64_t> hosted_group_ids(std::int64_t account_id, std::int64_t network_id);

 private:
  std::int64_t now() const;
  std::optional<std::string> store_image(std::int64_t group_id, std::string_view jpeg);
  void remove_image_file(const std::string& relative_path);

  db::Database& database_;
  std::filesystem::path data_dir_;
  std::function<std::int64_t()> clock_;
};

}  // namespace groups
