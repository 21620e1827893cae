#include "events/recurrence.h"

#include <libical/ical.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <mutex>

namespace events {

namespace {

// libical aborts on errors when told to; we read its answers instead. Done once, before any use.
void init_libical() {
  static std::once_flag once;
  std::call_once(once, [] { icalerror_set_errors_are_fatal(0); });
}

// The builtin (system tzdata) zone, loaded once per name under libical's own lock.
icaltimezone* zone_for(std::string_view name) {
  init_libical();
  if (name.empty() || name.size() > 64) return nullptr;
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  return icaltimezone_get_builtin_timezone(std::string(name).c_str());
}

bool read_number(std::string_view text, int& out) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

bool valid(const LocalTime& t) {
  if (t.year < 1970 || t.year > 2200 || t.month < 1 || t.month > 12 || t.day < 1) return false;
  if (t.hour < 0 || t.hour > 23 || t.minute < 0 || t.minute > 59 || t.second < 0 || t.second > 59)
    return false;
  return t.day <= icaltime_days_in_month(t.month, t.year);
}

icaltimetype to_icaltime(const LocalTime& t) {
  icaltimetype result = icaltime_null_time();
  result.year = t.year;
  result.month = t.month;
  result.day = t.day;
  result.hour = t.hour;
  result.minute = t.minute;
  result.second = t.second;
  result.is_date = 0;
  return result;
}

LocalTime from_icaltime(const icaltimetype& t) {
  return LocalTime{t.year, t.month, t.day, t.hour, t.minute, t.second};
}

std::int64_t seconds_of(const LocalTime& t) {
  return ((static_cast<std::int64_t>(t.hour) * 60 + t.minute) * 60 + t.second) +
         static_cast<std::int64_t>(t.day) * 86400;
}

// UTC of a wall-clock time. libical places a time inside the spring gap (02:30 on the last Sunday
// of March) an hour early; we move it forward by the gap instead, as people expect ("03:30").
std::int64_t utc_of(const icaltimetype& local, icaltimezone* zone) {
  auto utc = static_cast<std::int64_t>(icaltime_as_timet_with_zone(local, zone));
  const LocalTime back = from_icaltime(icaltime_from_timet_with_zone(static_cast<time_t>(utc), 0, zone));
  const LocalTime wanted = from_icaltime(local);
  if (back != wanted && back.year == wanted.year && back.month == wanted.month) {
    const std::int64_t gap = seconds_of(wanted) - seconds_of(back);
    if (gap > 0 && gap <= 2 * 3600) utc += gap;
  }
  return utc;
}

// The rule's UNTIL as a wall-clock time (UNTIL in UTC is converted to the zone first).
LocalTime until_local(const icalrecurrencetype& recur, icaltimezone* zone) {
  icaltimetype until = recur.until;
  if (until.is_date) {
    until.is_date = 0;
    until.hour = 23;
    until.minute = 59;
    until.second = 59;
  } else if (icaltime_is_utc(until)) {
    until = icaltime_convert_to_zone(until, zone);
  }
  return from_icaltime(until);
}

struct Walk {
  std::vector<Instance> instances;
  bool too_many = false;
};

// Walks the rule from its start, keeping instances in [from, until) and stopping at `limit` kept
// instances plus one (so the caller can tell "more than limit").
Walk walk(const Rule& rule, icaltimezone* zone, std::int64_t from, std::int64_t until, std::size_t limit) {
  Walk result;
  const icaltimetype start = to_icaltime(rule.start);
  const std::int64_t duration = rule.duration_minutes * 60;
  auto keep = [&](const icaltimetype& local) {
    const LocalTime wall = from_icaltime(local);
    if (std::find(rule.exdates.begin(), rule.exdates.end(), wall) != rule.exdates.end()) return true;
    const std::int64_t utc = utc_of(local, zone);
    if (utc >= until) return false;
    if (utc < from) return true;
    if (result.instances.size() >= limit) {
      result.too_many = true;
      return false;
    }
    result.instances.push_back(Instance{to_ical(wall), wall, utc, utc + duration});
    return true;
  };
  if (rule.rrule.empty()) {
    keep(start);
    return result;
  }
  icalrecurrencetype recur = icalrecurrencetype_from_string(rule.rrule.c_str());
  icalrecur_iterator* iterator = icalrecur_iterator_new(recur, start);
  if (iterator == nullptr) return result;
  // Every rule was bounded by expand(); the step cap guards a caller that skipped it.
  for (std::size_t steps = 0; steps < 100000; ++steps) {
    icaltimetype next = icalrecur_iterator_next(iterator);
    if (icaltime_is_null_time(next)) break;
    if (!keep(next)) break;
  }
  icalrecur_iterator_free(iterator);
  return result;
}

}  // namespace

std::optional<LocalTime> parse_local_time(std::string_view text) {
  LocalTime t;
  auto part = [&](std::size_t at, std::size_t length, int& out) {
    return at + length <= text.size() && read_number(text.substr(at, length), out);
  };
  bool ok = false;
  if (text.size() == 15 && text[8] == 'T') {
    ok = part(0, 4, t.year) && part(4, 2, t.month) && part(6, 2, t.day) && part(9, 2, t.hour) &&
         part(11, 2, t.minute) && part(13, 2, t.second);
  } else if ((text.size() == 16 || text.size() == 19) && text[4] == '-' && text[7] == '-' &&
             (text[10] == 'T' || text[10] == ' ') && text[13] == ':') {
    ok = part(0, 4, t.year) && part(5, 2, t.month) && part(8, 2, t.day) && part(11, 2, t.hour) &&
         part(14, 2, t.minute);
    if (ok && text.size() == 19) ok = text[16] == ':' && part(17, 2, t.second);
  }
  if (!ok || !valid(t)) return std::nullopt;
  return t;
}

std::string to_iso(const LocalTime& t) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d", t.year, t.month, t.day, t.hour, t.minute);
  return buffer;
}

std::string to_ical(const LocalTime& t) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%04d%02d%02dT%02d%02d%02d", t.year, t.month, t.day, t.hour, t.minute,
                t.second);
  return buffer;
}

bool is_known_timezone(std::string_view timezone) { return zone_for(timezone) != nullptr; }

std::optional<std::int64_t> to_utc(const LocalTime& time, std::string_view timezone) {
  icaltimezone* zone = zone_for(timezone);
  if (zone == nullptr || !valid(time)) return std::nullopt;
  return utc_of(to_icaltime(time), zone);
}

std::optional<LocalTime> to_local(std::int64_t utc, std::string_view timezone) {
  icaltimezone* zone = zone_for(timezone);
  if (zone == nullptr) return std::nullopt;
  return from_icaltime(icaltime_from_timet_with_zone(static_cast<time_t>(utc), 0, zone));
}

std::string_view message_key(RuleError error) {
  switch (error) {
    case RuleError::Malformed:
      return "events.error.rule_malformed";
    case RuleError::NeverEnds:
      return "events.error.rule_never_ends";
    case RuleError::TooLong:
      return "events.error.rule_too_long";
    case RuleError::TooMany:
      return "events.error.rule_too_many";
    case RuleError::UnknownZone:
      return "events.error.unknown_timezone";
    case RuleError::NoOccurrence:
      return "events.error.rule_no_occurrence";
  }
  return "events.error.rule_malformed";
}

Expansion expand(const Rule& rule) {
  Expansion result;
  icaltimezone* zone = zone_for(rule.timezone);
  if (zone == nullptr) {
    result.error = RuleError::UnknownZone;
    return result;
  }
  if (!valid(rule.start) || rule.rrule.size() > kMaxRuleLength) {
    result.error = RuleError::Malformed;
    return result;
  }
  if (!rule.rrule.empty()) {
    // Our own text is the only input: no line breaks, no "RRULE:" prefix, plain ASCII.
    const bool plain = std::all_of(rule.rrule.begin(), rule.rrule.end(), [](char c) {
      return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '=' || c == ';' || c == ',' ||
             c == '-' || c == '+';
    });
    icalerror_clear_errno();
    icalrecurrencetype recur = icalrecurrencetype_from_string(rule.rrule.c_str());
    if (!plain || recur.freq == ICAL_NO_RECURRENCE || icalerrno != ICAL_NO_ERROR) {
      icalerror_clear_errno();
      result.error = RuleError::Malformed;
      return result;
    }
    const bool has_until = !icaltime_is_null_time(recur.until);
    if (!has_until && recur.count <= 0) {
      result.error = RuleError::NeverEnds;
      return result;
    }
    LocalTime latest = rule.start;
    latest.year += kMaxSeriesYears;
    if (latest.month == 2 && latest.day == 29) latest.day = 28;
    if (has_until && until_local(recur, zone) > latest) {
      result.error = RuleError::TooLong;
      return result;
    }
    if (recur.count > static_cast<int>(kMaxOccurrences)) {
      result.error = RuleError::TooMany;
      return result;
    }
    // COUNT rules may still run past the five years (COUNT=1000 weekly): the walk stops there.
    const auto until = to_utc(latest, rule.timezone).value_or(0) + 1;
    Walk walked = walk(rule, zone, INT64_MIN, until, kMaxOccurrences);
    if (walked.too_many) {
      result.error = RuleError::TooMany;
      return result;
    }
    if (!has_until) {
      // Does the COUNT rule end inside the window? Ask for one more beyond it.
      Walk beyond = walk(rule, zone, until, INT64_MAX, 1);
      if (!beyond.instances.empty()) {
        result.error = RuleError::TooLong;
        return result;
      }
    }
    result.instances = std::move(walked.instances);
  } else {
    result.instances = walk(rule, zone, INT64_MIN, INT64_MAX, 1).instances;
  }
  if (result.instances.empty()) result.error = RuleError::NoOccurrence;
  return result;
}

std::vector<Instance> expand_between(const Rule& rule, std::int64_t from, std::int64_t until) {
  icaltimezone* zone = zone_for(rule.timezone);
  if (zone == nullptr) return {};
  return walk(rule, zone, from, until, kMaxOccurrences).instances;
}

}  // namespace events
