// The SQL of campaigns (migration 0015): campaigns, their recipients and the registrations made through
// their links. Each function runs inside the caller's transaction; the rules live in service.cpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "campaigns/types.h"
#include "db/database.h"

namespace campaigns::store {

std::int64_t insert_campaign(db::Session& session, std::int64_t network_id, std::optional<std::int64_t> created_by,
                             const Draft& draft, std::int64_t now);
// Changes a draft; false when the campaign is not (or no longer) a draft.
bool update_draft(db::Session& session, std::int64_t id, const Draft& draft, std::int64_t now);
std::optional<Campaign> find_campaign(db::Session& session, std::int64_t id);
// Locks the row until the transaction ends (PostgreSQL: FOR UPDATE; SQLite has one writer anyway), so
// two instances never hand out the same recipients.
std::optional<Campaign> lock_campaign(db::Session& session, db::Backend backend, std::int64_t id);
std::vector<Campaign> campaigns_of(db::Session& session, std::int64_t network_id);
std::vector<std::int64_t> sending_campaign_ids(db::Session& session);
void set_status(db::Session& session, std::int64_t id, Status status, std::int64_t now);
void set_next_send_ms(db::Session& session, std::int64_t id, std::int64_t next_send_ms);

// Contacts of the network in the segment that may be mailed (not unsubscribed, bounced or "never").
std::int64_t count_audience(db::Session& session, std::int64_t network_id, const Segment& segment);
// Fixes the audience into campaign_recipients (state queued); returns how many.
std::int64_t queue_audience(db::Session& session, std::int64_t campaign_id, std::int64_t network_id,
                            const Segment& segment);

// The next queued recipients in contact order, with what the message needs.
struct Pending {
  std::int64_t contact_id = 0;
  std::string email;
  std::string name;
  std::string town;
  std::string organisation;
  std::string language;
  bool mailable = true;  // not unsubscribed, bounced or "never" by now
};
std::vector<Pending> next_queued(db::Session& session, std::int64_t campaign_id, std::int64_t limit);
// queued -> handed; false when the recipient was no longer queued (nothing to enqueue then).
bool mark_handed(db::Session& session, std::int64_t campaign_id, std::int64_t contact_id, std::int64_t outbox_id,
                 std::int64_t now);
bool mark_skipped(db::Session& session, std::int64_t campaign_id, std::int64_t contact_id, const std::string& reason);
std::int64_t count_queued(db::Session& session, std::int64_t campaign_id);

// The recipient whose message has this outbox id: {campaign id, contact id}, after recording the outcome.
struct Recipient {
  std::int64_t campaign_id = 0;
  std::int64_t contact_id = 0;
  std::int64_t network_id = 0;
};
std::optional<Recipient> record_outcome(db::Session& session, std::int64_t outbox_id, const std::string& outcome,
                                        std::int64_t now);

Progress progress(db::Session& session, std::int64_t campaign_id);

bool is_recipient(db::Session& session, std::int64_t campaign_id, std::int64_t contact_id);
void record_response(db::Session& session, std::int64_t campaign_id, std::int64_t contact_id,
                     const std::string& response, std::int64_t now);
void record_registration(db::Session& session, std::int64_t campaign_id, std::int64_t contact_id,
                         std::int64_t occurrence_id, std::int64_t now);

// One row per contact the campaign (or, with campaign_id 0, any campaign of the network) handed to the
// outbox, with the moments the funnel needs; a contact in several campaigns: earliest moments.
std::vector<FunnelRow> funnel_rows(db::Session& session, std::int64_t network_id, std::int64_t campaign_id);

}  // namespace campaigns::store
