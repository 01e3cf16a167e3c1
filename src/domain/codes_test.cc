#include "domain/codes.h"

#include <gtest/gtest.h>

namespace fupin {
namespace {

TEST(ParseCodeTest, AcceptsTheCodeOrTheLabel) {
  EXPECT_EQ(ParseCode(CodeList::kCause, "01"), 1);
  EXPECT_EQ(ParseCode(CodeList::kCause, "因病"), 1);
  EXPECT_EQ(ParseCode(CodeList::kCause, "其他"), 99);
  EXPECT_EQ(ParseCode(CodeList::kPovertyStatus, "已剔除"), 9);
}

TEST(ParseCodeTest, NumericCodesCompareAsNumbers) {
  EXPECT_EQ(ParseCode(CodeList::kCause, "1"), 1);
  EXPECT_EQ(ParseCode(CodeList::kHouseholdKind, "01"), 1);
  EXPECT_EQ(ParseCode(CodeList::kSchoolStatus, "0"), 0);
}

TEST(ParseCodeTest, LettersIgnoreCaseAndSpacesAreIgnored) {
  EXPECT_EQ(ParseCode(CodeList::kHousingGrade, "c"), 3);
  EXPECT_EQ(ParseCode(CodeList::kHousingGrade, " D "), 4);
  EXPECT_EQ(ParseCode(CodeList::kCause, "  因残 "), 2);
}

TEST(ParseCodeTest, ValuesOutsideTheListAreRefused) {
  EXPECT_FALSE(ParseCode(CodeList::kCause, "13"));
  EXPECT_FALSE(ParseCode(CodeList::kCause, "因穷"));
  EXPECT_FALSE(ParseCode(CodeList::kPovertyStatus, "2"));
  EXPECT_FALSE(ParseCode(CodeList::kHousingGrade, "E"));
  EXPECT_FALSE(ParseCode(CodeList::kCause, ""));
}

TEST(CodeLabelTest, ExportsWriteTheChineseLabel) {
  EXPECT_EQ(CodeLabel(CodeList::kSchoolStatus, 11), "因病（残）休学");
  EXPECT_EQ(CodeText(CodeList::kSchoolStatus, 4), "04");
  EXPECT_EQ(CodeLabel(CodeList::kCause, 42), "");
}

TEST(ParseCodeSetTest, SplitsOnEverySeparator) {
  std::string bad;
  auto set = ParseCodeSet(CodeList::kRiskType, "01;02；09、10|99", &bad);
  ASSERT_TRUE(set);
  EXPECT_EQ(set->Codes(), (std::vector<int>{1, 2, 9, 10, 99}));
  EXPECT_EQ(CodeSetLabels(CodeList::kRiskType, *set),
            "因病；因学；住房安全问题；饮水安全问题；其他");
  EXPECT_EQ(CodeSetTexts(CodeList::kRiskType, *set), "01;02;09;10;99");
}

TEST(ParseCodeSetTest, NamesTheValueThatIsNotInTheList) {
  std::string bad;
  EXPECT_FALSE(ParseCodeSet(CodeList::kHealth, "健康;很好", &bad));
  EXPECT_EQ(bad, "很好");
}

TEST(ParseCodeSetTest, EmptyTextIsTheEmptySet) {
  auto set = ParseCodeSet(CodeList::kHealth, "", nullptr);
  ASSERT_TRUE(set);
  EXPECT_TRUE(set->empty());
}

TEST(ParseYesNoTest, AcceptsEveryListedSpelling) {
  for (const char* yes : {"是", "Y", "y", "1", "true", "TRUE", "yes"})
    EXPECT_EQ(ParseYesNo(yes), true) << yes;
  for (const char* no : {"否", "N", "n", "0", "false", "False", "no"})
    EXPECT_EQ(ParseYesNo(no), false) << no;
  EXPECT_FALSE(ParseYesNo("有"));
  EXPECT_FALSE(ParseYesNo(""));
}

}  // namespace
}  // namespace fupin
