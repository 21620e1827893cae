#include "discussions/service.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>

#include "audit/audit.h"
#include "discussions/store.h"
#include "notifications/activity.h"
#include "notifications/watch.h"
#include "web/markdown.h"

namespace discussions {

int http_status(Failure failure) {
  switch (failure) {
    case Failure::Invalid: return 422;
    case Failure::NotFound: return 404;
    case Failure::Forbidden: return 403;
    case Failure::Conflict: return 409;
    case Failure::TooLarge: return 413;
  }
  return 422;
}

namespace {

std::int64_t account_of(const Viewer& viewer) { return viewer ? viewer->account_id : 0; }
bool signed_in(const Viewer& viewer) { return viewer && viewer->account_id != 0; }

std::string trimmed(std::string_view text) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!text.empty() && space(text.front())) text.remove_prefix(1);
  while (!text.empty() && space(text.back())) text.remove_suffix(1);
  return std::string(text);
}

// Well-formed UTF-8 without control characters (tabs and line breaks allowed where `multiline`):
// PostgreSQL refuses NUL and malformed text, and neither belongs in a post.
bool clean_text(std::string_view text, bool multiline) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    if (lead < 0x80) {
      const bool allowed_control = multiline && (lead == '\n' || lead == '\r' || lead == '\t');
      if ((lead < 0x20 && !allowed_control) || lead == 0x7F) return false;
      ++i;
      continue;
    }
    std::size_t length = 0;
    std::uint32_t value = 0;
    if ((lead & 0xE0) == 0xC0) {
      length = 2;
      value = lead & 0x1Fu;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3;
      value = lead & 0x0Fu;
    } else if ((lead & 0xF8) == 0xF0) {
      length = 4;
      value = lead & 0x07u;
    } else {
      return false;
    }
    if (i + length > text.size()) return false;
    for (std::size_t k = 1; k < length; ++k) {
      const auto byte = static_cast<unsigned char>(text[i + k]);
      if ((byte & 0xC0) != 0x80) return false;
      value = (value << 6) | (byte & 0x3Fu);
    }
    const bool overlong = (length == 2 && value < 0x80) || (length == 3 && value < 0x800) ||
                          (length == 4 && value < 0x10000);
    if (overlong || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return false;
    i += length;
  }
  return true;
}

void check_title(const std::string& title, std::vector<Error>& errors) {
  if (title.empty()) {
    errors.push_back({Failure::Invalid, "titel", "discussions.error.title_required"});
  } else if (title.size() > kMaxTitleBytes) {
    errors.push_back({Failure::Invalid, "titel", "discussions.error.title_too_long"});
  } else if (!clean_text(title, false)) {
    errors.push_back({Failure::Invalid, "titel", "discussions.error.invalid_text"});
  }
}

void check_body(const std::string& body, std::vector<Error>& errors) {
  if (body.size() > kMaxBodyBytes) {
    errors.push_back({Failure::TooLarge, "inhoud", "discussions.error.body_too_long"});
  } else if (trimmed(body).empty()) {
    errors.push_back({Failure::Invalid, "inhoud", "discussions.error.body_required"});
  } else if (!clean_text(body, true)) {
    errors.push_back({Failure::Invalid, "inhoud", "discussions.error.invalid_text"});
  }
}

// Line endings as \n, so revisions and quotes compare and prefix cleanly.
std::string normalised_body(std::string_view body) {
  std::string out;
  out.reserve(body.size());
  for (std::size_t i = 0; i < body.size(); ++i) {
    if (body[i] == '\r') {
      out += '\n';
      if (i + 1 < body.size() && body[i + 1] == '\n') ++i;
    } else {
      out += body[i];
    }
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

// Why a member may not post in a group they can see.
Error posting_refused(const groups::GroupAccess& access) {
  if (access.archived) return {Failure::Forbidden, "", "discussions.error.archived"};
  return {Failure::Forbidden, "", "discussions.error.not_member"};
}

Permissions permissions_for(const Topic& topic, const groups::GroupAccess& access, const Viewer& viewer) {
  Permissions can;
  can.moderate = access.can_moderate;
  can.reply = access.can_post && !topic.closed() && !topic.hidden();
  can.react = access.can_post;
  can.flag = signed_in(viewer) && access.can_view && (access.network_member || access.coordinator);
  const bool asker = signed_in(viewer) && topic.author_id == viewer->account_id && access.can_post;
  can.accept = topic.kind == Kind::Question && !access.archived && (asker || access.can_moderate);
  return can;
}

// Hidden content is withheld from everyone but moderators (the rows stay for the audit log).
void withhold_hidden(Post& post, bool moderator) {
  if (post.hidden() && !moderator) {
    post.body_markdown.clear();
    post.body_html.clear();
  }
}

}  // namespace

std::string excerpt_of(std::string_view markdown) {
  std::string out;
  for (const char c : markdown.substr(0, 600)) {
    if (c == '\n' || c == '\r' || c == '\t') {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else if (c != '#' && c != '*' && c != '>' && c != '`') {
      out += c;
    }
  }
  return trimmed(out);
}

namespace {

// A topic with its group and the viewer's access, loaded in one transaction.
struct Loaded {
  store::TopicWithPlace found;
  groups::GroupAccess access;
  const Topic& topic() const { return found.topic; }
  const GroupRef& group() const { return found.group; }
};

std::optional<Loaded> load_topic(db::Session& session, const Viewer& viewer, std::int64_t topic_id) {
  auto found = store::find_topic_with_place(session, topic_id, account_of(viewer));
  if (!found) return std::nullopt;
  groups::GroupAccess access = groups::access(session, viewer, found->topic.group_id);
  if (!access.exists || !access.can_view) return std::nullopt;  // never confirm it exists
  return Loaded{std::move(*found), access};
}

}  // namespace

RenderedPost render_post(db::Session& session, std::int64_t network_id, std::string_view markdown) {
  RenderedPost rendered;
  std::map<std::string, std::string, std::less<>> links;
  for (const std::string& handle : web::find_mentions(markdown)) {
    const auto members = store::members_with_handle(session, network_id, handle);
    if (members.size() != 1) continue;  // nobody, or two members share the name: link nobody
    links.emplace(handle, "/leden/" + std::to_string(members.front().first));
    if (std::find(rendered.mentioned.begin(), rendered.mentioned.end(), members.front().first) ==
        rendered.mentioned.end()) {
      rendered.mentioned.push_back(members.front().first);
    }
  }
  rendered.html = web::render_markdown(markdown, links);
  return rendered;
}

Service::Service(db::Database& database, ServiceOptions options) : database_(database), options_(std::move(options)) {}

std::int64_t Service::now() const {
  if (options_.clock) return options_.clock();
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

Result<GroupView> Service::group(const Viewer& viewer, std::string_view network_slug, std::string_view group_slug) {
  return database_.read([&](db::Session& session) -> Result<GroupView> {
    auto group = store::find_group_by_slugs(session, network_slug, group_slug);
    if (!group) return Result<GroupView>::fail(Failure::NotFound, "", "discussions.error.not_found");
    const groups::GroupAccess access = groups::access(session, viewer, group->id);
    if (!access.can_view) return Result<GroupView>::fail(Failure::NotFound, "", "discussions.error.not_found");
    return Result<GroupView>::of(GroupView{std::move(*group), access});
  });
}

Result<TopicList> Service::topics(const Viewer& viewer, std::int64_t group_id, std::int64_t page) {
  return database_.read([&](db::Session& session) -> Result<TopicList> {
    const groups::GroupAccess access = groups::access(session, viewer, group_id);
    auto group = store::find_group(session, group_id);
    if (!access.exists || !access.can_view || !group) {
      return Result<TopicList>::fail(Failure::NotFound, "", "discussions.error.not_found");
    }
    TopicList list;
    list.group = std::move(*group);
    list.access = access;
    list.total = store::count_topics(session, group_id, access.can_moderate);
    list.page_count = std::max<std::int64_t>(1, (list.total + kTopicsPerPage - 1) / kTopicsPerPage);
    list.page = std::clamp<std::int64_t>(page, 1, list.page_count);
    // Unread counts for what the member tracks or watches (the group's level, or each topic's own).
    const std::int64_t account = account_of(viewer);
    const notifications::Level group_level =
        account != 0 ? notifications::level_in_force(session, account, group_id, 0) : notifications::Level::Normal;
    list.topics = store::list_topics(session, group_id, account, access.can_moderate, kTopicsPerPage,
                                     (list.page - 1) * kTopicsPerPage, group_level);
    return Result<TopicList>::of(std::move(list));
  });
}

Result<Topic> Service::create_topic(const Viewer& viewer, std::int64_t group_id, const NewTopic& input) {
  const std::string title = trimmed(input.title);
  const std::string body = normalised_body(input.body);
  const std::int64_t at = now();
  return database_.write([&](db::Session& session) -> Result<Topic> {
    const groups::GroupAccess access = groups::access(session, viewer, group_id);
    if (!access.exists || !access.can_view) {
      return Result<Topic>::fail(Failure::NotFound, "", "discussions.error.not_found");
    }
    if (!signed_in(viewer) || !access.can_post) return Result<Topic>::fail({posting_refused(access)});
    std::vector<Error> errors;
    check_title(title, errors);
    check_body(input.body.size() > kMaxBodyBytes ? input.body : body, errors);
    if (!errors.empty()) return Result<Topic>::fail(std::move(errors));

    const std::int64_t topic_id =
        store::insert_topic(session, store::NewTopicRow{group_id, viewer->account_id, title, input.kind, at});
    const RenderedPost rendered = render_post(session, access.network_id, body);
    const Post post = store::append_post(
        session, store::NewPostRow{topic_id, viewer->account_id, body, rendered.html, std::nullopt, at});
    store::index_post(session, post.id, title, body);
    store::replace_mentions(session, post.id, rendered.mentioned);
    store::advance_read_place(session, viewer->account_id, topic_id, post.post_number, at);
    notifications::Activity activity;
    activity.network_id = access.network_id;
    activity.group_id = group_id;
    activity.kind = "topic.created";
    activity.actor_id = viewer->account_id;
    activity.subject_type = "topic";
    activity.subject_id = topic_id;
    activity.topic_id = topic_id;
    activity.title = title;
    activity.excerpt = excerpt_of(body);
    activity.path = topic_path(topic_id);
    activity.mentioned = rendered.mentioned;
    activity.created_at = at;
    notifications::record(session, activity);
    return Result<Topic>::of(*store::find_topic(session, topic_id));
  });
}

Result<Post> Service::reply(const Viewer& viewer, std::int64_t topic_id, const NewReply& input) {
  const std::string body = normalised_body(input.body);
  const std::int64_t at = now();
  return database_.write([&](db::Session& session) -> Result<Post> {
    store::lock_topic(session, topic_id);
    auto loaded = load_topic(session, viewer, topic_id);
    if (!loaded) return Result<Post>::fail(Failure::NotFound, "", "discussions.error.not_found");
    const Topic& topic = loaded->topic();
    if (!signed_in(viewer) || !loaded->access.can_post) return Result<Post>::fail({posting_refused(loaded->access)});
    if (topic.closed()) return Result<Post>::fail(Failure::Conflict, "", "discussions.error.closed");
    if (topic.hidden()) return Result<Post>::fail(Failure::Conflict, "", "discussions.error.topic_hidden");
    std::vector<Error> errors;
    check_body(input.body.size() > kMaxBodyBytes ? input.body : body, errors);
    if (!errors.empty()) return Result<Post>::fail(std::move(errors));

    // A quote points at a visible post of this topic; anything else (a tampered field) quotes nothing.
    std::optional<Post> quoted;
    if (input.quote_of) {
      quoted = store::find_post(session, *input.quote_of);
      if (quoted && (quoted->topic_id != topic_id || quoted->hidden())) quoted.reset();
    }
    const RenderedPost rendered = render_post(session, loaded->group().network_id, body);
    Post post = store::append_post(session, store::NewPostRow{topic_id, viewer->account_id, body, rendered.html,
                                                              quoted ? std::optional(quoted->id) : std::nullopt, at});
    store::index_post(session, post.id, "", body);
    store::replace_mentions(session, post.id, rendered.mentioned);
    store::advance_read_place(session, viewer->account_id, topic_id, post.post_number, at);

    notifications::Activity activity;
    activity.network_id = loaded->group().network_id;
    activity.group_id = topic.group_id;
    activity.kind = "reply.created";
    activity.actor_id = viewer->account_id;
    activity.subject_type = "reply";
    activity.subject_id = post.id;
    activity.topic_id = topic_id;
    activity.title = topic.title;
    activity.excerpt = excerpt_of(body);
    activity.path = post_path(topic_id, post.post_number, post.id);
    activity.mentioned = rendered.mentioned;
    // The quoted author, or else the topic's author, is the one answered.
    const std::optional<std::int64_t> answered = quoted ? quoted->author_id : topic.author_id;
    if (answered) activity.replied_to.push_back(*answered);
    activity.created_at = at;
    notifications::record(session, activity);

    post.author_name = viewer->name;
    return Result<Post>::of(std::move(post));
  });
}

Result<TopicPage> Service::topic_page(const Viewer& viewer, std::int64_t topic_id, std::int64_t page) {
  return topic_page(viewer, topic_id, page, NeedsHtml{});
}

Result<TopicPage> Service::topic_page(const Viewer& viewer, std::int64_t topic_id, std::int64_t page,
                                      const NeedsHtml& needs_html) {
  std::int64_t read_up_to = 0;
  auto result = database_.read([&](db::Session& session) -> Result<TopicPage> {
    auto loaded = load_topic(session, viewer, topic_id);
    if (!loaded) return Result<TopicPage>::fail(Failure::NotFound, "", "discussions.error.not_found");
    TopicPage view;
    view.topic = loaded->found.topic;
    view.group = loaded->found.group;
    view.access = loaded->access;
    view.can = permissions_for(view.topic, view.access, viewer);
    view.page_count = page_of(view.topic.last_post_number);
    view.page = std::clamp<std::int64_t>(page, 1, view.page_count);
    const std::int64_t first = (view.page - 1) * kPostsPerPage + 1;
    const std::int64_t last = first + kPostsPerPage - 1;
    bool page_has_html = true;
    if (!needs_html) {
      view.posts = store::posts_between(session, topic_id, first, last, account_of(viewer));
    } else {
      // The texts are most of what a page reads: only those the caller lacks (none when all are cached).
      // The posts' rows themselves come from memory while the topic's version is the one just read.
      auto stamps = post_pages_.find(topic_id, view.page, view.topic.version);
      if (stamps == nullptr) {
        stamps = std::make_shared<const std::vector<Post>>(store::post_stamps_between(session, topic_id, first, last, 0));
        post_pages_.store(topic_id, view.page, view.topic.version, stamps);
      }
      view.posts = *stamps;
      // The viewer's own reactions: none to read on a page where nobody found anything useful (a
      // reaction and its count change in one transaction, store::toggle_useful).
      const bool any_useful =
          std::any_of(view.posts.begin(), view.posts.end(), [](const Post& post) { return post.useful_count > 0; });
      if (signed_in(viewer) && any_useful) {
        for (const std::int64_t id : store::useful_to_viewer_between(session, topic_id, first, last, viewer->account_id)) {
          for (Post& post : view.posts) {
            if (post.id == id) post.viewer_found_useful = true;
          }
        }
      }
      page_has_html = false;
      for (const Post& post : view.posts) {  // every post is asked (the caller may note its answers)
        if (needs_html(view, post)) page_has_html = true;
      }
      if (page_has_html) {
        const auto html = store::post_html_between(session, topic_id, first, last);
        auto next = html.begin();  // both in post order
        for (Post& post : view.posts) {
          while (next != html.end() && next->first != post.id) ++next;
          if (next != html.end()) post.body_html = next->second;
        }
      }
    }
    if (view.topic.kind == Kind::Question && view.topic.accepted_reply_id) {
      const auto on_page = std::find_if(view.posts.begin(), view.posts.end(),
                                        [&](const Post& p) { return p.id == *view.topic.accepted_reply_id; });
      view.accepted = on_page != view.posts.end() && page_has_html
                          ? std::optional(*on_page)
                          : store::find_post(session, *view.topic.accepted_reply_id, account_of(viewer));
      if (view.accepted && view.accepted->hidden()) view.accepted.reset();
    }
    if (const auto place = loaded->found.last_read_post_number) {
      for (const Post& post : view.posts) {
        if (post.post_number > *place) {
          view.first_unread_post_number = post.post_number;
          break;
        }
      }
    }
    if (view.topic.hidden() && !view.can.moderate) view.topic.title.clear();
    for (Post& post : view.posts) withhold_hidden(post, view.can.moderate);
    // The place moves only forward, and only when this page shows something new (no write otherwise).
    const std::int64_t last_shown = view.posts.empty() ? 0 : view.posts.back().post_number;
    if (signed_in(viewer) && last_shown > loaded->found.last_read_post_number.value_or(0)) read_up_to = last_shown;
    return Result<TopicPage>::of(std::move(view));
  });
  if (read_up_to > 0) {
    database_.write([&](db::Session& session) {
      store::advance_read_place(session, viewer->account_id, topic_id, read_up_to, now());
    });
  }
  return result;
}

std::optional<ResumePoint> Service::resume_point(const Viewer& viewer, std::int64_t topic_id) {
  if (!signed_in(viewer)) return std::nullopt;
  return database_.read([&](db::Session& session) -> std::optional<ResumePoint> {
    auto loaded = load_topic(session, viewer, topic_id);
    if (!loaded || !loaded->found.last_read_post_number) return std::nullopt;
    const std::int64_t target =
        std::min(*loaded->found.last_read_post_number + 1, loaded->topic().last_post_number);
    const auto id = store::post_id_at(session, topic_id, target);
    if (!id) return std::nullopt;
    return ResumePoint{page_of(target), *id};
  });
}

Result<Post> Service::post(const Viewer& viewer, std::int64_t reply_id) {
  return database_.read([&](db::Session& session) -> Result<Post> {
    auto post = store::find_post(session, reply_id, account_of(viewer));
    if (!post) return Result<Post>::fail(Failure::NotFound, "", "discussions.error.not_found");
    auto loaded = load_topic(session, viewer, post->topic_id);
    if (!loaded || (post->hidden() && !loaded->access.can_moderate)) {
      return Result<Post>::fail(Failure::NotFound, "", "discussions.error.not_found");
    }
    return Result<Post>::of(std::move(*post));
  });
}

Result<std::string> Service::quote(const Viewer& viewer, std::int64_t reply_id) {
  auto found = post(viewer, reply_id);
  if (!found.ok()) return Result<std::string>::fail(found.errors);
  const Post& quoted = *found.value;
  std::string name = quoted.author_name;
  // The name goes into link text: Markdown's own characters are escaped.
  std::string escaped;
  for (const char c : name) {
    if (std::string_view("\\`*_[]()<>#!|~").find(c) != std::string_view::npos) escaped += '\\';
    escaped += c;
  }
  std::string text = "> **[" + escaped + "](" + post_path(quoted.topic_id, quoted.post_number, quoted.id) + ")**:\n>\n";
  std::size_t start = 0;
  const std::string& body = quoted.body_markdown;
  while (start <= body.size()) {
    std::size_t end = body.find('\n', start);
    if (end == std::string::npos) end = body.size();
    const std::string_view line = std::string_view(body).substr(start, end - start);
    text += line.empty() ? ">\n" : "> " + std::string(line) + "\n";
    start = end + 1;
  }
  return Result<std::string>::of(text + "\n");
}

namespace {

// Who may edit a post: a moderator always (unless the group is archived); its author while they may
// still post and the topic is open. Hidden posts exist only for moderators.
std::optional<Error> edit_refusal(const Viewer& viewer, const Post& post, const Loaded& loaded) {
  const groups::GroupAccess& access = loaded.access;
  if (!signed_in(viewer)) return Error{Failure::Forbidden, "", "discussions.error.not_member"};
  if (access.archived) return Error{Failure::Forbidden, "", "discussions.error.archived"};
  if (access.can_moderate) return std::nullopt;
  if (post.author_id != viewer->account_id) return Error{Failure::Forbidden, "", "discussions.error.not_yours"};
  if (!access.can_post) return posting_refused(access);
  if (loaded.topic().closed()) return Error{Failure::Conflict, "", "discussions.error.closed"};
  return std::nullopt;
}

}  // namespace

Result<EditContext> Service::edit_context(const Viewer& viewer, std::int64_t reply_id) {
  return database_.read([&](db::Session& session) -> Result<EditContext> {
    auto post = store::find_post(session, reply_id);
    if (!post) return Result<EditContext>::fail(Failure::NotFound, "", "discussions.error.not_found");
    auto loaded = load_topic(session, viewer, post->topic_id);
    if (!loaded || (post->hidden() && !loaded->access.can_moderate)) {
      return Result<EditContext>::fail(Failure::NotFound, "", "discussions.error.not_found");
    }
    if (auto refusal = edit_refusal(viewer, *post, *loaded)) return Result<EditContext>::fail({*refusal});
    return Result<EditContext>::of(EditContext{loaded->found.topic, loaded->found.group, std::move(*post)});
  });
}

Result<Post> Service::edit(const Viewer& viewer, std::int64_t reply_id, const PostEdit& input) {
  const std::string body = normalised_body(input.body);
  const std::optional<std::string> title = input.title ? std::optional(trimmed(*input.title)) : std::nullopt;
  const std::int64_t at = now();
  return database_.write([&](db::Session& session) -> Result<Post> {
    auto before = store::find_post(session, reply_id);
    if (!before) return Result<Post>::fail(Failure::NotFound, "", "discussions.error.not_found");
    auto loaded = load_topic(session, viewer, before->topic_id);
    if (!loaded || (before->hidden() && !loaded->access.can_moderate)) {
      return Result<Post>::fail(Failure::NotFound, "", "discussions.error.not_found");
    }
    if (auto refusal = edit_refusal(viewer, *before, *loaded)) return Result<Post>::fail({*refusal});
    const Topic& topic = loaded->topic();
    std::vector<Error> errors;
    const bool opening = before->post_number == 1;
    if (opening && title) check_title(*title, errors);
    check_body(input.body.size() > kMaxBodyBytes ? input.body : body, errors);
    if (!errors.empty()) return Result<Post>::fail(std::move(errors));

    const std::string new_title = opening && title ? *title : topic.title;
    if (body == before->body_markdown && new_title == topic.title) return Result<Post>::of(std::move(*before));
    const RenderedPost rendered = render_post(session, loaded->group().network_id, body);
    store::save_edit(session, *before, opening ? topic.title : "", body, rendered.html, viewer->account_id, at);
    if (new_title != topic.title) store::set_topic_title(session, topic.id, new_title, at);
    store::index_post(session, reply_id, opening ? new_title : "", body);
    const std::vector<std::int64_t> newly = store::replace_mentions(session, reply_id, rendered.mentioned);
    if (!newly.empty()) {
      // Only those the edit newly mentions hear of it.
      notifications::Activity activity;
      activity.network_id = loaded->group().network_id;
      activity.group_id = topic.group_id;
      activity.kind = "reply.mentioned";
      activity.actor_id = viewer->account_id;
      activity.subject_type = "reply";
      activity.subject_id = reply_id;
      activity.topic_id = topic.id;
      activity.title = new_title;
      activity.excerpt = excerpt_of(body);
      activity.path = post_path(topic.id, before->post_number, reply_id);
      activity.mentioned = newly;
      activity.created_at = at;
      notifications::record(session, activity);
    }
    return Result<Post>::of(*store::find_post(session, reply_id, viewer->account_id));
  });
}

Result<PostHistory> Service::history(const Viewer& viewer, std::int64_t reply_id) {
  return database_.read([&](db::Session& session) -> Result<PostHistory> {
    auto post = store::find_post(session, reply_id);
    if (!post) return Result<PostHistory>::fail(Failure::NotFound, "", "discussions.error.not_found");
    auto loaded = load_topic(session, viewer, post->topic_id);
    if (!loaded || (post->hidden() && !loaded->access.can_moderate)) {
      return Result<PostHistory>::fail(Failure::NotFound, "", "discussions.error.not_found");
    }
    PostHistory history;
    history.topic = loaded->found.topic;
    history.group = loaded->found.group;
    history.versions = store::revisions(session, reply_id);
    Revision current;
    current.number = static_cast<std::int64_t>(history.versions.size()) + 1;
    current.title = post->post_number == 1 ? history.topic.title : "";
    current.body_markdown = post->body_markdown;
    current.author_id = post->edited_by ? post->edited_by : post->author_id;
    current.created_at = post->edited_at.value_or(post->created_at);
    current.current = true;
    if (post->edited_by) {
      if (const auto row = session.query_one("SELECT name FROM accounts WHERE id = ?", {*post->edited_by})) {
        current.author_name = row->text(0);
      }
    } else {
      current.author_name = post->author_name;
    }
    history.versions.push_back(std::move(current));
    history.post = std::move(*post);
    return Result<PostHistory>::of(std::move(history));
  });
}

Result<ReactionState> Service::toggle_useful(const Viewer& viewer, std::int64_t reply_id) {
  const std::int64_t at = now();
  return database_.write([&](db::Session& session) -> Result<ReactionState> {
    auto post = store::find_post(session, reply_id);
    if (!post) return Result<ReactionState>::fail(Failure::NotFound, "", "discussions.error.not_found");
    auto loaded = load_topic(session, viewer, post->topic_id);
    if (!loaded || (post->hidden() && !loaded->access.can_moderate)) {
      return Result<ReactionState>::fail(Failure::NotFound, "", "discussions.error.not_found");
    }
    if (!signed_in(viewer) || !loaded->access.can_post) {
      return Result<ReactionState>::fail({posting_refused(loaded->access)});
    }
    if (post->author_id == viewer->account_id) {
      return Result<ReactionState>::fail(Failure::Forbidden, "", "discussions.error.own_post");
    }
    if (post->hidden()) return Result<ReactionState>::fail(Failure::Conflict, "", "discussions.error.post_hidden");
    const bool useful = store::toggle_useful(session, reply_id, viewer->account_id, at);
    return Result<ReactionState>::of(ReactionState{useful, post->useful_count + (useful ? 1 : -1)});
  });
}

Result<Done> Service::accept(const Viewer& viewer, std::int64_t reply_id) {
  const std::int64_t at = now();
  return database_.write([&](db::Session& session) -> Result<Done> {
    auto post = store::find_post(session, reply_id);
    if (!post) return Result<Done>::fail(Failure::NotFound, "", "discussions.error.not_found");
    auto loaded = load_topic(session, viewer, post->topic_id);
    if (!loaded || (post->hidden() && !loaded->access.can_moderate)) {
      return Result<Done>::fail(Failure::NotFound, "", "discussions.error.not_found");
    }
    const Topic& topic = loaded->topic();
    if (!permissions_for(topic, loaded->access, viewer).accept) {
      if (topic.kind != Kind::Question) return Result<Done>::fail(Failure::Conflict, "", "discussions.error.not_question");
      if (loaded->access.archived) return Result<Done>::fail(Failure::Forbidden, "", "discussions.error.archived");
      return Result<Done>::fail(Failure::Forbidden, "", "discussions.error.not_asker");
    }
    if (post->post_number == 1) return Result<Done>::fail(Failure::Invalid, "", "discussions.error.accept_opening");
    if (post->hidden()) return Result<Done>::fail(Failure::Conflict, "", "discussions.error.post_hidden");
    if (topic.accepted_reply_id == reply_id) return Result<Done>::of(Done{});
    store::set_accepted(session, topic.id, reply_id, at);

    notifications::Activity activity;
    activity.network_id = loaded->group().network_id;
    activity.group_id = topic.group_id;
    activity.kind = "topic.answered";
    activity.actor_id = viewer->account_id;
    activity.subject_type = "reply";
    activity.subject_id = reply_id;
    activity.topic_id = topic.id;
    activity.title = topic.title;
    activity.excerpt = excerpt_of(post->body_markdown);
    activity.path = post_path(topic.id, post->post_number, reply_id);
    if (post->author_id) activity.direct.push_back(*post->author_id);
    activity.created_at = at;
    notifications::record(session, activity);
    return Result<Done>::of(Done{});
  });
}

Result<Done> Service::unaccept(const Viewer& viewer, std::int64_t topic_id) {
  const std::int64_t at = now();
  return database_.write([&](db::Session& session) -> Result<Done> {
    auto loaded = load_topic(session, viewer, topic_id);
    if (!loaded) return Result<Done>::fail(Failure::NotFound, "", "discussions.error.not_found");
    if (!permissions_for(loaded->topic(), loaded->access, viewer).accept) {
      return Result<Done>::fail(Failure::Forbidden, "", "discussions.error.not_asker");
    }
    store::set_accepted(session, topic_id, std::nullopt, at);
    return Result<Done>::of(Done{});
  });
}

Result<Done> Service::set_pinned(const Viewer& viewer, std::int64_t topic_id, bool pinned) {
  const std::int64_t at = now();
  return database_.write([&](db::Session& session) -> Result<Done> {
    auto loaded = load_topic(session, viewer, topic_id);
    if (!loaded) return Result<Done>::fail(Failure::NotFound, "", "discussions.error.not_found");
    if (!loaded->access.can_moderate) return Result<Done>::fail(Failure::Forbidden, "", "discussions.error.not_moderator");
    if (loaded->access.archived) return Result<Done>::fail(Failure::Forbidden, "", "discussions.error.archived");
    store::set_pinned(session, topic_id, pinned, at);
    return Result<Done>::of(Done{});
  });
}

Result<Done> Service::set_closed(const Viewer& viewer, std::int64_t topic_id, bool closed) {
  const std::int64_t at = now();
  return database_.write([&](db::Session& session) -> Result<Done> {
    auto loaded = load_topic(session, viewer, topic_id);
    if (!loaded) return Result<Done>::fail(Failure::NotFound, "", "discussions.error.not_found");
    if (!loaded->access.can_moderate) return Result<Done>::fail(Failure::Forbidden, "", "discussions.error.not_moderator");
    if (loaded->access.archived) return Result<Done>::fail(Failure::Forbidden, "", "discussions.error.archived");
    if (loaded->topic().closed() == closed) return Result<Done>::of(Done{});
    store::set_closed(session, topic_id, closed ? std::optional(viewer->account_id) : std::nullopt, at);
    audit::record(session, {.actor_account_id = viewer->account_id,
                            .action = closed ? "discussions.topic.close" : "discussions.topic.reopen",
                            .subject_type = "topic",
                            .subject_id = topic_id,
                            .details = {{"group_id", loaded->topic().group_id}},
                            .at = at});
    return Result<Done>::of(Done{});
  });
}

Result<Done> Service::flag(const Viewer& viewer, std::int64_t reply_id, std::string_view reason) {
  const std::string text = trimmed(reason);
  const std::int64_t at = now();
  return database_.write([&](db::Session& session) -> Result<Done> {
    auto post = store::find_post(session, reply_id);
    if (!post) return Result<Done>::fail(Failure::NotFound, "", "discussions.error.not_found");
    auto loaded = load_topic(session, viewer, post->topic_id);
    if (!loaded) return Result<Done>::fail(Failure::NotFound, "", "discussions.error.not_found");
    if (!permissions_for(loaded->topic(), loaded->access, viewer).flag) {
      return Result<Done>::fail(Failure::Forbidden, "", "discussions.error.not_member");
    }
    if (text.empty()) return Result<Done>::fail(Failure::Invalid, "reden", "discussions.error.reason_required");
    if (text.size() > kMaxFlagReasonBytes) {
      return Result<Done>::fail(Failure::Invalid, "reden", "discussions.error.reason_too_long");
    }
    if (!clean_text(text, true)) return Result<Done>::fail(Failure::Invalid, "reden", "discussions.error.invalid_text");
    if (!store::insert_flag(session, reply_id, viewer->account_id, text, at)) {
      return Result<Done>::fail(Failure::Conflict, "", "discussions.error.already_flagged");
    }
    return Result<Done>::of(Done{});
  });
}

Result<FlagList> Service::open_flags(const Viewer& viewer, std::int64_t group_id) {
  return database_.read([&](db::Session& session) -> Result<FlagList> {
    const groups::GroupAccess access = groups::access(session, viewer, group_id);
    auto group = store::find_group(session, group_id);
    if (!group || !access.can_view) return Result<FlagList>::fail(Failure::NotFound, "", "discussions.error.not_found");
    if (!access.can_moderate) return Result<FlagList>::fail(Failure::Forbidden, "", "discussions.error.not_moderator");
    return Result<FlagList>::of(FlagList{std::move(*group), store::open_flags(session, group_id)});
  });
}

Result<Done> Service::dismiss_flag(const Viewer& viewer, std::int64_t flag_id) {
  const std::int64_t at = now();
  return database_.write([&](db::Session& session) -> Result<Done> {
    auto flag = store::find_flag(session, flag_id);
    if (!flag) return Result<Done>::fail(Failure::NotFound, "", "discussions.error.not_found");
    auto loaded = load_topic(session, viewer, flag->topic_id);
    if (!loaded) return Result<Done>::fail(Failure::NotFound, "", "discussions.error.not_found");
    if (!loaded->access.can_moderate) return Result<Done>::fail(Failure::Forbidden, "", "discussions.error.not_moderator");
    store::resolve_flags(session, flag->reply_id, flag_id, "dismissed", viewer->account_id, at);
    return Result<Done>::of(Done{});
  });
}

Result<Done> Service::set_hidden(const Viewer& viewer, std::int64_t reply_id, bool hidden) {
  const std::int64_t at = now();
  return database_.write([&](db::Session& session) -> Result<Done> {
    auto post = store::find_post(session, reply_id);
    if (!post) return Result<Done>::fail(Failure::NotFound, "", "discussions.error.not_found");
    auto loaded = load_topic(session, viewer, post->topic_id);
    if (!loaded || (post->hidden() && !loaded->access.can_moderate)) {
      return Result<Done>::fail(Failure::NotFound, "", "discussions.error.not_found");
    }
    if (!loaded->access.can_moderate) return Result<Done>::fail(Failure::Forbidden, "", "discussions.error.not_moderator");
    if (post->hidden() == hidden) return Result<Done>::of(Done{});
    const std::optional<std::int64_t> by = hidden ? std::optional(viewer->account_id) : std::nullopt;
    const bool opening = post->post_number == 1;
    store::set_post_hidden(session, reply_id, by, at);
    if (opening) store::set_topic_hidden(session, post->topic_id, by, at);
    if (hidden) {
      store::resolve_flags(session, reply_id, std::nullopt, "hidden", viewer->account_id, at);
      if (opening) notifications::retract(session, "topic", post->topic_id);
      notifications::retract(session, "reply", reply_id);
    } else {
      if (opening) notifications::restore(session, "topic", post->topic_id);
      notifications::restore(session, "reply", reply_id);
    }
    audit::record(session, {.actor_account_id = viewer->account_id,
                            .action = hidden ? "discussions.post.hide" : "discussions.post.unhide",
                            .subject_type = "reply",
                            .subject_id = reply_id,
                            .details = {{"topic_id", post->topic_id},
                                        {"group_id", loaded->topic().group_id},
                                        {"post_number", post->post_number},
                                        {"author_id", post->author_id ? nlohmann::json(*post->author_id) : nlohmann::json()}},
                            .at = at});
    return Result<Done>::of(Done{});
  });
}

Result<std::vector<GroupRef>> Service::move_targets(const Viewer& viewer, std::int64_t topic_id) {
  return database_.read([&](db::Session& session) -> Result<std::vector<GroupRef>> {
    auto loaded = load_topic(session, viewer, topic_id);
    if (!loaded) return Result<std::vector<GroupRef>>::fail(Failure::NotFound, "", "discussions.error.not_found");
    if (!loaded->access.can_moderate) {
      return Result<std::vector<GroupRef>>::fail(Failure::Forbidden, "", "discussions.error.not_moderator");
    }
    std::vector<GroupRef> targets;
    for (const std::int64_t id : groups::visible_group_ids(session, viewer, loaded->group().network_id)) {
      if (id == loaded->topic().group_id) continue;
      const groups::GroupAccess access = groups::access(session, viewer, id);
      if (!access.can_moderate || access.archived) continue;
      if (auto group = store::find_group(session, id)) targets.push_back(std::move(*group));
    }
    return Result<std::vector<GroupRef>>::of(std::move(targets));
  });
}

Result<Done> Service::move(const Viewer& viewer, std::int64_t topic_id, std::int64_t target_group_id) {
  const std::int64_t at = now();
  return database_.write([&](db::Session& session) -> Result<Done> {
    auto loaded = load_topic(session, viewer, topic_id);
    if (!loaded) return Result<Done>::fail(Failure::NotFound, "", "discussions.error.not_found");
    if (!loaded->access.can_moderate) return Result<Done>::fail(Failure::Forbidden, "", "discussions.error.not_moderator");
    const groups::GroupAccess target = groups::access(session, viewer, target_group_id);
    if (!target.exists || target.network_id != loaded->group().network_id || !target.can_moderate ||
        target.archived || target_group_id == loaded->topic().group_id) {
      return Result<Done>::fail(Failure::Invalid, "groep", "discussions.error.move_target");
    }
    store::move_topic(session, topic_id, target_group_id, at);
    audit::record(session, {.actor_account_id = viewer->account_id,
                            .action = "discussions.topic.move",
                            .subject_type = "topic",
                            .subject_id = topic_id,
                            .details = {{"from_group_id", loaded->topic().group_id}, {"to_group_id", target_group_id}},
                            .at = at});
    return Result<Done>::of(Done{});
  });
}

std::vector<SearchHit> Service::search(db::Session& session, const Viewer& viewer, std::string_view query,
                                       std::optional<std::int64_t> group_id, std::size_t limit,
                                       std::optional<std::int64_t> network_id) const {
  std::vector<std::int64_t> visible = groups::visible_group_ids(session, viewer, network_id);
  if (group_id) {
    const bool allowed = std::find(visible.begin(), visible.end(), *group_id) != visible.end();
    visible = allowed ? std::vector<std::int64_t>{*group_id} : std::vector<std::int64_t>{};
  }
  return store::search(session, query, visible, limit);
}

std::vector<SearchHit> Service::search(const Viewer& viewer, std::string_view query,
                                       std::optional<std::int64_t> group_id, std::size_t limit,
                                       std::optional<std::int64_t> network_id) {
  return database_.read(
      [&](db::Session& session) { return search(session, viewer, query, group_id, limit, network_id); });
}

std::vector<SearchHit> Service::search_in_groups(std::string_view query, const std::vector<std::int64_t>& group_ids,
                                                std::size_t limit) {
  return database_.read([&](db::Session& session) { return store::search(session, query, group_ids, limit); });
}

}  // namespace discussions
