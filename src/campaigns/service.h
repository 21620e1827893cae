// Recruitment campaigns: coordinators compose a mail-merge message to a segment of their network's
// contacts, test-send it to themselves, and send it through the outbox at their own rate, with pause
// and resume; a background job (send_due) hands recipients to the outbox, each in the transaction
// that marks them handed, so a crash or restart never mails anyone twice from the campaign side.
// Every message carries a personal link (signed with the site's key) where the contact responds,
// registers for the network's meeting, sees what is held about them, has it erased, or unsubscribes
// (also in one click, RFC 8058). The funnel follows them: contacted -> responded -> registered ->
// attended -> member. No HTTP here: the pages (campaigns/routes.h) and the JSON API call this.
//
// Thread-safety: all members may be called from several threads; send_due() claims its work in the
// database (row locks on PostgreSQL), so several instances can run it side by side.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "campaigns/types.h"
#include "db/database.h"
#include "http/request.h"
#include "mail/message.h"
#include "mail/sender.h"
#include "web/site.h"

namespace events {
class Service;
}

namespace campaigns {

// The kinds of outbox mail campaigns queue; the sender paces them by the campaign's own rate
// (mail::SenderOptions::paced_kind_prefix), not by its global per-minute limit.
inline constexpr std::string_view kMailKindPrefix = "campaign.";
inline constexpr std::string_view kMessageKind = "campaign.message";
inline constexpr std::string_view kTestKind = "campaign.test";

enum class Failure { Invalid, NotFound, Forbidden, Conflict };
int http_status(Failure failure);  // 422, 404, 403, 409

// Why something was refused: the field, a catalog key and, for unknown merge fields, the fields.
struct Error {
  Failure failure = Failure::Invalid;
  std::string field;
  std::string message_key;
  std::string detail;  // e.g. "{stad}, {{" for campaigns.error.unknown_fields
};

template <class T>
struct Result {
  std::optional<T> value;
  std::optional<Error> error;
  bool ok() const { return value.has_value(); }
  static Result of(T v) {
    Result r;
    r.value = std::move(v);
    return r;
  }
  static Result fail(Failure failure, std::string field, std::string key, std::string detail = {}) {
    Result r;
    r.error = Error{failure, std::move(field), std::move(key), std::move(detail)};
    return r;
  }
  static Result fail(Error e) {
    Result r;
    r.error = std::move(e);
    return r;
  }
};
struct Done {};

// An occurrence a campaign may invite to: an upcoming, scheduled one of the network's events.
struct OccurrenceChoice {
  std::int64_t id = 0;
  std::string title;
  std::int64_t starts_at = 0;
};

// What the personal page shows.
struct ContactPage {
  LinkTarget target;
  std::string name;
  std::string email;
  std::string language;
  std::string network_name;
  std::optional<std::string> response;  // "interested", "not_now", "never"
  bool unsubscribed = false;
  std::optional<OccurrenceChoice> occurrence;  // the meeting the campaign invites to, when still upcoming
  bool registered = false;
};

struct ServiceOptions {
  std::string public_url = "http://127.0.0.1:8080";  // for the personal links in messages
  std::int64_t batch_size = 200;                     // recipients handed to the outbox per transaction
  // With no rate set, one send_due() keeps handing batches for at most this long.
  std::chrono::milliseconds keep_going_for{2000};
};

class Service {
 public:
  // `can_coordinate`: whether the viewer coordinates the network (administrators too).
  using CoordinatorCheck = std::function<bool(const http::Viewer& viewer, std::int64_t network_id)>;
  Service(db::Database& database, const web::Site& site, events::Service& events, CoordinatorCheck can_coordinate,
          ServiceOptions options);

  void set_public_url(std::string url);
  std::string public_url() const;

  // --- coordinators (every call checks the viewer coordinates the campaign's network)
  Result<std::vector<Campaign>> list(const std::optional<http::Viewer>& viewer, std::int64_t network_id);
  Result<Campaign> find(const std::optional<http::Viewer>& viewer, std::int64_t campaign_id);
  Result<Campaign> create(const std::optional<http::Viewer>& viewer, std::int64_t network_id, const Draft& draft);
  Result<Campaign> update(const std::optional<http::Viewer>& viewer, std::int64_t campaign_id, const Draft& draft);
  // How many contacts the campaign would go to now (or went to, once started).
  Result<std::int64_t> audience_count(const std::optional<http::Viewer>& viewer, std::int64_t campaign_id);
  // The message as the first contact in the audience would get it, mailed to the viewer's own address.
  Result<Done> test_send(const std::optional<http::Viewer>& viewer, std::int64_t campaign_id);
  // Fixes the audience and starts sending; refused (campaigns.error.no_audience) when nobody is in it.
  Result<std::int64_t> start(const std::optional<http::Viewer>& viewer, std::int64_t campaign_id);
  Result<Done> pause(const std::optional<http::Viewer>& viewer, std::int64_t campaign_id);
  Result<Done> resume(const std::optional<http::Viewer>& viewer, std::int64_t campaign_id);
  Result<Progress> progress(const std::optional<http::Viewer>& viewer, std::int64_t campaign_id);
  // campaign_id 0: every campaign of the network together.
  Result<Funnel> funnel(const std::optional<http::Viewer>& viewer, std::int64_t network_id, std::int64_t campaign_id);
  // The funnel as CSV (formula-safe), labels in `language`.
  std::string funnel_csv(const Funnel& funnel, std::string_view language) const;
  std::vector<OccurrenceChoice> upcoming_occurrences(std::int64_t network_id) const;
  // The campaigns of every network the viewer coordinates (the API's list).
  std::vector<Campaign> coordinated_campaigns(const std::optional<http::Viewer>& viewer, const std::vector<std::int64_t>& networks);

  // --- the job
  // Hands due recipients of every sending campaign to the outbox; returns how many were handed.
  std::int64_t send_due(std::int64_t now_ms);
  // What the outbox sender reports for campaign mail (set as its outcome listener).
  void on_delivery(db::Session& session, const mail::DeliveryOutcome& outcome, std::int64_t now) const;

  // --- the personal link
  std::string link_token(std::int64_t contact_id, std::int64_t campaign_id) const;
  std::string personal_url(std::int64_t contact_id, std::int64_t campaign_id) const;
  // Nothing when the token is malformed, its signature does not match, or the contact is gone.
  std::optional<LinkTarget> verify(std::string_view token) const;
  std::optional<ContactPage> contact_page(const LinkTarget& target) const;
  Result<Done> respond(const LinkTarget& target, std::string_view response);
  // Registers the contact for the campaign's meeting through events' non-member registration (they
  // confirm through the link events mails them) and records it for the funnel.
  Result<Done> register_for_event(const LinkTarget& target, std::string_view name);
  bool unsubscribe(const LinkTarget& target);
  nlohmann::json export_data(const LinkTarget& target) const;
  bool erase(const LinkTarget& target);

  // The message one contact gets (public for the benchmark and tests).
  mail::Message compose(const Campaign& campaign, std::int64_t contact_id, const std::string& email,
                        const std::string& name, const std::string& town, const std::string& organisation,
                        bool test) const;

 private:
  bool coordinates(const std::optional<http::Viewer>& viewer, std::int64_t network_id) const;
  Result<Campaign> coordinated(const std::optional<http::Viewer>& viewer, std::int64_t campaign_id);
  std::optional<Error> validate(db::Session& session, std::int64_t network_id, const Draft& draft) const;
  std::int64_t send_campaign(std::int64_t campaign_id, std::int64_t now_ms);
  // Moves a campaign from `from` to `to` under its row lock; refused with `refusal` in any other state.
  Result<Done> change_status(const std::optional<http::Viewer>& viewer, std::int64_t campaign_id, Status from,
                             Status to, const char* refusal);

  db::Database& database_;
  const web::Site& site_;
  events::Service& events_;
  CoordinatorCheck can_coordinate_;
  ServiceOptions options_;
  mutable std::mutex url_mutex_;
};

}  // namespace campaigns
