// The SQL for activity, notifications, watch levels, e-mail preferences and digests. Each function
// runs inside the caller's transaction and throws db::Error on database failures; the rules (who is
// told, who may see what) live in activity.cpp, watch.cpp and service.cpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "db/database.h"
#include "notifications/activity.h"
#include "notifications/types.h"

namespace notifications::store {

// --- activity
std::int64_t insert_activity(db::Session& session, const Activity& activity, std::string_view excerpt,
                             std::int64_t created_at);
// Marks every activity about the subject retracted (or restores it) and returns how many rows changed.
std::int64_t set_retracted(db::Session& session, std::string_view subject_type, std::int64_t subject_id,
                           std::optional<std::int64_t> retracted_at);
// Deletes the unread notifications about the subject's activity (read ones stay, hidden by the retraction).
std::int64_t delete_unread_about(db::Session& session, std::string_view subject_type, std::int64_t subject_id);
// A topic was hidden: every other item of the topic still shown is retracted with it (and unread
// notifications about them go). restore_topic_items brings back only those, leaving replies that
// moderation hid on their own hidden.
void retract_topic_items(db::Session& session, std::int64_t topic_id, std::int64_t retracted_at);
void restore_topic_items(db::Session& session, std::int64_t topic_id);
// The group a topic's activity was recorded in, if any activity names the topic.
std::optional<std::int64_t> group_of_topic(db::Session& session, std::int64_t topic_id);
// A topic moved to another group: its activity follows.
void move_topic_activity(db::Session& session, std::int64_t topic_id, std::int64_t group_id);

// Activity in the given groups, newest first, excluding retracted items, the `excluded_account`'s
// own actions (0: none) and topics that account muted (muted groups are left out by the caller).
struct StreamQuery {
  std::vector<std::int64_t> group_ids;
  std::int64_t muting_account = 0;    // leave out topics this account muted
  std::int64_t excluded_actor = 0;    // leave out this account's own actions
  std::optional<std::int64_t> before_id;  // paging: only items with a smaller id
  std::optional<std::int64_t> created_after;
  std::optional<std::int64_t> created_until;
  std::size_t limit = 30;
};
std::vector<Item> stream(db::Session& session, const StreamQuery& query);
std::optional<Item> find_item(db::Session& session, std::int64_t activity_id);

// --- watch levels
std::optional<Level> level_of(db::Session& session, std::int64_t account_id, Target target, std::int64_t target_id);
// Sets a level the member chose (replacing any other).
void set_level(db::Session& session, std::int64_t account_id, Target target, std::int64_t target_id, Level level,
               std::int64_t now);
// Sets an automatic level unless the member has any level for the target.
void set_level_if_absent(db::Session& session, std::int64_t account_id, Target target, std::int64_t target_id,
                         Level level, std::int64_t now);
void clear_level(db::Session& session, std::int64_t account_id, Target target, std::int64_t target_id);
// The accounts watching the topic, and those watching the group without a level for the topic.
std::vector<std::int64_t> watchers(db::Session& session, std::int64_t group_id, std::int64_t topic_id);
// The groups (among `group_ids`) the account muted.
std::vector<std::int64_t> muted_groups(db::Session& session, std::int64_t account_id);

// --- notifications
// Inserts unless the account was told about the activity already; true when inserted.
bool insert_notification(db::Session& session, std::int64_t account_id, std::int64_t activity_id, Reason reason,
                         std::int64_t now, bool mail_pending);
std::vector<Notification> notifications_of(db::Session& session, std::int64_t account_id, std::size_t limit,
                                           std::size_t offset);
std::int64_t count_notifications(db::Session& session, std::int64_t account_id);
std::int64_t count_unread(db::Session& session, std::int64_t account_id);
// The notification, unless its item was retracted.
std::optional<Notification> find_notification(db::Session& session, std::int64_t id);
bool mark_read(db::Session& session, std::int64_t account_id, std::int64_t notification_id, std::int64_t now);
std::int64_t mark_all_read(db::Session& session, std::int64_t account_id, std::int64_t now);
// Notifications waiting for the immediate-mail job, oldest first.
std::vector<Notification> pending_mail(db::Session& session, std::size_t limit);
// Skips the pending mail of notifications created before `before` (a backlog after downtime, or a
// seeded history): a mention from last week is no longer worth an immediate mail. Returns how many.
std::int64_t skip_stale_mail(db::Session& session, std::int64_t before);
// Moves a pending notification to 'sent' or 'skipped'; false when another run was first.
bool claim_mail(db::Session& session, std::int64_t notification_id, std::string_view new_state);

// --- preferences and digests
Settings settings_of(db::Session& session, std::int64_t account_id);  // defaults without a row
void save_settings(db::Session& session, std::int64_t account_id, bool mail_immediate, DigestFrequency digest,
                   std::int64_t now);
// Accounts (ids above `after_id`, ascending) that may get a digest of this frequency and whose
// watermark is before `slot`.
std::vector<std::int64_t> digest_candidates(db::Session& session, DigestFrequency frequency, std::int64_t slot,
                                            std::int64_t after_id, std::size_t limit);
// Moves the account's watermark to `slot` unless it is there already; false when another run was first.
bool claim_digest(db::Session& session, std::int64_t account_id, std::int64_t slot, std::int64_t now);
std::int64_t insert_digest(db::Session& session, std::int64_t account_id, DigestFrequency frequency,
                           std::int64_t period_start, std::int64_t period_end, std::int64_t now);
void set_digest_outbox(db::Session& session, std::int64_t digest_id, std::int64_t outbox_id);
// Inserts the item unless a digest of the account holds it already; true when inserted.
bool insert_digest_item(db::Session& session, std::int64_t account_id, std::int64_t activity_id,
                        std::int64_t digest_id);
bool in_a_digest(db::Session& session, std::int64_t account_id, std::int64_t activity_id);

// --- personal data
struct AccountState {
  std::int64_t notifications = 0;
  std::int64_t watch_levels = 0;
  std::int64_t digests = 0;
  std::int64_t activities = 0;  // items the account did
};
AccountState count_account_state(db::Session& session, std::int64_t account_id);
// Removes the account's notifications, watch levels, preferences and digests. Its own activity items
// stay but lose the actor (they read "Voormalig lid"), like the posts they point to.
AccountState erase_account_state(db::Session& session, std::int64_t account_id);

}  // namespace notifications::store
