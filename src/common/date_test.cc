#include "common/date.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

namespace fupin {
namespace {

Date D(int y, int m, int d) {
  Result<Date> date = Date::FromYmd(y, m, d);
  EXPECT_TRUE(date.ok()) << y << "-" << m << "-" << d;
  return date.ok() ? *date : Date();
}

std::string Parsed(std::string_view text) {
  Result<Date> date = Date::Parse(text);
  return date.ok() ? date->ToString() : date.error().code;
}

TEST(DateTest, DaysCountFromTheUnixEpoch) {
  EXPECT_EQ(D(1970, 1, 1).days(), 0);
  EXPECT_EQ(D(1970, 1, 2).days(), 1);
  EXPECT_EQ(D(1969, 12, 31).days(), -1);
  EXPECT_EQ(D(2000, 3, 1).days(), 11017);
  EXPECT_EQ(D(2021, 1, 31).days(), 18658);
  EXPECT_EQ(Date::FromDays(18658).ToString(), "2021-01-31");
}

TEST(DateTest, EveryDayRoundTripsThroughYearMonthDay) {
  for (int32_t days = D(1899, 1, 1).days(); days <= D(2101, 1, 1).days(); ++days) {
    Date date = Date::FromDays(days);
    Result<Date> again = Date::FromYmd(date.year(), date.month(), date.day());
    ASSERT_TRUE(again.ok()) << days;
    ASSERT_EQ(again->days(), days);
  }
}

TEST(DateTest, AccessorsGiveTheCalendarDay) {
  Date date = D(1949, 12, 31);
  EXPECT_EQ(date.year(), 1949);
  EXPECT_EQ(date.month(), 12);
  EXPECT_EQ(date.day(), 31);
  EXPECT_EQ(date.ToString(), "1949-12-31");
  EXPECT_EQ(D(5, 3, 7).ToString(), "0005-03-07");
}

TEST(DateTest, LeapYearsFollowTheGregorianRules) {
  EXPECT_TRUE(Date::IsValidYmd(2024, 2, 29));
  EXPECT_TRUE(Date::IsValidYmd(2000, 2, 29));
  EXPECT_FALSE(Date::IsValidYmd(1900, 2, 29));
  EXPECT_FALSE(Date::IsValidYmd(2023, 2, 29));
  EXPECT_FALSE(Date::IsValidYmd(2021, 4, 31));
  EXPECT_FALSE(Date::IsValidYmd(2021, 13, 1));
  EXPECT_FALSE(Date::IsValidYmd(2021, 0, 1));
  EXPECT_FALSE(Date::IsValidYmd(2021, 1, 0));
  EXPECT_FALSE(Date::IsValidYmd(0, 1, 1));
  EXPECT_FALSE(Date::IsValidYmd(10000, 1, 1));
}

TEST(DateTest, FromYmdRefusesDaysThatDoNotExist) {
  Result<Date> date = Date::FromYmd(2021, 2, 30);
  ASSERT_FALSE(date.ok());
  EXPECT_EQ(date.error().code, "E_DATE");
  EXPECT_EQ(date.error().zh, "日期不存在：2021-02-30");
  EXPECT_EQ(date.error().en, "no such date: 2021-02-30");
}

TEST(DateParseTest, TheThreeFormatsAreAccepted) {
  EXPECT_EQ(Parsed("2020-03-05"), "2020-03-05");
  EXPECT_EQ(Parsed("2020/03/05"), "2020-03-05");
  EXPECT_EQ(Parsed("20200305"), "2020-03-05");
}

TEST(DateParseTest, SeparatedFormsAcceptOneDigitMonthAndDay) {
  EXPECT_EQ(Parsed("2020/3/5"), "2020-03-05");
  EXPECT_EQ(Parsed("2020-3-15"), "2020-03-15");
  EXPECT_EQ(Parsed("2020-12-5"), "2020-12-05");
}

TEST(DateParseTest, SurroundingSpacesAreIgnored) {
  EXPECT_EQ(Parsed("  2020-03-05 "), "2020-03-05");
  EXPECT_EQ(Parsed("\t20200305\r\n"), "2020-03-05");
}

TEST(DateParseTest, OtherShapesAreRefused) {
  for (const char* text :
       {"", "2020", "2020-03", "202003051", "2020035", "20-03-05", "02020-03-05", "2020-003-05",
        "2020-03-005", "2020-03/05", "2020.03.05", "2020-03-05T00:00", "2020 03 05", "2020-03-05-",
        "-2020-03-05", "2020--03-05", "2020-3-", "二〇二〇-03-05", "2020-03 -05"}) {
    EXPECT_EQ(Parsed(text), "E_DATE") << text;
  }
}

TEST(DateParseTest, DaysThatDoNotExistAreRefused) {
  EXPECT_EQ(Parsed("2021-02-29"), "E_DATE");
  EXPECT_EQ(Parsed("20210230"), "E_DATE");
  EXPECT_EQ(Parsed("2021/4/31"), "E_DATE");
  EXPECT_EQ(Parsed("2021-00-10"), "E_DATE");
  EXPECT_EQ(Parsed("00000101"), "E_DATE");
  EXPECT_EQ(Parsed("2024-02-29"), "2024-02-29");
}

TEST(DateParseTest, FormatErrorsQuoteTheText) {
  Result<Date> date = Date::Parse("2020.03.05");
  ASSERT_FALSE(date.ok());
  EXPECT_EQ(date.error().zh, "日期格式不正确：2020.03.05（应为 YYYY-MM-DD）");
  EXPECT_EQ(date.error().en, "not a date: 2020.03.05 (expected YYYY-MM-DD)");
}

TEST(DateTodayTest, FupinTodayPinsTheDate) {
  const char* saved = std::getenv("FUPIN_TODAY");
  std::string saved_value = saved ? saved : "";
  setenv("FUPIN_TODAY", "2023-06-15", 1);
  EXPECT_EQ(Date::Today().ToString(), "2023-06-15");
  setenv("FUPIN_TODAY", "not a date", 1);
  EXPECT_GT(Date::Today().year(), 2000);  // ignored: the local date
  unsetenv("FUPIN_TODAY");
  EXPECT_GT(Date::Today().year(), 2000);
  if (saved) setenv("FUPIN_TODAY", saved_value.c_str(), 1);
}

TEST(DateAgeTest, AgeCountsFullYears) {
  Date birth = D(2000, 6, 15);
  EXPECT_EQ(birth.AgeOn(D(2000, 6, 15)), 0);
  EXPECT_EQ(birth.AgeOn(D(2001, 6, 14)), 0);
  EXPECT_EQ(birth.AgeOn(D(2001, 6, 15)), 1);
  EXPECT_EQ(birth.AgeOn(D(2018, 6, 14)), 17);
  EXPECT_EQ(birth.AgeOn(D(2018, 6, 15)), 18);
  EXPECT_EQ(birth.AgeOn(D(2018, 12, 31)), 18);
}

TEST(DateAgeTest, AgeBeforeBirthIsZero) { EXPECT_EQ(D(2000, 6, 15).AgeOn(D(1990, 1, 1)), 0); }

TEST(DateAgeTest, BornOnTwentyNinthFebruaryComesOfAgeOnFirstMarchInCommonYears) {
  Date birth = D(2004, 2, 29);
  EXPECT_EQ(birth.AgeOn(D(2022, 2, 28)), 17);
  EXPECT_EQ(birth.AgeOn(D(2022, 3, 1)), 18);
  EXPECT_EQ(birth.AgeOn(D(2024, 2, 28)), 19);
  EXPECT_EQ(birth.AgeOn(D(2024, 2, 29)), 20);
}

TEST(DateMonthsTest, CountsWholeMonths) {
  EXPECT_EQ(D(2021, 1, 15).MonthsUntil(D(2021, 1, 15)), 0);
  EXPECT_EQ(D(2021, 1, 15).MonthsUntil(D(2021, 2, 14)), 0);
  EXPECT_EQ(D(2021, 1, 15).MonthsUntil(D(2021, 2, 15)), 1);
  EXPECT_EQ(D(2021, 1, 15).MonthsUntil(D(2022, 1, 15)), 12);
  EXPECT_EQ(D(2020, 11, 30).MonthsUntil(D(2021, 2, 1)), 2);
}

TEST(DateMonthsTest, EndOfMonthNeedsTheSameDayOfMonthAgain) {
  EXPECT_EQ(D(2021, 1, 31).MonthsUntil(D(2021, 2, 28)), 0);
  EXPECT_EQ(D(2021, 1, 31).MonthsUntil(D(2021, 3, 1)), 1);
  EXPECT_EQ(D(2021, 1, 31).MonthsUntil(D(2021, 3, 31)), 2);
}

TEST(DateMonthsTest, EarlierDatesGiveNegativeMonths) {
  EXPECT_EQ(D(2021, 3, 1).MonthsUntil(D(2021, 1, 31)), -1);
  EXPECT_EQ(D(2022, 1, 15).MonthsUntil(D(2021, 1, 15)), -12);
  EXPECT_EQ(D(2021, 2, 14).MonthsUntil(D(2021, 1, 15)), 0);
}

TEST(DateTest, DatesCompareInCalendarOrder) {
  EXPECT_LT(D(2020, 12, 31), D(2021, 1, 1));
  EXPECT_EQ(D(2021, 1, 1), Date::FromDays(D(2021, 1, 1).days()));
}

}  // namespace
}  // namespace fupin
