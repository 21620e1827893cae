#include "search/store.h"

namespace search::store {

namespace {

constexpr std::string_view kColumns =
    "SELECT g.id, g.name, n.slug, g.slug, n.name FROM knowledge_groups g JOIN networks n ON n.id = "
    "g.network_id ";

GroupName name_from(const db::Row& row) {
  return GroupName{row.int64(0), row.text(1), "/groepen/" + row.text(2) + "/" + row.text(3), row.text(4)};
}

}  // namespace

std::optional<GroupName> find_group(db::Session& session, std::string_view network_slug,
                                    std::string_view group_slug) {
  static const std::string sql = std::string(kColumns) + "WHERE n.slug = ? AND g.slug = ?";
  const auto row = session.query_one(sql, {std::string(network_slug), std::string(group_slug)});
  if (!row) return std::nullopt;
  return name_from(*row);
}

std::map<std::int64_t, GroupName> group_names(db::Session& session, const std::vector<std::int64_t>& ids) {
  std::map<std::int64_t, GroupName> names;
  if (ids.empty()) return names;
  std::string sql = std::string(kColumns) + "WHERE g.id IN (";
  db::Params params;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    sql += i == 0 ? "?" : ", ?";
    params.emplace_back(ids[i]);
  }
  sql += ")";
  for (const db::Row& row : session.query(sql, params)) names[row.int64(0)] = name_from(row);
  return names;
}

}  // namespace search::store
