// Knowledge groups and their members: plain values. Who may see or do what is decided by
// groups/access.h; what is valid by groups/service.h. Times are Unix seconds (UTC).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "groups/access.h"

namespace groups {

inline constexpr std::size_t kMaxNameLength = 80;
inline constexpr std::size_t kMaxDescriptionLength = 4000;
inline constexpr std::size_t kMaxNoteLength = 1000;
inline constexpr std::size_t kMaxSlugLength = 64;

enum class Role { Member, Host };
// Active: in the group. Requested: asked to join (request policy). Invited: a host asked them.
enum class MemberState { Active, Requested, Invited };

std::string_view to_string(Role role);          // "member", "host"
std::string_view to_string(MemberState state);  // "active", "requested", "invited"
std::optional<Role> role_from(std::string_view text);
std::optional<MemberState> member_state_from(std::string_view text);

struct Group {
  std::int64_t id = 0;
  std::int64_t network_id = 0;
  std::string network_slug;
  std::string network_name;
  std::string slug;
  std::string name;
  std::string description;       // Markdown as written
  std::string description_html;  // rendered by web/markdown.h when saved (safe)
  std::string image_path;        // relative to the data directory; "" when the group has no image
  JoinPolicy join_policy = JoinPolicy::Open;
  Visibility visibility = Visibility::Network;
  std::optional<std::int64_t> archived_at;
  std::int64_t position = 0;
  std::int64_t created_at = 0;
  std::int64_t member_count = 0;  // active members, hosts included

  bool archived() const { return archived_at.has_value(); }
  // "/groepen/west-brabant-zeeland/ict"
  std::string url() const { return "/groepen/" + network_slug + "/" + slug; }
  // "/groepen/west-brabant-zeeland/ict/afbeelding?v=groups-3-1732860000": a new image, a new URL.
  std::string image_url() const;
};

// One row of group_members with the member's name.
struct Membership {
  std::int64_t group_id = 0;
  std::int64_t account_id = 0;
  std::string name{};
  Role role = Role::Member;
  MemberState state = MemberState::Active;
  std::optional<std::int64_t> invited_by{};
  std::string message{};  // the note with a request or an invitation
  std::int64_t created_at = 0;
  std::optional<std::int64_t> joined_at{};
};

// What the group header (partials/group_header.mustache) shows on every page of a group: filled by
// Service::header, turned into template data by groups::header_data (groups/header.h).
struct GroupHeader {
  Group group;
  GroupAccess access;
  std::optional<MemberState> my_state;  // the viewer's row in group_members, if any
  bool signed_in = false;
  std::vector<std::string> host_names;
};

}  // namespace groups
