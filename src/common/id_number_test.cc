#include "common/id_number.h"

#include <gtest/gtest.h>

#include <string>

namespace fupin {
namespace {

Date D(int y, int m, int d) { return *Date::FromYmd(y, m, d); }

const Date kToday = D(2024, 6, 1);

std::string ErrorCode(std::string_view text, Date today = kToday) {
  Result<IdNumber> id = ParseIdNumber(text, today);
  return id.ok() ? "ok" : id.error().code;
}

// Valid numbers: the published example of GB 11643 and others whose check character was
// computed with the MOD 11-2 weights (7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, "10X98765432").
struct ValidCase {
  const char* text;
  const char* number;
  const char* birth;
  int sex;
  bool upgraded;
};

TEST(ParseIdNumberTest, ValidNumbersGiveBirthDateAndSex) {
  const ValidCase cases[] = {
      {"11010519491231002X", "11010519491231002X", "1949-12-31", 2, false},
      {"320102199003071239", "320102199003071239", "1990-03-07", 1, false},
      {"320102200002294567", "320102200002294567", "2000-02-29", 2, false},
      {"110101202401010019", "110101202401010019", "2024-01-01", 1, false},
      {"130503670401001", "130503196704010016", "1967-04-01", 1, true},
  };
  for (const ValidCase& c : cases) {
    Result<IdNumber> id = ParseIdNumber(c.text, kToday);
    ASSERT_TRUE(id.ok()) << c.text << ": " << id.error().en;
    EXPECT_EQ(id->number, c.number);
    EXPECT_EQ(id->birth_date.ToString(), c.birth) << c.text;
    EXPECT_EQ(id->sex, c.sex) << c.text;
    EXPECT_EQ(id->upgraded, c.upgraded) << c.text;
  }
}

TEST(ParseIdNumberTest, LowerCaseXIsAcceptedAndNormalised) {
  Result<IdNumber> id = ParseIdNumber("11010519491231002x", kToday);
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(id->number, "11010519491231002X");
}

TEST(ParseIdNumberTest, SurroundingSpacesAreIgnored) {
  Result<IdNumber> id = ParseIdNumber("  11010519491231002X\t", kToday);
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(id->number, "11010519491231002X");
}

TEST(ParseIdNumberTest, WrongLengthsAndCharactersAreFormatErrors) {
  for (const char* text :
       {"", "11010519491231002", "11010519491231002X1", "1301036704010", "1301036704010011",
        "11010519491231X02X", "1101051949123100XX", "A1010519491231002X", "13050367040100X",
        "110105 19491231002X", "11010519491231002Y", "１１０１０５１９４９１２３１００２Ｘ"}) {
    EXPECT_EQ(ErrorCode(text), "E_ID_FORMAT") << text;
  }
}

TEST(ParseIdNumberTest, ImpossibleBirthDatesAreRefused) {
  // 1990-02-30, with a correct check character so that only the date is wrong.
  EXPECT_EQ(ErrorCode("320102199002301231"), "E_ID_BIRTHDATE");
  EXPECT_EQ(ErrorCode("320102199013011230"), "E_ID_BIRTHDATE");  // month 13
  EXPECT_EQ(ErrorCode("130503670230001"), "E_ID_BIRTHDATE");     // 1967-02-30
  EXPECT_EQ(ErrorCode("130503670001001"), "E_ID_BIRTHDATE");     // month 0
}

TEST(ParseIdNumberTest, BirthDatesAfterTodayAreRefused) {
  EXPECT_EQ(ErrorCode("110101202401010019", D(2023, 12, 31)), "E_ID_BIRTHDATE");
  EXPECT_EQ(ErrorCode("110101202401010019", D(2024, 1, 1)), "ok");  // born today
}

TEST(ParseIdNumberTest, BirthYearsBefore1900AreRefused) {
  // 440524188001010014 has a correct check character but a birth in 1880.
  EXPECT_EQ(IdCheckCharacter("44052418800101001"), '4');
  EXPECT_EQ(ErrorCode("440524188001010014"), "E_ID_BIRTHDATE");
}

TEST(ParseIdNumberTest, WrongCheckCharactersAreRefused) {
  EXPECT_EQ(ErrorCode("110105194912310021"), "E_ID_CHECKSUM");
  EXPECT_EQ(ErrorCode("320102199003071230"), "E_ID_CHECKSUM");
  EXPECT_EQ(ErrorCode("32010219900307123X"), "E_ID_CHECKSUM");
  EXPECT_EQ(ErrorCode("110105194912310038"), "ok");
}

TEST(ParseIdNumberTest, TheBirthDateIsCheckedBeforeTheCheckCharacter) {
  // Both the date (1990-02-30) and the check character (should be 1) are wrong.
  EXPECT_EQ(ErrorCode("320102199002301230"), "E_ID_BIRTHDATE");
}

TEST(ParseIdNumberTest, MessagesShowTheNumberMasked) {
  Result<IdNumber> id = ParseIdNumber("320102199003071230", kToday);
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.error().zh, "身份证号码校验位不正确：320102********1230（应为 9）");
  EXPECT_EQ(id.error().en,
            "wrong check character in an ID number: 320102********1230 (expected 9)");
  EXPECT_EQ(id.error().en.find("19900307"), std::string::npos);
}

TEST(IdCheckCharacterTest, FollowsIso7064Mod112) {
  EXPECT_EQ(IdCheckCharacter("11010519491231002"), 'X');
  EXPECT_EQ(IdCheckCharacter("32010219900307123"), '9');
  EXPECT_EQ(IdCheckCharacter("13050319670401001"), '6');
  EXPECT_EQ(IdCheckCharacter("11010519491231003"), '8');
}

TEST(UpgradeId15To18Test, InsertsNineteenAndAppendsTheCheckCharacter) {
  EXPECT_EQ(UpgradeId15To18("130503670401001"), "130503196704010016");
}

TEST(MaskIdNumberTest, KeepsFirstSixAndLastFour) {
  EXPECT_EQ(MaskIdNumber("411525199001011234"), "411525********1234");
  EXPECT_EQ(MaskIdNumber("130503670401001"), "130503*****1001");
  EXPECT_EQ(MaskIdNumber("1234567890"), "1234567890");
  EXPECT_EQ(MaskIdNumber("123456789"), "*********");
  EXPECT_EQ(MaskIdNumber(""), "");
}

TEST(MaskPhoneTest, KeepsFirstThreeAndLastFour) {
  EXPECT_EQ(MaskPhone("13812345678"), "138****5678");
  EXPECT_EQ(MaskPhone("1234567"), "*******");
  EXPECT_EQ(MaskPhone("0931-8123456"), "093*****3456");
}

TEST(MaskPersonalNumbersTest, MasksAnIdNumberInsideText) {
  EXPECT_EQ(MaskPersonalNumbers("身份证620422199412032479"), "身份证620422********2479");
  EXPECT_EQ(MaskPersonalNumbers("620422199412032479"), "620422********2479");
  EXPECT_EQ(MaskPersonalNumbers("id 62042219941203247X, ok"), "id 620422********247X, ok");
  EXPECT_EQ(MaskPersonalNumbers("62042219941203247x"), "620422********247x");
  EXPECT_EQ(MaskPersonalNumbers("旧证130503670401001号"), "旧证130503*****1001号");
}

TEST(MaskPersonalNumbersTest, MasksAMobileNumberInsideText) {
  EXPECT_EQ(MaskPersonalNumbers("电话13812345678。"), "电话138****5678。");
  EXPECT_EQ(MaskPersonalNumbers("19912345678"), "199****5678");
  EXPECT_EQ(MaskPersonalNumbers("+8613812345678"), "+86138****5678");
  EXPECT_EQ(MaskPersonalNumbers("a 13812345678 and 620422199412032479 b"),
            "a 138****5678 and 620422********2479 b");
}

TEST(MaskPersonalNumbersTest, LeavesRunsOfOtherLengthsWhole) {
  // One digit more or less than each shape, and numbers that are not mobiles.
  for (const char* text : {"6204221994120324791", "62042219941203247", "1304221994120324",
                           "13042219941203", "1381234567", "138123456789", "12812345678",
                           "10812345678", "金额 1234567.89", "2024-06-01", "138-1234-5678", ""}) {
    const std::string t(text);
    EXPECT_EQ(MaskPersonalNumbers(t), t) << t;
  }
  EXPECT_EQ(MaskPersonalNumbers("8713812345678"), "8713812345678");
  EXPECT_EQ(MaskPersonalNumbers("8613812345678"), "86138****5678");
}

TEST(MaskPersonalNumbersTest, MasksAtTheVeryStartAndEnd) {
  EXPECT_EQ(MaskPersonalNumbers("13812345678x"), "138****5678x");
  EXPECT_EQ(MaskPersonalNumbers("x620422199412032479"), "x620422********2479");
  EXPECT_EQ(MaskPersonalNumbers("62042219941203247X620422199412032479"),
            "620422********247X620422********2479");
}

}  // namespace
}  // namespace fupin
