// Watch levels per group and per topic (Discourse semantics; see types.h), for the pages that show
// them. A topic's level overrides its group's; without either a member is at Normal.
//
// Discussions and groups pages embed the control like this:
//
//   // in the route (signed-in viewers only; the form posts to /meldingen/volgen):
//   page.set("watch_level", notifications::watch_level_form(session, *request.viewer,
//                                                            notifications::Target::Topic, topic.id,
//                                                            request.target));
//   // in the template, where the control goes:
//   {{> watch_level}}
//
// The partial (resources/templates/partials/watch_level.mustache) reads the key "watch_level" and
// the page's own "csrf" (set by web::Site::page). POST /meldingen/volgen with fields doel=group|topic,
// id, niveau=watching|tracking|normal|muted and next (a local path) sets the level after checking
// groups::access, then redirects (303) back to next with a flash message. A topic's group is known
// from its "topic.created" activity: call move_topic() when a topic changes group.
//
// Tracking shows unread counts: unread_in_topic() counts a topic's new activity (others' posts)
// since mark_topic_seen(); the discussions page calls mark_topic_seen when a member reads a topic.
#pragma once

#include <cstdint>
#include <kainjow/mustache.hpp>
#include <optional>
#include <string_view>

#include "db/database.h"
#include "http/request.h"
#include "notifications/types.h"

namespace notifications {

// The form action of the control.
inline constexpr std::string_view kWatchPath = "/meldingen/volgen";

// The member's own level for the target (chosen or automatic), if any.
std::optional<Level> own_level(db::Session& session, std::int64_t account_id, Target target, std::int64_t target_id);
// The level in force for a topic of a group (topic, else group, else Normal). topic_id 0: the group's.
Level level_in_force(db::Session& session, std::int64_t account_id, std::int64_t group_id, std::int64_t topic_id);
// Sets the member's chosen level (no permission check: routes check groups::access first).
void set_watch_level(db::Session& session, std::int64_t account_id, Target target, std::int64_t target_id,
                     Level level, std::int64_t now);

// Tracking: others' new activity in the topic since the member last saw it (0 without a level for the topic).
std::int64_t unread_in_topic(db::Session& session, std::int64_t account_id, std::int64_t topic_id);
// The member has seen the topic's activity up to `activity_id` (0: up to its newest).
void mark_topic_seen(db::Session& session, std::int64_t account_id, std::int64_t topic_id, std::int64_t activity_id,
                     std::int64_t now);

// The group the topic's activity was recorded in (nothing when no activity names the topic).
std::optional<std::int64_t> group_of_topic(db::Session& session, std::int64_t topic_id);
// A topic moved to another group: its activity (and thus its stream entries and access checks) follows.
void move_topic(db::Session& session, std::int64_t topic_id, std::int64_t new_group_id);

// The data for partials/watch_level.mustache (set it under "watch_level"): the level in force marked,
// whether it is the member's own or inherited, and `return_to` (a local path) for the redirect.
kainjow::mustache::data watch_level_form(db::Session& session, const http::Viewer& viewer, Target target,
                                         std::int64_t target_id, std::string_view return_to);

}  // namespace notifications
