#include "common/region_code.h"

#include <gtest/gtest.h>

#include <string>

namespace fupin {
namespace {

RegionCode R(std::string_view text) {
  Result<RegionCode> code = RegionCode::Parse(text);
  EXPECT_TRUE(code.ok()) << text;
  return code.ok() ? *code : RegionCode::Nation();
}

std::string ParseErrorCode(std::string_view text) {
  Result<RegionCode> code = RegionCode::Parse(text);
  return code.ok() ? "ok" : code.error().code;
}

TEST(RegionCodeParseTest, ShortCodesArePaddedToTwelveDigits) {
  EXPECT_EQ(R("32").value(), 320000000000);
  EXPECT_EQ(R("3201").value(), 320100000000);
  EXPECT_EQ(R("320102").value(), 320102000000);
  EXPECT_EQ(R("320102001").value(), 320102001000);
  EXPECT_EQ(R("320102001001").value(), 320102001001);
}

TEST(RegionCodeParseTest, TwelveDigitsWithTrailingZerosNameAHigherLevel) {
  EXPECT_EQ(R("320000000000").level(), RegionLevel::kProvince);
  EXPECT_EQ(R("320100000000").level(), RegionLevel::kCity);
  EXPECT_EQ(R("320102000000").level(), RegionLevel::kCounty);
}

TEST(RegionCodeParseTest, SurroundingSpacesAreTrimmed) {
  EXPECT_EQ(R("  3201 ").value(), 320100000000);
  EXPECT_EQ(R("\t320102001001\r\n").value(), 320102001001);
}

TEST(RegionCodeParseTest, OtherLengthsAreRefused) {
  for (const char* text : {"", "3", "320", "32010", "3200001", "32010200", "3201020010",
                           "32010200100", "3201020010011", " ", "32 01"}) {
    EXPECT_EQ(ParseErrorCode(text), "E_REGION") << text;
  }
}

TEST(RegionCodeParseTest, NonDigitsAreRefused) {
  for (const char* text : {"3a", "+32", "-3", "32.0", "３２", "32010x"}) {
    EXPECT_EQ(ParseErrorCode(text), "E_REGION") << text;
  }
}

TEST(RegionCodeParseTest, TheNationIsNotAcceptedAsText) {
  for (const char* text : {"0", "00", "0000", "000000", "000000000", "000000000000"}) {
    EXPECT_EQ(ParseErrorCode(text), "E_REGION") << text;
  }
}

TEST(RegionCodeParseTest, ZeroPartsAboveTheLevelAreRefused) {
  for (const char* text : {"0032", "320001", "000001", "320102000001", "001"}) {
    EXPECT_EQ(ParseErrorCode(text), "E_REGION") << text;
  }
}

TEST(RegionCodeParseTest, ErrorsQuoteTheText) {
  Result<RegionCode> code = RegionCode::Parse("3200001");
  ASSERT_FALSE(code.ok());
  EXPECT_EQ(code.error().zh, "行政区划代码不正确：3200001（应为 2、4、6、9 或 12 位数字）");
  EXPECT_EQ(code.error().en, "not a region code: 3200001 (expected 2, 4, 6, 9 or 12 digits)");
}

TEST(RegionCodeTest, LevelFollowsTheTrailingZeros) {
  EXPECT_EQ(RegionCode::Nation().level(), RegionLevel::kNation);
  EXPECT_EQ(RegionCode::FromInt(320000000000).level(), RegionLevel::kProvince);
  EXPECT_EQ(RegionCode::FromInt(320100000000).level(), RegionLevel::kCity);
  EXPECT_EQ(RegionCode::FromInt(320102000000).level(), RegionLevel::kCounty);
  EXPECT_EQ(RegionCode::FromInt(320102001000).level(), RegionLevel::kTownship);
  EXPECT_EQ(RegionCode::FromInt(320102001001).level(), RegionLevel::kVillage);
  EXPECT_EQ(RegionCode::FromInt(320102001100).level(), RegionLevel::kVillage);
  EXPECT_EQ(RegionCode::FromInt(320102010000).level(), RegionLevel::kTownship);
}

TEST(RegionCodeTest, ParentClimbsOneLevel) {
  RegionCode village = RegionCode::FromInt(320102001001);
  EXPECT_EQ(village.parent().value(), 320102001000);
  EXPECT_EQ(village.parent().parent().value(), 320102000000);
  EXPECT_EQ(village.parent().parent().parent().value(), 320100000000);
  EXPECT_EQ(village.parent().parent().parent().parent().value(), 320000000000);
  EXPECT_EQ(village.parent().parent().parent().parent().parent(), RegionCode::Nation());
  EXPECT_EQ(RegionCode::Nation().parent(), RegionCode::Nation());
}

TEST(RegionCodeTest, AncestorAtTruncatesToTheLevel) {
  RegionCode village = RegionCode::FromInt(320102001001);
  EXPECT_EQ(village.AncestorAt(RegionLevel::kNation), RegionCode::Nation());
  EXPECT_EQ(village.province().value(), 320000000000);
  EXPECT_EQ(village.AncestorAt(RegionLevel::kCity).value(), 320100000000);
  EXPECT_EQ(village.county().value(), 320102000000);
  EXPECT_EQ(village.AncestorAt(RegionLevel::kTownship).value(), 320102001000);
  EXPECT_EQ(village.AncestorAt(RegionLevel::kVillage), village);
  EXPECT_EQ(RegionCode::FromInt(320102000000).county().value(), 320102000000);
}

TEST(RegionCodeTest, SubtreeIsOneRange) {
  RegionCode province = RegionCode::FromInt(320000000000);
  EXPECT_EQ(province.subtree_lo(), 320000000000);
  EXPECT_EQ(province.subtree_hi(), 330000000000);
  EXPECT_EQ(RegionCode::FromInt(320100000000).subtree_hi(), 320200000000);
  EXPECT_EQ(RegionCode::FromInt(320102000000).subtree_hi(), 320103000000);
  EXPECT_EQ(RegionCode::FromInt(320102001000).subtree_hi(), 320102002000);
  EXPECT_EQ(RegionCode::FromInt(320102001001).subtree_hi(), 320102001002);
  EXPECT_EQ(RegionCode::Nation().subtree_lo(), 0);
  EXPECT_EQ(RegionCode::Nation().subtree_hi(), 1000000000000);
}

TEST(RegionCodeTest, ContainsItsSubtreeAndNothingElse) {
  RegionCode city = RegionCode::FromInt(320100000000);
  EXPECT_TRUE(city.Contains(city));
  EXPECT_TRUE(city.Contains(RegionCode::FromInt(320102001001)));
  EXPECT_TRUE(city.Contains(RegionCode::FromInt(320199999999)));
  EXPECT_FALSE(city.Contains(RegionCode::FromInt(320200000000)));
  EXPECT_FALSE(city.Contains(RegionCode::FromInt(320000000000)));
  EXPECT_FALSE(city.Contains(RegionCode::FromInt(310100000000)));
  EXPECT_TRUE(RegionCode::Nation().Contains(RegionCode::FromInt(650000000000)));
  EXPECT_TRUE(RegionCode::FromInt(320102001001).Contains(RegionCode::FromInt(320102001001)));
  EXPECT_FALSE(RegionCode::FromInt(320102001001).Contains(RegionCode::FromInt(320102001002)));
}

TEST(RegionCodeTest, ShortStringKeepsTheSignificantDigits) {
  EXPECT_EQ(RegionCode::Nation().ShortString(), "0");
  EXPECT_EQ(RegionCode::FromInt(320000000000).ShortString(), "32");
  EXPECT_EQ(RegionCode::FromInt(320100000000).ShortString(), "3201");
  EXPECT_EQ(RegionCode::FromInt(320102000000).ShortString(), "320102");
  EXPECT_EQ(RegionCode::FromInt(320102001000).ShortString(), "320102001");
  EXPECT_EQ(RegionCode::FromInt(320102001001).ShortString(), "320102001001");
  EXPECT_EQ(RegionCode::FromInt(110000000000).ShortString(), "11");
}

TEST(RegionCodeTest, ToStringHasTwelveDigits) {
  EXPECT_EQ(RegionCode::Nation().ToString(), "000000000000");
  EXPECT_EQ(RegionCode::FromInt(110101001001).ToString(), "110101001001");
  EXPECT_EQ(RegionCode::FromInt(320000000000).ToString(), "320000000000");
}

TEST(RegionCodeTest, ShortStringParsesBackToTheSameCode) {
  for (int64_t value : {320000000000LL, 320100000000LL, 320102000000LL, 320102001000LL,
                        320102001001LL, 659001000000LL}) {
    RegionCode code = RegionCode::FromInt(value);
    EXPECT_EQ(R(code.ShortString()), code);
    EXPECT_EQ(R(code.ToString()), code);
  }
}

TEST(RegionCodeParseTest, TownsOfCitiesWithoutCountiesAreAccepted) {
  // 东莞 (4419) has no counties: its towns sit directly under county part 00.
  auto town = RegionCode::Parse("441900003");
  ASSERT_TRUE(town.ok());
  EXPECT_EQ(town->level(), RegionLevel::kTownship);
  EXPECT_EQ(town->county().value(), 441900000000);
  auto village = RegionCode::Parse("441900003001");
  ASSERT_TRUE(village.ok());
  EXPECT_EQ(village->parent().value(), 441900003000);
}

}  // namespace
}  // namespace fupin
