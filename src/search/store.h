// The little SQL the search pages need of their own: the group a search is scoped to and the names
// shown next to hits. Runs inside the caller's transaction.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "db/database.h"

namespace search::store {

struct GroupName {
  std::int64_t id = 0;
  std::string name;
  std::string path;  // "/groepen/{network}/{group}"
  std::string network_name;
};

std::optional<GroupName> find_group(db::Session& session, std::string_view network_slug,
                                    std::string_view group_slug);
std::map<std::int64_t, GroupName> group_names(db::Session& session, const std::vector<std::int64_t>& ids);

}  // namespace search::store
