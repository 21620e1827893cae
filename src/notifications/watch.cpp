#include "notifications/watch.h"

#include <string>

#include "notifications/store.h"
#include "notifications/viewers.h"
#include "web/site.h"

namespace notifications {

std::optional<Level> own_level(db::Session& session, std::int64_t account_id, Target target, std::int64_t target_id) {
  return store::level_of(session, account_id, target, target_id);
}

Level level_in_force(db::Session& session, std::int64_t account_id, std::int64_t group_id, std::int64_t topic_id) {
  return effective_level(session, account_id, group_id, topic_id);
}

void set_watch_level(db::Session& session, std::int64_t account_id, Target target, std::int64_t target_id,
                     Level level, std::int64_t now) {
  store::set_level(session, account_id, target, target_id, level, now);
}

std::optional<std::int64_t> group_of_topic(db::Session& session, std::int64_t topic_id) {
  return store::group_of_topic(session, topic_id);
}

void move_topic(db::Session& session, std::int64_t topic_id, std::int64_t new_group_id) {
  store::move_topic_activity(session, topic_id, new_group_id);
}

kainjow::mustache::data watch_level_form(db::Session& session, const http::Viewer& viewer, Target target,
                                         std::int64_t target_id, std::string_view return_to) {
  const std::optional<Level> own = store::level_of(session, viewer.account_id, target, target_id);
  Level shown = own.value_or(Level::Normal);
  if (!own && target == Target::Topic) {
    if (const auto group = store::group_of_topic(session, target_id)) {
      shown = effective_level(session, viewer.account_id, *group, 0);
    }
  }
  kainjow::mustache::data data;
  data.set("action", std::string(kWatchPath));
  data.set("target_type", std::string(to_string(target)));
  data.set("target_id", std::to_string(target_id));
  data.set("for_topic", target == Target::Topic);
  data.set("return_to", web::local_path_or_root(return_to));
  data.set("inherited", !own.has_value());
  data.set("watching", shown == Level::Watching);
  data.set("tracking", shown == Level::Tracking);
  data.set("normal", shown == Level::Normal);
  data.set("muted", shown == Level::Muted);
  return data;
}

}  // namespace notifications
