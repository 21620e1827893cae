// The Atom feed (RFC 4287) of a public knowledge group's discussions: one entry per topic, newest
// activity first, with the opening post as HTML content. Pure text in, XML out: the route gathers the
// topics (only for groups with visibility public) and this file writes well-formed, escaped XML with
// absolute URLs. Stateless; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "db/database.h"
#include "discussions/types.h"

namespace discussions {

struct FeedEntry {
  std::string url;          // absolute: https://example.org/onderwerpen/12 (also the entry's id)
  std::string title;        // plain text
  std::string author_name;  // plain text
  std::string author_url;   // absolute profile URL, or empty when the profile is not public
  std::int64_t published = 0;  // unix seconds: when the topic was opened
  std::int64_t updated = 0;    // unix seconds: the last reply (or edit), >= published
  std::string content_html;    // the opening post as rendered (already safe) HTML
};

struct Feed {
  std::string id;           // permanent IRI of the feed: a tag URI made from the host and the group id
  std::string title;        // "ICT - Kennisknooppunt West-Brabant & Zeeland"
  std::string subtitle;     // the group's description (plain text)
  std::string html_url;     // absolute URL of the group page (rel="alternate")
  std::string self_url;     // absolute URL of this feed (rel="self")
  std::string base_url;     // the site's public URL, "https://example.org" (xml:base for relative links)
  std::string language;     // "nl"
  std::string generator_version;
  std::int64_t updated = 0;  // newest entry's updated, or the group's creation when there are none
  std::vector<FeedEntry> entries;
};

// The feed as an Atom 1.0 document (UTF-8). Text is escaped; characters XML 1.0 forbids (control
// characters, invalid UTF-8) are replaced, so any input yields a well-formed document.
std::string render_atom(const Feed& feed);

// `text` escaped for XML character data and attribute values (& < > " '), with forbidden characters
// and invalid UTF-8 replaced by U+FFFD.
std::string xml_escape(std::string_view text);

// Unix seconds as an RFC 3339 date-time in UTC: "2026-03-01T09:30:00Z".
std::string rfc3339_utc(std::int64_t unix_seconds);

// What a public group's feed shows: its newest topics (by last activity, pinned ones first as on the
// list, hidden ones never) with their opening posts, as a visitor may see them. Nothing when the group
// does not exist or is not public (groups::access decides). One read transaction.
struct FeedTopic {
  Topic topic;
  std::string opening_html;
};
struct PublicGroupFeed {
  GroupRef group;
  std::vector<FeedTopic> topics;
};
std::optional<PublicGroupFeed> public_group_feed(db::Database& database, std::string_view network_slug,
                                                 std::string_view group_slug, std::size_t limit);

// The Content-Type of an Atom feed.
inline constexpr std::string_view kAtomContentType = "application/atom+xml; charset=utf-8";

}  // namespace discussions
