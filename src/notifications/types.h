// Watch levels, notifications, e-mail preferences and digest items as plain values. Times are Unix
// seconds (UTC).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace notifications {

// Discourse's four levels. Watching: told of every new post. Tracking: unread counts, plus mentions
// and replies. Normal (the default): mentions and replies only. Muted: nothing, not even in the home feed.
enum class Level { Watching, Tracking, Normal, Muted };
enum class Target { Group, Topic };
// Why a member was told; direct beats mention beats reply beats watching when several apply.
enum class Reason { Direct, Mention, Reply, Watching };
enum class DigestFrequency { Daily, Weekly, Never };

std::string_view to_string(Level level);  // "watching", "tracking", "normal", "muted" (as stored)
std::string_view to_string(Target target);  // "group", "topic"
std::string_view to_string(Reason reason);  // "direct", "mention", "reply", "watching"
std::string_view to_string(DigestFrequency frequency);  // "daily", "weekly", "never"
std::optional<Level> level_from(std::string_view text);
std::optional<Target> target_from(std::string_view text);
std::optional<Reason> reason_from(std::string_view text);
std::optional<DigestFrequency> digest_frequency_from(std::string_view text);

// One activity item as streams, notifications and digests show it.
struct Item {
  std::int64_t id = 0;  // the activity id
  std::int64_t network_id = 0;
  std::int64_t group_id = 0;  // 0: network-level
  std::string group_name;
  std::string group_slug;
  std::string network_slug;
  std::string kind;
  std::int64_t actor_id = 0;  // 0: erased or none
  std::string actor_name;
  std::string subject_type;
  std::int64_t subject_id = 0;
  std::int64_t topic_id = 0;
  std::string title;
  std::string excerpt;
  std::string path;
  std::int64_t created_at = 0;
};

struct Notification {
  std::int64_t id = 0;
  std::int64_t account_id = 0;
  Reason reason = Reason::Watching;
  std::int64_t created_at = 0;
  std::optional<std::int64_t> read_at;
  Item item;
};

struct Settings {
  bool mail_immediate = true;  // a mail for each mention and reply
  DigestFrequency digest = DigestFrequency::Weekly;
  std::optional<std::int64_t> last_digest_at;  // the end of the period the last digest covered
};

}  // namespace notifications
