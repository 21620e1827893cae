// Recurrence through libical: wall-clock times in Europe/Amsterdam across both daylight-saving
// changes, skipped dates, and the bounds on rules (never-ending, too long, too many).
#include <gtest/gtest.h>

#include "events/format.h"
#include "events/recurrence.h"

namespace {

using events::expand;
using events::LocalTime;
using events::Rule;
using events::RuleError;

// 2024: summer time starts Sunday 31 March (02:00 CET -> 03:00 CEST) and ends Sunday 27 October
// (03:00 CEST -> 02:00 CET). Expected values computed by hand: CET = UTC+1, CEST = UTC+2.
constexpr std::int64_t k2024_03_26_0630Z = 1711434600;  // Tue 26 March 07:30 CET
constexpr std::int64_t k2024_04_09_0530Z = 1712640600;  // Tue 9 April 07:30 CEST
constexpr std::int64_t k2024_10_22_0530Z = 1729575000;  // Tue 22 October 07:30 CEST
constexpr std::int64_t k2024_11_05_0630Z = 1730788200;  // Tue 5 November 07:30 CET

Rule breakfast(std::string rrule) {
  Rule rule;
  rule.rrule = std::move(rrule);
  rule.start = LocalTime{2024, 3, 26, 7, 30, 0};
  rule.duration_minutes = 90;
  return rule;
}

TEST(EventsRecurrence, BiweeklyBreakfastKeepsItsWallClockTimeAcrossTheSpringChange) {
  const auto expansion = expand(breakfast("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=2"));
  ASSERT_TRUE(expansion.ok());
  ASSERT_EQ(expansion.instances.size(), 2u);
  EXPECT_EQ(expansion.instances[0].starts_at, k2024_03_26_0630Z);
  EXPECT_EQ(expansion.instances[1].starts_at, k2024_04_09_0530Z);
  EXPECT_EQ(expansion.instances[1].ends_at - expansion.instances[1].starts_at, 90 * 60);
  EXPECT_EQ(expansion.instances[1].recurrence_id, "20240409T073000");
  EXPECT_EQ(events::format_clock(expansion.instances[1].starts_at, "Europe/Amsterdam"), "07:30");
}

TEST(EventsRecurrence, BiweeklyBreakfastKeepsItsWallClockTimeAcrossTheAutumnChange) {
  Rule rule = breakfast("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;UNTIL=20241106T000000Z");
  rule.start = LocalTime{2024, 10, 22, 7, 30, 0};
  const auto expansion = expand(rule);
  ASSERT_TRUE(expansion.ok());
  ASSERT_EQ(expansion.instances.size(), 2u);
  EXPECT_EQ(expansion.instances[0].starts_at, k2024_10_22_0530Z);
  EXPECT_EQ(expansion.instances[1].starts_at, k2024_11_05_0630Z);
  EXPECT_EQ(events::format_clock(expansion.instances[1].starts_at, "Europe/Amsterdam"), "07:30");
}

TEST(EventsRecurrence, AYearOfBreakfastsHasTwentySixOccurrencesEachAtHalfPastSevenLocal) {
  const auto expansion = expand(breakfast("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=26"));
  ASSERT_TRUE(expansion.ok());
  ASSERT_EQ(expansion.instances.size(), 26u);
  for (const auto& instance : expansion.instances) {
    EXPECT_EQ(events::format_clock(instance.starts_at, "Europe/Amsterdam"), "07:30")
        << instance.recurrence_id;
    EXPECT_EQ(events::format_clock(instance.ends_at, "Europe/Amsterdam"), "09:00") << instance.recurrence_id;
  }
}

TEST(EventsRecurrence, FourSaturdaysAYearFallOnTheSecondSaturdayOfEveryThirdMonth) {
  Rule rule;
  rule.rrule = "FREQ=MONTHLY;INTERVAL=3;BYDAY=2SA;COUNT=4";
  rule.start = LocalTime{2025, 3, 8, 9, 30, 0};
  rule.duration_minutes = 7 * 60;
  const auto expansion = expand(rule);
  ASSERT_TRUE(expansion.ok());
  std::vector<std::string> days;
  for (const auto& instance : expansion.instances)
    days.push_back(events::format_iso_date(instance.starts_at, "Europe/Amsterdam"));
  EXPECT_EQ(days, (std::vector<std::string>{"2025-03-08", "2025-06-14", "2025-09-13", "2025-12-13"}));
}

TEST(EventsRecurrence, SkippedDatesAreLeftOut) {
  Rule rule = breakfast("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=3");
  rule.exdates = {LocalTime{2024, 4, 9, 7, 30, 0}};
  const auto expansion = expand(rule);
  ASSERT_TRUE(expansion.ok());
  ASSERT_EQ(expansion.instances.size(), 2u);
  EXPECT_EQ(expansion.instances[0].recurrence_id, "20240326T073000");
  EXPECT_EQ(expansion.instances[1].recurrence_id, "20240423T073000");
}

TEST(EventsRecurrence, ARuleThatNeverEndsIsRefused) {
  const auto expansion = expand(breakfast("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"));
  ASSERT_FALSE(expansion.ok());
  EXPECT_EQ(*expansion.error, RuleError::NeverEnds);
  EXPECT_EQ(events::message_key(*expansion.error), "events.error.rule_never_ends");
}

TEST(EventsRecurrence, ARuleWithAHundredThousandOccurrencesIsRefused) {
  auto expansion = expand(breakfast("FREQ=MINUTELY;COUNT=100000"));
  ASSERT_FALSE(expansion.ok());
  EXPECT_EQ(*expansion.error, RuleError::TooMany);
  // The same number reached through UNTIL instead of COUNT.
  expansion = expand(breakfast("FREQ=HOURLY;UNTIL=20260101T000000Z"));
  ASSERT_FALSE(expansion.ok());
  EXPECT_EQ(*expansion.error, RuleError::TooMany);
}

TEST(EventsRecurrence, ARuleRunningPastFiveYearsIsRefused) {
  auto expansion = expand(breakfast("FREQ=YEARLY;UNTIL=20340101T000000Z"));
  ASSERT_FALSE(expansion.ok());
  EXPECT_EQ(*expansion.error, RuleError::TooLong);
  expansion = expand(breakfast("FREQ=MONTHLY;COUNT=100"));  // 100 months: 8 years
  ASSERT_FALSE(expansion.ok());
  EXPECT_EQ(*expansion.error, RuleError::TooLong);
  EXPECT_TRUE(expand(breakfast("FREQ=MONTHLY;COUNT=60")).ok());
}

TEST(EventsRecurrence, MalformedRulesAreRefusedNotGuessed) {
  for (const char* text :
       {"FREQ=SOMETIMES;COUNT=3", "hello", "FREQ=WEEKLY;COUNT=3\nDTSTART:2020", "RRULE:FREQ=DAILY"}) {
    const auto expansion = expand(breakfast(text));
    ASSERT_FALSE(expansion.ok()) << text;
    EXPECT_EQ(*expansion.error, RuleError::Malformed) << text;
  }
}

TEST(EventsRecurrence, AnUnknownTimeZoneIsRefused) {
  Rule rule = breakfast("");
  rule.timezone = "Europe/Atlantis";
  const auto expansion = expand(rule);
  ASSERT_FALSE(expansion.ok());
  EXPECT_EQ(*expansion.error, RuleError::UnknownZone);
}

TEST(EventsRecurrence, ASingleEventMakesOneOccurrence) {
  const auto expansion = expand(breakfast(""));
  ASSERT_TRUE(expansion.ok());
  ASSERT_EQ(expansion.instances.size(), 1u);
  EXPECT_EQ(expansion.instances[0].starts_at, k2024_03_26_0630Z);
}

TEST(EventsRecurrence, LocalTimesParseInEveryAcceptedSpellingAndRejectImpossibleDates) {
  const LocalTime expected{2024, 9, 3, 7, 30, 0};
  for (const char* text :
       {"2024-09-03T07:30", "2024-09-03 07:30", "2024-09-03T07:30:00", "20240903T073000"}) {
    const auto parsed = events::parse_local_time(text);
    ASSERT_TRUE(parsed) << text;
    EXPECT_EQ(*parsed, expected) << text;
  }
  for (const char* text :
       {"2024-02-30T07:30", "2024-13-01T07:30", "2024-09-03T25:00", "gisteren", "", "2024-09-03"}) {
    EXPECT_FALSE(events::parse_local_time(text)) << text;
  }
}

TEST(EventsRecurrence, TheSkippedSpringHourMovesForward) {
  // 31 March 2024 02:30 does not exist in Amsterdam; it becomes 03:30 CEST (01:30 UTC).
  const auto utc = events::to_utc(LocalTime{2024, 3, 31, 2, 30, 0}, "Europe/Amsterdam");
  ASSERT_TRUE(utc);
  EXPECT_EQ(events::format_clock(*utc, "Europe/Amsterdam"), "03:30");
}

TEST(EventsFormat, DatesReadNaturallyInDutchAndEnglish) {
  EXPECT_EQ(events::format_date(k2024_04_09_0530Z, "Europe/Amsterdam", "nl"), "dinsdag 9 april 2024");
  EXPECT_EQ(events::format_date(k2024_04_09_0530Z, "Europe/Amsterdam", "en"), "Tuesday 9 April 2024");
  EXPECT_EQ(events::format_span(k2024_04_09_0530Z, k2024_04_09_0530Z + 5400, "Europe/Amsterdam", "nl"),
            "dinsdag 9 april 2024, 07:30-09:00");
}

}  // namespace
