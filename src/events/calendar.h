// iCalendar (RFC 5545) output through libical: the private feed of a member, the public feed of a
// network or group, and the .ics of one occurrence. Each occurrence is one VEVENT with UTC times (no
// RRULE: clients then need no time-zone tables and every change is exact). Never names attendees.
// Thread-safe: every call builds its own libical objects.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "events/types.h"

namespace events {

struct CalendarEntry {
  OccurrenceView view;
  std::optional<Response> response;  // the feed owner's answer: maybe and waiting become TENTATIVE
  std::string url;                   // the occurrence's page
};

// A VCALENDAR (METHOD:PUBLISH) named `name`, with CRLF line endings and folded lines.
std::string build_calendar(std::string_view name, const std::vector<CalendarEntry>& entries,
                           std::int64_t now);

// The UID of an occurrence in every feed: stable across feeds, so a client merges them.
std::string occurrence_uid(std::int64_t occurrence_id);

}  // namespace events
