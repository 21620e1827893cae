// The SQL of discussions (migration 0009): topics, posts, revisions, reactions, mentions, read places,
// flags and the search index rows. No rules here: discussions::Service decides who may do what and
// calls these inside its transactions. Stateless; every function runs in the caller's session.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "db/database.h"
#include "discussions/types.h"
#include "notifications/types.h"

namespace discussions::store {

std::optional<GroupRef> find_group(db::Session& session, std::int64_t group_id);
std::optional<GroupRef> find_group_by_slugs(db::Session& session, std::string_view network_slug,
                                            std::string_view group_slug);

std::optional<Topic> find_topic(db::Session& session, std::int64_t topic_id);

// A topic with its group and the viewer's place in it (none: never opened, or a visitor), in one query.
struct TopicWithPlace {
  Topic topic;
  GroupRef group;
  std::optional<std::int64_t> last_read_post_number;
};
std::optional<TopicWithPlace> find_topic_with_place(db::Session& session, std::int64_t topic_id,
                                                    std::int64_t viewer_account_id);

// `viewer_account_id` fills Post::viewer_found_useful (0: nobody).
std::optional<Post> find_post(db::Session& session, std::int64_t reply_id, std::int64_t viewer_account_id = 0);
// Posts first..last (post numbers, inclusive) in order.
std::vector<Post> posts_between(db::Session& session, std::int64_t topic_id, std::int64_t first,
                                std::int64_t last, std::int64_t viewer_account_id);
// The same without the text: body_markdown and body_html come empty (for a caller that has the HTML).
std::vector<Post> post_stamps_between(db::Session& session, std::int64_t topic_id, std::int64_t first,
                                      std::int64_t last, std::int64_t viewer_account_id);
// The posts among first..last the viewer found useful (their "useful" reactions), as reply ids.
std::vector<std::int64_t> useful_to_viewer_between(db::Session& session, std::int64_t topic_id, std::int64_t first,
                                                   std::int64_t last, std::int64_t viewer_account_id);
// The HTML of posts first..last, as (reply id, body_html) in post order.
std::vector<std::pair<std::int64_t, std::string>> post_html_between(db::Session& session, std::int64_t topic_id,
                                                                    std::int64_t first, std::int64_t last);
// The id of the post with this number, if any.
std::optional<std::int64_t> post_id_at(db::Session& session, std::int64_t topic_id, std::int64_t post_number);

struct NewTopicRow {
  std::int64_t group_id = 0;
  std::int64_t author_id = 0;
  std::string title;
  Kind kind = Kind::Discussion;
  std::int64_t now = 0;
};
// Inserts the topic (without posts: add the opening post with append_post) and returns its id.
std::int64_t insert_topic(db::Session& session, const NewTopicRow& row);

struct NewPostRow {
  std::int64_t topic_id = 0;
  std::int64_t author_id = 0;
  std::string body_markdown;
  std::string body_html;
  std::optional<std::int64_t> quote_of;
  std::int64_t now = 0;
};
// Appends a post with the next post number and moves the topic's counters and "last post" along.
// The topic row is written first, so concurrent replies queue up on it and numbers never collide.
Post append_post(db::Session& session, const NewPostRow& row);

// Writes the topic's row first thing in a transaction, so concurrent replies to one topic queue up on
// it (PostgreSQL: a retry after the first commits, instead of failing late) rather than colliding.
void lock_topic(db::Session& session, std::int64_t topic_id);

// Group topics, pinned first, then by last activity. Hidden topics only when include_hidden.
// Unread counts (posts after the viewer's place) for the topics whose level in force shows them
// (notifications::shows_unread): the viewer's topic level, else `group_level` (the viewer's level
// for the group, notifications::level_in_force with topic 0).
std::vector<TopicSummary> list_topics(db::Session& session, std::int64_t group_id, std::int64_t viewer_account_id,
                                      bool include_hidden, std::int64_t limit, std::int64_t offset,
                                      notifications::Level group_level = notifications::Level::Normal);
std::int64_t count_topics(db::Session& session, std::int64_t group_id, bool include_hidden);

// Moves the viewer's place forward to `post_number` (never back).
void advance_read_place(db::Session& session, std::int64_t account_id, std::int64_t topic_id,
                        std::int64_t post_number, std::int64_t now);

// Stores the post's previous version as a revision and the new text in its place. `title` (opening
// posts) is the topic's title before the edit, kept with the revision.
void save_edit(db::Session& session, const Post& before, std::string_view title_before,
               std::string_view body_markdown, std::string_view body_html, std::int64_t editor_id,
               std::int64_t now);
void set_topic_title(db::Session& session, std::int64_t topic_id, std::string_view title, std::int64_t now);
std::vector<Revision> revisions(db::Session& session, std::int64_t reply_id);

// Mentions: the accounts this post names; replace_mentions returns those that are new.
std::vector<std::int64_t> replace_mentions(db::Session& session, std::int64_t reply_id,
                                           const std::vector<std::int64_t>& account_ids);
// Active members of the network whose name, with spaces as dashes, equals `handle` (any case).
std::vector<std::pair<std::int64_t, std::string>> members_with_handle(db::Session& session, std::int64_t network_id,
                                                                      std::string_view handle);

// "Useful": true when the reaction now exists. Keeps replies.useful_count in step.
bool toggle_useful(db::Session& session, std::int64_t reply_id, std::int64_t account_id, std::int64_t now);

void set_accepted(db::Session& session, std::int64_t topic_id, std::optional<std::int64_t> reply_id,
                  std::int64_t now);
void set_pinned(db::Session& session, std::int64_t topic_id, bool pinned, std::int64_t now);
void set_closed(db::Session& session, std::int64_t topic_id, std::optional<std::int64_t> closed_by, std::int64_t now);
void set_post_hidden(db::Session& session, std::int64_t reply_id, std::optional<std::int64_t> hidden_by,
                     std::int64_t now);
void set_topic_hidden(db::Session& session, std::int64_t topic_id, std::optional<std::int64_t> hidden_by,
                      std::int64_t now);
void move_topic(db::Session& session, std::int64_t topic_id, std::int64_t group_id, std::int64_t now);

// Flags. insert_flag returns false when this reporter already has an open flag on the post.
bool insert_flag(db::Session& session, std::int64_t reply_id, std::int64_t reporter_id, std::string_view reason,
                 std::int64_t now);
std::vector<Flag> open_flags(db::Session& session, std::int64_t group_id);
struct FlagRef {
  std::int64_t id = 0;
  std::int64_t reply_id = 0;
  std::int64_t topic_id = 0;
  bool open = false;
};
std::optional<FlagRef> find_flag(db::Session& session, std::int64_t flag_id);
// Resolves one flag, or (flag_id empty) every open flag on the post.
void resolve_flags(db::Session& session, std::int64_t reply_id, std::optional<std::int64_t> flag_id,
                   std::string_view resolution, std::int64_t resolved_by, std::int64_t now);

// The search index documents (one per post; id = replies.id).
void index_post(db::Session& session, std::int64_t reply_id, std::string_view title, std::string_view markdown);
void unindex_post(db::Session& session, std::int64_t reply_id);
// Hits for `query` among visible posts of `group_ids` (hidden posts and hidden topics left out).
std::vector<SearchHit> search(db::Session& session, std::string_view query, const std::vector<std::int64_t>& group_ids,
                              std::size_t limit);

}  // namespace discussions::store
