#include "notifications/activity.h"

#include <chrono>
#include <map>
#include <stdexcept>

#include "groups/access.h"
#include "notifications/store.h"
#include "notifications/viewers.h"

namespace notifications {

namespace {

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The first `limit` code points of UTF-8 text (the text is valid UTF-8: it comes from validated input).
std::string cut_characters(const std::string& text, std::size_t limit) {
  std::size_t characters = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if ((byte & 0xC0) != 0x80) {  // a character starts here
      if (characters == limit) return text.substr(0, i);
      ++characters;
    }
  }
  return text;
}

// A stronger reason replaces a weaker one (the enum is ordered strongest first).
void tell(std::map<std::int64_t, Reason>& told, std::int64_t account_id, Reason reason) {
  if (account_id <= 0) return;
  auto [it, inserted] = told.emplace(account_id, reason);
  if (!inserted && reason < it->second) it->second = reason;
}

}  // namespace

std::int64_t record(db::Session& session, const Activity& activity) {
  if (activity.network_id <= 0 || activity.kind.empty() || activity.subject_type.empty() || activity.path.empty()) {
    throw std::invalid_argument("notifications::record needs network_id, kind, subject_type and path");
  }
  const std::int64_t now = activity.created_at > 0 ? activity.created_at : unix_now();
  const std::int64_t id =
      store::insert_activity(session, activity, cut_characters(activity.excerpt, kMaxExcerptCharacters), now);

  // Discourse: who starts a topic watches it; who replies tracks it (neither replaces a level of their own).
  if (activity.actor_id > 0 && activity.topic_id > 0) {
    if (activity.kind == "topic.created") {
      store::set_level_if_absent(session, activity.actor_id, Target::Topic, activity.topic_id, Level::Watching, now);
    } else if (activity.kind == "reply.created") {
      store::set_level_if_absent(session, activity.actor_id, Target::Topic, activity.topic_id, Level::Tracking, now);
    }
  }

  std::map<std::int64_t, Reason> told;
  for (std::int64_t account : activity.direct) tell(told, account, Reason::Direct);
  for (std::int64_t account : activity.mentioned) tell(told, account, Reason::Mention);
  for (std::int64_t account : activity.replied_to) tell(told, account, Reason::Reply);
  if (activity.group_id > 0) {
    for (std::int64_t account : store::watchers(session, activity.group_id, activity.topic_id)) {
      tell(told, account, Reason::Watching);
    }
  }
  told.erase(activity.actor_id);

  for (const auto& [account, reason] : told) {
    const std::optional<http::Viewer> viewer = active_viewer(session, account);
    if (!viewer) continue;  // erased or disabled accounts hear nothing
    if (reason != Reason::Direct) {
      // Only group content reaches members beyond those addressed directly, and only those who may see it.
      if (activity.group_id <= 0) continue;
      if (reason != Reason::Watching &&
          effective_level(session, account, activity.group_id, activity.topic_id) == Level::Muted) {
        continue;
      }
      if (!groups::access(session, viewer, activity.group_id).can_view) continue;
    }
    const bool mail = reason == Reason::Mention || reason == Reason::Reply;
    store::insert_notification(session, account, id, reason, now, mail);
  }
  return id;
}

void retract(db::Session& session, std::string_view subject_type, std::int64_t subject_id) {
  const std::int64_t now = unix_now();
  store::delete_unread_about(session, subject_type, subject_id);
  store::set_retracted(session, subject_type, subject_id, now);
  // A hidden topic takes its replies with it: they cannot be read without it.
  if (subject_type == "topic") store::retract_topic_items(session, subject_id, now);
}

void restore(db::Session& session, std::string_view subject_type, std::int64_t subject_id) {
  if (subject_type == "topic") store::restore_topic_items(session, subject_id);
  store::set_retracted(session, subject_type, subject_id, std::nullopt);
}

}  // namespace notifications
