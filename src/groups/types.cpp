#include "groups/types.h"

namespace groups {

std::string_view to_string(Role role) { return role == Role::Host ? "host" : "member"; }

std::string_view to_string(MemberState state) {
  switch (state) {
    case MemberState::Active: return "active";
    case MemberState::Requested: return "requested";
    case MemberState::Invited: return "invited";
  }
  return "active";
}

std::optional<Role> role_from(std::string_view text) {
  if (text == "member") return Role::Member;
  if (text == "host") return Role::Host;
  return std::nullopt;
}

std::optional<MemberState> member_state_from(std::string_view text) {
  if (text == "active") return MemberState::Active;
  if (text == "requested") return MemberState::Requested;
  if (text == "invited") return MemberState::Invited;
  return std::nullopt;
}

std::string Group::image_url() const {
  if (image_path.empty()) return "";
  // The stored name ("groups/3-1732860000.jpg") changes with every upload: its stem is the version.
  std::string_view file = image_path;
  if (const auto slash = file.find_last_of('/'); slash != std::string_view::npos) file.remove_prefix(slash + 1);
  if (const auto dot = file.find_last_of('.'); dot != std::string_view::npos) file = file.substr(0, dot);
  return url() + "/afbeelding?v=" + std::string(file);
}

}  // namespace groups
