// What a caller sees of the findings (service/compare_service.h): a helper (帮扶责任人) only
// those of the households assigned to it, in searches, counts, exports (SearchFindings) and
// decisions; everybody else everything within the region scope.
#include "service/crosscheck/compare_service.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <tuple>

#include "service/accounts/audit_service.h"
#include "service/service_test_fixture.h"

namespace fupin {
namespace {

const char* kHouseholds =
    "户编号,行政区划代码,户类型,贫困状态,识别年度,主要致贫原因,工资性收入,生产经营性收入,"
    "生产经营性支出,财产性收入,转移性收入,不愁吃,不愁穿,住房安全等级,饮水安全\n"
    "H1,620422102201,建档立卡户,未脱贫,2016,缺资金,3000,0,0,0,0,是,是,A,是\n"
    "H2,620422102201,建档立卡户,未脱贫,2016,缺资金,3000,0,0,0,0,是,是,A,是\n"
    "H3,620422101205,建档立卡户,未脱贫,2016,缺资金,3000,0,0,0,0,是,是,A,是\n";
const char* kMembers =
    "户编号,姓名,证件号码,与户主关系,在校生状况,健康状况,劳动能力,参加城乡居民基本医疗保险\n"
    "H1,甲,620422198001010019,户主,非在校生,健康,普通劳动力,是\n"
    "H2,乙,620422198001010027,户主,非在校生,健康,普通劳动力,是\n"
    "H3,丙,620422198001010035,户主,非在校生,健康,普通劳动力,是\n";

constexpr int64_t kVillage = 620422102201;  // H1 and H2; the helper's region
constexpr int64_t kOther = 620422101205;    // H3

Caller As(const std::string& name, Role role, int64_t region) {
  return Caller{User{name, role, RegionCode::FromInt(region), false}, "test"};
}

class FindingVisibilityTest : public ServiceTest {
 protected:
  FindingVisibilityTest() : ServiceTest({{kOther, "甲村"}, {kVillage, "乙村"}}) {}
  void SetUp() override {
    ServiceTest::SetUp();
    if (HasFatalFailure()) return;
    ImportOptions options;
    options.files = {Write("h.csv", kHouseholds), Write("m.csv", kMembers)};
    auto report = RunImport(*store_, options);
    ASSERT_TRUE(report.ok());
    ASSERT_TRUE(report->errors.empty());

    // One finding per household, and a household rule for H1.
    std::deque<FindingRow> rows;
    for (const auto& [code, village, id] : {std::tuple{"H1", kVillage, "620422198001010019"},
                                            std::tuple{"H2", kVillage, "620422198001010027"},
                                            std::tuple{"H3", kOther, "620422198001010035"}}) {
      FindingRow& f = rows.emplace_back();
      f.rule = "deceased_member";
      f.village_code = village;
      f.household_code = code;
      f.id_number = id;
      f.name = "某";
      f.created_at = "2026-06-30T00:00:00Z";
    }
    FindingRow& h = rows.emplace_back();
    h.rule = "no_helper";
    h.subject = "H1";
    h.village_code = kVillage;
    h.household_code = "H1";
    h.created_at = "2026-06-30T00:00:00Z";
    ASSERT_TRUE(store_->Begin().ok());
    ASSERT_TRUE(store_->compare().InsertFindings(rows).ok());
    ASSERT_TRUE(store_->compare().Assign("helper1", "H2", "2026-06-30T00:00:00Z").ok());
    ASSERT_TRUE(store_->Commit().ok());
    for (const auto& f : rows) id_of_[f.household_code + " " + f.rule] = f.id;
  }
  std::set<std::string> Households(const Caller& caller, FindingQuery query = {}) {
    auto page = SearchFindings(*store_, caller, query);
    EXPECT_TRUE(page.ok()) << (page.ok() ? "" : page.error().en);
    std::set<std::string> out;
    if (!page.ok()) return out;
    for (const auto& f : page->items) out.insert(f.household_code + " " + f.rule);
    EXPECT_EQ(page->total, static_cast<int64_t>(page->items.size()));
    return out;
  }
  int64_t Counted(const Caller& caller, int64_t region = 0) {
    auto counts = CountFindings(*store_, caller, RegionCode::FromInt(region));
    EXPECT_TRUE(counts.ok());
    int64_t n = 0;
    if (counts.ok()) {
      for (const auto& c : *counts) n += c.open + c.confirmed + c.dismissed;
    }
    return n;
  }

  std::map<std::string, int64_t> id_of_;
};

TEST_F(FindingVisibilityTest, AHelperSearchesAndCountsOnlyTheFindingsOfItsAssignedHouseholds) {
  const Caller helper = As("helper1", Role::kHelper, kVillage);
  EXPECT_EQ(Households(helper), (std::set<std::string>{"H2 deceased_member"}));
  FindingQuery village;
  village.region = RegionCode::FromInt(kVillage);
  village.limit = 0;  // the export's query: every match
  EXPECT_EQ(Households(helper, village), (std::set<std::string>{"H2 deceased_member"}));
  EXPECT_EQ(Counted(helper), 1);
  EXPECT_EQ(Counted(helper, kVillage), 1);
}

TEST_F(FindingVisibilityTest, AHelperWithoutAssignmentsSeesNoFindingsAtAll) {
  const Caller nobody = As("helper2", Role::kHelper, kVillage);
  EXPECT_TRUE(Households(nobody).empty());
  EXPECT_EQ(Counted(nobody), 0);
}

TEST_F(FindingVisibilityTest, AHelperCannotWidenItsViewThroughTheQuery) {
  FindingQuery query;
  query.assigned_to = "";  // even asked for nothing, the service sets it
  EXPECT_EQ(Households(As("helper1", Role::kHelper, kVillage), query),
            (std::set<std::string>{"H2 deceased_member"}));
  query.assigned_to = "helper1";  // and another role's view is not narrowed by it
  EXPECT_EQ(Households(As("op", Role::kVillageOperator, kVillage), query),
            (std::set<std::string>{"H1 deceased_member", "H1 no_helper", "H2 deceased_member"}));
}

TEST_F(FindingVisibilityTest, OtherRolesSeeEveryFindingOfTheirRegion) {
  EXPECT_EQ(Households(As("op", Role::kVillageOperator, kVillage)).size(), 3u);
  EXPECT_EQ(Counted(As("op", Role::kVillageOperator, kVillage)), 3);
  EXPECT_EQ(Counted(As("county", Role::kCountyAdmin, 620422000000)), 4);
}

TEST_F(FindingVisibilityTest, AnotherHouseholdsFindingIsToAHelperExactlyAsAMissingOne) {
  const Caller helper = As("helper1", Role::kHelper, kVillage);
  auto other = DecideFinding(*store_, helper, id_of_.at("H1 deceased_member"), true, "");
  auto missing = DecideFinding(*store_, helper, 99999, true, "");
  ASSERT_FALSE(other.ok());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(other.error().code, "E_NOT_FOUND");
  EXPECT_EQ(missing.error().code, "E_NOT_FOUND");
  // Its own household's finding exists for it; a helper may not decide it.
  auto own = DecideFinding(*store_, helper, id_of_.at("H2 deceased_member"), true, "");
  ASSERT_FALSE(own.ok());
  EXPECT_EQ(own.error().code, "E_FORBIDDEN");
}

}  // namespace
}  // namespace fupin
