// Recording what happens in the knowledge groups: every feature calls record() inside its own write
// transaction for each new thing (a topic, a reply, an upload, an accepted request), and retract()
// when moderation hides or removes it. record() appends to the group's activity stream and fans out
// notifications by watch level (see notifications/watch.h); e-mail follows from a background job.
//
// Fan-out rules (Discourse semantics), for every account other than the actor:
//   - `direct` accounts are told whatever their watch level (e.g. the member whose request was accepted);
//   - `mentioned` and `replied_to` accounts are told unless they muted the topic (or the group, without a
//     topic level), and only if they may see the group now (groups::access);
//   - accounts watching the topic, or watching the group without a level of their own for the topic, are
//     told of every new item they may see;
//   - tracking and normal levels are not told of ordinary posts (tracking shows unread counts instead).
// Side effects on watch levels: the actor of "topic.created" watches the topic and the actor of
// "reply.created" tracks it, unless they already have a level for it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "db/database.h"

namespace notifications {

struct Activity {
  std::int64_t network_id = 0;
  std::int64_t group_id = 0;            // 0: not in a group (network-level)
  std::string kind;                     // "topic.created", "reply.created", "topic.answered", "document.uploaded",
                                        // "document.versioned", "page.edited", "group.request_accepted", "group.invited", ...
  std::int64_t actor_id = 0;            // who did it (never notified about their own action)
  std::string subject_type;             // "topic", "reply", "document", "page", "group"
  std::int64_t subject_id = 0;
  std::int64_t topic_id = 0;            // the topic it belongs to (topic watch levels), 0 if none
  std::string title;                    // plain text (escaped when shown)
  std::string excerpt;                  // plain text, <= 300 characters (longer is cut at a character boundary)
  std::string path;                     // site path, e.g. "/onderwerpen/42#reactie-77"
  std::vector<std::int64_t> mentioned;  // @mentioned accounts (told if they may see the group)
  std::vector<std::int64_t> replied_to; // authors whose post this answers or quotes
  std::vector<std::int64_t> direct;     // told regardless of watch level (e.g. the member whose request was accepted)
  std::int64_t created_at = 0;          // 0: now
};

// Adds the item to the group's activity stream and fans out notifications per watch level, inside
// the caller's write transaction. Returns the activity id. Throws std::invalid_argument when
// network_id, kind, subject_type or path is missing (a programming error in the caller).
std::int64_t record(db::Session& session, const Activity& activity);

// Moderation hid or removed the subject: it leaves streams, unread notifications and unsent digests.
// (Notifications already read stay in the member's read list but link nowhere new; see list.)
void retract(db::Session& session, std::string_view subject_type, std::int64_t subject_id);

// Moderation restored a hidden subject: its activity returns to streams (notifications do not return).
void restore(db::Session& session, std::string_view subject_type, std::int64_t subject_id);

// The longest excerpt kept, in characters (Unicode code points).
inline constexpr std::size_t kMaxExcerptCharacters = 300;

}  // namespace notifications
