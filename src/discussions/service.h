// The rules of discussions: who may read, start, reply, edit, react, accept, flag and moderate in a
// knowledge group (always asked of groups::access, on the server, for every object), Markdown
// rendered once on save with @mentions linked, the member's place in each topic (unread marker and
// where to resume), edit history, moderation that hides without deleting (with an audit entry), and
// full-text search filtered by the groups the searcher may see. No HTTP here: the pages
// (discussions/routes.h) and the JSON API both call this.
//
// Every change is one write transaction: the check, the rows, the search index and the audit entry
// commit together or not at all. Thread-safe: each call runs its own transactions.
//
// Example (a reply from a form):
//   auto posted = service.reply(request.viewer, topic_id, {.body = form_body});
//   if (!posted.ok()) return 422/403/404/409 by posted.error->failure, message posted.error->message_key
//   redirect to post_path(topic_id, posted.value->post_number, posted.value->id)
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "db/database.h"
#include "discussions/post_page_cache.h"
#include "discussions/types.h"
#include "groups/access.h"
#include "http/request.h"

namespace discussions {

using Viewer = std::optional<http::Viewer>;

// Invalid: the input (422); NotFound: no such thing, or not for this viewer's eyes (404);
// Forbidden: seen but not allowed (403); Conflict: the state forbids it now, e.g. a closed topic (409);
// TooLarge: over a size limit (413).
enum class Failure { Invalid, NotFound, Forbidden, Conflict, TooLarge };
int http_status(Failure failure);

// Why something was refused: the form field (empty: the whole request) and a catalog key.
struct Error {
  Failure failure = Failure::Invalid;
  std::string field;
  std::string message_key;
};

template <class T>
struct Result {
  std::optional<T> value;
  std::vector<Error> errors;  // empty exactly when value is set; several only for form input
  bool ok() const { return value.has_value(); }
  const Error& error() const { return errors.front(); }
  static Result of(T value) {
    Result result;
    result.value = std::move(value);
    return result;
  }
  static Result fail(Failure failure, std::string field, std::string key) {
    Result result;
    result.errors.push_back(Error{failure, std::move(field), std::move(key)});
    return result;
  }
  static Result fail(std::vector<Error> errors) {
    Result result;
    result.errors = std::move(errors);
    return result;
  }
};
struct Done {};

struct NewTopic {
  std::string title;
  std::string body;  // Markdown
  Kind kind = Kind::Discussion;
};

struct NewReply {
  std::string body;  // Markdown
  std::optional<std::int64_t> quote_of;  // the reply being quoted (same topic)
};

struct PostEdit {
  std::string body;                  // Markdown
  std::optional<std::string> title;  // opening posts: the topic's new title
};

// What a viewer may do in a topic, from groups::access and the topic's state.
struct Permissions {
  bool reply = false;     // post a reply now (open topic, group member, group not archived)
  bool react = false;     // "useful" on others' posts
  bool flag = false;      // ask the hosts to look at a post
  bool moderate = false;  // hosts and coordinators: pin, close, hide, move, edit any post
  bool accept = false;    // question topics: the asker or a moderator marks the answer
};

struct GroupView {
  GroupRef group;
  groups::GroupAccess access;
};

// A post as its edit form needs it, once the viewer is allowed to edit it.
struct EditContext {
  Topic topic;
  GroupRef group;
  Post post;
};

struct TopicList {
  GroupRef group;
  groups::GroupAccess access;
  std::vector<TopicSummary> topics;
  std::int64_t page = 1;
  std::int64_t page_count = 1;
  std::int64_t total = 0;
};

struct TopicPage {
  Topic topic;
  GroupRef group;
  groups::GroupAccess access;
  Permissions can;
  std::vector<Post> posts;     // this page, in order; hidden posts included (routes show a notice)
  std::optional<Post> accepted;  // the accepted answer, shown at the top
  std::int64_t page = 1;
  std::int64_t page_count = 1;
  // The first post on this page the viewer had not seen before this visit ("new since your last
  // visit"); none on a first visit or when everything here was read.
  std::optional<std::int64_t> first_unread_post_number;
};

// Where a member who opens a topic without a page number should land.
struct ResumePoint {
  std::int64_t page = 1;
  std::int64_t reply_id = 0;
};

struct ReactionState {
  bool useful = false;  // the viewer's reaction now
  std::int64_t count = 0;
};

struct PostHistory {
  Topic topic;
  GroupRef group;
  Post post;
  std::vector<Revision> versions;  // oldest first, the current version last
};

struct FlagList {
  GroupRef group;
  std::vector<Flag> flags;
};

struct ServiceOptions {
  std::function<std::int64_t()> clock;  // Unix seconds; default: the system clock
};

class Service {
 public:
  explicit Service(db::Database& database, ServiceOptions options = {});
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  std::int64_t now() const;

  // The group behind /groepen/{network}/{group} with the viewer's access, when the viewer may see it
  // (NotFound otherwise).
  Result<GroupView> group(const Viewer& viewer, std::string_view network_slug, std::string_view group_slug);

  // A group's topics, pinned first, then by last activity; `page` from 1 (clamped).
  Result<TopicList> topics(const Viewer& viewer, std::int64_t group_id, std::int64_t page);

  // Starts a topic with its opening post. Returns the topic.
  Result<Topic> create_topic(const Viewer& viewer, std::int64_t group_id, const NewTopic& input);
  Result<Post> reply(const Viewer& viewer, std::int64_t topic_id, const NewReply& input);

  // One page of a topic, for reading; moves the member's place forward to the last post shown.
  Result<TopicPage> topic_page(const Viewer& viewer, std::int64_t topic_id, std::int64_t page);
  // The same for a caller that keeps posts' HTML (the topic page's fragment cache): the posts come
  // without their Markdown, and with their HTML only when `needs_html(view, post)` says so for one of
  // them (asked once per post in order, in the same read, after the access check, with the view's
  // topic and permissions set; one yes brings the whole page's HTML). The accepted answer always has
  // its HTML. The posts' rows are read once per topic version (PostPageCache), the viewer's own
  // reactions on the page for every request.
  using NeedsHtml = std::function<bool(const TopicPage& view, const Post& post)>;
  Result<TopicPage> topic_page(const Viewer& viewer, std::int64_t topic_id, std::int64_t page,
                               const NeedsHtml& needs_html);
  // Where a member resumes: the first post they have not seen (or their last read post when all are
  // read). Nothing for visitors and first visits: they start at the top.
  std::optional<ResumePoint> resume_point(const Viewer& viewer, std::int64_t topic_id);

  // The Markdown that quotes a post in a reply: a blockquote with attribution and a link back.
  Result<std::string> quote(const Viewer& viewer, std::int64_t reply_id);
  Result<Post> post(const Viewer& viewer, std::int64_t reply_id);

  // The author (while still allowed to post) or a moderator edits; the old version goes to history.
  Result<Post> edit(const Viewer& viewer, std::int64_t reply_id, const PostEdit& input);
  // The same checks as edit() without changing anything: for the edit form.
  Result<EditContext> edit_context(const Viewer& viewer, std::int64_t reply_id);
  Result<PostHistory> history(const Viewer& viewer, std::int64_t reply_id);

  Result<ReactionState> toggle_useful(const Viewer& viewer, std::int64_t reply_id);
  // Question topics: the asker or a moderator accepts a reply (replacing an earlier one) or clears it.
  Result<Done> accept(const Viewer& viewer, std::int64_t reply_id);
  Result<Done> unaccept(const Viewer& viewer, std::int64_t topic_id);

  Result<Done> set_pinned(const Viewer& viewer, std::int64_t topic_id, bool pinned);
  Result<Done> set_closed(const Viewer& viewer, std::int64_t topic_id, bool closed);

  Result<Done> flag(const Viewer& viewer, std::int64_t reply_id, std::string_view reason);
  Result<FlagList> open_flags(const Viewer& viewer, std::int64_t group_id);
  Result<Done> dismiss_flag(const Viewer& viewer, std::int64_t flag_id);
  // Hides a post (the opening post hides the whole topic) or shows it again. Content stays; audited.
  Result<Done> set_hidden(const Viewer& viewer, std::int64_t reply_id, bool hidden);
  // Moves a topic to another group of the same network (the moderator must moderate both).
  Result<Done> move(const Viewer& viewer, std::int64_t topic_id, std::int64_t target_group_id);
  // Groups of the topic's network a moderator may move it to (not its own).
  Result<std::vector<GroupRef>> move_targets(const Viewer& viewer, std::int64_t topic_id);

  // Posts matching `query` in the groups the viewer may see (optionally one group, optionally one
  // network), best first. Empty for a query without searchable words.
  std::vector<SearchHit> search(db::Session& session, const Viewer& viewer, std::string_view query,
                                std::optional<std::int64_t> group_id, std::size_t limit,
                                std::optional<std::int64_t> network_id = std::nullopt) const;
  std::vector<SearchHit> search(const Viewer& viewer, std::string_view query, std::optional<std::int64_t> group_id,
                                std::size_t limit, std::optional<std::int64_t> network_id = std::nullopt);
  // For a caller that already holds the ids of the groups the searcher may see (from
  // groups::visible_group_ids), e.g. the site-wide search page.
  std::vector<SearchHit> search_in_groups(std::string_view query, const std::vector<std::int64_t>& group_ids,
                                          std::size_t limit);

 private:
  db::Database& database_;
  ServiceOptions options_;
  PostPageCache post_pages_;  // the topic page's rows of posts per topic version
};

// Mentions in `markdown` resolved to members of the network (a handle is the member's name with
// dashes for spaces, any case; a handle two members share links nobody), and the HTML with those
// mentions linked to the members' profiles. Runs in the caller's session (seeds use it too).
struct RenderedPost {
  std::string html;
  std::vector<std::int64_t> mentioned;  // account ids, in order of first mention
};
RenderedPost render_post(db::Session& session, std::int64_t network_id, std::string_view markdown);

// A short plain-text excerpt of a post's Markdown for its activity item (seeds use it too).
std::string excerpt_of(std::string_view markdown);

}  // namespace discussions
