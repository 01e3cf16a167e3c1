#include "service/register/household_service.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "service/accounts/audit_service.h"
#include "service/imports/import_service.h"
#include "service/service_test_fixture.h"

namespace fupin {
namespace {

// H1 lives in 甲村 (620422101205), H2 in 乙村 (620422102201).
const char* kHouseholds =
    "户编号,行政区划代码,户类型,贫困状态,识别年度,主要致贫原因,工资性收入,生产经营性收入,"
    "生产经营性支出,财产性收入,转移性收入,不愁吃,不愁穿,住房安全等级,饮水安全\n"
    "H1,620422101205,建档立卡户,未脱贫,2016,缺资金,3000,0,0,0,0,是,是,A,是\n"
    "H2,620422102201,建档立卡户,未脱贫,2016,缺资金,3000,0,0,0,0,是,是,A,是\n";
const char* kMembers =
    "户编号,姓名,证件号码,与户主关系,在校生状况,健康状况,劳动能力,参加城乡居民基本医疗保险\n"
    "H1,甲,620422198001010019,户主,非在校生,健康,普通劳动力,是\n"
    "H1,乙,620422198001010027,配偶,非在校生,健康,普通劳动力,是\n"
    "H2,丙,620422198001010035,户主,非在校生,健康,普通劳动力,是\n";

Caller OperatorOf(int64_t village) {
  return Caller{User{"op" + std::to_string(village % 1000000), Role::kVillageOperator,
                     RegionCode::FromInt(village), false},
                "127.0.0.1:5000"};
}
const Caller kOperatorOfH1 = OperatorOf(620422101205);
const Caller kOperatorOfH2 = OperatorOf(620422102201);

class HouseholdServiceTest : public ServiceTest {
 protected:
  HouseholdServiceTest() : ServiceTest({{620422101205, "甲村"}, {620422102201, "乙村"}}) {}
  void SetUp() override {
    ServiceTest::SetUp();
    if (HasFatalFailure()) return;
    ImportOptions options;
    options.files = {Write("h.csv", kHouseholds), Write("m.csv", kMembers)};
    auto report = RunImport(*store_, options);
    ASSERT_TRUE(report.ok() && report->errors.empty());
  }

  // H2 as stored, to be written again under another code or with other members.
  Household StoredH2() {
    auto found = store_->FindHousehold("H2");
    EXPECT_TRUE(found.ok() && found->has_value());
    Household h = (*found)->household;
    EXPECT_EQ(h.members.size(), 1u);
    return h;
  }
  std::vector<AuditRow> Conflicts() {
    std::vector<AuditRow> rows;
    EXPECT_TRUE(store_->accounts()
                    .ForEachAudit([&](const AuditRow& r) {
                      if (r.action == "household.conflict") rows.push_back(r);
                      return Status::Ok();
                    })
                    .ok());
    return rows;
  }
};

TEST_F(HouseholdServiceTest, ACodeTakenOutsideTheRegionCannotBeUsedAndTheAttemptIsAudited) {
  Household h = StoredH2();
  h.household_code = "H1";  // taken in 甲村, outside 乙村's operator's region
  std::vector<CellIssue> issues;
  auto created = CreateHousehold(*store_, kOperatorOfH2, h, issues);
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().code, "E_CONFLICT");
  EXPECT_EQ(created.error().zh, "此户编号不能使用");
  EXPECT_EQ(created.error().en, "this household code cannot be used");
  auto audited = Conflicts();
  ASSERT_EQ(audited.size(), 1u);
  EXPECT_EQ(audited[0].target, "H1");
  EXPECT_EQ(audited[0].actor, kOperatorOfH2.user.username);
}

TEST_F(HouseholdServiceTest, ACodeTakenInsideTheRegionIsNamedAsTaken) {
  Household h = StoredH2();
  h.household_code = "H1";
  h.village_code = RegionCode::FromInt(620422101205);
  std::vector<CellIssue> issues;
  auto created = CreateHousehold(*store_, kOperatorOfH1, h, issues);
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().code, "E_CONFLICT");
  EXPECT_EQ(created.error().zh, "户编号已存在：H1");
  EXPECT_TRUE(Conflicts().empty());
}

TEST_F(HouseholdServiceTest, AnIdNumberRegisteredOutsideTheRegionNamesNoHousehold) {
  Household h = StoredH2();
  h.household_code = "H9";
  h.members[0].id_number = "620422198001010019";  // 甲, the head of H1 in 甲村
  std::vector<CellIssue> issues;
  auto created = CreateHousehold(*store_, kOperatorOfH2, h, issues);
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().code, "E_ID_DUPLICATE");
  EXPECT_EQ(created.error().zh, "此证件号码不能使用，请联系县级管理员");
  for (const auto& i : issues) {
    EXPECT_EQ(i.zh.find("H1"), std::string::npos) << i.zh;
    EXPECT_EQ(i.en.find("H1"), std::string::npos) << i.en;
  }
  auto audited = Conflicts();
  ASSERT_EQ(audited.size(), 1u);
  EXPECT_EQ(audited[0].target, "H9");
  EXPECT_EQ(audited[0].detail.find("620422"), std::string::npos);
}

TEST_F(HouseholdServiceTest, AnIdNumberRegisteredInsideTheRegionIsSaidToBeInAnotherHousehold) {
  Household h = StoredH2();
  h.household_code = "H9";
  h.village_code = RegionCode::FromInt(620422101205);
  h.members[0].id_number = "620422198001010019";
  std::vector<CellIssue> issues;
  auto created = CreateHousehold(*store_, kOperatorOfH1, h, issues);
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().code, "E_ID_DUPLICATE");
  EXPECT_EQ(created.error().zh, "该证件号码已登记在另一户中");
  EXPECT_TRUE(Conflicts().empty());
}

TEST_F(HouseholdServiceTest, AnUpdateOutsideTheRegionIsNotFoundAndAudited) {
  auto found = store_->FindHousehold("H1");
  ASSERT_TRUE(found.ok() && found->has_value());
  std::vector<CellIssue> issues;
  auto updated = UpdateHousehold(*store_, kOperatorOfH2, (*found)->household, 1, issues);
  ASSERT_FALSE(updated.ok());
  EXPECT_EQ(updated.error().code, "E_NOT_FOUND");
  EXPECT_EQ(Conflicts().size(), 1u);
}

TEST_F(HouseholdServiceTest, AnImportInARegionSaysNothingOfHouseholdsOutsideIt) {
  // 乙村's operator imports H1 (taken in 甲村) and H8 with 甲's ID number.
  std::ofstream(dir_ + "/h2.csv")
      << "户编号,行政区划代码,户类型,贫困状态,识别年度,主要致贫原因,工资性收入,生产经营性收入,"
         "生产经营性支出,财产性收入,转移性收入,不愁吃,不愁穿,住房安全等级,饮水安全\n"
         "H1,620422102201,建档立卡户,未脱贫,2016,缺资金,3000,0,0,0,0,是,是,A,是\n"
         "H8,620422102201,建档立卡户,未脱贫,2016,缺资金,3000,0,0,0,0,是,是,A,是\n";
  std::ofstream(dir_ + "/m2.csv")
      << "户编号,姓名,证件号码,与户主关系,在校生状况,健康状况,劳动能力,参加城乡居民基本医疗保险\n"
         "H1,丁,620422198001010043,户主,非在校生,健康,普通劳动力,是\n"
         "H8,甲,620422198001010019,户主,非在校生,健康,普通劳动力,是\n";
  ImportOptions options;
  options.files = {dir_ + "/h2.csv", dir_ + "/m2.csv"};
  options.scope = RegionCode::FromInt(620422102201);
  auto report = RunImport(*store_, options);
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->errors.size(), 2u);
  EXPECT_EQ(report->errors[0].code, "E_HOUSEHOLD");
  EXPECT_EQ(report->errors[0].zh, "此户编号不能使用");
  EXPECT_EQ(report->errors[1].code, "E_ID_DUPLICATE");
  EXPECT_EQ(report->errors[1].zh, "此证件号码不能使用，请联系县级管理员");
  EXPECT_EQ(report->scope_conflicts, (std::vector<std::string>{"H1", "H8"}));
}

TEST_F(HouseholdServiceTest, ARoleThatMayNotWriteIsRefusedBeforeAnythingIsLookedUp) {
  Caller viewer = OperatorOf(620422102201);
  viewer.user.role = Role::kViewer;
  std::vector<CellIssue> issues;
  Household h = StoredH2();
  EXPECT_EQ(CreateHousehold(*store_, viewer, h, issues).error().code, "E_FORBIDDEN");
  EXPECT_EQ(UpdateHousehold(*store_, viewer, h, 1, issues).error().code, "E_FORBIDDEN");
  EXPECT_TRUE(Conflicts().empty());
}

}  // namespace
}  // namespace fupin
