#include "events/format.h"

#include <array>
#include <cstdio>

#include "events/recurrence.h"

namespace events {

namespace {

constexpr std::array<std::string_view, 7> kDaysNl = {"zondag",    "maandag", "dinsdag", "woensdag",
                                                     "donderdag", "vrijdag", "zaterdag"};
constexpr std::array<std::string_view, 7> kDaysEn = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                     "Thursday", "Friday", "Saturday"};
constexpr std::array<std::string_view, 12> kMonthsNl = {"januari",   "februari", "maart",    "april",
                                                        "mei",       "juni",     "juli",     "augustus",
                                                        "september", "oktober",  "november", "december"};
constexpr std::array<std::string_view, 12> kMonthsEn = {"January",   "February", "March",    "April",
                                                        "May",       "June",     "July",     "August",
                                                        "September", "October",  "November", "December"};

// Sakamoto's method: 0 = Sunday.
int weekday(int year, int month, int day) {
  static constexpr int offsets[] = {0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4};
  if (month < 3) year -= 1;
  return (year + year / 4 - year / 100 + year / 400 + offsets[month - 1] + day) % 7;
}

LocalTime local_or_utc(std::int64_t utc, std::string_view timezone) {
  if (auto local = to_local(utc, timezone)) return *local;
  return to_local(utc, "UTC").value_or(LocalTime{1970, 1, 1, 0, 0, 0});
}

}  // namespace

std::string format_date(std::int64_t utc, std::string_view timezone, std::string_view language) {
  const LocalTime t = local_or_utc(utc, timezone);
  const bool english = language == "en";
  const auto day_name =
      (english ? kDaysEn : kDaysNl)[static_cast<std::size_t>(weekday(t.year, t.month, t.day))];
  const auto month_name = (english ? kMonthsEn : kMonthsNl)[static_cast<std::size_t>(t.month - 1)];
  return std::string(day_name) + " " + std::to_string(t.day) + " " + std::string(month_name) + " " +
         std::to_string(t.year);
}

std::string format_clock(std::int64_t utc, std::string_view timezone) {
  const LocalTime t = local_or_utc(utc, timezone);
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "%02d:%02d", t.hour, t.minute);
  return buffer;
}

std::string format_span(std::int64_t starts_at, std::int64_t ends_at, std::string_view timezone,
                        std::string_view language) {
  std::string text =
      format_date(starts_at, timezone, language) + ", " + format_clock(starts_at, timezone) + "-";
  if (format_iso_date(starts_at, timezone) != format_iso_date(ends_at, timezone)) {
    text += format_date(ends_at, timezone, language) + ", ";
  }
  return text + format_clock(ends_at, timezone);
}

std::string format_input(std::int64_t utc, std::string_view timezone) {
  return to_iso(local_or_utc(utc, timezone));
}

std::string format_iso_date(std::int64_t utc, std::string_view timezone) {
  return to_iso(local_or_utc(utc, timezone)).substr(0, 10);
}

}  // namespace events
