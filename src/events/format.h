// Dates and times of events as people read them, in the viewer's language and the event's time zone:
// "dinsdag 3 september 2024" / "Tuesday 3 September 2024", "07:30". Thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace events {

std::string format_date(std::int64_t utc, std::string_view timezone, std::string_view language);
std::string format_clock(std::int64_t utc, std::string_view timezone);  // "07:30"
// "dinsdag 3 september 2024, 07:30-09:00"
std::string format_span(std::int64_t starts_at, std::int64_t ends_at, std::string_view timezone,
                        std::string_view language);
// For <input type="datetime-local">: "2024-09-03T07:30".
std::string format_input(std::int64_t utc, std::string_view timezone);
// "2024-09-03" (for the agenda's day headings and the API).
std::string format_iso_date(std::int64_t utc, std::string_view timezone);

}  // namespace events
