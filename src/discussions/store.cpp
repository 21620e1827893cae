#include "discussions/store.h"

#include <algorithm>
#include <memory>

#include "db/search_index.h"
#include "notifications/watch.h"

namespace discussions::store {

namespace {

constexpr std::string_view kGroupColumns =
    "g.id, g.network_id, n.slug, g.slug, g.name FROM knowledge_groups g JOIN networks n ON n.id = g.network_id ";

GroupRef group_from(const db::Row& row, std::size_t at) {
  return GroupRef{row.int64(at), row.int64(at + 1), row.text(at + 2), row.text(at + 3), row.text(at + 4)};
}

// 19 columns; accounts may be gone (names then read as "").
constexpr std::string_view kTopicColumns =
    "t.id, t.group_id, t.author_id, COALESCE(ta.name, ''), t.title, t.kind, t.pinned, t.closed_at, t.hidden_at, "
    "t.accepted_reply_id, t.reply_count, t.last_post_number, t.last_reply_id, t.last_author_id, "
    "COALESCE(tl.name, ''), t.last_posted_at, t.created_at, t.updated_at, t.version ";
constexpr std::string_view kTopicJoins =
    "LEFT JOIN accounts ta ON ta.id = t.author_id LEFT JOIN accounts tl ON tl.id = t.last_author_id ";
constexpr std::size_t kTopicColumnCount = 19;

Topic topic_from(const db::Row& row) {
  Topic topic;
  topic.id = row.int64(0);
  topic.group_id = row.int64(1);
  topic.author_id = row.optional_int64(2);
  topic.author_name = row.text(3);
  topic.title = row.text(4);
  topic.kind = kind_from(row.text(5)).value_or(Kind::Discussion);
  topic.pinned = row.int64(6) != 0;
  topic.closed_at = row.optional_int64(7);
  topic.hidden_at = row.optional_int64(8);
  topic.accepted_reply_id = row.optional_int64(9);
  topic.reply_count = row.int64(10);
  topic.last_post_number = row.int64(11);
  topic.last_reply_id = row.optional_int64(12);
  topic.last_author_id = row.optional_int64(13);
  topic.last_author_name = row.text(14);
  topic.last_posted_at = row.int64(15);
  topic.created_at = row.int64(16);
  topic.updated_at = row.int64(17);
  topic.version = row.int64(18);
  return topic;
}

// 15 columns; the last says whether the viewer (first parameter) found the post useful.
constexpr std::string_view kPostSelect =
    "SELECT r.id, r.topic_id, r.post_number, r.author_id, COALESCE(a.name, ''), r.body_markdown, r.body_html, "
    "r.quote_of, r.useful_count, r.revision_count, r.edited_at, r.edited_by, r.hidden_at, r.created_at, "
    "CASE WHEN rr.account_id IS NULL THEN 0 ELSE 1 END "
    "FROM replies r LEFT JOIN accounts a ON a.id = r.author_id "
    "LEFT JOIN reply_reactions rr ON rr.reply_id = r.id AND rr.account_id = ? AND rr.kind = 'useful' ";
// The same 15 columns with the two texts left empty: a page whose HTML is cached reads no text.
constexpr std::string_view kPostStampSelect =
    "SELECT r.id, r.topic_id, r.post_number, r.author_id, COALESCE(a.name, ''), '', '', "
    "r.quote_of, r.useful_count, r.revision_count, r.edited_at, r.edited_by, r.hidden_at, r.created_at, "
    "CASE WHEN rr.account_id IS NULL THEN 0 ELSE 1 END "
    "FROM replies r LEFT JOIN accounts a ON a.id = r.author_id "
    "LEFT JOIN reply_reactions rr ON rr.reply_id = r.id AND rr.account_id = ? AND rr.kind = 'useful' ";

Post post_from(const db::Row& row) {
  Post post;
  post.id = row.int64(0);
  post.topic_id = row.int64(1);
  post.post_number = row.int64(2);
  post.author_id = row.optional_int64(3);
  post.author_name = row.text(4);
  post.body_markdown = row.text(5);
  post.body_html = row.text(6);
  post.quote_of = row.optional_int64(7);
  post.useful_count = row.int64(8);
  post.revision_count = row.int64(9);
  post.edited_at = row.optional_int64(10);
  post.edited_by = row.optional_int64(11);
  post.hidden_at = row.optional_int64(12);
  post.created_at = row.int64(13);
  post.viewer_found_useful = row.int64(14) != 0;
  return post;
}

const db::SearchIndex& search_index(db::Session& session) {
  static const std::unique_ptr<db::SearchIndex> sqlite =
      db::SearchIndex::create(db::Backend::Sqlite, "discussion_search");
  static const std::unique_ptr<db::SearchIndex> postgres =
      db::SearchIndex::create(db::Backend::Postgres, "discussion_search");
  return db::backend_of(session) == db::Backend::Sqlite ? *sqlite : *postgres;
}

// The visible text of rendered Markdown: tags dropped, the common entities decoded, spaces collapsed.
std::string plain_text(std::string_view html) {
  std::string out;
  out.reserve(html.size());
  bool in_tag = false;
  for (std::size_t i = 0; i < html.size(); ++i) {
    const char c = html[i];
    if (in_tag) {
      if (c == '>') {
        in_tag = false;
        if (!out.empty() && out.back() != ' ') out += ' ';
      }
      continue;
    }
    if (c == '<') {
      in_tag = true;
      continue;
    }
    if (c == '&') {
      static constexpr std::pair<std::string_view, char> kEntities[] = {
          {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}};
      bool decoded = false;
      for (const auto& [entity, character] : kEntities) {
        if (html.substr(i, entity.size()) == entity) {
          out += character;
          i += entity.size() - 1;
          decoded = true;
          break;
        }
      }
      if (!decoded) out += c;
      continue;
    }
    if (c == '\n' || c == '\t' || c == '\r' || c == ' ') {
      if (!out.empty() && out.back() != ' ') out += ' ';
      continue;
    }
    out += c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// Cuts `text` to at most `bytes`, at a word boundary when there is one, never inside a UTF-8 sequence.
std::string cut(std::string_view text, std::size_t bytes) {
  if (text.size() <= bytes) return std::string(text);
  std::size_t end = bytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  if (const std::size_t space = text.rfind(' ', end); space != std::string_view::npos && space > bytes / 2) {
    end = space;
  }
  return std::string(text.substr(0, end)) + "…";
}

constexpr std::size_t kExcerptBytes = 200;
// The most matches a search ranks before filtering (see search()).
constexpr std::int64_t kSearchWindow = 1000;

// Plain text around the first word that starts like one of the query's words.
std::string excerpt_for(std::string_view html, const std::vector<std::string>& query_words) {
  const std::string text = plain_text(html);
  std::size_t found = std::string::npos;
  for (std::size_t start = 0; start < text.size() && found == std::string::npos;) {
    std::size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    const std::vector<std::string> words = db::search_words(std::string_view(text).substr(start, end - start));
    for (const std::string& word : words) {
      for (const std::string& wanted : query_words) {
        const std::size_t stem = std::max<std::size_t>(std::min<std::size_t>(wanted.size(), 4), wanted.size() * 3 / 4);
        if (word.compare(0, stem, wanted, 0, stem) == 0) found = start;
      }
    }
    start = end + 1;
  }
  if (found == std::string::npos || found < 60) return cut(text, kExcerptBytes);
  std::size_t begin = found - 60;
  while (begin < found && (static_cast<unsigned char>(text[begin]) & 0xC0) == 0x80) ++begin;
  if (const std::size_t space = text.find(' ', begin); space != std::string::npos && space < found) begin = space + 1;
  return "…" + cut(std::string_view(text).substr(begin), kExcerptBytes);
}

}  // namespace

std::optional<GroupRef> find_group(db::Session& session, std::int64_t group_id) {
  static const std::string sql = "SELECT " + std::string(kGroupColumns) + "WHERE g.id = ?";
  const auto row = session.query_one(sql, {group_id});
  if (!row) return std::nullopt;
  return group_from(*row, 0);
}

std::optional<GroupRef> find_group_by_slugs(db::Session& session, std::string_view network_slug,
                                            std::string_view group_slug) {
  static const std::string sql = "SELECT " + std::string(kGroupColumns) + "WHERE n.slug = ? AND g.slug = ?";
  const auto row = session.query_one(sql, {std::string(network_slug), std::string(group_slug)});
  if (!row) return std::nullopt;
  return group_from(*row, 0);
}

std::optional<Topic> find_topic(db::Session& session, std::int64_t topic_id) {
  static const std::string sql =
      "SELECT " + std::string(kTopicColumns) + "FROM topics t " + std::string(kTopicJoins) + "WHERE t.id = ?";
  const auto row = session.query_one(sql, {topic_id});
  if (!row) return std::nullopt;
  return topic_from(*row);
}

std::optional<TopicWithPlace> find_topic_with_place(db::Session& session, std::int64_t topic_id,
                                                    std::int64_t viewer_account_id) {
  static const std::string sql = "SELECT " + std::string(kTopicColumns) + ", " +
                                 std::string(kGroupColumns.substr(0, kGroupColumns.find(" FROM"))) +
                                 ", tr.last_read_post_number FROM topics t " + std::string(kTopicJoins) +
                                 "JOIN knowledge_groups g ON g.id = t.group_id JOIN networks n ON n.id = g.network_id "
                                 "LEFT JOIN topic_reads tr ON tr.topic_id = t.id AND tr.account_id = ? "
                                 "WHERE t.id = ?";
  const auto row = session.query_one(sql, {viewer_account_id, topic_id});
  if (!row) return std::nullopt;
  return TopicWithPlace{topic_from(*row), group_from(*row, kTopicColumnCount),
                        row->optional_int64(kTopicColumnCount + 5)};
}

std::optional<Post> find_post(db::Session& session, std::int64_t reply_id, std::int64_t viewer_account_id) {
  static const std::string sql = std::string(kPostSelect) + "WHERE r.id = ?";
  const auto row = session.query_one(sql, {viewer_account_id, reply_id});
  if (!row) return std::nullopt;
  return post_from(*row);
}

std::vector<Post> posts_between(db::Session& session, std::int64_t topic_id, std::int64_t first, std::int64_t last,
                                std::int64_t viewer_account_id) {
  static const std::string sql =
      std::string(kPostSelect) + "WHERE r.topic_id = ? AND r.post_number BETWEEN ? AND ? ORDER BY r.post_number";
  std::vector<Post> posts;
  for (const db::Row& row : session.query(sql, {viewer_account_id, topic_id, first, last})) {
    posts.push_back(post_from(row));
  }
  return posts;
}

std::vector<Post> post_stamps_between(db::Session& session, std::int64_t topic_id, std::int64_t first,
                                      std::int64_t last, std::int64_t viewer_account_id) {
  static const std::string sql =
      std::string(kPostStampSelect) + "WHERE r.topic_id = ? AND r.post_number BETWEEN ? AND ? ORDER BY r.post_number";
  std::vector<Post> posts;
  for (const db::Row& row : session.query(sql, {viewer_account_id, topic_id, first, last})) {
    posts.push_back(post_from(row));
  }
  return posts;
}

std::vector<std::int64_t> useful_to_viewer_between(db::Session& session, std::int64_t topic_id, std::int64_t first,
                                                   std::int64_t last, std::int64_t viewer_account_id) {
  std::vector<std::int64_t> ids;
  for (const db::Row& row :
       session.query("SELECT rr.reply_id FROM reply_reactions rr JOIN replies r ON r.id = rr.reply_id "
                     "WHERE rr.account_id = ? AND rr.kind = 'useful' AND r.topic_id = ? "
                     "AND r.post_number BETWEEN ? AND ?",
                     {viewer_account_id, topic_id, first, last})) {
    ids.push_back(row.int64(0));
  }
  return ids;
}

std::vector<std::pair<std::int64_t, std::string>> post_html_between(db::Session& session, std::int64_t topic_id,
                                                                    std::int64_t first, std::int64_t last) {
  std::vector<std::pair<std::int64_t, std::string>> html;
  for (const db::Row& row :
       session.query("SELECT id, body_html FROM replies WHERE topic_id = ? AND post_number BETWEEN ? AND ? "
                     "ORDER BY post_number",
                     {topic_id, first, last})) {
    html.emplace_back(row.int64(0), row.text(1));
  }
  return html;
}

std::optional<std::int64_t> post_id_at(db::Session& session, std::int64_t topic_id, std::int64_t post_number) {
  const auto row = session.query_one("SELECT id FROM replies WHERE topic_id = ? AND post_number = ?",
                                     {topic_id, post_number});
  if (!row) return std::nullopt;
  return row->int64(0);
}

std::int64_t insert_topic(db::Session& session, const NewTopicRow& row) {
  // last_post_number starts at 0: append_post numbers the opening post 1.
  return session
      .query_one(
          "INSERT INTO topics (group_id, author_id, title, kind, reply_count, last_post_number, last_author_id, "
          "last_posted_at, created_at, updated_at) VALUES (?, ?, ?, ?, -1, 0, ?, ?, ?, ?) RETURNING id",
          {row.group_id, row.author_id, row.title, std::string(to_string(row.kind)), row.author_id, row.now, row.now,
           row.now})
      ->int64(0);
}

Post append_post(db::Session& session, const NewPostRow& row) {
  const std::int64_t number =
      session
          .query_one(
              "UPDATE topics SET last_post_number = last_post_number + 1, reply_count = reply_count + 1, "
              "last_author_id = ?, last_posted_at = ?, updated_at = ? WHERE id = ? RETURNING last_post_number",
              {row.author_id, row.now, row.now, row.topic_id})
          ->int64(0);
  const std::int64_t id =
      session
          .query_one(
              "INSERT INTO replies (topic_id, post_number, author_id, body_markdown, body_html, quote_of, created_at) "
              "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
              {row.topic_id, number, row.author_id, row.body_markdown, row.body_html, db::optional(row.quote_of),
               row.now})
          ->int64(0);
  session.execute("UPDATE topics SET last_reply_id = ? WHERE id = ?", {id, row.topic_id});
  Post post;
  post.id = id;
  post.topic_id = row.topic_id;
  post.post_number = number;
  post.author_id = row.author_id;
  post.body_markdown = row.body_markdown;
  post.body_html = row.body_html;
  post.quote_of = row.quote_of;
  post.created_at = row.now;
  return post;
}

void lock_topic(db::Session& session, std::int64_t topic_id) {
  session.execute("UPDATE topics SET last_post_number = last_post_number WHERE id = ?", {topic_id});
}

std::vector<TopicSummary> list_topics(db::Session& session, std::int64_t group_id, std::int64_t viewer_account_id,
                                      bool include_hidden, std::int64_t limit, std::int64_t offset,
                                      notifications::Level group_level) {
  static const std::string base = "SELECT " + std::string(kTopicColumns) +
                                  ", tr.last_read_post_number, wl.level FROM topics t " + std::string(kTopicJoins) +
                                  "LEFT JOIN topic_reads tr ON tr.topic_id = t.id AND tr.account_id = ? "
                                  "LEFT JOIN watch_levels wl ON wl.account_id = tr.account_id AND "
                                  "wl.target_type = 'topic' AND wl.target_id = t.id "
                                  "WHERE t.group_id = ? ";
  static const std::string order = "ORDER BY t.pinned DESC, t.last_posted_at DESC, t.id DESC LIMIT ? OFFSET ?";
  static const std::string all_sql = base + order;
  static const std::string visible_sql = base + "AND t.hidden_at IS NULL " + order;
  std::vector<TopicSummary> topics;
  for (const db::Row& row :
       session.query(include_hidden ? all_sql : visible_sql, {viewer_account_id, group_id, limit, offset})) {
    TopicSummary summary;
    summary.topic = topic_from(row);
    if (const auto place = row.optional_int64(kTopicColumnCount)) {
      summary.visited = true;
      const auto topic_level = row.is_null(kTopicColumnCount + 1)
                                   ? std::nullopt
                                   : notifications::level_from(row.text(kTopicColumnCount + 1));
      if (notifications::shows_unread(topic_level.value_or(group_level))) {
        summary.unread = std::max<std::int64_t>(0, summary.topic.last_post_number - *place);
      }
    }
    topics.push_back(std::move(summary));
  }
  return topics;
}

std::int64_t count_topics(db::Session& session, std::int64_t group_id, bool include_hidden) {
  return session
      .query_one(include_hidden ? "SELECT COUNT(*) FROM topics WHERE group_id = ?"
                                : "SELECT COUNT(*) FROM topics WHERE group_id = ? AND hidden_at IS NULL",
                 {group_id})
      ->int64(0);
}

void advance_read_place(db::Session& session, std::int64_t account_id, std::int64_t topic_id,
                        std::int64_t post_number, std::int64_t now) {
  session.execute(
      "INSERT INTO topic_reads (account_id, topic_id, last_read_post_number, read_at) VALUES (?, ?, ?, ?) "
      "ON CONFLICT (account_id, topic_id) DO UPDATE SET read_at = excluded.read_at, last_read_post_number = "
      "CASE WHEN excluded.last_read_post_number > topic_reads.last_read_post_number "
      "THEN excluded.last_read_post_number ELSE topic_reads.last_read_post_number END",
      {account_id, topic_id, post_number, now});
}

void save_edit(db::Session& session, const Post& before, std::string_view title_before,
               std::string_view body_markdown, std::string_view body_html, std::int64_t editor_id,
               std::int64_t now) {
  // The version being replaced was written by its last editor (or the author) at that time.
  const std::optional<std::int64_t> written_by = before.edited_by ? before.edited_by : before.author_id;
  const std::int64_t written_at = before.edited_at.value_or(before.created_at);
  session.execute(
      "INSERT INTO reply_revisions (reply_id, number, title, body_markdown, author_id, created_at) "
      "VALUES (?, ?, ?, ?, ?, ?)",
      {before.id, before.revision_count + 1, std::string(title_before), before.body_markdown,
       db::optional(written_by), written_at});
  session.execute(
      "UPDATE replies SET body_markdown = ?, body_html = ?, edited_at = ?, edited_by = ?, "
      "revision_count = revision_count + 1 WHERE id = ?",
      {std::string(body_markdown), std::string(body_html), now, editor_id, before.id});
}

void set_topic_title(db::Session& session, std::int64_t topic_id, std::string_view title, std::int64_t now) {
  session.execute("UPDATE topics SET title = ?, updated_at = ? WHERE id = ?", {std::string(title), now, topic_id});
}

std::vector<Revision> revisions(db::Session& session, std::int64_t reply_id) {
  std::vector<Revision> list;
  for (const db::Row& row : session.query(
           "SELECT v.number, v.title, v.body_markdown, v.author_id, COALESCE(a.name, ''), v.created_at "
           "FROM reply_revisions v LEFT JOIN accounts a ON a.id = v.author_id WHERE v.reply_id = ? ORDER BY v.number",
           {reply_id})) {
    list.push_back(Revision{row.int64(0), row.text(1), row.text(2), row.optional_int64(3), row.text(4), row.int64(5),
                            false});
  }
  return list;
}

std::vector<std::int64_t> replace_mentions(db::Session& session, std::int64_t reply_id,
                                           const std::vector<std::int64_t>& account_ids) {
  std::vector<std::int64_t> before;
  for (const db::Row& row : session.query("SELECT account_id FROM reply_mentions WHERE reply_id = ?", {reply_id})) {
    before.push_back(row.int64(0));
  }
  std::vector<std::int64_t> added;
  for (const std::int64_t id : account_ids) {
    if (std::find(before.begin(), before.end(), id) != before.end()) continue;
    session.execute("INSERT INTO reply_mentions (reply_id, account_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
                    {reply_id, id});
    added.push_back(id);
  }
  for (const std::int64_t id : before) {
    if (std::find(account_ids.begin(), account_ids.end(), id) == account_ids.end()) {
      session.execute("DELETE FROM reply_mentions WHERE reply_id = ? AND account_id = ?", {reply_id, id});
    }
  }
  return added;
}

std::vector<std::pair<std::int64_t, std::string>> members_with_handle(db::Session& session, std::int64_t network_id,
                                                                      std::string_view handle) {
  std::vector<std::pair<std::int64_t, std::string>> found;
  for (const db::Row& row : session.query(
           "SELECT a.id, a.name FROM accounts a JOIN memberships m ON m.account_id = a.id "
           "WHERE m.network_id = ? AND m.status = 'active' AND a.status = 'active' "
           "AND lower(replace(a.name, ' ', '-')) = lower(?) ORDER BY a.id LIMIT 2",
           {network_id, std::string(handle)})) {
    found.emplace_back(row.int64(0), row.text(1));
  }
  return found;
}

bool toggle_useful(db::Session& session, std::int64_t reply_id, std::int64_t account_id, std::int64_t now) {
  if (session.execute("DELETE FROM reply_reactions WHERE reply_id = ? AND account_id = ? AND kind = 'useful'",
                      {reply_id, account_id}) > 0) {
    session.execute("UPDATE replies SET useful_count = useful_count - 1 WHERE id = ?", {reply_id});
    return false;
  }
  session.execute("INSERT INTO reply_reactions (reply_id, account_id, kind, created_at) VALUES (?, ?, 'useful', ?)",
                  {reply_id, account_id, now});
  session.execute("UPDATE replies SET useful_count = useful_count + 1 WHERE id = ?", {reply_id});
  return true;
}

void set_accepted(db::Session& session, std::int64_t topic_id, std::optional<std::int64_t> reply_id,
                  std::int64_t now) {
  session.execute("UPDATE topics SET accepted_reply_id = ?, updated_at = ? WHERE id = ?",
                  {db::optional(reply_id), now, topic_id});
}

void set_pinned(db::Session& session, std::int64_t topic_id, bool pinned, std::int64_t now) {
  session.execute("UPDATE topics SET pinned = ?, updated_at = ? WHERE id = ?",
                  {std::int64_t{pinned ? 1 : 0}, now, topic_id});
}

void set_closed(db::Session& session, std::int64_t topic_id, std::optional<std::int64_t> closed_by,
                std::int64_t now) {
  session.execute("UPDATE topics SET closed_at = ?, closed_by = ?, updated_at = ? WHERE id = ?",
                  {closed_by ? db::Value(now) : db::null(), db::optional(closed_by), now, topic_id});
}

void set_post_hidden(db::Session& session, std::int64_t reply_id, std::optional<std::int64_t> hidden_by,
                     std::int64_t now) {
  session.execute("UPDATE replies SET hidden_at = ?, hidden_by = ? WHERE id = ?",
                  {hidden_by ? db::Value(now) : db::null(), db::optional(hidden_by), reply_id});
}

void set_topic_hidden(db::Session& session, std::int64_t topic_id, std::optional<std::int64_t> hidden_by,
                      std::int64_t now) {
  session.execute("UPDATE topics SET hidden_at = ?, hidden_by = ?, updated_at = ? WHERE id = ?",
                  {hidden_by ? db::Value(now) : db::null(), db::optional(hidden_by), now, topic_id});
}

void move_topic(db::Session& session, std::int64_t topic_id, std::int64_t group_id, std::int64_t now) {
  session.execute("UPDATE topics SET group_id = ?, updated_at = ? WHERE id = ?", {group_id, now, topic_id});
}

bool insert_flag(db::Session& session, std::int64_t reply_id, std::int64_t reporter_id, std::string_view reason,
                 std::int64_t now) {
  if (session.query_one("SELECT 1 FROM discussion_flags WHERE reply_id = ? AND reporter_id = ? AND resolved_at IS NULL",
                        {reply_id, reporter_id})) {
    return false;
  }
  session.execute("INSERT INTO discussion_flags (reply_id, reporter_id, reason, created_at) VALUES (?, ?, ?, ?)",
                  {reply_id, reporter_id, std::string(reason), now});
  return true;
}

std::vector<Flag> open_flags(db::Session& session, std::int64_t group_id) {
  std::vector<Flag> flags;
  for (const db::Row& row : session.query(
           "SELECT f.id, f.reply_id, t.id, t.title, r.post_number, r.body_html, r.hidden_at, f.reporter_id, "
           "COALESCE(a.name, ''), f.reason, f.created_at FROM discussion_flags f "
           "JOIN replies r ON r.id = f.reply_id JOIN topics t ON t.id = r.topic_id "
           "LEFT JOIN accounts a ON a.id = f.reporter_id "
           "WHERE f.resolved_at IS NULL AND t.group_id = ? ORDER BY f.created_at, f.id",
           {group_id})) {
    Flag flag;
    flag.id = row.int64(0);
    flag.reply_id = row.int64(1);
    flag.topic_id = row.int64(2);
    flag.topic_title = row.text(3);
    flag.post_number = row.int64(4);
    flag.post_excerpt = cut(plain_text(row.text(5)), kExcerptBytes);
    flag.post_hidden = !row.is_null(6);
    flag.reporter_id = row.optional_int64(7);
    flag.reporter_name = row.text(8);
    flag.reason = row.text(9);
    flag.created_at = row.int64(10);
    flags.push_back(std::move(flag));
  }
  return flags;
}

std::optional<FlagRef> find_flag(db::Session& session, std::int64_t flag_id) {
  const auto row = session.query_one(
      "SELECT f.id, f.reply_id, r.topic_id, f.resolved_at FROM discussion_flags f JOIN replies r ON r.id = f.reply_id "
      "WHERE f.id = ?",
      {flag_id});
  if (!row) return std::nullopt;
  return FlagRef{row->int64(0), row->int64(1), row->int64(2), row->is_null(3)};
}

void resolve_flags(db::Session& session, std::int64_t reply_id, std::optional<std::int64_t> flag_id,
                   std::string_view resolution, std::int64_t resolved_by, std::int64_t now) {
  if (flag_id) {
    session.execute(
        "UPDATE discussion_flags SET resolved_at = ?, resolved_by = ?, resolution = ? WHERE id = ? AND resolved_at IS NULL",
        {now, resolved_by, std::string(resolution), *flag_id});
  } else {
    session.execute(
        "UPDATE discussion_flags SET resolved_at = ?, resolved_by = ?, resolution = ? "
        "WHERE reply_id = ? AND resolved_at IS NULL",
        {now, resolved_by, std::string(resolution), reply_id});
  }
}

void index_post(db::Session& session, std::int64_t reply_id, std::string_view title, std::string_view markdown) {
  search_index(session).put(session, reply_id, db::SearchDocument{std::string(title), "", "", std::string(markdown)});
}

void unindex_post(db::Session& session, std::int64_t reply_id) { search_index(session).remove(session, reply_id); }

std::vector<SearchHit> search(db::Session& session, std::string_view query, const std::vector<std::int64_t>& group_ids,
                              std::size_t limit) {
  std::vector<SearchHit> hits;
  if (group_ids.empty() || limit == 0) return hits;
  const db::SearchIndex& index = search_index(session);
  const std::optional<db::SearchMatch> match = index.match(query);
  if (!match) return hits;
  index.prepare_transaction(session);

  std::string in_list;
  for (std::size_t i = 0; i < group_ids.size(); ++i) in_list += i == 0 ? "?" : ", ?";
  // Narrow rows first (ids, score, where the post is), the title and body for the page's hits only.
  const std::string filter =
      ") m JOIN replies r ON r.id = m.id JOIN topics t ON t.id = r.topic_id "
      "WHERE r.hidden_at IS NULL AND t.hidden_at IS NULL AND t.group_id IN (" + in_list + ") ";
  // The matches are put in score order before they are joined to their posts and topics, so that the
  // join stops once `limit` of them pass the filter (PostgreSQL: a sort under a nested loop under the
  // limit) instead of looking up every match of the window first.
  const auto hits_of = [&](bool with_total, const std::string& matches) {
    return std::string("SELECT x.id, x.topic_id, x.post_number, x.group_id, t.title, r.body_html, x.score") +
           (with_total ? ", x.total" : "") + " FROM (SELECT r.id, r.topic_id, r.post_number, t.group_id, m.score" +
           (with_total ? ", m.total" : "") + " FROM (SELECT * FROM (" + matches + ") s ORDER BY s.score DESC, s.id" +
           filter + "ORDER BY m.score DESC, m.id LIMIT ?) x JOIN replies r ON r.id = x.id "
           "JOIN topics t ON t.id = x.topic_id ORDER BY x.score DESC, x.id";
  };
  // Ranking every match of a common word is the expensive part (bm25 / ts_rank, each reading the
  // post's entry): rank a window of at most kSearchWindow matches (SQLite: the newest posts;
  // PostgreSQL: the first found, see db::SearchMatch::window_sql) and filter those. A window that was
  // not full held every match, so its answer is exact; only a full window with too few hits in the
  // searcher's groups falls back to ranking everything.
  const auto run = [&](const db::Params& match_params) {
    const auto params_with = [&](std::optional<std::int64_t> window) {
      db::Params params = match_params;
      if (window) params.emplace_back(*window);
      for (const std::int64_t id : group_ids) params.emplace_back(id);
      params.emplace_back(static_cast<std::int64_t>(limit));
      return params;
    };
    db::Rows rows = session.query(
        hits_of(true, "SELECT w.id, w.score, COUNT(*) OVER () AS total FROM (" + match->window_sql + ") w"),
        params_with(kSearchWindow));
    if (rows.size() < limit) {
      std::int64_t window_size = 0;
      if (!rows.empty()) {
        window_size = rows.front().int64(7);
      } else {
        db::Params count_params = match_params;
        count_params.emplace_back(kSearchWindow);
        window_size = session.query_one("SELECT COUNT(*) FROM (" + match->window_sql + ") w", count_params)->int64(0);
      }
      if (window_size >= kSearchWindow) rows = session.query(hits_of(false, match->sql), params_with(std::nullopt));
    }
    return rows;
  };
  // The last word whole first; as a prefix too ("verzek" finds "verzekering") only when that finds too
  // few: expanding a common word's prefix costs more than the rest of the search (db/search_index.h).
  db::Rows rows = run(match->exact_params);
  if (rows.size() < limit && match->exact_params != match->params) rows = run(match->params);

  std::vector<std::string> words;
  for (const std::string& word : db::search_words(query)) words.push_back(word);
  for (const db::Row& row : rows) {
    SearchHit hit;
    hit.id = row.int64(0);
    hit.topic_id = row.int64(1);
    const std::int64_t post_number = row.int64(2);
    hit.kind = post_number == 1 ? "topic" : "reply";
    hit.group_id = row.int64(3);
    hit.title = row.text(4);
    hit.excerpt = excerpt_for(row.text(5), words);
    hit.path = post_number == 1 ? topic_path(hit.topic_id) : post_path(hit.topic_id, post_number, hit.id);
    hit.score = row.real(6);
    hits.push_back(std::move(hit));
  }
  return hits;
}

}  // namespace discussions::store
