#include "notifications/viewers.h"

#include "auth/service.h"
#include "notifications/store.h"

namespace notifications {

std::optional<http::Viewer> active_viewer(db::Session& session, std::int64_t account_id) {
  const auto account = auth::find_account(session, account_id);
  if (!account || account->status != auth::AccountStatus::Active) return std::nullopt;
  http::Viewer viewer;
  viewer.account_id = account->id;
  viewer.name = account->name;
  viewer.email = account->email;
  viewer.language = account->language;
  viewer.administrator = account->is_admin;
  return viewer;
}

Level effective_level(db::Session& session, std::int64_t account_id, std::int64_t group_id, std::int64_t topic_id) {
  if (topic_id > 0) {
    if (auto level = store::level_of(session, account_id, Target::Topic, topic_id)) return *level;
  }
  if (group_id > 0) {
    if (auto level = store::level_of(session, account_id, Target::Group, group_id)) return *level;
  }
  return Level::Normal;
}

}  // namespace notifications
