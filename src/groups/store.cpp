#include "groups/store.h"

namespace groups::store {

namespace {

constexpr std::string_view kGroupColumns =
    "SELECT g.id, g.network_id, n.slug, n.name, g.slug, g.name, g.description, g.description_html, "
    "g.image_path, g.join_policy, g.visibility, g.archived_at, g.position, g.created_at, "
    "(SELECT COUNT(*) FROM group_members c WHERE c.group_id = g.id AND c.state = 'active') "
    "FROM knowledge_groups g JOIN networks n ON n.id = g.network_id ";

Group group_from(const db::Row& row) {
  Group group;
  group.id = row.int64(0);
  group.network_id = row.int64(1);
  group.network_slug = row.text(2);
  group.network_name = row.text(3);
  group.slug = row.text(4);
  group.name = row.text(5);
  group.description = row.text(6);
  group.description_html = row.text(7);
  group.image_path = row.text(8);
  group.join_policy = join_policy_from(row.text(9)).value_or(JoinPolicy::Invitation);
  group.visibility = visibility_from(row.text(10)).value_or(Visibility::Group);
  group.archived_at = row.optional_int64(11);
  group.position = row.int64(12);
  group.created_at = row.int64(13);
  group.member_count = row.int64(14);
  return group;
}

std::vector<Group> groups_from(const db::Rows& rows) {
  std::vector<Group> groups;
  groups.reserve(rows.size());
  for (const db::Row& row : rows) groups.push_back(group_from(row));
  return groups;
}

constexpr std::string_view kMemberColumns =
    "SELECT gm.group_id, gm.account_id, a.name, gm.role, gm.state, gm.invited_by, gm.message, gm.created_at, "
    "gm.joined_at FROM group_members gm JOIN accounts a ON a.id = gm.account_id ";

Membership membership_from(const db::Row& row) {
  Membership membership;
  membership.group_id = row.int64(0);
  membership.account_id = row.int64(1);
  membership.name = row.text(2);
  membership.role = role_from(row.text(3)).value_or(Role::Member);
  membership.state = member_state_from(row.text(4)).value_or(MemberState::Requested);
  membership.invited_by = row.optional_int64(5);
  membership.message = row.text(6);
  membership.created_at = row.int64(7);
  membership.joined_at = row.optional_int64(8);
  return membership;
}

NetworkRef network_from(const db::Row& row) { return NetworkRef{row.int64(0), row.text(1), row.text(2)}; }

}  // namespace

std::optional<NetworkRef> find_network(db::Session& session, std::string_view slug) {
  const auto row = session.query_one("SELECT id, slug, name FROM networks WHERE slug = ?", {std::string(slug)});
  if (!row) return std::nullopt;
  return network_from(*row);
}

std::optional<NetworkRef> find_network(db::Session& session, std::int64_t id) {
  const auto row = session.query_one("SELECT id, slug, name FROM networks WHERE id = ?", {id});
  if (!row) return std::nullopt;
  return network_from(*row);
}

std::vector<NetworkRef> networks(db::Session& session) {
  std::vector<NetworkRef> list;
  for (const db::Row& row : session.query("SELECT id, slug, name FROM networks ORDER BY id")) {
    list.push_back(network_from(row));
  }
  return list;
}

std::optional<Group> find_group(db::Session& session, std::string_view network_slug, std::string_view group_slug) {
  static const std::string sql = std::string(kGroupColumns) + "WHERE n.slug = ? AND g.slug = ?";
  const auto row = session.query_one(sql, {std::string(network_slug), std::string(group_slug)});
  if (!row) return std::nullopt;
  return group_from(*row);
}

std::optional<Group> find_group(db::Session& session, std::int64_t group_id) {
  static const std::string sql = std::string(kGroupColumns) + "WHERE g.id = ?";
  const auto row = session.query_one(sql, {group_id});
  if (!row) return std::nullopt;
  return group_from(*row);
}

std::vector<Group> groups_of_network(db::Session& session, std::int64_t network_id) {
  static const std::string sql =
      std::string(kGroupColumns) + "WHERE g.network_id = ? ORDER BY g.position, g.name, g.id";
  return groups_from(session.query(sql, {network_id}));
}

std::vector<Group> all_groups(db::Session& session) {
  static const std::string sql = std::string(kGroupColumns) + "ORDER BY g.network_id, g.position, g.name, g.id";
  return groups_from(session.query(sql));
}

bool slug_taken(db::Session& session, std::int64_t network_id, std::string_view slug) {
  return session
      .query_one("SELECT 1 FROM knowledge_groups WHERE network_id = ? AND slug = ?", {network_id, std::string(slug)})
      .has_value();
}

std::int64_t next_position(db::Session& session, std::int64_t network_id) {
  const auto row =
      session.query_one("SELECT COALESCE(MAX(position), 0) + 1 FROM knowledge_groups WHERE network_id = ?",
                        {network_id});
  return row ? row->int64(0) : 1;
}

std::int64_t insert_group(db::Session& session, const Group& group) {
  const auto row = session.query_one(
      "INSERT INTO knowledge_groups (network_id, slug, name, description, description_html, position, created_at, "
      "image_path, join_policy, visibility) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {group.network_id, group.slug, group.name, group.description, group.description_html, group.position,
       group.created_at, group.image_path, std::string(to_string(group.join_policy)),
       std::string(to_string(group.visibility))});
  return row->int64(0);
}

void update_group(db::Session& session, const Group& group) {
  session.execute(
      "UPDATE knowledge_groups SET name = ?, description = ?, description_html = ?, join_policy = ?, "
      "visibility = ? WHERE id = ?",
      {group.name, group.description, group.description_html, std::string(to_string(group.join_policy)),
       std::string(to_string(group.visibility)), group.id});
}

void set_archived(db::Session& session, std::int64_t group_id, std::optional<std::int64_t> archived_at) {
  session.execute("UPDATE knowledge_groups SET archived_at = ? WHERE id = ?", {db::optional(archived_at), group_id});
}

void set_image_path(db::Session& session, std::int64_t group_id, std::string_view image_path) {
  session.execute("UPDATE knowledge_groups SET image_path = ? WHERE id = ?", {std::string(image_path), group_id});
}

std::optional<Membership> membership(db::Session& session, std::int64_t group_id, std::int64_t account_id) {
  static const std::string sql = std::string(kMemberColumns) + "WHERE gm.group_id = ? AND gm.account_id = ?";
  const auto row = session.query_one(sql, {group_id, account_id});
  if (!row) return std::nullopt;
  return membership_from(*row);
}

std::vector<Membership> members_of(db::Session& session, std::int64_t group_id) {
  static const std::string sql = std::string(kMemberColumns) +
                                 "WHERE gm.group_id = ? ORDER BY CASE WHEN gm.role = 'host' THEN 0 ELSE 1 END, "
                                 "a.name, gm.account_id";
  std::vector<Membership> list;
  for (const db::Row& row : session.query(sql, {group_id})) list.push_back(membership_from(row));
  return list;
}

std::map<std::int64_t, Membership> memberships_of_account(db::Session& session, std::int64_t account_id) {
  static const std::string sql = std::string(kMemberColumns) + "WHERE gm.account_id = ?";
  std::map<std::int64_t, Membership> rows;
  for (const db::Row& row : session.query(sql, {account_id})) {
    Membership membership = membership_from(row);
    rows.emplace(membership.group_id, std::move(membership));
  }
  return rows;
}

std::int64_t count_active(db::Session& session, std::int64_t group_id, std::optional<Role> role) {
  if (role) {
    return session
        .query_one("SELECT COUNT(*) FROM group_members WHERE group_id = ? AND state = 'active' AND role = ?",
                   {group_id, std::string(to_string(*role))})
        ->int64(0);
  }
  return session.query_one("SELECT COUNT(*) FROM group_members WHERE group_id = ? AND state = 'active'", {group_id})
      ->int64(0);
}

std::vector<std::string> host_names(db::Session& session, std::int64_t group_id) {
  std::vector<std::string> names;
  for (const db::Row& row : session.query(
           "SELECT a.name FROM group_members gm JOIN accounts a ON a.id = gm.account_id "
           "WHERE gm.group_id = ? AND gm.state = 'active' AND gm.role = 'host' ORDER BY a.name",
           {group_id})) {
    names.push_back(row.text(0));
  }
  return names;
}

void insert_membership(db::Session& session, const Membership& membership) {
  session.execute(
      "INSERT INTO group_members (group_id, account_id, role, state, invited_by, message, created_at, joined_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      {membership.group_id, membership.account_id, std::string(to_string(membership.role)),
       std::string(to_string(membership.state)), db::optional(membership.invited_by), membership.message,
       membership.created_at, db::optional(membership.joined_at)});
}

void set_state(db::Session& session, std::int64_t group_id, std::int64_t account_id, MemberState state,
               std::optional<std::int64_t> joined_at) {
  session.execute("UPDATE group_members SET state = ?, joined_at = ? WHERE group_id = ? AND account_id = ?",
                  {std::string(to_string(state)), db::optional(joined_at), group_id, account_id});
}

void set_role(db::Session& session, std::int64_t group_id, std::int64_t account_id, Role role) {
  session.execute("UPDATE group_members SET role = ? WHERE group_id = ? AND account_id = ?",
                  {std::string(to_string(role)), group_id, account_id});
}

std::int64_t delete_membership(db::Session& session, std::int64_t group_id, std::int64_t account_id) {
  return session.execute("DELETE FROM group_members WHERE group_id = ? AND account_id = ?", {group_id, account_id});
}

std::int64_t delete_memberships_of_account(db::Session& session, std::int64_t account_id) {
  session.execute("UPDATE group_members SET invited_by = NULL WHERE invited_by = ?", {account_id});
  return session.execute("DELETE FROM group_members WHERE account_id = ?", {account_id});
}

std::vector<Candidate> invite_candidates(db::Session& session, std::int64_t group_id, std::int64_t network_id) {
  std::vector<Candidate> list;
  for (const db::Row& row : session.query(
           "SELECT a.id, a.name FROM memberships m JOIN accounts a ON a.id = m.account_id "
           "WHERE m.network_id = ? AND m.status = 'active' AND a.status = 'active' AND NOT EXISTS "
           "(SELECT 1 FROM group_members gm WHERE gm.group_id = ? AND gm.account_id = a.id) "
           "ORDER BY a.name, a.id",
           {network_id, group_id})) {
    list.push_back(Candidate{row.int64(0), row.text(1)});
  }
  return list;
}

bool is_active_network_member(db::Session& session, std::int64_t account_id, std::int64_t network_id) {
  return session
      .query_one("SELECT 1 FROM memberships WHERE account_id = ? AND network_id = ? AND status = 'active'",
                 {account_id, network_id})
      .has_value();
}

}  // namespace groups::store
