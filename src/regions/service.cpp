#include "regions/service.h"

#include <algorithm>

#include "regions/store.h"

namespace regions {

namespace {

constexpr std::size_t kMaxSlugLength = 64;

// One read transaction: every network (few per installation) plus the chosen one's groups.
std::optional<NetworkOverview> load_overview(db::Session& session, std::optional<std::string_view> slug) {
  std::vector<Network> all = store::list_networks(session);
  auto chosen = all.end();
  for (auto it = all.begin(); it != all.end(); ++it) {
    if (!slug || it->slug == *slug) {
      chosen = it;
      break;
    }
  }
  if (chosen == all.end()) return std::nullopt;
  NetworkOverview overview;
  overview.network = std::move(*chosen);
  all.erase(chosen);
  overview.other_networks = std::move(all);
  overview.groups = store::groups_of(session, overview.network.id);
  return overview;
}

}  // namespace

bool Service::is_valid_slug(std::string_view slug) {
  if (slug.empty() || slug.size() > kMaxSlugLength) return false;
  if (slug.front() == '-' || slug.back() == '-') return false;
  char previous = '\0';
  for (char c : slug) {
    const bool allowed = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!allowed || (c == '-' && previous == '-')) return false;
    previous = c;
  }
  return true;
}

std::optional<NetworkOverview> Service::primary_overview() {
  return database_.read([](db::Session& session) { return load_overview(session, std::nullopt); });
}

std::optional<NetworkOverview> Service::overview(std::string_view slug) {
  if (!is_valid_slug(slug)) return std::nullopt;
  return database_.read([slug](db::Session& session) { return load_overview(session, slug); });
}

std::optional<NetworkOverview> Service::page_overview(std::optional<std::string_view> slug) {
  if (slug && !is_valid_slug(*slug)) return std::nullopt;
  return database_.read([&](db::Session& session) {
    std::optional<NetworkOverview> overview = load_overview(session, slug);
    if (!overview) return overview;
    const std::vector<std::int64_t> archived = store::archived_group_ids(session, overview->network.id);
    std::erase_if(overview->groups, [&](const KnowledgeGroup& group) {
      return std::find(archived.begin(), archived.end(), group.id) != archived.end();
    });
    return overview;
  });
}

std::vector<Network> Service::networks() {
  return database_.read([](db::Session& session) { return store::list_networks(session); });
}

}  // namespace regions
