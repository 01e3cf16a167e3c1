#include "common/clock.h"

#include <gtest/gtest.h>
#include <stdlib.h>

namespace fupin {
namespace {

class ClockTest : public ::testing::Test {
 protected:
  void SetUp() override {
    unsetenv("FUPIN_NOW");
    unsetenv("FUPIN_TODAY");
  }
  void TearDown() override { SetUp(); }
};

TEST_F(ClockTest, InstantsWithAnOffsetAreReadAsUtcSeconds) {
  EXPECT_EQ(*ParseInstant("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(*ParseInstant("1970-01-01T08:00:00+08:00"), 0);
  EXPECT_EQ(*ParseInstant("1970-01-01T08:00+0800"), 0);
  EXPECT_EQ(*ParseInstant("1969-12-31T19:00:00.250-05:00"), 0);
  EXPECT_EQ(*ParseInstant("2026-06-30 09:00:00+08:00"), *ParseInstant("2026-06-30T01:00:00Z"));
}

TEST_F(ClockTest, TimesWithoutAnOffsetOrImpossibleOnesAreRefused) {
  for (const char* bad : {"2026-06-30", "2026-06-30T09:00:00", "2026-02-30T09:00:00Z",
                          "2026-06-30T25:00:00Z", "2026-06-30T09:00:00+8", "now", ""}) {
    Result<int64_t> r = ParseInstant(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, "E_USAGE");
  }
}

TEST_F(ClockTest, FupinNowSetsTheTimeAndTheChinaLocalDate) {
  setenv("FUPIN_NOW", "2026-06-30T23:30:00+08:00", 1);
  EXPECT_TRUE(ClockPinned());
  EXPECT_TRUE(CheckClockEnvironment().ok());
  EXPECT_EQ(FormatUtc(NowSeconds()), "2026-06-30T15:30:00Z");
  EXPECT_EQ(Date::Today().ToString(), "2026-06-30");
  setenv("FUPIN_NOW", "2026-06-30T16:30:00Z", 1);  // 00:30 on 1 July in Beijing
  EXPECT_EQ(Date::Today().ToString(), "2026-07-01");
}

TEST_F(ClockTest, AMalformedFupinNowIsAUsageError) {
  setenv("FUPIN_NOW", "tomorrow", 1);
  Status s = CheckClockEnvironment();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "E_USAGE");
  EXPECT_NE(s.error().en.find("FUPIN_NOW"), std::string::npos);
}

TEST_F(ClockTest, TheOlderFupinTodayPinsNoonOfThatDay) {
  setenv("FUPIN_TODAY", "2026-06-30", 1);
  EXPECT_FALSE(ClockPinned());
  EXPECT_EQ(FormatUtc(NowSeconds()), "2026-06-30T04:00:00Z");
  setenv("FUPIN_NOW", "2027-01-02T10:00:00+08:00", 1);  // FUPIN_NOW wins
  EXPECT_EQ(Date::Today().ToString(), "2027-01-02");
}

}  // namespace
}  // namespace fupin
