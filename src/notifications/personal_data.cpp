#include "notifications/personal_data.h"

#include "notifications/store.h"

namespace notifications {

nlohmann::json export_member(db::Session& session, std::int64_t account_id) {
  nlohmann::json result;
  const Settings settings = store::settings_of(session, account_id);
  result["settings"] = {{"mail_immediate", settings.mail_immediate},
                        {"digest", std::string(to_string(settings.digest))},
                        {"last_digest_at", settings.last_digest_at ? nlohmann::json(*settings.last_digest_at)
                                                                   : nlohmann::json(nullptr)}};
  nlohmann::json levels = nlohmann::json::array();
  for (const db::Row& row : session.query(
           "SELECT target_type, target_id, level, chosen, updated_at FROM watch_levels WHERE account_id = ? "
           "ORDER BY target_type, target_id",
           {account_id})) {
    levels.push_back({{"target", row.text(0)},
                      {"id", row.int64(1)},
                      {"level", row.text(2)},
                      {"chosen", row.int64(3) != 0},
                      {"updated_at", row.int64(4)}});
  }
  result["watch_levels"] = levels;
  nlohmann::json notifications = nlohmann::json::array();
  for (const db::Row& row : session.query(
           "SELECT nt.id, nt.reason, nt.created_at, nt.read_at, a.kind, a.title, a.path FROM notifications nt "
           "JOIN activities a ON a.id = nt.activity_id WHERE nt.account_id = ? ORDER BY nt.id",
           {account_id})) {
    notifications.push_back({{"id", row.int64(0)},
                             {"reason", row.text(1)},
                             {"created_at", row.int64(2)},
                             {"read_at", row.is_null(3) ? nlohmann::json(nullptr) : nlohmann::json(row.int64(3))},
                             {"kind", row.text(4)},
                             {"title", row.text(5)},
                             {"path", row.text(6)}});
  }
  result["notifications"] = notifications;
  nlohmann::json digests = nlohmann::json::array();
  for (const db::Row& row : session.query(
           "SELECT d.id, d.frequency, d.period_start, d.period_end, d.created_at, "
           "(SELECT COUNT(*) FROM digest_items i WHERE i.digest_id = d.id) FROM digests d WHERE d.account_id = ? "
           "ORDER BY d.id",
           {account_id})) {
    digests.push_back({{"id", row.int64(0)},
                       {"frequency", row.text(1)},
                       {"period_start", row.int64(2)},
                       {"period_end", row.int64(3)},
                       {"sent_at", row.int64(4)},
                       {"items", row.int64(5)}});
  }
  result["digests"] = digests;
  return result;
}

std::int64_t erase_member(db::Session& session, std::int64_t account_id) {
  const store::AccountState erased = store::erase_account_state(session, account_id);
  return erased.notifications + erased.watch_levels + erased.digests + erased.activities;
}

}  // namespace notifications
