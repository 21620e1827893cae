// The rules of notifications without HTTP: the member's list of notifications (unread first), the
// home stream "Nieuw in je groepen" and a group's activity stream (only what the viewer may see,
// muted groups and topics left out), watch levels chosen on pages, e-mail preferences, one-click
// unsubscribe links (signed with the site's key), the immediate mails for mentions and replies, and
// the daily / weekly digest that never repeats an item.
//
// Thread-safety: the Service is shared by HTTP worker threads and the background jobs; it keeps no
// mutable state besides the public URL, which is set before serving.
#pragma once

#include <cstdint>
#include <functional>
#include <kainjow/mustache.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "db/database.h"
#include "http/request.h"
#include "mail/message.h"
#include "notifications/types.h"

namespace web {
class Site;
}

namespace notifications {

// The site paths of notifications (Dutch, like every URL).
inline constexpr std::string_view kListPath = "/meldingen";
inline constexpr std::string_view kHomePath = "/nieuw";
inline constexpr std::string_view kSettingsPath = "/meldingen/instellingen";
inline constexpr std::string_view kUnsubscribePath = "/afmelden";

struct ServiceOptions {
  std::string public_url = "http://127.0.0.1:8080";  // links in mail
  std::function<std::int64_t()> clock;               // Unix seconds; empty: the system clock (tests inject days)
  std::size_t digest_item_limit = 40;                // items listed in one digest; the rest are counted
};

struct NotificationList {
  std::vector<Notification> notifications;  // unread first, then newest first
  std::int64_t unread = 0;
  std::int64_t total = 0;
  std::size_t page = 1;
  bool has_more = false;
};

struct Stream {
  std::vector<Item> items;                 // newest first
  std::optional<std::int64_t> next_before;  // the "before" of the next page, when there is one
};

// What a one-click unsubscribe link turns off.
enum class UnsubscribeScope { Immediate, Digest };
struct Unsubscription {
  std::int64_t account_id = 0;
  UnsubscribeScope scope = UnsubscribeScope::Digest;
};

enum class WatchOutcome { Saved, NotFound, Forbidden };

// The schedule of digests: 07:00 Europe/Amsterdam every day (daily) or on Mondays (weekly). Returns the
// latest such moment at or before `now` (Unix seconds), summer and winter time alike.
std::int64_t latest_digest_slot(std::int64_t now, DigestFrequency frequency);
inline constexpr std::string_view kTimezone = "Europe/Amsterdam";

class Service {
 public:
  Service(db::Database& database, const web::Site& site, ServiceOptions options = {});

  void set_public_url(std::string url) { options_.public_url = std::move(url); }
  const ServiceOptions& options() const { return options_; }
  std::int64_t now() const;

  // --- in-app
  static constexpr std::size_t kPageSize = 30;
  NotificationList notifications(std::int64_t account_id, std::size_t page);
  std::int64_t unread_count(std::int64_t account_id);
  // Marks the account's notification read and returns the path it points to; nothing when it is not
  // the account's or its item was retracted.
  std::optional<std::string> open(std::int64_t account_id, std::int64_t notification_id);
  std::int64_t mark_all_read(std::int64_t account_id);

  // --- streams (only groups the viewer may see now; retracted items never)
  // The viewer's groups (member, or a level of watching / tracking chosen for the group), muted ones
  // and muted topics left out, the viewer's own actions too.
  Stream home_stream(const http::Viewer& viewer, std::optional<std::int64_t> before_id);
  // One group's stream; empty when the viewer may not see the group.
  Stream group_stream(const std::optional<http::Viewer>& viewer, std::int64_t group_id,
                      std::optional<std::int64_t> before_id);

  // --- watch levels chosen on a page (checks groups::access)
  WatchOutcome set_watch_level(const http::Viewer& viewer, Target target, std::int64_t target_id, Level level);
  // The data for partials/watch_level.mustache (see watch.h), in its own read transaction.
  kainjow::mustache::data watch_form(const http::Viewer& viewer, Target target, std::int64_t target_id,
                                     std::string_view return_to);

  // --- preferences
  Settings settings(std::int64_t account_id);
  void save_settings(std::int64_t account_id, bool mail_immediate, DigestFrequency digest);

  // --- one-click unsubscribe (RFC 8058): the token is the account, the scope and the site's signature.
  std::string unsubscribe_token(std::int64_t account_id, UnsubscribeScope scope) const;
  std::string unsubscribe_url(std::int64_t account_id, UnsubscribeScope scope) const;
  // Nothing when the token is malformed or its signature does not match.
  std::optional<Unsubscription> verify_unsubscribe(std::string_view token) const;
  // Turns the scope's mail off; false when the account no longer exists.
  bool unsubscribe(const Unsubscription& unsubscription);

  // --- background jobs (each claims its rows in the database: several instances may run them)
  // Mails the pending mentions and replies of members who want immediate mail (those older than a
  // day are skipped: a backlog after downtime, or a seeded history). Returns mails queued.
  std::size_t send_immediate_mails();
  // Sends every digest due at now(). Returns digests queued.
  std::size_t send_due_digests();

  // --- for tests and personal data
  std::string item_kind_text(std::string_view language, std::string_view kind) const;

 private:
  std::string link(std::string_view path) const;
  std::vector<std::int64_t> home_groups(db::Session& session, const http::Viewer& viewer);
  bool send_digest(std::int64_t account_id, DigestFrequency frequency, std::int64_t slot);
  mail::Message compose_immediate(const http::Viewer& to, const Notification& notification) const;
  mail::Message compose_digest(const http::Viewer& to, const std::vector<Item>& items, std::size_t more,
                               DigestFrequency frequency) const;
  void add_unsubscribe(mail::Message& message, std::int64_t account_id, UnsubscribeScope scope) const;

  db::Database& database_;
  const web::Site& site_;
  ServiceOptions options_;
};

}  // namespace notifications
