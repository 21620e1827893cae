// Discussions in knowledge groups: topics, their posts (the opening post is post number 1), edit
// history, flags and search hits as plain values, plus the limits every entry point enforces.
// Times are Unix seconds (UTC).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace discussions {

// A question topic can have an accepted answer; a discussion cannot.
enum class Kind { Discussion, Question };
std::string_view to_string(Kind kind);  // "discussion", "question" (as stored)
std::optional<Kind> kind_from(std::string_view text);

inline constexpr std::size_t kMaxTitleBytes = 200;
// A post's Markdown: 64 KiB is a long article; anything larger is refused with a message (the server's
// body limit of 1 MiB stays in place for these forms).
inline constexpr std::size_t kMaxBodyBytes = 64 * 1024;
inline constexpr std::size_t kMaxFlagReasonBytes = 1000;
inline constexpr std::int64_t kPostsPerPage = 50;
inline constexpr std::int64_t kTopicsPerPage = 30;

// The group a topic lives in, with the slugs its URLs need.
struct GroupRef {
  std::int64_t id = 0;
  std::int64_t network_id = 0;
  std::string network_slug;
  std::string slug;
  std::string name;

  std::string path() const { return "/groepen/" + network_slug + "/" + slug; }
  bool operator==(const GroupRef&) const = default;
};

struct Topic {
  std::int64_t id = 0;
  std::int64_t group_id = 0;
  std::optional<std::int64_t> author_id;  // none once the author's account is gone
  std::string author_name;
  std::string title;
  Kind kind = Kind::Discussion;
  bool pinned = false;
  std::optional<std::int64_t> closed_at;
  std::optional<std::int64_t> hidden_at;
  std::optional<std::int64_t> accepted_reply_id;
  std::int64_t reply_count = 0;       // posts after the opening post
  std::int64_t last_post_number = 1;  // the highest post number
  std::optional<std::int64_t> last_reply_id;
  std::optional<std::int64_t> last_author_id;
  std::string last_author_name;
  std::int64_t last_posted_at = 0;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
  std::int64_t version = 0;  // changes with every write that changes what the topic's posts show

  bool closed() const { return closed_at.has_value(); }
  bool hidden() const { return hidden_at.has_value(); }
  bool operator==(const Topic&) const = default;
};

// One post of a topic. Post number 1 is the opening post; replies follow without gaps.
struct Post {
  std::int64_t id = 0;
  std::int64_t topic_id = 0;
  std::int64_t post_number = 0;
  std::optional<std::int64_t> author_id;
  std::string author_name;
  std::string body_markdown;
  std::string body_html;  // rendered on save; safe to insert unescaped
  std::optional<std::int64_t> quote_of;
  std::int64_t useful_count = 0;
  std::int64_t revision_count = 0;  // earlier versions (0: never edited)
  std::optional<std::int64_t> edited_at;
  std::optional<std::int64_t> edited_by;
  std::optional<std::int64_t> hidden_at;
  std::int64_t created_at = 0;
  bool viewer_found_useful = false;  // the viewer's own "useful" reaction

  bool hidden() const { return hidden_at.has_value(); }
  bool operator==(const Post&) const = default;
};

// A row of a group's topic list, with the viewer's place in it.
struct TopicSummary {
  Topic topic;
  bool visited = false;       // the viewer opened this topic before
  std::int64_t unread = 0;    // posts after the viewer's place (0 for visitors and unvisited topics)
};

// One version of a post: the earlier ones from reply_revisions and the current one last.
struct Revision {
  std::int64_t number = 0;  // 1 is the original
  std::string title;        // the topic's title in this version (opening posts only)
  std::string body_markdown;
  std::optional<std::int64_t> author_id;
  std::string author_name;
  std::int64_t created_at = 0;
  bool current = false;
};

// An open flag as the group's hosts see it.
struct Flag {
  std::int64_t id = 0;
  std::int64_t reply_id = 0;
  std::int64_t topic_id = 0;
  std::string topic_title;
  std::int64_t post_number = 0;
  std::string post_excerpt;
  bool post_hidden = false;
  std::optional<std::int64_t> reporter_id;
  std::string reporter_name;
  std::string reason;
  std::int64_t created_at = 0;
};

// A full-text search hit. `kind` is "topic" for an opening post (found by title or text) and "reply"
// for any later post. `path` links to the post's page and anchor.
struct SearchHit {
  std::string kind;
  std::int64_t id = 0;  // the post (replies.id)
  std::int64_t topic_id = 0;
  std::int64_t group_id = 0;
  std::string title;    // the topic's title
  std::string excerpt;  // plain text around the first word found
  std::string path;
  double score = 0;
};

// The page of a post number, with kPostsPerPage posts per page: post 1..50 is page 1.
std::int64_t page_of(std::int64_t post_number);
// "/onderwerpen/12?pagina=3#reactie-345" (no page for page 1).
std::string post_path(std::int64_t topic_id, std::int64_t post_number, std::int64_t reply_id);
std::string topic_path(std::int64_t topic_id);

}  // namespace discussions
