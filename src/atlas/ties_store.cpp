// SQL for declared ties, atlas privacy and the atlas's reads of members, groups and events.
#include "atlas/ties_store.h"

#include <algorithm>
#include <sstream>

namespace atlas::ties_store {

namespace {

constexpr std::string_view kTieColumns =
    "t.id, t.network_id, t.from_account, t.to_account, t.kind, t.tie_date, t.note, t.state, t.created_at, "
    "t.decided_at, t.ended_at, t.ended_by";

Tie tie_from(const db::Row& row, std::size_t first = 0) {
  Tie tie;
  tie.id = row.int64(first);
  tie.network_id = row.int64(first + 1);
  tie.from_account = row.int64(first + 2);
  tie.to_account = row.int64(first + 3);
  tie.kind = tie_kind_from_string(row.text(first + 4)).value_or(TieKind::Knows);
  tie.date = row.optional_int64(first + 5);
  tie.note = row.text(first + 6);
  tie.state = tie_state_from_string(row.text(first + 7)).value_or(TieState::Pending);
  tie.created_at = row.int64(first + 8);
  tie.decided_at = row.optional_int64(first + 9);
  tie.ended_at = row.optional_int64(first + 10);
  tie.ended_by = row.optional_int64(first + 11);
  return tie;
}

std::vector<std::string> split_words(const std::string& text) {
  std::vector<std::string> words;
  std::istringstream in(text);
  std::string word;
  while (in >> word) words.push_back(word);
  return words;
}

std::string like_pattern(std::string_view text) {
  std::string pattern = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') pattern += '\\';
    pattern += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  pattern += '%';
  return pattern;
}

}  // namespace

std::pair<std::int64_t, std::int64_t> duplicate_key(TieKind kind, std::int64_t from, std::int64_t to) {
  if (is_directed(kind)) return {from, to};
  return {std::min(from, to), std::max(from, to)};
}

std::int64_t insert_tie(db::Session& session, const Tie& tie) {
  const auto [key_a, key_b] = duplicate_key(tie.kind, tie.from_account, tie.to_account);
  const auto row = session.query_one(
      "INSERT INTO atlas_ties (network_id, from_account, to_account, kind, key_a, key_b, tie_date, note, state, "
      "created_at, decided_at, ended_at, ended_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {tie.network_id, tie.from_account, tie.to_account, std::string(to_string(tie.kind)), key_a, key_b,
       db::optional(tie.date), tie.note, std::string(to_string(tie.state)), tie.created_at,
       db::optional(tie.decided_at), db::optional(tie.ended_at), db::optional(tie.ended_by)});
  return row->int64(0);
}

std::optional<Tie> find_tie(db::Session& session, std::int64_t tie_id) {
  const auto row =
      session.query_one("SELECT " + std::string(kTieColumns) + " FROM atlas_ties t WHERE t.id = ?", {tie_id});
  if (!row) return std::nullopt;
  return tie_from(*row);
}

std::optional<Tie> live_tie(db::Session& session, std::int64_t network_id, TieKind kind, std::int64_t key_a,
                            std::int64_t key_b) {
  const auto row = session.query_one("SELECT " + std::string(kTieColumns) +
                                         " FROM atlas_ties t WHERE t.network_id = ? AND t.kind = ? AND t.key_a = ? "
                                         "AND t.key_b = ? AND t.state IN ('pending', 'confirmed')",
                                     {network_id, std::string(to_string(kind)), key_a, key_b});
  if (!row) return std::nullopt;
  return tie_from(*row);
}

bool change_state(db::Session& session, std::int64_t tie_id, TieState from, TieState to, std::int64_t now,
                  std::int64_t actor) {
  if (to == TieState::Ended) {
    return session.execute("UPDATE atlas_ties SET state = ?, ended_at = ?, ended_by = ? WHERE id = ? AND state = ?",
                           {std::string(to_string(to)), now, actor, tie_id, std::string(to_string(from))}) == 1;
  }
  return session.execute("UPDATE atlas_ties SET state = ?, decided_at = ? WHERE id = ? AND state = ?",
                         {std::string(to_string(to)), now, tie_id, std::string(to_string(from))}) == 1;
}

std::vector<TieListing> live_ties_of(db::Session& session, std::int64_t account_id) {
  std::vector<TieListing> result;
  for (const db::Row& row : session.query(
           "SELECT " + std::string(kTieColumns) +
               ", f.name, o.name, n.name, n.slug FROM atlas_ties t JOIN accounts f ON f.id = t.from_account "
               "JOIN accounts o ON o.id = t.to_account JOIN networks n ON n.id = t.network_id "
               "WHERE (t.from_account = ? OR t.to_account = ?) AND t.state IN ('pending', 'confirmed') "
               "ORDER BY COALESCE(t.decided_at, t.created_at) DESC, t.id DESC",
           {account_id, account_id})) {
    result.push_back(TieListing{tie_from(row), row.text(12), row.text(13), row.text(14), row.text(15)});
  }
  return result;
}

std::vector<Tie> all_ties_of(db::Session& session, std::int64_t account_id) {
  std::vector<Tie> result;
  for (const db::Row& row :
       session.query("SELECT " + std::string(kTieColumns) +
                         " FROM atlas_ties t WHERE t.from_account = ? OR t.to_account = ? ORDER BY t.id",
                     {account_id, account_id})) {
    result.push_back(tie_from(row));
  }
  return result;
}

std::vector<ConfirmedTie> confirmed_ties(db::Session& session, std::int64_t network_id) {
  const db::Rows rows = session.query(
      "SELECT id, from_account, to_account, kind, COALESCE(tie_date, decided_at, created_at) FROM atlas_ties "
      "WHERE network_id = ? AND state = 'confirmed' ORDER BY id",
      {network_id});
  std::vector<ConfirmedTie> result;
  result.reserve(rows.size());
  for (const db::Row& row : rows) {
    result.push_back(ConfirmedTie{row.int64(0), row.int64(1), row.int64(2),
                                  tie_kind_from_string(row.text(3)).value_or(TieKind::Knows), row.int64(4)});
  }
  return result;
}

std::vector<Tie> ended_ties(db::Session& session, std::int64_t network_id) {
  std::vector<Tie> result;
  for (const db::Row& row : session.query("SELECT " + std::string(kTieColumns) +
                                              " FROM atlas_ties t WHERE t.network_id = ? AND t.state = 'ended' "
                                              "AND t.ended_at IS NOT NULL ORDER BY t.id",
                                          {network_id})) {
    result.push_back(tie_from(row));
  }
  return result;
}

std::vector<Tie> ties_changed_since(db::Session& session, std::int64_t network_id, std::int64_t decided_since,
                                    std::int64_t ended_since) {
  // Two indexed ranges (atlas_ties_by_decision, atlas_ties_by_end) joined, rather than an OR that a
  // planner may answer by walking the network's every tie.
  std::vector<Tie> result;
  for (const db::Row& row : session.query(
           "SELECT " + std::string(kTieColumns) + " FROM atlas_ties t WHERE t.id IN ("
           "SELECT id FROM atlas_ties WHERE network_id = ? AND decided_at >= ? UNION "
           "SELECT id FROM atlas_ties WHERE network_id = ? AND ended_at >= ?) ORDER BY t.id",
           {network_id, decided_since, network_id, ended_since})) {
    result.push_back(tie_from(row));
  }
  return result;
}

std::vector<std::int64_t> connections_of(db::Session& session, std::int64_t account_id, std::int64_t network_id) {
  std::vector<std::int64_t> result;
  // Two lookups by the member's own indexes (by_from, by_to). The unary plus keeps SQLite's planner
  // from taking atlas_ties_by_network instead, which walks the network's every tie (a million at 100k
  // members: 0.2-0.4 s per atlas request, against 1 ms).
  for (const db::Row& row : session.query(
           "SELECT to_account FROM atlas_ties WHERE from_account = ? AND state = 'confirmed' AND +network_id = ? "
           "UNION SELECT from_account FROM atlas_ties WHERE to_account = ? AND state = 'confirmed' AND +network_id = ?",
           {account_id, network_id, account_id, network_id})) {
    result.push_back(row.int64(0));
  }
  std::sort(result.begin(), result.end());
  return result;
}

void delete_ties_of(db::Session& session, std::int64_t account_id) {
  session.execute("DELETE FROM atlas_ties WHERE from_account = ? OR to_account = ?", {account_id, account_id});
  session.execute("UPDATE atlas_ties SET ended_by = NULL WHERE ended_by = ?", {account_id});
}

std::optional<PrivacySettings> find_privacy(db::Session& session, std::int64_t account_id) {
  const auto row =
      session.query_one("SELECT ties_visibility, hidden FROM atlas_privacy WHERE account_id = ?", {account_id});
  if (!row) return std::nullopt;
  return PrivacySettings{tie_visibility_from_string(row->text(0)).value_or(TieVisibility::Network),
                         row->int64(1) != 0};
}

void put_privacy(db::Session& session, std::int64_t account_id, const PrivacySettings& settings, std::int64_t now) {
  session.execute(
      "INSERT INTO atlas_privacy (account_id, ties_visibility, hidden, updated_at) VALUES (?, ?, ?, ?) "
      "ON CONFLICT (account_id) DO UPDATE SET ties_visibility = EXCLUDED.ties_visibility, hidden = EXCLUDED.hidden, "
      "updated_at = EXCLUDED.updated_at",
      {account_id, std::string(to_string(settings.ties_visibility)), std::int64_t{settings.hidden ? 1 : 0}, now});
}

void delete_privacy(db::Session& session, std::int64_t account_id) {
  session.execute("DELETE FROM atlas_privacy WHERE account_id = ?", {account_id});
}

bool is_active_member(db::Session& session, std::int64_t account_id, std::int64_t network_id) {
  return session
      .query_one("SELECT 1 FROM memberships m JOIN accounts a ON a.id = m.account_id WHERE m.account_id = ? "
                 "AND m.network_id = ? AND m.status = 'active' AND a.status = 'active'",
                 {account_id, network_id})
      .has_value();
}

bool is_coordinator(db::Session& session, std::int64_t account_id, std::int64_t network_id) {
  return session
      .query_one("SELECT 1 FROM memberships m JOIN accounts a ON a.id = m.account_id WHERE m.account_id = ? "
                 "AND m.network_id = ? AND m.status = 'active' AND m.role = 'coordinator' AND a.status = 'active'",
                 {account_id, network_id})
      .has_value();
}

std::vector<std::int64_t> shared_networks(db::Session& session, std::int64_t a, std::int64_t b) {
  std::vector<std::int64_t> result;
  for (const db::Row& row : session.query(
           "SELECT x.network_id FROM memberships x JOIN memberships y ON y.network_id = x.network_id "
           "WHERE x.account_id = ? AND y.account_id = ? AND x.status = 'active' AND y.status = 'active' "
           "ORDER BY x.network_id",
           {a, b})) {
    result.push_back(row.int64(0));
  }
  return result;
}

std::vector<NetworkRef> member_networks(db::Session& session, std::int64_t account_id) {
  std::vector<NetworkRef> result;
  for (const db::Row& row :
       session.query("SELECT n.id, n.slug, n.name FROM memberships m JOIN networks n ON n.id = m.network_id "
                     "WHERE m.account_id = ? AND m.status = 'active' ORDER BY n.name, n.id",
                     {account_id})) {
    result.push_back(NetworkRef{row.int64(0), row.text(1), row.text(2)});
  }
  return result;
}

std::optional<NetworkRef> find_network_by_slug(db::Session& session, std::string_view slug) {
  const auto row = session.query_one("SELECT id, slug, name FROM networks WHERE slug = ?", {std::string(slug)});
  if (!row) return std::nullopt;
  return NetworkRef{row->int64(0), row->text(1), row->text(2)};
}

std::optional<std::string> active_account_name(db::Session& session, std::int64_t account_id) {
  const auto row = session.query_one("SELECT name FROM accounts WHERE id = ? AND status = 'active'", {account_id});
  if (!row) return std::nullopt;
  return row->text(0);
}

bool profile_hidden(db::Session& session, std::int64_t account_id) {
  const auto row = session.query_one("SELECT profile_visibility FROM profiles WHERE account_id = ?", {account_id});
  return row && row->int64(0) >= 2;
}

std::vector<MemberRow> network_members(db::Session& session, std::int64_t network_id) {
  std::vector<MemberRow> result;
  // Visibility 0 (public) and 1 (members) show a field to members; 2 hides it.
  for (const db::Row& row : session.query(
           "SELECT a.id, a.name, COALESCE(p.disciplines, ''), COALESCE(p.disciplines_visibility, 1), "
           "COALESCE(p.town, ''), COALESCE(p.region, ''), COALESCE(p.town_visibility, 1), "
           "COALESCE(p.profile_visibility, 1), COALESCE(m.decided_at, m.created_at), "
           "COALESCE(v.ties_visibility, 'network'), COALESCE(v.hidden, 0) "
           "FROM memberships m JOIN accounts a ON a.id = m.account_id "
           "LEFT JOIN profiles p ON p.account_id = a.id LEFT JOIN atlas_privacy v ON v.account_id = a.id "
           "WHERE m.network_id = ? AND m.status = 'active' AND a.status = 'active' ORDER BY a.id",
           {network_id})) {
    MemberRow member;
    member.account_id = row.int64(0);
    member.name = row.text(1);
    if (row.int64(3) <= 1) member.disciplines = split_words(row.text(2));
    if (row.int64(6) <= 1) {
      member.town = row.text(4);
      member.region = row.text(5);
    }
    member.profile_hidden = row.int64(7) >= 2;
    member.joined_at = row.int64(8);
    member.privacy.ties_visibility = tie_visibility_from_string(row.text(9)).value_or(TieVisibility::Network);
    member.privacy.hidden = row.int64(10) != 0;
    result.push_back(std::move(member));
  }
  return result;
}

namespace {

constexpr std::string_view kAtlasMemberVisibility =
    "SELECT a.id, COALESCE(v.ties_visibility, 'network') FROM memberships m JOIN accounts a ON a.id = m.account_id "
    "LEFT JOIN profiles p ON p.account_id = a.id LEFT JOIN atlas_privacy v ON v.account_id = a.id "
    "WHERE m.network_id = ? AND m.status = 'active' AND a.status = 'active' "
    "AND COALESCE(p.profile_visibility, 1) < 2 AND COALESCE(v.hidden, 0) = 0";

}  // namespace

std::vector<std::pair<std::int64_t, TieVisibility>> atlas_member_visibility(db::Session& session, std::int64_t network_id,
                                                                            const std::vector<std::int64_t>& members) {
  std::vector<std::pair<std::int64_t, TieVisibility>> result;
  if (members.empty()) return result;
  std::string sql = std::string(kAtlasMemberVisibility) + " AND a.id IN (";
  db::Params parameters{network_id};
  for (std::size_t i = 0; i < members.size(); ++i) {
    sql += i == 0 ? "?" : ", ?";
    parameters.emplace_back(members[i]);
  }
  sql += ") ORDER BY a.id";
  for (const db::Row& row : session.query(sql, parameters)) {
    result.emplace_back(row.int64(0), tie_visibility_from_string(row.text(1)).value_or(TieVisibility::Network));
  }
  return result;
}

std::vector<std::pair<std::int64_t, TieVisibility>> atlas_member_visibility(db::Session& session,
                                                                            std::int64_t network_id) {
  const db::Rows rows = session.query(std::string(kAtlasMemberVisibility), {network_id});
  std::vector<std::pair<std::int64_t, TieVisibility>> result;
  result.reserve(rows.size());
  for (const db::Row& row : rows) {
    result.emplace_back(row.int64(0), tie_visibility_from_string(row.text(1)).value_or(TieVisibility::Network));
  }
  return result;
}

std::vector<GroupMembership> group_memberships(db::Session& session, std::int64_t network_id) {
  std::vector<GroupMembership> result;
  for (const db::Row& row : session.query(
           "SELECT gm.group_id, gm.account_id, COALESCE(gm.joined_at, gm.created_at) FROM group_members gm "
           "JOIN knowledge_groups g ON g.id = gm.group_id "
           "WHERE g.network_id = ? AND g.visibility IN ('public', 'network') AND gm.state = 'active' "
           "ORDER BY gm.group_id, gm.account_id",
           {network_id})) {
    result.push_back(GroupMembership{row.int64(0), row.int64(1), row.int64(2)});
  }
  return result;
}

std::vector<Attendance> attendances(db::Session& session, std::int64_t network_id) {
  std::vector<Attendance> result;
  for (const db::Row& row : session.query(
           "SELECT r.occurrence_id, r.account_id, o.starts_at FROM event_rsvps r "
           "JOIN event_occurrences o ON o.id = r.occurrence_id JOIN events e ON e.id = o.event_id "
           "LEFT JOIN knowledge_groups g ON g.id = e.group_id "
           "WHERE e.network_id = ? AND r.attended = 1 AND r.account_id IS NOT NULL "
           "AND (g.id IS NULL OR g.visibility <> 'group') ORDER BY r.occurrence_id, r.account_id",
           {network_id})) {
    result.push_back(Attendance{row.int64(0), row.int64(1), row.int64(2)});
  }
  return result;
}

std::vector<std::pair<std::int64_t, std::string>> find_members_by_name(db::Session& session, std::int64_t network_id,
                                                                     std::string_view text, std::size_t limit) {
  std::vector<std::pair<std::int64_t, std::string>> result;
  for (const db::Row& row : session.query(
           "SELECT a.id, a.name FROM memberships m JOIN accounts a ON a.id = m.account_id "
           "LEFT JOIN profiles p ON p.account_id = a.id LEFT JOIN atlas_privacy v ON v.account_id = a.id "
           "WHERE m.network_id = ? AND m.status = 'active' AND a.status = 'active' "
           "AND COALESCE(p.profile_visibility, 1) < 2 AND COALESCE(v.hidden, 0) = 0 "
           "AND LOWER(a.name) LIKE ? ESCAPE '\\' ORDER BY a.name, a.id LIMIT ?",
           {network_id, like_pattern(text), static_cast<std::int64_t>(limit)})) {
    result.emplace_back(row.int64(0), row.text(1));
  }
  return result;
}

}  // namespace atlas::ties_store
