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
// Tracking shows unread counts: a group's topic list counts the posts after the member's place in
// each topic they track or watch (the level in force). The place is discussions' own (topic_reads:
// how far the member has read, also the unread marker and resume point), the one record of what a
// member has read; watch_levels.seen_activity_id (0011) is no longer written or read.
#pragma once

#include <cstdint>
#include <functional>
#include <kainjow/mustache.hpp>
#include <optional>
#include <string_view>

#include "db/database.h"
#include "http/request.h"
#include "notifications/types.h"

namespace notifications {

// How a page that is not notifications' own gets the control's data for a signed-in viewer (app/
// binds it to Service::watch_form, which reads in its own transaction): groups' and discussions'
// routes take one, so they need no notifications::Service.
using WatchForm = std::function<kainjow::mustache::data(const http::Viewer& viewer, Target target,
                                                        std::int64_t target_id, std::string_view return_to)>;

// The form action of the control.
inline constexpr std::string_view kWatchPath = "/meldingen/volgen";

// The member's own level for the target (chosen or automatic), if any.
std::optional<Level> own_level(db::Session& session, std::int64_t account_id, Target target, std::int64_t target_id);
// The level in force for a topic of a group (topic, else group, else Normal). topic_id 0: the group's.
Level level_in_force(db::Session& session, std::int64_t account_id, std::int64_t group_id, std::int64_t topic_id);
// Sets the member's chosen level (no permission check: routes check groups::access first).
void set_watch_level(db::Session& session, std::int64_t account_id, Target target, std::int64_t target_id,
                     Level level, std::int64_t now);

// Whether the level shows unread counts (watching and tracking do).
inline bool shows_unread(Level level) { return level == Level::Watching || level == Level::Tracking; }

// The group the topic's activity was recorded in (nothing when no activity names the topic).
std::optional<std::int64_t> group_of_topic(db::Session& session, std::int64_t topic_id);
// A topic moved to another group: its activity (and thus its stream entries and access checks) follows.
void move_topic(db::Session& session, std::int64_t topic_id, std::int64_t new_group_id);

// The data for partials/watch_level.mustache (set it under "watch_level"): the level in force marked,
// whether it is the member's own or inherited, and `return_to` (a local path) for the redirect.
kainjow::mustache::data watch_level_form(db::Session& session, const http::Viewer& viewer, Target target,
                                         std::int64_t target_id, std::string_view return_to);

}  // namespace notifications
