#include "notifications/service.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <map>
#include <set>

#include "events/format.h"
#include "events/recurrence.h"
#include "groups/access.h"
#include "mail/address.h"
#include "mail/outbox.h"
#include "notifications/store.h"
#include "notifications/viewers.h"
#include "notifications/watch.h"
#include "web/site.h"

namespace notifications {

namespace {

constexpr std::int64_t kDay = 24 * 60 * 60;
constexpr std::string_view kUnsubscribePurpose = "notifications.unsubscribe";
constexpr std::size_t kDigestBatch = 200;
constexpr std::size_t kDigestFetchLimit = 500;  // items looked at for one digest; the overflow is counted

std::int64_t system_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string_view scope_name(UnsubscribeScope scope) {
  return scope == UnsubscribeScope::Immediate ? "immediate" : "digest";
}

std::string language_of(const http::Viewer& viewer) { return viewer.language == "en" ? "en" : "nl"; }

std::string fill(std::string_view text, const std::map<std::string, std::string>& values) {
  std::string out(text);
  for (const auto& [name, value] : values) {
    const std::string marker = "{" + name + "}";
    for (std::size_t at = out.find(marker); at != std::string::npos; at = out.find(marker, at + value.size())) {
      out.replace(at, marker.size(), value);
    }
  }
  return out;
}

}  // namespace

std::int64_t latest_digest_slot(std::int64_t now, DigestFrequency frequency) {
  using namespace std::chrono;
  const events::LocalTime local = events::to_local(now, kTimezone).value_or(events::LocalTime{1970, 1, 1, 0, 0, 0});
  sys_days day = sys_days(year_month_day(year(local.year), month(static_cast<unsigned>(local.month)),
                                         std::chrono::day(static_cast<unsigned>(local.day))));
  if (local.hour < 7) day -= days(1);
  if (frequency == DigestFrequency::Weekly) {
    while (weekday(day) != Monday) day -= days(1);
  }
  const year_month_day date(day);
  const events::LocalTime slot{static_cast<int>(date.year()), static_cast<int>(static_cast<unsigned>(date.month())),
                               static_cast<int>(static_cast<unsigned>(date.day())), 7, 0, 0};
  return events::to_utc(slot, kTimezone).value_or(now);
}

Service::Service(db::Database& database, const web::Site& site, ServiceOptions options)
    : database_(database), site_(site), options_(std::move(options)) {}

std::int64_t Service::now() const { return options_.clock ? options_.clock() : system_now(); }

std::string Service::link(std::string_view path) const {
  std::string base = options_.public_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + std::string(path);
}

// --- in-app

NotificationList Service::notifications(std::int64_t account_id, std::size_t page) {
  page = std::max<std::size_t>(page, 1);
  return database_.read([&](db::Session& session) {
    NotificationList list;
    list.page = page;
    list.notifications = store::notifications_of(session, account_id, kPageSize + 1, (page - 1) * kPageSize);
    list.has_more = list.notifications.size() > kPageSize;
    if (list.has_more) list.notifications.pop_back();
    list.unread = store::count_unread(session, account_id);
    list.total = store::count_notifications(session, account_id);
    return list;
  });
}

std::int64_t Service::unread_count(std::int64_t account_id) {
  return database_.read([&](db::Session& session) { return store::count_unread(session, account_id); });
}

std::optional<std::string> Service::open(std::int64_t account_id, std::int64_t notification_id) {
  const std::int64_t at = now();
  return database_.write([&](db::Session& session) -> std::optional<std::string> {
    const auto notification = store::find_notification(session, notification_id);
    if (!notification || notification->account_id != account_id) return std::nullopt;
    store::mark_read(session, account_id, notification_id, at);
    return notification->item.path;
  });
}

std::int64_t Service::mark_all_read(std::int64_t account_id) {
  const std::int64_t at = now();
  return database_.write([&](db::Session& session) { return store::mark_all_read(session, account_id, at); });
}

// --- streams

std::vector<std::int64_t> Service::home_groups(db::Session& session, const http::Viewer& viewer) {
  const std::optional<http::Viewer> as_viewer = viewer;
  const std::vector<std::int64_t> muted = store::muted_groups(session, viewer.account_id);
  std::vector<std::int64_t> ids;
  for (std::int64_t group : groups::visible_group_ids(session, as_viewer)) {
    if (std::find(muted.begin(), muted.end(), group) != muted.end()) continue;
    const auto own = store::level_of(session, viewer.account_id, Target::Group, group);
    if ((own && (*own == Level::Watching || *own == Level::Tracking)) ||
        groups::access(session, as_viewer, group).group_member) {
      ids.push_back(group);
    }
  }
  return ids;
}

Stream Service::home_stream(const http::Viewer& viewer, std::optional<std::int64_t> before_id) {
  return database_.read([&](db::Session& session) {
    store::StreamQuery query;
    query.group_ids = home_groups(session, viewer);
    query.muting_account = viewer.account_id;
    query.excluded_actor = viewer.account_id;
    query.before_id = before_id;
    query.limit = kPageSize + 1;
    Stream stream;
    stream.items = store::stream(session, query);
    if (stream.items.size() > kPageSize) {
      stream.items.pop_back();
      stream.next_before = stream.items.back().id;
    }
    return stream;
  });
}

Stream Service::group_stream(const std::optional<http::Viewer>& viewer, std::int64_t group_id,
                             std::optional<std::int64_t> before_id) {
  return database_.read([&](db::Session& session) {
    Stream stream;
    if (!groups::access(session, viewer, group_id).can_view) return stream;
    store::StreamQuery query;
    query.group_ids = {group_id};
    query.before_id = before_id;
    query.limit = kPageSize + 1;
    stream.items = store::stream(session, query);
    if (stream.items.size() > kPageSize) {
      stream.items.pop_back();
      stream.next_before = stream.items.back().id;
    }
    return stream;
  });
}

// --- watch levels

WatchOutcome Service::set_watch_level(const http::Viewer& viewer, Target target, std::int64_t target_id,
                                      Level level) {
  const std::int64_t at = now();
  return database_.write([&](db::Session& session) {
    const std::optional<std::int64_t> group =
        target == Target::Group ? std::optional<std::int64_t>(target_id) : store::group_of_topic(session, target_id);
    if (!group) return WatchOutcome::NotFound;
    const groups::GroupAccess access = groups::access(session, viewer, *group);
    if (!access.exists) return WatchOutcome::NotFound;
    if (!access.can_view) return WatchOutcome::Forbidden;
    store::set_level(session, viewer.account_id, target, target_id, level, at);
    return WatchOutcome::Saved;
  });
}

kainjow::mustache::data Service::watch_form(const http::Viewer& viewer, Target target, std::int64_t target_id,
                                            std::string_view return_to) {
  return database_.read(
      [&](db::Session& session) { return watch_level_form(session, viewer, target, target_id, return_to); });
}

// --- preferences

Settings Service::settings(std::int64_t account_id) {
  return database_.read([&](db::Session& session) { return store::settings_of(session, account_id); });
}

void Service::save_settings(std::int64_t account_id, bool mail_immediate, DigestFrequency digest) {
  const std::int64_t at = now();
  database_.write([&](db::Session& session) { store::save_settings(session, account_id, mail_immediate, digest, at); });
}

// --- unsubscribe

std::string Service::unsubscribe_token(std::int64_t account_id, UnsubscribeScope scope) const {
  const std::string message = std::to_string(account_id) + "." + std::string(scope_name(scope));
  return message + "." + site_.sign(kUnsubscribePurpose, message);
}

std::string Service::unsubscribe_url(std::int64_t account_id, UnsubscribeScope scope) const {
  return link(std::string(kUnsubscribePath) + "/" + unsubscribe_token(account_id, scope));
}

std::optional<Unsubscription> Service::verify_unsubscribe(std::string_view token) const {
  if (token.size() > 200) return std::nullopt;
  const std::size_t first = token.find('.');
  if (first == std::string_view::npos) return std::nullopt;
  const std::size_t second = token.find('.', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  const std::string_view account_text = token.substr(0, first);
  const std::string_view scope_text = token.substr(first + 1, second - first - 1);
  const std::string_view signature = token.substr(second + 1);
  Unsubscription result;
  if (account_text.empty() || account_text.size() > 18) return std::nullopt;
  const auto parsed =
      std::from_chars(account_text.data(), account_text.data() + account_text.size(), result.account_id);
  if (parsed.ec != std::errc() || parsed.ptr != account_text.data() + account_text.size() || result.account_id <= 0) {
    return std::nullopt;
  }
  if (scope_text == "immediate") {
    result.scope = UnsubscribeScope::Immediate;
  } else if (scope_text == "digest") {
    result.scope = UnsubscribeScope::Digest;
  } else {
    return std::nullopt;
  }
  if (!site_.signature_ok(kUnsubscribePurpose, token.substr(0, second), signature)) return std::nullopt;
  return result;
}

bool Service::unsubscribe(const Unsubscription& unsubscription) {
  const std::int64_t at = now();
  return database_.write([&](db::Session& session) {
    if (!active_viewer(session, unsubscription.account_id)) return false;
    const Settings current = store::settings_of(session, unsubscription.account_id);
    if (unsubscription.scope == UnsubscribeScope::Immediate) {
      store::save_settings(session, unsubscription.account_id, false, current.digest, at);
    } else {
      store::save_settings(session, unsubscription.account_id, current.mail_immediate, DigestFrequency::Never, at);
    }
    return true;
  });
}

// --- mail

std::string Service::item_kind_text(std::string_view language, std::string_view kind) const {
  std::string key = "notifications.kind." + std::string(kind);
  std::replace(key.begin() + static_cast<std::ptrdiff_t>(std::string_view("notifications.kind.").size()), key.end(),
               '.', '_');
  if (!site_.catalog().has(key)) key = "notifications.kind.other";
  return std::string(site_.text(language, key));
}

void Service::add_unsubscribe(mail::Message& message, std::int64_t account_id, UnsubscribeScope scope) const {
  message.headers.emplace_back("List-Unsubscribe", "<" + unsubscribe_url(account_id, scope) + ">");
  message.headers.emplace_back("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
}

namespace {

kainjow::mustache::data item_data(const Item& item, std::string_view language, const std::string& kind_text,
                                  const std::string& url, std::string_view former_member) {
  kainjow::mustache::data data;
  data.set("id", std::to_string(item.id));
  data.set("title", item.title);
  if (!item.excerpt.empty()) data.set("excerpt", item.excerpt);
  data.set("url", url);
  data.set("kind", kind_text);
  data.set("actor", item.actor_id != 0 && !item.actor_name.empty() ? item.actor_name : std::string(former_member));
  if (!item.group_name.empty()) data.set("group", item.group_name);
  data.set("when", events::format_date(item.created_at, kTimezone, language) + ", " +
                       events::format_clock(item.created_at, kTimezone));
  return data;
}

}  // namespace

mail::Message Service::compose_immediate(const http::Viewer& to, const Notification& notification) const {
  const std::string language = language_of(to);
  const Item& item = notification.item;
  const std::string actor =
      item.actor_id != 0 && !item.actor_name.empty() ? item.actor_name
                                                     : std::string(site_.text(language, "notifications.former_member"));
  const std::string reason(to_string(notification.reason));
  kainjow::mustache::data data = item_data(item, language, item_kind_text(language, item.kind), link(item.path),
                                           site_.text(language, "notifications.former_member"));
  data.set("name", to.name);
  data.set("lead", fill(site_.text(language, "notifications.mail.immediate.lead_" + reason), {{"actor", actor}}));
  data.set("unsubscribe_url", unsubscribe_url(to.account_id, UnsubscribeScope::Immediate));
  data.set("settings_url", link(kSettingsPath));
  mail::Message message;
  message.to_address = to.email;
  message.to_name = to.name;
  message.subject = fill(site_.text(language, "notifications.mail.immediate.subject_" + reason),
                         {{"actor", actor}, {"title", item.title}});
  message.text = site_.render(language, "mail/notifications_immediate_text", data);
  message.html = site_.render(language, "mail/notifications_immediate_html", data);
  message.kind = "notifications." + reason;
  add_unsubscribe(message, to.account_id, UnsubscribeScope::Immediate);
  return message;
}

mail::Message Service::compose_digest(const http::Viewer& to, const std::vector<Item>& items, std::size_t more,
                                      DigestFrequency frequency) const {
  const std::string language = language_of(to);
  const std::string former(site_.text(language, "notifications.former_member"));
  // Grouped by group, groups in the order of their newest item, items newest first.
  std::vector<std::string> order;
  std::map<std::string, kainjow::mustache::data> by_group;
  for (const Item& item : items) {
    const std::string name = item.group_name.empty() ? std::string(site_.text(language, "notifications.network_level"))
                                                     : item.group_name;
    if (!by_group.contains(name)) {
      order.push_back(name);
      by_group.emplace(name, kainjow::mustache::data(kainjow::mustache::data::type::list));
    }
    by_group.at(name).push_back(item_data(item, language, item_kind_text(language, item.kind), link(item.path), former));
  }
  kainjow::mustache::data group_list(kainjow::mustache::data::type::list);
  for (const std::string& name : order) {
    kainjow::mustache::data group;
    group.set("group", name);
    group.set("items", by_group.at(name));
    group_list.push_back(group);
  }
  const std::string frequency_name(to_string(frequency));
  kainjow::mustache::data data;
  data.set("name", to.name);
  data.set("groups", group_list);
  data.set("lead", std::string(site_.text(language, "notifications.mail.digest.lead_" + frequency_name)));
  if (more > 0) {
    data.set("more", fill(site_.text(language, "notifications.mail.digest.more"), {{"n", std::to_string(more)}}));
  }
  data.set("home_url", link(kHomePath));
  data.set("unsubscribe_url", unsubscribe_url(to.account_id, UnsubscribeScope::Digest));
  data.set("settings_url", link(kSettingsPath));
  mail::Message message;
  message.to_address = to.email;
  message.to_name = to.name;
  message.subject = fill(site_.text(language, "notifications.mail.digest.subject_" + frequency_name),
                         {{"n", std::to_string(items.size() + more)}});
  message.text = site_.render(language, "mail/notifications_digest_text", data);
  message.html = site_.render(language, "mail/notifications_digest_html", data);
  message.kind = "notifications.digest";
  add_unsubscribe(message, to.account_id, UnsubscribeScope::Digest);
  return message;
}

std::size_t Service::send_immediate_mails() {
  const std::int64_t stale_before = now() - kDay;
  database_.write([&](db::Session& session) { store::skip_stale_mail(session, stale_before); });
  const std::vector<Notification> pending =
      database_.read([](db::Session& session) { return store::pending_mail(session, 100); });
  std::size_t sent = 0;
  for (const Notification& candidate : pending) {
    const bool queued = database_.write([&](db::Session& session) {
      // Everything is asked again here, in the transaction that claims the row.
      const auto notification = store::find_notification(session, candidate.id);
      const auto viewer = active_viewer(session, candidate.account_id);
      bool deliver = notification && !notification->read_at && viewer && mail::is_valid_address(viewer->email) &&
                     store::settings_of(session, candidate.account_id).mail_immediate;
      if (deliver && notification->item.group_id != 0) {
        deliver = groups::access(session, viewer, notification->item.group_id).can_view;
      }
      if (!store::claim_mail(session, candidate.id, deliver ? "sent" : "skipped")) return false;
      if (!deliver) return false;
      mail::enqueue(session, compose_immediate(*viewer, *notification));
      return true;
    });
    if (queued) ++sent;
  }
  return sent;
}

std::size_t Service::send_due_digests() {
  const std::int64_t at = now();
  std::size_t sent = 0;
  for (DigestFrequency frequency : {DigestFrequency::Daily, DigestFrequency::Weekly}) {
    const std::int64_t slot = latest_digest_slot(at, frequency);
    std::int64_t after = 0;
    while (true) {
      const std::vector<std::int64_t> accounts = database_.read([&](db::Session& session) {
        return store::digest_candidates(session, frequency, slot, after, kDigestBatch);
      });
      for (std::int64_t account : accounts) {
        after = account;
        try {
          if (send_digest(account, frequency, slot)) ++sent;
        } catch (const std::exception& error) {
          // One member's trouble must not stop everyone else's digest; the next run tries again.
          spdlog::error("digest for account {} failed: {}", account, error.what());
        }
      }
      if (accounts.size() < kDigestBatch) break;
    }
  }
  return sent;
}

bool Service::send_digest(std::int64_t account_id, DigestFrequency frequency, std::int64_t slot) {
  const std::int64_t at = now();
  const std::int64_t period = frequency == DigestFrequency::Daily ? kDay : 7 * kDay;
  return database_.write([&](db::Session& session) {
    const Settings settings = store::settings_of(session, account_id);
    if (settings.digest != frequency) return false;  // changed since the candidates were read
    // The claim: whoever moves the watermark sends this digest; another instance finds it moved.
    if (!store::claim_digest(session, account_id, slot, at)) return false;
    const auto viewer = active_viewer(session, account_id);
    if (!viewer || !mail::is_valid_address(viewer->email)) return false;

    // What the member may see now, in their groups, since the last digest; never an item sent before.
    store::StreamQuery query;
    query.group_ids = home_groups(session, *viewer);
    query.muting_account = account_id;
    query.excluded_actor = account_id;
    query.created_after = settings.last_digest_at.value_or(slot - period);
    query.created_until = slot;
    query.limit = kDigestFetchLimit;
    std::vector<Item> items;
    for (Item& item : store::stream(session, query)) {
      if (!store::in_a_digest(session, account_id, item.id)) items.push_back(std::move(item));
    }
    if (items.empty()) return false;
    const std::size_t shown = std::min(items.size(), options_.digest_item_limit);
    const std::size_t more = items.size() - shown;
    items.resize(shown);

    const std::int64_t digest_id = store::insert_digest(session, account_id, frequency, *query.created_after, slot, at);
    for (const Item& item : items) store::insert_digest_item(session, account_id, item.id, digest_id);
    const std::int64_t outbox_id = mail::enqueue(session, compose_digest(*viewer, items, more, frequency));
    store::set_digest_outbox(session, digest_id, outbox_id);
    return true;
  });
}

}  // namespace notifications
