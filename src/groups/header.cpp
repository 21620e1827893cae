#include "groups/header.h"

#include <string>

namespace groups {

namespace {

using kainjow::mustache::data;

constexpr std::string_view kTabs[] = {kTabDiscussions, kTabDocuments, kTabWiki, kTabMembers, kTabActivity};

}  // namespace

data header_data(const GroupHeader& header, std::string_view active_tab) {
  const Group& group = header.group;
  const GroupAccess& access = header.access;
  data out;
  out.set("id", std::to_string(group.id));
  out.set("url", group.url());
  out.set("name", group.name);
  out.set("network_slug", group.network_slug);
  out.set("network_name", group.network_name);
  out.set("network_url", "/groepen/" + group.network_slug);
  if (!group.image_path.empty()) out.set("image_url", group.image_url());
  out.set("member_count", std::to_string(group.member_count));
  out.set("one_member", group.member_count == 1);
  out.set("visibility_" + std::string(to_string(group.visibility)), true);
  out.set("policy_" + std::string(to_string(group.join_policy)), true);
  if (group.archived()) out.set("archived", true);
  if (active_tab == kTabHome) out.set("home_active", true);

  // The viewer's one action: exactly one of these is set (none for an archived group).
  const bool member = access.group_member;
  const bool invited = header.my_state == MemberState::Invited;
  const bool requested = header.my_state == MemberState::Requested;
  if (!group.archived()) {
    if (!header.signed_in) {
      out.set("action_sign_in", true);
    } else if (member) {
      out.set("action_leave", true);
      if (access.host) out.set("is_host", true);
    } else if (invited && access.network_member) {
      out.set("action_invitation", true);
    } else if (requested && access.network_member) {
      out.set("action_requested", true);
    } else if (access.can_join) {
      out.set("action_join", true);
    } else if (access.can_request) {
      out.set("action_request", true);
    } else if (access.network_member && access.join_policy == JoinPolicy::Invitation) {
      out.set("action_invitation_only", true);
    }
  }
  if (access.can_moderate && (!group.archived() || access.coordinator)) out.set("can_manage", true);

  if (access.can_view) {
    data tabs(data::type::list);
    for (std::string_view tab : kTabs) {
      data item;
      item.set("href", group.url() + "/" + std::string(tab));
      item.set("tab_" + std::string(tab), true);
      if (tab == active_tab) item.set("active", true);
      tabs.push_back(item);
    }
    out.set("tabs", tabs);
    out.set("has_tabs", true);
  }
  return out;
}

}  // namespace groups
