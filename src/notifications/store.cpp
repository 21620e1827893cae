#include "notifications/store.h"

#include <string>

namespace notifications::store {

namespace {

db::Value nullable_id(std::int64_t id) { return id == 0 ? db::null() : db::Value(id); }

// "?, ?, ?" for n placeholders.
std::string placeholders(std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += i == 0 ? "?" : ", ?";
  return out;
}

// The columns of an Item, in this order, from activities a with its group, network and actor.
constexpr std::string_view kItemColumns =
    "a.id, a.network_id, COALESCE(a.group_id, 0), COALESCE(g.name, ''), COALESCE(g.slug, ''), n.slug, a.kind, "
    "COALESCE(a.actor_id, 0), COALESCE(ac.name, ''), a.subject_type, a.subject_id, COALESCE(a.topic_id, 0), "
    "a.title, a.excerpt, a.path, a.created_at";
constexpr std::string_view kItemJoins =
    "FROM activities a JOIN networks n ON n.id = a.network_id "
    "LEFT JOIN knowledge_groups g ON g.id = a.group_id LEFT JOIN accounts ac ON ac.id = a.actor_id ";
constexpr std::size_t kItemColumnCount = 16;

Item item_from(const db::Row& row, std::size_t first = 0) {
  Item item;
  item.id = row.int64(first + 0);
  item.network_id = row.int64(first + 1);
  item.group_id = row.int64(first + 2);
  item.group_name = row.text(first + 3);
  item.group_slug = row.text(first + 4);
  item.network_slug = row.text(first + 5);
  item.kind = row.text(first + 6);
  item.actor_id = row.int64(first + 7);
  item.actor_name = row.text(first + 8);
  item.subject_type = row.text(first + 9);
  item.subject_id = row.int64(first + 10);
  item.topic_id = row.int64(first + 11);
  item.title = row.text(first + 12);
  item.excerpt = row.text(first + 13);
  item.path = row.text(first + 14);
  item.created_at = row.int64(first + 15);
  return item;
}

// Notification columns first, then the item's.
const std::string& notification_select() {
  static const std::string sql = "SELECT nt.id, nt.account_id, nt.reason, nt.created_at, nt.read_at, " +
                                 std::string(kItemColumns) + " " + std::string(kItemJoins) +
                                 "JOIN notifications nt ON nt.activity_id = a.id ";
  return sql;
}

Notification notification_from(const db::Row& row) {
  Notification notification;
  notification.id = row.int64(0);
  notification.account_id = row.int64(1);
  notification.reason = reason_from(row.text(2)).value_or(Reason::Watching);
  notification.created_at = row.int64(3);
  notification.read_at = row.optional_int64(4);
  notification.item = item_from(row, 5);
  return notification;
}

}  // namespace

// --- activity

std::int64_t insert_activity(db::Session& session, const Activity& activity, std::string_view excerpt,
                             std::int64_t created_at) {
  const auto row = session.query_one(
      "INSERT INTO activities (network_id, group_id, kind, actor_id, subject_type, subject_id, topic_id, title, "
      "excerpt, path, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {activity.network_id, nullable_id(activity.group_id), activity.kind, nullable_id(activity.actor_id),
       activity.subject_type, activity.subject_id, nullable_id(activity.topic_id), activity.title,
       std::string(excerpt), activity.path, created_at});
  return row->int64(0);
}

std::int64_t set_retracted(db::Session& session, std::string_view subject_type, std::int64_t subject_id,
                           std::optional<std::int64_t> retracted_at) {
  return session.execute("UPDATE activities SET retracted_at = ? WHERE subject_type = ? AND subject_id = ?",
                         {db::optional(retracted_at), std::string(subject_type), subject_id});
}

std::int64_t delete_unread_about(db::Session& session, std::string_view subject_type, std::int64_t subject_id) {
  return session.execute(
      "DELETE FROM notifications WHERE read_at IS NULL AND activity_id IN "
      "(SELECT id FROM activities WHERE subject_type = ? AND subject_id = ?)",
      {std::string(subject_type), subject_id});
}

void retract_topic_items(db::Session& session, std::int64_t topic_id, std::int64_t retracted_at) {
  session.execute(
      "DELETE FROM notifications WHERE read_at IS NULL AND activity_id IN "
      "(SELECT id FROM activities WHERE topic_id = ? AND retracted_at IS NULL)",
      {topic_id});
  session.execute(
      "UPDATE activities SET retracted_at = ?, retracted_with_topic = 1 WHERE topic_id = ? AND retracted_at IS NULL "
      "AND NOT (subject_type = 'topic' AND subject_id = ?)",
      {retracted_at, topic_id, topic_id});
}

void restore_topic_items(db::Session& session, std::int64_t topic_id) {
  session.execute(
      "UPDATE activities SET retracted_at = NULL, retracted_with_topic = 0 WHERE topic_id = ? AND "
      "retracted_with_topic = 1",
      {topic_id});
}

std::optional<std::int64_t> group_of_topic(db::Session& session, std::int64_t topic_id) {
  const auto row = session.query_one(
      "SELECT group_id FROM activities WHERE topic_id = ? AND group_id IS NOT NULL ORDER BY id DESC LIMIT 1",
      {topic_id});
  if (!row) return std::nullopt;
  return row->int64(0);
}

void move_topic_activity(db::Session& session, std::int64_t topic_id, std::int64_t group_id) {
  session.execute("UPDATE activities SET group_id = ? WHERE topic_id = ?", {group_id, topic_id});
}

std::vector<Item> stream(db::Session& session, const StreamQuery& query) {
  if (query.group_ids.empty()) return {};
  std::string sql = "SELECT " + std::string(kItemColumns) + " " + std::string(kItemJoins) +
                    "WHERE a.retracted_at IS NULL AND a.group_id IN (" + placeholders(query.group_ids.size()) + ")";
  db::Params params;
  for (std::int64_t id : query.group_ids) params.emplace_back(id);
  if (query.excluded_actor != 0) {
    sql += " AND (a.actor_id IS NULL OR a.actor_id <> ?)";
    params.emplace_back(query.excluded_actor);
  }
  if (query.muting_account != 0) {
    sql +=
        " AND NOT EXISTS (SELECT 1 FROM watch_levels w WHERE w.account_id = ? AND w.target_type = 'topic' "
        "AND w.target_id = a.topic_id AND w.level = 'muted')";
    params.emplace_back(query.muting_account);
  }
  if (query.before_id) {
    sql += " AND a.id < ?";
    params.emplace_back(*query.before_id);
  }
  if (query.created_after) {
    sql += " AND a.created_at > ?";
    params.emplace_back(*query.created_after);
  }
  if (query.created_until) {
    sql += " AND a.created_at <= ?";
    params.emplace_back(*query.created_until);
  }
  sql += " ORDER BY a.id DESC LIMIT ?";
  params.emplace_back(static_cast<std::int64_t>(query.limit));
  std::vector<Item> items;
  for (const db::Row& row : session.query(sql, params)) items.push_back(item_from(row));
  return items;
}

std::optional<Item> find_item(db::Session& session, std::int64_t activity_id) {
  static const std::string sql =
      "SELECT " + std::string(kItemColumns) + " " + std::string(kItemJoins) + "WHERE a.id = ?";
  const auto row = session.query_one(sql, {activity_id});
  if (!row) return std::nullopt;
  return item_from(*row);
}

// --- watch levels

std::optional<Level> level_of(db::Session& session, std::int64_t account_id, Target target, std::int64_t target_id) {
  const auto row = session.query_one(
      "SELECT level FROM watch_levels WHERE account_id = ? AND target_type = ? AND target_id = ?",
      {account_id, std::string(to_string(target)), target_id});
  if (!row) return std::nullopt;
  return level_from(row->text(0));
}

void set_level(db::Session& session, std::int64_t account_id, Target target, std::int64_t target_id, Level level,
               std::int64_t now) {
  session.execute(
      "INSERT INTO watch_levels (account_id, target_type, target_id, level, chosen, updated_at) "
      "VALUES (?, ?, ?, ?, 1, ?) ON CONFLICT (account_id, target_type, target_id) DO UPDATE SET "
      "level = excluded.level, chosen = 1, updated_at = excluded.updated_at",
      {account_id, std::string(to_string(target)), target_id, std::string(to_string(level)), now});
}

void set_level_if_absent(db::Session& session, std::int64_t account_id, Target target, std::int64_t target_id,
                         Level level, std::int64_t now) {
  session.execute(
      "INSERT INTO watch_levels (account_id, target_type, target_id, level, chosen, updated_at) "
      "VALUES (?, ?, ?, ?, 0, ?) ON CONFLICT (account_id, target_type, target_id) DO NOTHING",
      {account_id, std::string(to_string(target)), target_id, std::string(to_string(level)), now});
}

void clear_level(db::Session& session, std::int64_t account_id, Target target, std::int64_t target_id) {
  session.execute("DELETE FROM watch_levels WHERE account_id = ? AND target_type = ? AND target_id = ?",
                  {account_id, std::string(to_string(target)), target_id});
}

std::vector<std::int64_t> watchers(db::Session& session, std::int64_t group_id, std::int64_t topic_id) {
  std::vector<std::int64_t> ids;
  if (topic_id != 0) {
    for (const db::Row& row :
         session.query("SELECT account_id FROM watch_levels WHERE target_type = 'topic' AND target_id = ? AND "
                       "level = 'watching' ORDER BY account_id",
                       {topic_id})) {
      ids.push_back(row.int64(0));
    }
  }
  if (group_id != 0) {
    for (const db::Row& row : session.query(
             "SELECT w.account_id FROM watch_levels w WHERE w.target_type = 'group' AND w.target_id = ? AND "
             "w.level = 'watching' AND NOT EXISTS (SELECT 1 FROM watch_levels t WHERE t.account_id = w.account_id "
             "AND t.target_type = 'topic' AND t.target_id = ?) ORDER BY w.account_id",
             {group_id, topic_id})) {
      ids.push_back(row.int64(0));
    }
  }
  return ids;
}

std::vector<std::int64_t> muted_groups(db::Session& session, std::int64_t account_id) {
  std::vector<std::int64_t> ids;
  for (const db::Row& row : session.query(
           "SELECT target_id FROM watch_levels WHERE account_id = ? AND target_type = 'group' AND level = 'muted'",
           {account_id})) {
    ids.push_back(row.int64(0));
  }
  return ids;
}

// --- notifications

bool insert_notification(db::Session& session, std::int64_t account_id, std::int64_t activity_id, Reason reason,
                         std::int64_t now, bool mail_pending) {
  return session.execute(
             "INSERT INTO notifications (account_id, activity_id, reason, created_at, mail_state) "
             "VALUES (?, ?, ?, ?, ?) ON CONFLICT (account_id, activity_id) DO NOTHING",
             {account_id, activity_id, std::string(to_string(reason)), now,
              std::string(mail_pending ? "pending" : "none")}) > 0;
}

std::vector<Notification> notifications_of(db::Session& session, std::int64_t account_id, std::size_t limit,
                                           std::size_t offset) {
  // Unread first, then newest first.
  static const std::string sql = notification_select() +
                                 "WHERE nt.account_id = ? AND a.retracted_at IS NULL "
                                 "ORDER BY CASE WHEN nt.read_at IS NULL THEN 0 ELSE 1 END, nt.id DESC LIMIT ? OFFSET ?";
  std::vector<Notification> list;
  for (const db::Row& row :
       session.query(sql, {account_id, static_cast<std::int64_t>(limit), static_cast<std::int64_t>(offset)})) {
    list.push_back(notification_from(row));
  }
  return list;
}

std::int64_t count_notifications(db::Session& session, std::int64_t account_id) {
  const auto row = session.query_one(
      "SELECT COUNT(*) FROM notifications nt JOIN activities a ON a.id = nt.activity_id "
      "WHERE nt.account_id = ? AND a.retracted_at IS NULL",
      {account_id});
  return row ? row->int64(0) : 0;
}

std::int64_t count_unread(db::Session& session, std::int64_t account_id) {
  const auto row = session.query_one(
      "SELECT COUNT(*) FROM notifications nt JOIN activities a ON a.id = nt.activity_id "
      "WHERE nt.account_id = ? AND nt.read_at IS NULL AND a.retracted_at IS NULL",
      {account_id});
  return row ? row->int64(0) : 0;
}

std::optional<Notification> find_notification(db::Session& session, std::int64_t id) {
  static const std::string sql = notification_select() + "WHERE nt.id = ? AND a.retracted_at IS NULL";
  const auto row = session.query_one(sql, {id});
  if (!row) return std::nullopt;
  return notification_from(*row);
}

bool mark_read(db::Session& session, std::int64_t account_id, std::int64_t notification_id, std::int64_t now) {
  return session.execute("UPDATE notifications SET read_at = ? WHERE id = ? AND account_id = ? AND read_at IS NULL",
                         {now, notification_id, account_id}) > 0;
}

std::int64_t mark_all_read(db::Session& session, std::int64_t account_id, std::int64_t now) {
  return session.execute("UPDATE notifications SET read_at = ? WHERE account_id = ? AND read_at IS NULL",
                         {now, account_id});
}

std::vector<Notification> pending_mail(db::Session& session, std::size_t limit) {
  static const std::string sql = notification_select() + "WHERE nt.mail_state = 'pending' ORDER BY nt.id LIMIT ?";
  std::vector<Notification> list;
  for (const db::Row& row : session.query(sql, {static_cast<std::int64_t>(limit)})) {
    list.push_back(notification_from(row));
  }
  return list;
}

std::int64_t skip_stale_mail(db::Session& session, std::int64_t before) {
  return session.execute(
      "UPDATE notifications SET mail_state = 'skipped' WHERE mail_state = 'pending' AND created_at < ?", {before});
}

bool claim_mail(db::Session& session, std::int64_t notification_id, std::string_view new_state) {
  return session.execute("UPDATE notifications SET mail_state = ? WHERE id = ? AND mail_state = 'pending'",
                         {std::string(new_state), notification_id}) > 0;
}

// --- preferences and digests

Settings settings_of(db::Session& session, std::int64_t account_id) {
  Settings settings;
  const auto row = session.query_one(
      "SELECT mail_immediate, digest, last_digest_at FROM notification_settings WHERE account_id = ?", {account_id});
  if (!row) return settings;
  settings.mail_immediate = row->int64(0) != 0;
  settings.digest = digest_frequency_from(row->text(1)).value_or(DigestFrequency::Weekly);
  settings.last_digest_at = row->optional_int64(2);
  return settings;
}

void save_settings(db::Session& session, std::int64_t account_id, bool mail_immediate, DigestFrequency digest,
                   std::int64_t now) {
  session.execute(
      "INSERT INTO notification_settings (account_id, mail_immediate, digest, updated_at) VALUES (?, ?, ?, ?) "
      "ON CONFLICT (account_id) DO UPDATE SET mail_immediate = excluded.mail_immediate, digest = excluded.digest, "
      "updated_at = excluded.updated_at",
      {account_id, static_cast<std::int64_t>(mail_immediate ? 1 : 0), std::string(to_string(digest)), now});
}

std::vector<std::int64_t> digest_candidates(db::Session& session, DigestFrequency frequency, std::int64_t slot,
                                            std::int64_t after_id, std::size_t limit) {
  // Active accounts with an active network membership; no settings row means the default (weekly).
  const std::string default_clause = frequency == DigestFrequency::Weekly ? "s.account_id IS NULL OR " : "";
  const std::string sql =
      "SELECT ac.id FROM accounts ac LEFT JOIN notification_settings s ON s.account_id = ac.id "
      "WHERE ac.id > ? AND ac.status = 'active' AND EXISTS (SELECT 1 FROM memberships m WHERE m.account_id = ac.id AND "
      "m.status = 'active') AND (" +
      default_clause + "(s.digest = ? AND (s.last_digest_at IS NULL OR s.last_digest_at < ?))) ORDER BY ac.id LIMIT ?";
  std::vector<std::int64_t> ids;
  for (const db::Row& row :
       session.query(sql, {after_id, std::string(to_string(frequency)), slot, static_cast<std::int64_t>(limit)})) {
    ids.push_back(row.int64(0));
  }
  return ids;
}

bool claim_digest(db::Session& session, std::int64_t account_id, std::int64_t slot, std::int64_t now) {
  session.execute(
      "INSERT INTO notification_settings (account_id, updated_at) VALUES (?, ?) ON CONFLICT (account_id) DO NOTHING",
      {account_id, now});
  return session.execute(
             "UPDATE notification_settings SET last_digest_at = ? WHERE account_id = ? AND "
             "(last_digest_at IS NULL OR last_digest_at < ?)",
             {slot, account_id, slot}) > 0;
}

std::int64_t insert_digest(db::Session& session, std::int64_t account_id, DigestFrequency frequency,
                           std::int64_t period_start, std::int64_t period_end, std::int64_t now) {
  const auto row = session.query_one(
      "INSERT INTO digests (account_id, frequency, period_start, period_end, created_at) VALUES (?, ?, ?, ?, ?) "
      "RETURNING id",
      {account_id, std::string(to_string(frequency)), period_start, period_end, now});
  return row->int64(0);
}

void set_digest_outbox(db::Session& session, std::int64_t digest_id, std::int64_t outbox_id) {
  session.execute("UPDATE digests SET outbox_id = ? WHERE id = ?", {outbox_id, digest_id});
}

bool insert_digest_item(db::Session& session, std::int64_t account_id, std::int64_t activity_id,
                        std::int64_t digest_id) {
  return session.execute(
             "INSERT INTO digest_items (account_id, activity_id, digest_id) VALUES (?, ?, ?) "
             "ON CONFLICT (account_id, activity_id) DO NOTHING",
             {account_id, activity_id, digest_id}) > 0;
}

bool in_a_digest(db::Session& session, std::int64_t account_id, std::int64_t activity_id) {
  return session
      .query_one("SELECT 1 FROM digest_items WHERE account_id = ? AND activity_id = ?", {account_id, activity_id})
      .has_value();
}

// --- personal data

AccountState count_account_state(db::Session& session, std::int64_t account_id) {
  AccountState state;
  auto count = [&](std::string_view sql) {
    const auto row = session.query_one(sql, {account_id});
    return row ? row->int64(0) : 0;
  };
  state.notifications = count("SELECT COUNT(*) FROM notifications WHERE account_id = ?");
  state.watch_levels = count("SELECT COUNT(*) FROM watch_levels WHERE account_id = ?");
  state.digests = count("SELECT COUNT(*) FROM digests WHERE account_id = ?");
  state.activities = count("SELECT COUNT(*) FROM activities WHERE actor_id = ?");
  return state;
}

AccountState erase_account_state(db::Session& session, std::int64_t account_id) {
  AccountState state;
  const db::Params params{account_id};
  state.notifications = session.execute("DELETE FROM notifications WHERE account_id = ?", params);
  state.watch_levels = session.execute("DELETE FROM watch_levels WHERE account_id = ?", params);
  session.execute("DELETE FROM digest_items WHERE account_id = ?", params);
  state.digests = session.execute("DELETE FROM digests WHERE account_id = ?", params);
  session.execute("DELETE FROM notification_settings WHERE account_id = ?", params);
  state.activities = session.execute("UPDATE activities SET actor_id = NULL WHERE actor_id = ?", params);
  return state;
}

}  // namespace notifications::store
