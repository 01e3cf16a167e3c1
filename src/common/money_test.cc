#include "common/money.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace fupin {
namespace {

int64_t ParsedFen(std::string_view text) {
  Result<Money> money = Money::Parse(text);
  EXPECT_TRUE(money.ok()) << text << ": " << (money.ok() ? "" : money.error().en);
  return money.ok() ? money->fen() : INT64_MIN;
}

std::string ParseErrorCode(std::string_view text) {
  Result<Money> money = Money::Parse(text);
  return money.ok() ? "ok" : money.error().code;
}

TEST(MoneyParseTest, PlainAndDecimalAmountsAreAccepted) {
  EXPECT_EQ(ParsedFen("1234"), 123400);
  EXPECT_EQ(ParsedFen("1234.5"), 123450);
  EXPECT_EQ(ParsedFen("1234.50"), 123450);
  EXPECT_EQ(ParsedFen("0.05"), 5);
  EXPECT_EQ(ParsedFen("0"), 0);
  EXPECT_EQ(ParsedFen("007"), 700);
}

TEST(MoneyParseTest, SignsAreAccepted) {
  EXPECT_EQ(ParsedFen("-3.20"), -320);
  EXPECT_EQ(ParsedFen("+3.20"), 320);
  EXPECT_EQ(ParsedFen("-0.05"), -5);
  EXPECT_EQ(ParsedFen("-0"), 0);
}

TEST(MoneyParseTest, LeadingPointIsAccepted) {
  EXPECT_EQ(ParsedFen(".5"), 50);
  EXPECT_EQ(ParsedFen("-.05"), -5);
}

TEST(MoneyParseTest, SurroundingSpacesAreIgnored) {
  EXPECT_EQ(ParsedFen("  12.30 "), 1230);
  EXPECT_EQ(ParsedFen("\t-1\r\n"), -100);
}

TEST(MoneyParseTest, WellPlacedThousandsSeparatorsAreAccepted) {
  EXPECT_EQ(ParsedFen("1,234.50"), 123450);
  EXPECT_EQ(ParsedFen("12,345"), 1234500);
  EXPECT_EQ(ParsedFen("123,456,789.01"), 12345678901);
  EXPECT_EQ(ParsedFen("-1,000"), -100000);
}

TEST(MoneyParseTest, MisplacedThousandsSeparatorsAreRefused) {
  for (const char* text : {"12,34", "1234,567", ",123", "1,", "1,,234", "1,2345", "1,234,56"}) {
    EXPECT_EQ(ParseErrorCode(text), "E_NUMBER") << text;
  }
}

TEST(MoneyParseTest, ThreeDecimalsAreRefusedWithBothMessages) {
  Result<Money> money = Money::Parse("1.234");
  ASSERT_FALSE(money.ok());
  EXPECT_EQ(money.error().code, "E_NUMBER");
  EXPECT_EQ(money.error().zh, "金额最多两位小数：1.234");
  EXPECT_EQ(money.error().en, "at most 2 decimals in an amount: 1.234");
  EXPECT_EQ(ParseErrorCode("1.230"), "E_NUMBER");
}

TEST(MoneyParseTest, TextThatIsNoAmountIsRefused) {
  for (const char* text : {"", "   ", "-", "+", ".", "1.", "-.", "abc", "1a", "1.2.3", "1 000",
                           "--1", "+-1", "1e5", ",", "１２"}) {
    EXPECT_EQ(ParseErrorCode(text), "E_NUMBER") << text;
  }
}

TEST(MoneyParseTest, AmountsBeyondTenToTheFifteenYuanAreRefused) {
  EXPECT_EQ(ParsedFen("1000000000000000"), 100'000'000'000'000'000);
  EXPECT_EQ(ParsedFen("-1,000,000,000,000,000.00"), -100'000'000'000'000'000);
  EXPECT_EQ(ParseErrorCode("1000000000000000.01"), "E_NUMBER");
  EXPECT_EQ(ParseErrorCode("-1000000000000001"), "E_NUMBER");
  EXPECT_EQ(ParseErrorCode("99999999999999999999999999"), "E_NUMBER");
}

TEST(MoneyToStringTest, ShowsExactlyTwoDecimals) {
  EXPECT_EQ(Money::FromFen(123450).ToString(), "1234.50");
  EXPECT_EQ(Money::FromFen(-5).ToString(), "-0.05");
  EXPECT_EQ(Money::FromFen(0).ToString(), "0.00");
  EXPECT_EQ(Money::FromYuan(7).ToString(), "7.00");
  EXPECT_EQ(Money::FromFen(-123456789).ToString(), "-1234567.89");
}

TEST(MoneyToStringTest, GroupedStringSeparatesThousands) {
  EXPECT_EQ(Money::FromYuan(1234567).ToGroupedString(), "1,234,567.00");
  EXPECT_EQ(Money::FromFen(123450).ToGroupedString(), "1,234.50");
  EXPECT_EQ(Money::FromFen(99999).ToGroupedString(), "999.99");
  EXPECT_EQ(Money::FromFen(100000).ToGroupedString(), "1,000.00");
  EXPECT_EQ(Money::FromFen(-100000000).ToGroupedString(), "-1,000,000.00");
  EXPECT_EQ(Money::FromFen(0).ToGroupedString(), "0.00");
}

TEST(MoneyToStringTest, ExtremeValuesDoNotOverflow) {
  EXPECT_EQ(Money::FromFen(INT64_MIN).ToString(), "-92233720368547758.08");
  EXPECT_EQ(Money::FromFen(INT64_MAX).ToGroupedString(), "92,233,720,368,547,758.07");
}

TEST(MoneyToStringTest, ParsingWhatIsPrintedGivesTheSameAmount) {
  for (int64_t fen : {0LL, 1LL, -1LL, 99LL, 100LL, 123456789LL, -987654321012LL}) {
    Money money = Money::FromFen(fen);
    EXPECT_EQ(ParsedFen(money.ToString()), fen);
    EXPECT_EQ(ParsedFen(money.ToGroupedString()), fen);
  }
}

TEST(MoneyDivideRoundedTest, RoundsHalfAwayFromZero) {
  EXPECT_EQ(Money::FromFen(10).DivideRounded(4).fen(), 3);    // 2.5 → 3
  EXPECT_EQ(Money::FromFen(-10).DivideRounded(4).fen(), -3);  // -2.5 → -3
  EXPECT_EQ(Money::FromFen(9).DivideRounded(4).fen(), 2);     // 2.25 → 2
  EXPECT_EQ(Money::FromFen(-9).DivideRounded(4).fen(), -2);
  EXPECT_EQ(Money::FromFen(11).DivideRounded(4).fen(), 3);  // 2.75 → 3
  EXPECT_EQ(Money::FromFen(-11).DivideRounded(4).fen(), -3);
  EXPECT_EQ(Money::FromFen(100).DivideRounded(3).fen(), 33);
  EXPECT_EQ(Money::FromFen(200).DivideRounded(3).fen(), 67);
  EXPECT_EQ(Money::FromFen(-200).DivideRounded(3).fen(), -67);
  EXPECT_EQ(Money::FromFen(12).DivideRounded(12).fen(), 1);
  EXPECT_EQ(Money::FromFen(7).DivideRounded(1).fen(), 7);
  EXPECT_EQ(Money::FromFen(0).DivideRounded(5).fen(), 0);
}

TEST(MoneyDivideRoundedTest, HugeDivisorsDoNotOverflow) {
  EXPECT_EQ(Money::FromFen(INT64_MAX).DivideRounded(INT64_MAX).fen(), 1);
  EXPECT_EQ(Money::FromFen(INT64_MAX / 2 + 1).DivideRounded(INT64_MAX).fen(), 1);
  EXPECT_EQ(Money::FromFen(INT64_MAX / 2).DivideRounded(INT64_MAX).fen(), 0);
}

TEST(MoneyArithmeticTest, AddsSubtractsAndCompares) {
  Money a = Money::FromFen(150);
  Money b = Money::FromYuan(2);
  EXPECT_EQ((a + b).fen(), 350);
  EXPECT_EQ((a - b).fen(), -50);
  a += b;
  EXPECT_EQ(a.fen(), 350);
  a -= Money::FromFen(50);
  EXPECT_EQ(a, Money::FromYuan(3));
  EXPECT_LT(b, a);
}

}  // namespace
}  // namespace fupin
