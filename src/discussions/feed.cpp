#include "discussions/feed.h"

#include <ctime>

#include "discussions/store.h"
#include "groups/access.h"

namespace discussions {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// The length of the valid UTF-8 sequence at `text[at]` that XML 1.0 allows as a character, or 0.
std::size_t allowed_sequence(std::string_view text, std::size_t at) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(at);
  if (lead < 0x80) {
    // XML 1.0 allows only tab, line feed and carriage return below the space.
    return lead >= 0x20 || lead == '\t' || lead == '\n' || lead == '\r' ? 1 : 0;
  }
  std::size_t length = 0;
  std::uint32_t code = 0;
  if ((lead & 0xE0) == 0xC0) {
    length = 2;
    code = lead & 0x1Fu;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3;
    code = lead & 0x0Fu;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4;
    code = lead & 0x07u;
  } else {
    return 0;
  }
  if (at + length > text.size()) return 0;
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(at + i) & 0xC0) != 0x80) return 0;
    code = (code << 6) | (byte(at + i) & 0x3Fu);
  }
  const bool overlong = (length == 2 && code < 0x80) || (length == 3 && code < 0x800) ||
                        (length == 4 && code < 0x10000);
  const bool surrogate = code >= 0xD800 && code <= 0xDFFF;
  const bool non_character = code == 0xFFFE || code == 0xFFFF;
  if (overlong || surrogate || non_character || code > 0x10FFFF) return 0;
  return length;
}

void append_element(std::string& out, std::string_view indent, std::string_view name, std::string_view text) {
  out += indent;
  out += '<';
  out += name;
  out += '>';
  out += xml_escape(text);
  out += "</";
  out += name;
  out += ">\n";
}

void append_link(std::string& out, std::string_view indent, std::string_view rel, std::string_view type,
                 std::string_view href) {
  out += indent;
  out += "<link rel=\"";
  out += rel;
  out += "\" type=\"";
  out += type;
  out += "\" href=\"";
  out += xml_escape(href);
  out += "\"/>\n";
}

}  // namespace

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (std::size_t at = 0; at < text.size();) {
    const std::size_t length = allowed_sequence(text, at);
    if (length == 0) {
      out += kReplacement;
      ++at;
      continue;
    }
    if (length == 1) {
      switch (text[at]) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&apos;"; break;
        default: out += text[at];
      }
    } else {
      out.append(text.substr(at, length));
    }
    at += length;
  }
  return out;
}

std::string rfc3339_utc(std::int64_t unix_seconds) {
  const auto seconds = static_cast<std::time_t>(unix_seconds);
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return buffer;
}

std::string render_atom(const Feed& feed) {
  std::string out;
  out.reserve(1024 + feed.entries.size() * 2048);
  out += "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";
  out += "<feed xmlns=\"http://www.w3.org/2005/Atom\"";
  if (!feed.language.empty()) out += " xml:lang=\"" + xml_escape(feed.language) + "\"";
  // Links inside the posts' HTML are relative to the site ("/leden/12"): readers resolve them here.
  if (!feed.base_url.empty()) out += " xml:base=\"" + xml_escape(feed.base_url) + "/\"";
  out += ">\n";
  append_element(out, "  ", "id", feed.id);
  append_element(out, "  ", "title", feed.title);
  if (!feed.subtitle.empty()) append_element(out, "  ", "subtitle", feed.subtitle);
  append_element(out, "  ", "updated", rfc3339_utc(feed.updated));
  append_link(out, "  ", "self", "application/atom+xml", feed.self_url);
  append_link(out, "  ", "alternate", "text/html", feed.html_url);
  out += "  <generator";
  if (!feed.generator_version.empty()) out += " version=\"" + xml_escape(feed.generator_version) + "\"";
  out += ">Knooppunt</generator>\n";
  for (const FeedEntry& entry : feed.entries) {
    out += "  <entry>\n";
    append_element(out, "    ", "id", entry.url);
    append_element(out, "    ", "title", entry.title);
    append_link(out, "    ", "alternate", "text/html", entry.url);
    append_element(out, "    ", "published", rfc3339_utc(entry.published));
    append_element(out, "    ", "updated", rfc3339_utc(entry.updated < entry.published ? entry.published : entry.updated));
    out += "    <author>\n";
    append_element(out, "      ", "name", entry.author_name);
    if (!entry.author_url.empty()) append_element(out, "      ", "uri", entry.author_url);
    out += "    </author>\n";
    // type="html": the HTML travels escaped, so no markup in a post can break the document.
    out += "    <content type=\"html\">";
    out += xml_escape(entry.content_html);
    out += "</content>\n";
    out += "  </entry>\n";
  }
  out += "</feed>\n";
  return out;
}

std::optional<PublicGroupFeed> public_group_feed(db::Database& database, std::string_view network_slug,
                                                 std::string_view group_slug, std::size_t limit) {
  return database.read([&](db::Session& session) -> std::optional<PublicGroupFeed> {
    auto group = store::find_group_by_slugs(session, network_slug, group_slug);
    if (!group) return std::nullopt;
    // A feed reader carries no session: the feed shows what a visitor may see, and exists only for
    // public groups, whoever asks.
    const groups::GroupAccess access = groups::access(session, std::nullopt, group->id);
    if (!access.exists || !access.can_view || access.visibility != groups::Visibility::Public) return std::nullopt;
    PublicGroupFeed feed;
    feed.group = std::move(*group);
    for (TopicSummary& summary :
         store::list_topics(session, feed.group.id, 0, /*include_hidden=*/false, static_cast<std::int64_t>(limit), 0)) {
      const std::vector<Post> opening = store::posts_between(session, summary.topic.id, 1, 1, 0);
      if (opening.empty() || opening.front().hidden()) continue;
      feed.topics.push_back(FeedTopic{std::move(summary.topic), opening.front().body_html});
    }
    return feed;
  });
}

}  // namespace discussions
