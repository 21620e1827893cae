// The data of recruitment campaigns: a mail-merge message to a segment of a network's contacts, its
// recipients' progress through the outbox, and the funnel that follows them to membership.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace campaigns {

enum class Status { Draft, Sending, Paused, Done };
std::string_view to_string(Status status);  // "draft", "sending", "paused", "done"
Status status_from(std::string_view text);  // unknown text reads as Draft

// Which contacts a campaign goes to; an empty field matches every contact.
struct Segment {
  std::string region;
  std::string town;
  std::string discipline;
  std::string source;
  bool only_not_responded = false;
};

// What a coordinator writes.
struct Draft {
  std::string name;      // for the coordinators' list, never sent
  std::string subject;   // with merge fields
  std::string body;      // Markdown with merge fields (campaigns/merge.h)
  std::string language = "nl";
  Segment segment;
  std::optional<std::int64_t> occurrence_id;  // the meeting the message invites to
  std::int64_t rate_per_minute = 0;           // 0: no limit of its own
};

struct Campaign {
  std::int64_t id = 0;
  std::int64_t network_id = 0;
  std::optional<std::int64_t> created_by;
  Draft draft;
  Status status = Status::Draft;
  std::int64_t next_send_ms = 0;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
  std::optional<std::int64_t> started_at;
  std::optional<std::int64_t> finished_at;
};

// Where a campaign's recipients are.
struct Progress {
  std::int64_t total = 0;    // fixed when sending started
  std::int64_t queued = 0;   // not yet handed to the outbox
  std::int64_t handed = 0;   // in the outbox, not delivered yet
  std::int64_t sent = 0;     // accepted by the mail server
  std::int64_t failed = 0;   // given up after retries
  std::int64_t bounced = 0;  // refused by the mail server: the contact is marked bounced
  std::int64_t skipped = 0;  // unsubscribed, bounced or suppressed by the time their turn came
};

// One step of the funnel: contacted -> responded -> registered -> attended -> member.
struct FunnelStep {
  std::string key;  // "contacted", "responded", "registered", "attended", "member"
  std::int64_t count = 0;
  double rate = 1.0;                             // of the previous step (the first: 1)
  std::optional<std::int64_t> median_seconds;    // from the previous step, for those who took both
};
struct Funnel {
  std::vector<FunnelStep> steps;
};

// One recipient's moments for the funnel (unix seconds; nothing where they did not get that far).
struct FunnelRow {
  std::int64_t contact_id = 0;
  std::int64_t contacted_at = 0;
  std::optional<std::int64_t> responded_at;
  std::optional<std::int64_t> registered_at;
  std::optional<std::int64_t> attended_at;
  std::optional<std::int64_t> member_at;
};

// What a personal link names.
struct LinkTarget {
  std::int64_t contact_id = 0;
  std::int64_t campaign_id = 0;
};

}  // namespace campaigns
