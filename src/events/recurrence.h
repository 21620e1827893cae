// Recurrence through libical: a rule (RRULE), a first start in wall-clock time, a duration and
// skipped dates expand into occurrences with UTC times, correct across summer and winter time.
//
// The bounds, decided once: a rule must end (UNTIL or COUNT) within kMaxSeriesYears of its first
// start and make at most kMaxOccurrences occurrences; anything else is refused with a message, never
// silently cut. Occurrences are expanded lazily up to a horizon (events::kHorizonSeconds ahead).
//
// Thread-safe: each call builds its own libical objects; time zones load once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace events {

inline constexpr int kMaxSeriesYears = 5;
inline constexpr std::size_t kMaxOccurrences = 1000;
inline constexpr std::size_t kMaxRuleLength = 300;

// A wall-clock date and time (no zone), e.g. 2024-09-03 07:30.
struct LocalTime {
  int year = 0;
  int month = 0;
  int day = 0;
  int hour = 0;
  int minute = 0;
  int second = 0;
  auto operator<=>(const LocalTime&) const = default;
};

// Accepts "2024-09-03T07:30", "2024-09-03T07:30:00", "2024-09-03 07:30" and "20240903T073000".
// Nothing for anything else or an impossible date (2024-02-30).
std::optional<LocalTime> parse_local_time(std::string_view text);
std::string to_iso(const LocalTime& time);   // "2024-09-03T07:30"
std::string to_ical(const LocalTime& time);  // "20240903T073000"

// UTC seconds of a wall-clock time in `timezone` (an Olson name). A time that does not exist (the
// hour skipped in spring) moves forward by the gap; an ambiguous one (autumn) takes the first.
// Nothing for an unknown zone.
std::optional<std::int64_t> to_utc(const LocalTime& time, std::string_view timezone);
// The wall-clock time in `timezone` of a UTC instant.
std::optional<LocalTime> to_local(std::int64_t utc, std::string_view timezone);
bool is_known_timezone(std::string_view timezone);

// Why a rule was refused: a catalog key under "events.error.".
enum class RuleError {
  Malformed,  // not an RRULE libical understands, or too long
  NeverEnds,  // no UNTIL or COUNT
  TooLong,    // ends more than kMaxSeriesYears after the first start
  TooMany,    // makes more than kMaxOccurrences
  UnknownZone,
  NoOccurrence,  // the rule (minus skipped dates) yields nothing
};
std::string_view message_key(RuleError error);  // "events.error.rule_never_ends", ...

struct Instance {
  std::string recurrence_id;  // the rule's local start, "20240903T073000"
  LocalTime local;
  std::int64_t starts_at = 0;  // UTC
  std::int64_t ends_at = 0;
  bool operator==(const Instance&) const = default;
};

struct Rule {
  std::string rrule;  // "" for a single event
  LocalTime start;
  std::int64_t duration_minutes = 60;
  std::vector<LocalTime> exdates;
  std::string timezone = "Europe/Amsterdam";
};

// Checks the rule against the bounds above and returns every occurrence it makes (skipped dates
// left out), in order. A single event (empty rrule) makes exactly one.
struct Expansion {
  std::vector<Instance> instances;
  std::optional<RuleError> error;
  bool ok() const { return !error.has_value(); }
};
Expansion expand(const Rule& rule);

// The occurrences that start in [from, until) (UTC), for a rule already checked by expand().
std::vector<Instance> expand_between(const Rule& rule, std::int64_t from, std::int64_t until);

}  // namespace events
