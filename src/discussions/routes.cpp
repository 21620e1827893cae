#include "discussions/routes.h"

#include <array>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <random>
#include <stdexcept>

#include "discussions/diff.h"
#include "discussions/fragment_cache.h"
#include "http/parsers.h"

namespace discussions {

namespace {

using kainjow::mustache::data;

// Any page number past the end shows the last page.
constexpr std::int64_t kLastPage = std::int64_t{1} << 40;

// What a one-button action did: refused, or the flash message to show.
struct Outcome {
  std::optional<Error> error;
  std::string flash;
};
Outcome refusal(const Error& error) { return Outcome{error, ""}; }
Outcome done_with(std::string flash) { return Outcome{std::nullopt, std::move(flash)}; }

// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
std::int64_t days_from_civil(std::int64_t year, std::int64_t month, std::int64_t day) {
  year -= month <= 2;
  const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  const std::int64_t yoe = year - era * 400;
  const std::int64_t doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

struct Civil {
  std::int64_t year, month, day, hour, minute;
};

Civil civil_from(std::int64_t seconds) {
  std::int64_t days = seconds / 86400;
  std::int64_t rest = seconds % 86400;
  if (rest < 0) {
    rest += 86400;
    days -= 1;
  }
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const std::int64_t doe = days - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t day = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t month = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t year = yoe + era * 400 + (month <= 2);
  return Civil{year, month, day, rest / 3600, rest % 3600 / 60};
}

// The last Sunday of a month at 01:00 UTC: when European summer time starts (March) and ends (October).
std::int64_t last_sunday_0100_utc(std::int64_t year, std::int64_t month) {
  const std::int64_t next_month_first = month == 12 ? days_from_civil(year + 1, 1, 1) : days_from_civil(year, month + 1, 1);
  std::int64_t last = next_month_first - 1;
  const std::int64_t weekday = (last + 4) % 7;  // 1970-01-01 was a Thursday; 0 = Sunday
  last -= weekday;
  return last * 86400 + 3600;
}

// Europe/Amsterdam: UTC+1, UTC+2 in summer time.
Civil amsterdam(std::int64_t utc) {
  const std::int64_t year = civil_from(utc).year;
  const bool summer = utc >= last_sunday_0100_utc(year, 3) && utc < last_sunday_0100_utc(year, 10);
  return civil_from(utc + (summer ? 7200 : 3600));
}

std::string iso_time(std::int64_t utc) {
  const Civil t = civil_from(utc);
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%04lld-%02lld-%02lldT%02lld:%02lldZ", static_cast<long long>(t.year),
                static_cast<long long>(t.month), static_cast<long long>(t.day), static_cast<long long>(t.hour),
                static_cast<long long>(t.minute));
  return buffer;
}

std::string fill(std::string_view text, std::string_view name, std::string_view value) {
  std::string out(text);
  const std::string marker = "{" + std::string(name) + "}";
  if (const std::size_t at = out.find(marker); at != std::string::npos) out.replace(at, marker.size(), value);
  return out;
}

http::Response sign_in_redirect(const http::Request& request) {
  return http::Response::redirect("/inloggen?next=" + http::percent_encode(web::local_path_or_root(request.target)));
}

http::Response redirect_with_flash(const web::Site& site, const std::string& location, std::string_view flash_key) {
  http::Response response = http::Response::redirect(location);
  site.set_flash(response, flash_key);
  return response;
}

// Errors that belong to a form field (shown inline) versus refusals of the whole request.
bool has_field_errors(const std::vector<Error>& errors) {
  return std::any_of(errors.begin(), errors.end(), [](const Error& e) { return !e.field.empty(); });
}

// The status of a refused form: 413 when a field was too large, else 422.
int form_status(const std::vector<Error>& errors) {
  for (const Error& error : errors) {
    if (error.failure == Failure::TooLarge) return 413;
  }
  return 422;
}

void add_errors(data& page, const web::Site& site, std::string_view language, const std::vector<Error>& errors) {
  web::FormErrors form_errors;
  for (const Error& error : errors) {
    if (!error.field.empty()) form_errors.add(error.field, error.message_key);
  }
  form_errors.add_to(page, site.catalog(), language);
}

void set_if(data& target, const std::string& key, bool value) {
  if (value) target.set(key, true);
}

std::int64_t page_param(const http::Request& request, bool& given) {
  const http::FormData query = http::FormData::parse(request.query);
  const auto text = query.get("pagina");
  given = text.has_value();
  if (!text) return 1;
  return http::parse_id(*text).value_or(1);
}

// What one viewer may do with one post: the buttons and links under it, and whether a hidden
// post's text shows (to moderators). With the language, all a viewer changes in a post's HTML.
struct PostControls {
  bool show_hidden_body = false;
  bool found_useful = false;
  bool react = false;
  bool quote = false;
  bool edit = false;
  bool flag = false;
  bool hide = false;
  bool accepted = false;
  bool accept = false;

  unsigned bits() const {
    unsigned out = 0;
    for (const bool value : {show_hidden_body, found_useful, react, quote, edit, flag, hide, accepted, accept}) {
      out = (out << 1) | (value ? 1u : 0u);
    }
    return out;
  }
};

PostControls controls_for(const Post& post, const TopicPage& view, std::int64_t viewer_id) {
  const bool own = viewer_id != 0 && post.author_id == viewer_id;
  const bool visible = !post.hidden();
  PostControls can;
  can.show_hidden_body = !visible && view.can.moderate;
  can.found_useful = post.viewer_found_useful;
  can.react = visible && view.can.react && !own;
  can.quote = visible && view.can.reply;
  can.edit = (visible || view.can.moderate) && !view.access.archived &&
             (view.can.moderate || (own && view.access.can_post && !view.topic.closed()));
  can.flag = visible && view.can.flag && !own;
  can.hide = view.can.moderate;
  can.accepted = view.topic.accepted_reply_id == post.id;
  can.accept = visible && view.can.accept && post.post_number > 1 && view.topic.accepted_reply_id != post.id;
  return can;
}

// Where a post's HTML is cached for one language and set of controls.
std::string fragment_key(const Post& post, std::string_view language, const PostControls& can) {
  std::string key = std::to_string(post.id);
  key += ' ';
  key += language;
  key += ' ';
  key += std::to_string(can.bits());
  return key;
}

// Everything of the post's row its HTML shows: any change (an edit bumps the revision count; hiding,
// a reaction, the author's name or account) makes a cached fragment unusable. Compared, never shown:
// the numbers' bytes as they are, then the name.
std::string fragment_stamp(const Post& post) {
  const std::array<std::int64_t, 8> numbers = {post.topic_id,         post.post_number,
                                               post.revision_count,   post.edited_at.value_or(-1),
                                               post.hidden() ? 1 : 0, post.useful_count,
                                               post.author_id.value_or(-1), post.created_at};
  std::string stamp(sizeof numbers, '\0');
  std::memcpy(stamp.data(), numbers.data(), sizeof numbers);
  stamp += post.author_name;
  return stamp;
}

// The fragments a topic page found in the cache while the service asked which HTML it needs, so
// that rendering the page does not look them up again. One per request.
using FoundFragments = std::vector<std::pair<std::int64_t, FragmentCache::Html>>;  // post id, HTML

// Where the posts go on a topic page. The page (template and layout) is rendered with these two
// markers in the places of the runs of posts before and after the unread marker, and the posts'
// HTML is then joined straight into the finished page: 50 posts are copied once instead of through
// the template's data, its output and the layout. A comment with a random part per process: no
// Markdown produces one (cmark drops raw HTML) and no escaped text holds "<!--", so nothing the page
// shows before the posts can contain a marker.
const std::array<std::string, 2>& post_run_markers() {
  static const std::array<std::string, 2> markers = [] {
    std::random_device random;
    char nonce[33];
    std::snprintf(nonce, sizeof nonce, "%08x%08x%08x%08x", random(), random(), random(), random());
    return std::array<std::string, 2>{std::string("<!--posts-before-") + nonce + "-->",
                                      std::string("<!--posts-after-") + nonce + "-->"};
  }();
  return markers;
}

// Replaces the markers in `page` by the posts: fragments[0, split) for the first, the rest for the
// second, each followed by a newline.
void join_posts_into(std::string& page, const std::vector<FragmentCache::Html>& fragments, std::size_t split) {
  const auto& markers = post_run_markers();
  const std::size_t before = page.find(markers[0]);
  const std::size_t after = before == std::string::npos ? before : page.find(markers[1], before);
  if (after == std::string::npos) throw std::logic_error("discussions/topic template: a post marker is missing");
  std::size_t bytes = page.size();
  for (const auto& fragment : fragments) bytes += fragment->size() + 1;
  std::string joined;
  joined.reserve(bytes);
  joined.append(page, 0, before);
  for (std::size_t i = 0; i < split; ++i) {
    joined += *fragments[i];
    joined += '\n';
  }
  const std::size_t between = before + markers[0].size();
  joined.append(page, between, after - between);
  for (std::size_t i = split; i < fragments.size(); ++i) {
    joined += *fragments[i];
    joined += '\n';
  }
  joined.append(page, after + markers[1].size());
  page = std::move(joined);
}

class Pages {
 public:
  Pages(const web::Site& site, Service& discussions, RouteOptions options)
      : site_(site), discussions_(discussions), options_(std::move(options)) {}

  // A refusal of the whole request: 404 pages say nothing more; others explain in a sentence.
  http::Response refused(const http::Request& request, const Error& error, std::string back = "") const {
    const int status = http_status(error.failure);
    if (status == 404) return site_.error_page(&request, 404);
    data page;
    const std::string_view language = site_.language_of(request);
    page.set("title", std::string(site_.text(language, "discussions.refused.title")));
    page.set("message", std::string(site_.text(language, error.message_key)));
    if (!back.empty()) page.set("back", back);
    return site_.page(request, "discussions/refused", std::move(page), status);
  }

  // ---- the topic list ----

  http::Response list(http::Request& request) {
    const auto group = discussions_.group(request.viewer, request.path_param("network"), request.path_param("group"));
    if (!group.ok()) return site_.error_page(&request, 404);
    bool given = false;
    const auto listed = discussions_.topics(request.viewer, group.value->group.id, page_param(request, given));
    if (!listed.ok()) return refused(request, listed.error());
    const TopicList& list = *listed.value;
    const std::string_view language = site_.language_of(request);
    data page = group_data(list.group, list.access, request, language);
    page.set("title", std::string(site_.text(language, "discussions.list.title")) + " · " + list.group.name);
    data rows(data::type::list);
    for (const TopicSummary& summary : list.topics) {
      const Topic& topic = summary.topic;
      data row;
      row.set("url", topic_path(topic.id));
      row.set("topic_title", topic.title);
      row.set("author", topic.author_name);
      row.set("reply_count", std::to_string(topic.reply_count));
      set_if(row, "one_reply", topic.reply_count == 1);
      row.set("last_posted", format_moment(topic.last_posted_at, language));
      row.set("last_posted_iso", iso_time(topic.last_posted_at));
      row.set("last_author", topic.last_author_name);
      set_if(row, "pinned", topic.pinned);
      set_if(row, "closed", topic.closed());
      set_if(row, "hidden", topic.hidden());
      set_if(row, "question", topic.kind == Kind::Question);
      set_if(row, "answered", topic.kind == Kind::Question && topic.accepted_reply_id.has_value());
      if (summary.unread > 0) {
        row.set("unread", std::to_string(summary.unread));
        row.set("unread_url", topic_path(topic.id));
      }
      set_if(row, "unvisited", request.viewer.has_value() && !summary.visited);
      rows.push_back(row);
    }
    page.set("topics", rows);
    set_if(page, "empty", list.topics.empty());
    add_pagination(page, list.group.path() + "/discussies", list.page, list.page_count, language);
    return site_.page(request, "discussions/list", std::move(page));
  }

  // ---- a new topic ----

  http::Response new_topic_form(http::Request& request) {
    if (!request.viewer) return sign_in_redirect(request);
    const auto group = discussions_.group(request.viewer, request.path_param("network"), request.path_param("group"));
    if (!group.ok()) return site_.error_page(&request, 404);
    if (!group.value->access.can_post) {
      return refused(request, group.value->access.archived
                                  ? Error{Failure::Forbidden, "", "discussions.error.archived"}
                                  : Error{Failure::Forbidden, "", "discussions.error.not_member"},
                     group.value->group.path() + "/discussies");
    }
    return new_topic_page(request, *group.value, "", "", Kind::Discussion, {}, 200);
  }

  http::Response create_topic(http::Request& request) {
    const http::FormData form = http::FormData::parse(request.body);
    if (!site_.csrf_ok(request, form)) return site_.error_page(&request, 403);
    if (!request.viewer) return sign_in_redirect(request);
    const auto group = discussions_.group(request.viewer, request.path_param("network"), request.path_param("group"));
    if (!group.ok()) return site_.error_page(&request, 404);
    NewTopic input;
    input.title = std::string(form.value_or("titel", ""));
    input.body = std::string(form.value_or("inhoud", ""));
    input.kind = kind_from(form.value_or("soort", "discussion")).value_or(Kind::Discussion);
    const auto created = discussions_.create_topic(request.viewer, group.value->group.id, input);
    if (!created.ok()) {
      if (!has_field_errors(created.errors)) return refused(request, created.error(), group.value->group.path() + "/discussies");
      return new_topic_page(request, *group.value, input.title, input.body, input.kind, created.errors,
                            form_status(created.errors));
    }
    return redirect_with_flash(site_, topic_path(created.value->id), "flash.discussions.created");
  }

  // ---- a topic ----

  http::Response topic(http::Request& request) {
    const auto id = http::parse_id(request.path_param("id"));
    if (!id) return site_.error_page(&request, 404);
    bool page_given = false;
    const std::int64_t page = page_param(request, page_given);
    const http::FormData query = http::FormData::parse(request.query);
    const auto quote_id = query.get("citeer");
    // A member who arrives without a page number continues where they left off.
    if (!page_given && !quote_id && request.viewer) {
      if (const auto resume = discussions_.resume_point(request.viewer, *id)) {
        std::string location = topic_path(*id) + "?pagina=" + std::to_string(resume->page) + "#reactie-" +
                               std::to_string(resume->reply_id);
        return http::Response::redirect(location, 303);
      }
    }
    std::string body;
    std::optional<std::int64_t> quote_of;
    if (quote_id) {
      if (const auto quoted_id = http::parse_id(*quote_id)) {
        if (const auto quoted = discussions_.quote(request.viewer, *quoted_id); quoted.ok()) {
          body = *quoted.value;
          quote_of = quoted_id;
        }
      }
    }
    // Quoting answers at the end of the topic, where the reply form follows the newest posts.
    const std::int64_t shown = page_given ? page : (quote_of ? kLastPage : 1);
    FoundFragments found;
    const auto view = discussions_.topic_page(request.viewer, *id, shown, needs_html_for(request, found));
    if (!view.ok()) return refused(request, view.error());
    return topic_response(request, *view.value, found, body, quote_of, {}, 200);
  }

  http::Response reply(http::Request& request) {
    const auto id = http::parse_id(request.path_param("id"));
    if (!id) return site_.error_page(&request, 404);
    const http::FormData form = http::FormData::parse(request.body);
    if (!site_.csrf_ok(request, form)) return site_.error_page(&request, 403);
    if (!request.viewer) return sign_in_redirect(request);
    NewReply input;
    input.body = std::string(form.value_or("inhoud", ""));
    if (const auto quoted = form.get("citeer")) input.quote_of = http::parse_id(*quoted);
    const auto posted = discussions_.reply(request.viewer, *id, input);
    if (!posted.ok()) {
      if (!has_field_errors(posted.errors)) return refused(request, posted.error(), topic_path(*id));
      FoundFragments found;
      const auto view = discussions_.topic_page(request.viewer, *id, kLastPage, needs_html_for(request, found));
      if (!view.ok()) return refused(request, view.error());
      return topic_response(request, *view.value, found, input.body, input.quote_of, posted.errors, form_status(posted.errors));
    }
    return redirect_with_flash(site_, post_path(*id, posted.value->post_number, posted.value->id),
                               "flash.discussions.replied");
  }

  // /reacties/{id}: where a post lives (links in notifications and search stay valid when pages move).
  http::Response locate(http::Request& request) {
    const auto id = http::parse_id(request.path_param("id"));
    if (!id) return site_.error_page(&request, 404);
    const auto found = discussions_.post(request.viewer, *id);
    if (!found.ok()) return refused(request, found.error());
    return http::Response::redirect(post_path(found.value->topic_id, found.value->post_number, found.value->id), 303);
  }

  // ---- editing and history ----

  http::Response edit_form(http::Request& request) {
    if (!request.viewer) return sign_in_redirect(request);
    const auto id = http::parse_id(request.path_param("id"));
    if (!id) return site_.error_page(&request, 404);
    const auto context = discussions_.edit_context(request.viewer, *id);
    if (!context.ok()) return refused(request, context.error());
    return edit_page(request, *context.value, context.value->topic.title, context.value->post.body_markdown, {}, 200);
  }

  http::Response save_edit(http::Request& request) {
    const auto id = http::parse_id(request.path_param("id"));
    if (!id) return site_.error_page(&request, 404);
    const http::FormData form = http::FormData::parse(request.body);
    if (!site_.csrf_ok(request, form)) return site_.error_page(&request, 403);
    if (!request.viewer) return sign_in_redirect(request);
    const auto context = discussions_.edit_context(request.viewer, *id);
    if (!context.ok()) return refused(request, context.error());
    PostEdit input;
    input.body = std::string(form.value_or("inhoud", ""));
    if (context.value->post.post_number == 1) input.title = std::string(form.value_or("titel", ""));
    const auto saved = discussions_.edit(request.viewer, *id, input);
    if (!saved.ok()) {
      if (!has_field_errors(saved.errors)) return refused(request, saved.error());
      return edit_page(request, *context.value, input.title.value_or(""), input.body, saved.errors,
                       form_status(saved.errors));
    }
    return redirect_with_flash(site_, post_path(saved.value->topic_id, saved.value->post_number, saved.value->id),
                               "flash.discussions.edited");
  }

  http::Response history(http::Request& request) {
    const auto id = http::parse_id(request.path_param("id"));
    if (!id) return site_.error_page(&request, 404);
    const auto found = discussions_.history(request.viewer, *id);
    if (!found.ok()) return refused(request, found.error());
    const PostHistory& history = *found.value;
    const std::string_view language = site_.language_of(request);
    data page = base(std::string(site_.text(language, "discussions.history.title")) + " · " + history.topic.title);
    page.set("topic_title", history.topic.title);
    page.set("post_url", post_path(history.topic.id, history.post.post_number, history.post.id));
    data versions(data::type::list);
    // Newest first: what changed last is what a reader looks for.
    for (std::size_t i = history.versions.size(); i-- > 0;) {
      const Revision& version = history.versions[i];
      data row;
      row.set("number", std::to_string(version.number));
      row.set("author", version.author_name);
      row.set("when", format_moment(version.created_at, language));
      row.set("when_iso", iso_time(version.created_at));
      set_if(row, "current", version.current);
      if (!version.title.empty()) row.set("version_title", version.title);
      row.set("body", version.body_markdown);
      if (i > 0) {
        data lines(data::type::list);
        const Revision& previous = history.versions[i - 1];
        if (previous.title != version.title) {
          data removed;
          removed.set("removed", true);
          removed.set("text", previous.title);
          lines.push_back(removed);
          data added;
          added.set("added", true);
          added.set("text", version.title);
          lines.push_back(added);
        }
        for (const DiffLine& line : diff_lines(previous.body_markdown, version.body_markdown)) {
          data entry;
          set_if(entry, "added", line.change == DiffLine::Change::Added);
          set_if(entry, "removed", line.change == DiffLine::Change::Removed);
          set_if(entry, "same", line.change == DiffLine::Change::Same);
          entry.set("text", line.text);
          lines.push_back(entry);
        }
        row.set("diff", lines);
        row.set("has_diff", true);
      } else {
        row.set("original", true);
      }
      versions.push_back(row);
    }
    page.set("versions", versions);
    return site_.page(request, "discussions/history", std::move(page));
  }

  // ---- reactions and answers ----

  http::Response toggle_useful(http::Request& request) {
    return post_action(request, [&](std::int64_t id) -> Outcome {
      const auto toggled = discussions_.toggle_useful(request.viewer, id);
      if (!toggled.ok()) return refusal(toggled.error());
      return done_with(toggled.value->useful ? "flash.discussions.useful" : "flash.discussions.not_useful");
    });
  }

  http::Response accept(http::Request& request) {
    return post_action(request, [&](std::int64_t id) -> Outcome {
      const auto done = discussions_.accept(request.viewer, id);
      if (!done.ok()) return refusal(done.error());
      return done_with("flash.discussions.accepted");
    });
  }

  http::Response hide(http::Request& request) {
    const http::FormData form = http::FormData::parse(request.body);
    const bool hidden = form.value_or("waarde", "1") != "0";
    return post_action(request, [&](std::int64_t id) -> Outcome {
      const auto done = discussions_.set_hidden(request.viewer, id, hidden);
      if (!done.ok()) return refusal(done.error());
      return done_with(hidden ? "flash.discussions.hidden" : "flash.discussions.unhidden");
    });
  }

  http::Response unaccept(http::Request& request) {
    return topic_action(request, [&](std::int64_t id, const http::FormData&) -> Outcome {
      const auto done = discussions_.unaccept(request.viewer, id);
      if (!done.ok()) return refusal(done.error());
      return done_with("flash.discussions.unaccepted");
    });
  }

  http::Response pin(http::Request& request) {
    return topic_action(request, [&](std::int64_t id, const http::FormData& form) -> Outcome {
      const bool pinned = form.value_or("waarde", "1") != "0";
      const auto done = discussions_.set_pinned(request.viewer, id, pinned);
      if (!done.ok()) return refusal(done.error());
      return done_with(pinned ? "flash.discussions.pinned" : "flash.discussions.unpinned");
    });
  }

  http::Response close(http::Request& request) {
    return topic_action(request, [&](std::int64_t id, const http::FormData& form) -> Outcome {
      const bool closed = form.value_or("waarde", "1") != "0";
      const auto done = discussions_.set_closed(request.viewer, id, closed);
      if (!done.ok()) return refusal(done.error());
      return done_with(closed ? "flash.discussions.closed" : "flash.discussions.reopened");
    });
  }

  // ---- flags ----

  http::Response flag_form(http::Request& request) {
    if (!request.viewer) return sign_in_redirect(request);
    const auto id = http::parse_id(request.path_param("id"));
    if (!id) return site_.error_page(&request, 404);
    const auto found = discussions_.post(request.viewer, *id);
    if (!found.ok()) return refused(request, found.error());
    return flag_page(request, *found.value, "", {}, 200);
  }

  http::Response flag(http::Request& request) {
    const auto id = http::parse_id(request.path_param("id"));
    if (!id) return site_.error_page(&request, 404);
    const http::FormData form = http::FormData::parse(request.body);
    if (!site_.csrf_ok(request, form)) return site_.error_page(&request, 403);
    if (!request.viewer) return sign_in_redirect(request);
    const std::string reason(form.value_or("reden", ""));
    const auto done = discussions_.flag(request.viewer, *id, reason);
    const auto found = discussions_.post(request.viewer, *id);
    if (!found.ok()) return refused(request, found.error());
    if (!done.ok()) {
      if (!has_field_errors(done.errors)) {
        return refused(request, done.error(), post_path(found.value->topic_id, found.value->post_number, *id));
      }
      return flag_page(request, *found.value, reason, done.errors, 422);
    }
    return redirect_with_flash(site_, post_path(found.value->topic_id, found.value->post_number, *id),
                               "flash.discussions.flagged");
  }

  http::Response flags(http::Request& request) {
    if (!request.viewer) return sign_in_redirect(request);
    const auto group = discussions_.group(request.viewer, request.path_param("network"), request.path_param("group"));
    if (!group.ok()) return site_.error_page(&request, 404);
    const auto listed = discussions_.open_flags(request.viewer, group.value->group.id);
    if (!listed.ok()) return refused(request, listed.error());
    const std::string_view language = site_.language_of(request);
    data page = group_data(group.value->group, group.value->access, request, language);
    page.set("title", std::string(site_.text(language, "discussions.flags.title")) + " · " + group.value->group.name);
    data rows(data::type::list);
    for (const Flag& flag : listed.value->flags) {
      data row;
      row.set("topic_title", flag.topic_title);
      row.set("post_url", post_path(flag.topic_id, flag.post_number, flag.reply_id));
      row.set("excerpt", flag.post_excerpt);
      row.set("reporter", flag.reporter_name);
      row.set("reason", flag.reason);
      row.set("when", format_moment(flag.created_at, language));
      row.set("hide_action", "/reacties/" + std::to_string(flag.reply_id) + "/verbergen");
      row.set("dismiss_action", group.value->group.path() + "/discussies/meldingen/" + std::to_string(flag.id) + "/afwijzen");
      set_if(row, "post_hidden", flag.post_hidden);
      rows.push_back(row);
    }
    page.set("flags", rows);
    set_if(page, "empty", listed.value->flags.empty());
    return site_.page(request, "discussions/flags", std::move(page));
  }

  http::Response dismiss_flag(http::Request& request) {
    const auto id = http::parse_id(request.path_param("flag"));
    if (!id) return site_.error_page(&request, 404);
    const http::FormData form = http::FormData::parse(request.body);
    if (!site_.csrf_ok(request, form)) return site_.error_page(&request, 403);
    if (!request.viewer) return sign_in_redirect(request);
    const auto group = discussions_.group(request.viewer, request.path_param("network"), request.path_param("group"));
    if (!group.ok()) return site_.error_page(&request, 404);
    const auto done = discussions_.dismiss_flag(request.viewer, *id);
    if (!done.ok()) return refused(request, done.error());
    return redirect_with_flash(site_, group.value->group.path() + "/discussies/meldingen", "flash.discussions.dismissed");
  }

  // ---- moving ----

  http::Response move_form(http::Request& request) {
    if (!request.viewer) return sign_in_redirect(request);
    const auto id = http::parse_id(request.path_param("id"));
    if (!id) return site_.error_page(&request, 404);
    return move_page(request, *id, {}, 200);
  }

  http::Response move(http::Request& request) {
    const auto id = http::parse_id(request.path_param("id"));
    if (!id) return site_.error_page(&request, 404);
    const http::FormData form = http::FormData::parse(request.body);
    if (!site_.csrf_ok(request, form)) return site_.error_page(&request, 403);
    if (!request.viewer) return sign_in_redirect(request);
    const auto target = http::parse_id(form.value_or("groep", "")).value_or(0);
    const auto done = discussions_.move(request.viewer, *id, target);
    if (!done.ok()) {
      if (!has_field_errors(done.errors)) return refused(request, done.error(), topic_path(*id));
      return move_page(request, *id, done.errors, 422);
    }
    return redirect_with_flash(site_, topic_path(*id) + "?pagina=1", "flash.discussions.moved");
  }

 private:
  data group_data(const GroupRef& group, const groups::GroupAccess& access, const http::Request& request,
                  std::string_view language) const {
    data page = base("");
    page.set("group_name", group.name);
    page.set("group_url", group.path());
    page.set("list_url", group.path() + "/discussies");
    page.set("new_url", group.path() + "/discussies/nieuw");
    set_if(page, "can_post", access.can_post);
    set_if(page, "can_moderate", access.can_moderate);
    set_if(page, "archived", access.archived);
    set_if(page, "signed_out", !request.viewer.has_value());
    set_if(page, "not_member", request.viewer.has_value() && !access.can_post && !access.archived);
    if (access.can_moderate) page.set("flags_url", group.path() + "/discussies/meldingen");
    if (access.visibility == groups::Visibility::Public) {  // the group's Atom feed, in the page's head
      page.set("head_feed_url", group.path() + "/feed.atom");
      page.set("head_feed_title", group.name);
    }
    (void)language;
    return page;
  }

  void add_pagination(data& page, const std::string& base, std::int64_t current, std::int64_t count,
                      std::string_view language) const {
    if (count <= 1) return;
    data pagination;
    const auto url = [&](std::int64_t n) { return base + "?pagina=" + std::to_string(n); };
    if (current > 1) pagination.set("previous_url", url(current - 1));
    if (current < count) pagination.set("next_url", url(current + 1));
    data pages(data::type::list);
    for (std::int64_t n = 1; n <= count; ++n) {
      // Around the current page, the first and the last: a long topic stays one line.
      if (n != 1 && n != count && (n < current - 2 || n > current + 2)) {
        if (n == current - 3 || n == current + 3) {
          data gap;
          gap.set("gap", true);
          pages.push_back(gap);
        }
        continue;
      }
      data entry;
      entry.set("number", std::to_string(n));
      entry.set("url", url(n));
      set_if(entry, "current", n == current);
      pages.push_back(entry);
    }
    pagination.set("pages", pages);
    pagination.set("summary", fill(fill(site_.text(language, "discussions.pagination.summary"), "n",
                                        std::to_string(current)),
                                   "m", std::to_string(count)));
    page.set("pagination", pagination);
  }

  http::Response new_topic_page(const http::Request& request, const GroupView& group, const std::string& title,
                                const std::string& body, Kind kind, const std::vector<Error>& errors, int status) const {
    const std::string_view language = site_.language_of(request);
    data page = group_data(group.group, group.access, request, language);
    page.set("title", std::string(site_.text(language, "discussions.new.title")) + " · " + group.group.name);
    page.set("action", group.group.path() + "/discussies/nieuw");
    page.set("topic_title", title);
    page.set("body", body);
    set_if(page, "kind_question", kind == Kind::Question);
    set_if(page, "kind_discussion", kind == Kind::Discussion);
    page.set("max_kib", std::to_string(kMaxBodyBytes / 1024));
    add_errors(page, site_, language, errors);
    return site_.page(request, "discussions/new", std::move(page), status);
  }

  data post_data(const Post& post, const TopicPage& view, std::string_view language, std::int64_t viewer_id) const {
    data row;
    const std::string id = std::to_string(post.id);
    row.set("id", id);
    row.set("number", std::to_string(post.post_number));
    row.set("author", post.author_name);
    if (post.author_id) row.set("author_url", "/leden/" + std::to_string(*post.author_id));
    row.set("when", format_moment(post.created_at, language));
    row.set("when_iso", iso_time(post.created_at));
    row.set("permalink", post_path(view.topic.id, post.post_number, post.id));
    const PostControls can = controls_for(post, view, viewer_id);
    if (post.hidden()) {
      row.set("post_hidden", true);
      if (can.show_hidden_body) row.set("hidden_body_html", post.body_html);
    } else {
      row.set("body_html", post.body_html);
    }
    if (post.edited_at) {
      row.set("edited", true);
      row.set("history_url", "/reacties/" + id + "/geschiedenis");
    }
    row.set("useful_count", std::to_string(post.useful_count));
    set_if(row, "has_useful", post.useful_count > 0);
    set_if(row, "viewer_found_useful", can.found_useful);
    set_if(row, "can_react", can.react);
    set_if(row, "can_quote", can.quote);
    set_if(row, "can_edit", can.edit);
    set_if(row, "can_flag", can.flag);
    set_if(row, "can_hide", can.hide);
    set_if(row, "is_accepted", can.accepted);
    set_if(row, "can_accept", can.accept);
    set_if(row, "opening", post.post_number == 1);
    return row;
  }

  // The topic page's question to the service: which posts' HTML it must read (not cached for this
  // viewer's language and controls, or cached for an older state of the post).
  // Notes in `found` what the cache holds.
  Service::NeedsHtml needs_html_for(const http::Request& request, FoundFragments& found) const {
    const std::string_view language = site_.language_of(request);
    const std::int64_t viewer_id = request.viewer ? request.viewer->account_id : 0;
    found.clear();
    return [this, language, viewer_id, &found](const TopicPage& view, const Post& post) {
      auto html = fragments_.find(fragment_key(post, language, controls_for(post, view, viewer_id)),
                                  fragment_stamp(post));
      if (html == nullptr) return true;
      found.emplace_back(post.id, std::move(html));
      return false;
    };
  }

  // One post's <li>: found already, or from the cache when it holds this state of the post, else
  // rendered and kept.
  FragmentCache::Html post_html(const Post& post, const TopicPage& view, std::string_view language,
                                std::int64_t viewer_id, const FoundFragments& found) const {
    for (const auto& [id, html] : found) {
      if (id == post.id) return html;
    }
    const std::string key = fragment_key(post, language, controls_for(post, view, viewer_id));
    std::string stamp = fragment_stamp(post);
    if (auto cached = fragments_.find(key, stamp)) return cached;
    data row = post_data(post, view, language, viewer_id);
    row.set("topic_url", topic_path(view.topic.id));
    auto html = std::make_shared<const std::string>(site_.render(language, "discussions/post", row));
    fragments_.store(key, std::move(stamp), html);
    return html;
  }

  http::Response topic_response(const http::Request& request, const TopicPage& view, const FoundFragments& found,
                                const std::string& body,
                                std::optional<std::int64_t> quote_of, const std::vector<Error>& errors, int status) const {
    const std::string_view language = site_.language_of(request);
    const std::int64_t viewer_id = request.viewer ? request.viewer->account_id : 0;
    data page = group_data(view.group, view.access, request, language);
    const std::string shown_title =
        view.topic.title.empty() ? std::string(site_.text(language, "discussions.topic.hidden_topic")) : view.topic.title;
    page.set("title", shown_title);
    page.set("topic_title", shown_title);
    page.set("topic_id", std::to_string(view.topic.id));
    page.set("topic_url", topic_path(view.topic.id));
    set_if(page, "question", view.topic.kind == Kind::Question);
    set_if(page, "closed", view.topic.closed());
    set_if(page, "pinned", view.topic.pinned);
    set_if(page, "hidden", view.topic.hidden());
    set_if(page, "can_reply", view.can.reply);
    set_if(page, "can_moderate", view.can.moderate && !view.access.archived);
    set_if(page, "can_unaccept", view.can.accept && view.topic.accepted_reply_id.has_value());
    page.set("reply_action", topic_path(view.topic.id) + "/reacties");
    page.set("body", body);
    if (quote_of) page.set("quote_of", std::to_string(*quote_of));
    page.set("max_kib", std::to_string(kMaxBodyBytes / 1024));
    if (view.accepted) {
      data accepted = post_data(*view.accepted, view, language, viewer_id);
      page.set("accepted", accepted);
    }
    // The posts as HTML in two runs, before and after the unread marker (its place is per viewer),
    // joined into the rendered page at the end.
    std::vector<FragmentCache::Html> fragments;
    fragments.reserve(view.posts.size());
    std::size_t split = view.posts.size();
    for (const Post& post : view.posts) {
      if (split == view.posts.size() && view.first_unread_post_number &&
          post.post_number >= *view.first_unread_post_number) {
        split = fragments.size();
      }
      fragments.push_back(post_html(post, view, language, viewer_id, found));
    }
    page.set("posts_before_marker", post_run_markers()[0]);
    set_if(page, "unread_marker", view.first_unread_post_number.has_value());
    page.set("posts_after_marker", post_run_markers()[1]);
    add_pagination(page, topic_path(view.topic.id), view.page, view.page_count, language);
    add_errors(page, site_, language, errors);
    if (request.viewer && options_.watch_form && !view.access.archived) {
      page.set("watch_level", options_.watch_form(*request.viewer, notifications::Target::Topic, view.topic.id,
                                                  topic_path(view.topic.id)));
    }
    http::Response response = site_.page(request, "discussions/topic", std::move(page), status);
    join_posts_into(response.body, fragments, split);
    return response;
  }

  http::Response edit_page(const http::Request& request, const EditContext& context, const std::string& title,
                           const std::string& body, const std::vector<Error>& errors, int status) const {
    const std::string_view language = site_.language_of(request);
    data page = base(std::string(site_.text(language, "discussions.edit.title")) + " · " + context.topic.title);
    page.set("topic_title", context.topic.title);
    page.set("action", "/reacties/" + std::to_string(context.post.id) + "/bewerken");
    page.set("post_url", post_path(context.topic.id, context.post.post_number, context.post.id));
    set_if(page, "opening", context.post.post_number == 1);
    page.set("edit_title", title);
    page.set("body", body);
    page.set("max_kib", std::to_string(kMaxBodyBytes / 1024));
    add_errors(page, site_, language, errors);
    return site_.page(request, "discussions/edit", std::move(page), status);
  }

  http::Response flag_page(const http::Request& request, const Post& post, const std::string& reason,
                           const std::vector<Error>& errors, int status) const {
    const std::string_view language = site_.language_of(request);
    data page = base(std::string(site_.text(language, "discussions.flag.title")));
    page.set("action", "/reacties/" + std::to_string(post.id) + "/melden");
    page.set("post_url", post_path(post.topic_id, post.post_number, post.id));
    page.set("author", post.author_name);
    page.set("body_html", post.body_html);
    page.set("reason", reason);
    add_errors(page, site_, language, errors);
    return site_.page(request, "discussions/flag", std::move(page), status);
  }

  http::Response move_page(const http::Request& request, std::int64_t topic_id, const std::vector<Error>& errors,
                           int status) const {
    const auto targets = discussions_.move_targets(request.viewer, topic_id);
    if (!targets.ok()) return refused(request, targets.error(), topic_path(topic_id));
    const auto view = discussions_.topic_page(request.viewer, topic_id, 1);
    if (!view.ok()) return refused(request, view.error());
    const std::string_view language = site_.language_of(request);
    data page = base(std::string(site_.text(language, "discussions.move.title")) + " · " + view.value->topic.title);
    page.set("topic_title", view.value->topic.title);
    page.set("topic_url", topic_path(topic_id) + "?pagina=1");
    page.set("from_group", view.value->group.name);
    page.set("action", topic_path(topic_id) + "/verplaatsen");
    data options(data::type::list);
    for (const GroupRef& group : *targets.value) {
      data option;
      option.set("id", std::to_string(group.id));
      option.set("name", group.name);
      options.push_back(option);
    }
    page.set("targets", options);
    set_if(page, "no_targets", targets.value->empty());
    add_errors(page, site_, language, errors);
    return site_.page(request, "discussions/move", std::move(page), status);
  }

  // A POST on /reacties/{id}/...: CSRF, sign-in, the action, then back to the post with a flash.
  template <class Action>
  http::Response post_action(http::Request& request, Action&& action) {
    const auto id = http::parse_id(request.path_param("id"));
    if (!id) return site_.error_page(&request, 404);
    const http::FormData form = http::FormData::parse(request.body);
    if (!site_.csrf_ok(request, form)) return site_.error_page(&request, 403);
    if (!request.viewer) return sign_in_redirect(request);
    const Outcome outcome = action(*id);
    if (outcome.error) return refused(request, *outcome.error);
    const auto found = discussions_.post(request.viewer, *id);
    if (!found.ok()) return refused(request, found.error());
    return redirect_with_flash(site_, post_path(found.value->topic_id, found.value->post_number, *id), outcome.flash);
  }

  // A POST on /onderwerpen/{id}/...: the same for topic actions, back to the topic's first page.
  template <class Action>
  http::Response topic_action(http::Request& request, Action&& action) {
    const auto id = http::parse_id(request.path_param("id"));
    if (!id) return site_.error_page(&request, 404);
    const http::FormData form = http::FormData::parse(request.body);
    if (!site_.csrf_ok(request, form)) return site_.error_page(&request, 403);
    if (!request.viewer) return sign_in_redirect(request);
    const Outcome outcome = action(*id, form);
    if (outcome.error) return refused(request, *outcome.error, topic_path(*id));
    return redirect_with_flash(site_, topic_path(*id) + "?pagina=1", outcome.flash);
  }

  // Every page of ours starts from this: the stylesheet and the title.
  data base(std::string title) const {
    data page;
    page.set("title", std::move(title));
    page.set("discussions_css", options_.stylesheet_url);
    return page;
  }

  const web::Site& site_;
  Service& discussions_;
  RouteOptions options_;
  mutable FragmentCache fragments_;
};

}  // namespace

std::string format_moment(std::int64_t utc, std::string_view language) {
  static constexpr std::array<std::string_view, 12> kMonthsNl = {"jan", "feb", "mrt", "apr", "mei", "jun",
                                                                 "jul", "aug", "sep", "okt", "nov", "dec"};
  static constexpr std::array<std::string_view, 12> kMonthsEn = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const Civil t = amsterdam(utc);
  const auto& months = language == "en" ? kMonthsEn : kMonthsNl;
  char clock[8];
  std::snprintf(clock, sizeof clock, "%02lld:%02lld", static_cast<long long>(t.hour), static_cast<long long>(t.minute));
  return std::to_string(t.day) + " " + std::string(months[static_cast<std::size_t>(t.month - 1)]) + " " +
         std::to_string(t.year) + ", " + clock;
}

void register_routes(http::Router& router, const web::Site& site, Service& discussions, RouteOptions options) {
  site.require_templates({"discussions/list", "discussions/new", "discussions/topic", "discussions/post", "discussions/edit",
                          "discussions/history", "discussions/flag", "discussions/flags", "discussions/move",
                          "discussions/refused"});
  auto pages = std::make_shared<Pages>(site, discussions, std::move(options));
  const auto bind = [pages](http::Response (Pages::*method)(http::Request&)) {
    return [pages, method](http::Request& request) { return ((*pages).*method)(request); };
  };
  router.get("/groepen/{network}/{group}/discussies", bind(&Pages::list));
  router.get("/groepen/{network}/{group}/discussies/nieuw", bind(&Pages::new_topic_form));
  router.post("/groepen/{network}/{group}/discussies/nieuw", bind(&Pages::create_topic));
  router.get("/groepen/{network}/{group}/discussies/meldingen", bind(&Pages::flags));
  router.post("/groepen/{network}/{group}/discussies/meldingen/{flag}/afwijzen", bind(&Pages::dismiss_flag));
  router.get("/onderwerpen/{id}", bind(&Pages::topic));
  router.post("/onderwerpen/{id}/reacties", bind(&Pages::reply));
  router.post("/onderwerpen/{id}/vastzetten", bind(&Pages::pin));
  router.post("/onderwerpen/{id}/sluiten", bind(&Pages::close));
  router.post("/onderwerpen/{id}/antwoord-wissen", bind(&Pages::unaccept));
  router.get("/onderwerpen/{id}/verplaatsen", bind(&Pages::move_form));
  router.post("/onderwerpen/{id}/verplaatsen", bind(&Pages::move));
  router.get("/reacties/{id}", bind(&Pages::locate));
  router.get("/reacties/{id}/bewerken", bind(&Pages::edit_form));
  router.post("/reacties/{id}/bewerken", bind(&Pages::save_edit));
  router.get("/reacties/{id}/geschiedenis", bind(&Pages::history));
  router.post("/reacties/{id}/nuttig", bind(&Pages::toggle_useful));
  router.post("/reacties/{id}/antwoord", bind(&Pages::accept));
  router.post("/reacties/{id}/verbergen", bind(&Pages::hide));
  router.get("/reacties/{id}/melden", bind(&Pages::flag_form));
  router.post("/reacties/{id}/melden", bind(&Pages::flag));
}

}  // namespace discussions
