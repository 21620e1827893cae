#include "search/service.h"

#include <algorithm>
#include <map>

#include "db/search_index.h"
#include "groups/access.h"
#include "search/excerpt.h"
#include "search/store.h"

namespace search {

std::optional<Results> Service::search(const std::optional<http::Viewer>& viewer, std::string_view raw_query,
                                       Scope scope, std::size_t page) {
  Results results;
  std::string_view query = raw_query.substr(0, std::min(raw_query.size(), kMaxQueryLength));
  // Never cut a character in half.
  while (!query.empty() && query.size() < raw_query.size() &&
         (static_cast<unsigned char>(raw_query[query.size()]) & 0xC0u) == 0x80u) {
    query.remove_suffix(1);
  }
  results.query = std::string(query);
  results.page = std::clamp<std::size_t>(page, 1, kMaxPages);

  // Who may see what, and the names of those groups for the hits, in one read (a transaction fewer
  // per search; on PostgreSQL each is a few round trips).
  const bool searchable = !db::search_words(query).empty();
  std::map<std::int64_t, store::GroupName> names;
  const std::vector<std::int64_t> group_ids = database_.read([&](db::Session& session) {
    std::vector<std::int64_t> visible;
    if (scope.group_id != 0) {
      const groups::GroupAccess access = groups::access(session, viewer, scope.group_id);
      if (access.exists && access.can_view) visible.push_back(scope.group_id);
    } else {
      visible = groups::visible_group_ids(session, viewer);
    }
    if (searchable) names = store::group_names(session, visible);
    return visible;
  });
  if (scope.group_id != 0 && group_ids.empty()) return std::nullopt;
  if (!searchable) return results;
  results.searched = true;

  const std::size_t wanted = results.page * kPageSize + 1;
  std::vector<SourceHit> merged;
  for (const Source& source : sources_) {
    for (SourceHit& hit : source(query, group_ids, wanted)) {
      // A source answers for the groups it was given only; this keeps a faulty one honest.
      if (std::find(group_ids.begin(), group_ids.end(), hit.group_id) == group_ids.end()) continue;
      merged.push_back(std::move(hit));
    }
  }
  std::stable_sort(merged.begin(), merged.end(),
                   [](const SourceHit& a, const SourceHit& b) { return a.score > b.score; });
  const std::size_t first = (results.page - 1) * kPageSize;
  results.has_next = merged.size() > first + kPageSize && results.page < kMaxPages;
  if (first >= merged.size()) return results;
  const std::size_t last = std::min(merged.size(), first + kPageSize);

  for (std::size_t i = first; i < last; ++i) {
    SourceHit& hit = merged[i];
    Hit shown;
    shown.kind = hit.kind;
    shown.id = hit.id;
    shown.title = std::move(hit.title);
    shown.path = std::move(hit.path);
    shown.excerpt_html = excerpt_html(hit.text, query);
    shown.score = hit.score;
    if (auto name = names.find(hit.group_id); name != names.end()) {
      shown.group_name = name->second.name;
      shown.group_path = name->second.path;
      shown.network_name = name->second.network_name;
    }
    results.hits.push_back(std::move(shown));
  }
  return results;
}

std::optional<Scope> Service::group_scope(const std::optional<http::Viewer>& viewer,
                                          std::string_view network_slug, std::string_view group_slug,
                                          std::string* group_name, std::string* group_path) {
  return database_.read([&](db::Session& session) -> std::optional<Scope> {
    const auto group = store::find_group(session, network_slug, group_slug);
    if (!group) return std::nullopt;
    const groups::GroupAccess access = groups::access(session, viewer, group->id);
    if (!access.exists || !access.can_view) return std::nullopt;
    if (group_name != nullptr) *group_name = group->name;
    if (group_path != nullptr) *group_path = group->path;
    return Scope{group->id};
  });
}

}  // namespace search
