// Search across a whole installation or one knowledge group: every feature that has searchable
// content (documents and wiki pages; discussions' topics and replies) is a source, asked with the
// ids of the groups the viewer may see (groups::visible_group_ids, or the one group after
// groups::access) and nothing else, so a hit from a group the viewer may not see never exists here.
// Hits of all sources are merged by score (every source ranks with db::SearchIndex on the same
// backend, so scores compare), paginated, and given an escaped excerpt with the words marked.
// No HTTP here. Thread-safe once sources are added (add them before serving).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "db/database.h"
#include "http/request.h"

namespace search {

inline constexpr std::size_t kPageSize = 20;
inline constexpr std::size_t kMaxPages = 10;  // deeper pages are not worth ranking
inline constexpr std::size_t kMaxQueryLength = 200;

// What a source returns: plain text; the excerpt is made here.
struct SourceHit {
  std::string kind;  // "document", "page", "topic", "reply"
  std::int64_t id = 0;
  std::int64_t group_id = 0;
  std::string title;
  std::string text;  // the text to cut the excerpt from
  std::string path;  // where the hit is on the site
  double score = 0;  // higher is better
};

// A source: the best `limit` hits for `query` within `group_ids` (never outside them).
using Source = std::function<std::vector<SourceHit>(
    std::string_view query, const std::vector<std::int64_t>& group_ids, std::size_t limit)>;

struct Hit {
  std::string kind;
  std::int64_t id = 0;
  std::string title;
  std::string path;
  std::string excerpt_html;  // escaped, with <mark> around the matching words
  std::string group_name;
  std::string group_path;  // "/groepen/{network}/{group}"
  std::string network_name;
  double score = 0;
};

struct Results {
  std::string query;
  std::size_t page = 1;
  std::vector<Hit> hits;
  bool has_next = false;
  bool searched = false;  // false: the query had no searchable word
};

struct Scope {
  std::int64_t group_id = 0;  // 0: every group the viewer may see
};

class Service {
 public:
  explicit Service(db::Database& database) : database_(database) {}
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  void add_source(Source source) { sources_.push_back(std::move(source)); }

  // Nothing when scope names a group the viewer may not see (or that does not exist).
  std::optional<Results> search(const std::optional<http::Viewer>& viewer, std::string_view query,
                                Scope scope, std::size_t page);

  // The group at /groepen/{network}/{group} when the viewer may see it (for a group's search page).
  std::optional<Scope> group_scope(const std::optional<http::Viewer>& viewer, std::string_view network_slug,
                                   std::string_view group_slug, std::string* group_name = nullptr,
                                   std::string* group_path = nullptr);

 private:
  db::Database& database_;
  std::vector<Source> sources_;
};

}  // namespace search
