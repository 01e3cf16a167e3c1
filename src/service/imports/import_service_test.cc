#include "service/imports/import_service.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "service/register/report_service.h"
#include "service/service_test_fixture.h"

namespace fupin {
namespace {

const char* kHouseholds =
    "户编号,行政区划代码,户类型,贫困状态,识别年度,主要致贫原因,工资性收入,生产经营性收入,"
    "生产经营性支出,财产性收入,转移性收入,不愁吃,不愁穿,住房安全等级,饮水安全\n"
    "H1,620422101205,建档立卡户,未脱贫,2016,缺资金,3000,0,0,0,0,是,是,A,是\n"
    "H2,620422102201,建档立卡户,已剔除,2016,缺资金,3000,0,0,0,0,是,是,A,是\n";
const char* kMembers =
    "户编号,姓名,证件号码,与户主关系,在校生状况,健康状况,劳动能力,参加城乡居民基本医疗保险\n"
    "H1,甲,620422198001010019,户主,非在校生,健康,普通劳动力,是\n"
    "H1,乙,620422198001010027,配偶,非在校生,健康,普通劳动力,是\n"
    "H2,丙,620422198001010035,户主,非在校生,健康,普通劳动力,是\n";

class ImportServiceTest : public ServiceTest {
 protected:
  ImportServiceTest() : ServiceTest({{620422101205, "甲村"}, {620422102201, "乙村"}}) {}
  ImportReport Import(const std::string& households, const std::string& members,
                      bool skip_invalid = false) {
    ImportOptions options;
    options.files = {Write("h.csv", households), Write("m.csv", members)};
    options.skip_invalid = skip_invalid;
    if (skip_invalid) options.rejects_dir = dir_ + "/rejects";
    auto report = RunImport(*store_, options);
    EXPECT_TRUE(report.ok());
    return *report;
  }
  int64_t Count(int64_t region, const std::string& metric) {
    auto values = store_->Aggregates(RegionCode::FromInt(region));
    auto it = values->find(metric);
    return it == values->end() ? 0 : it->second;
  }
};

TEST_F(ImportServiceTest, AggregatesCountEveryLevelAndLeaveRemovedHouseholdsOut) {
  ImportReport r = Import(kHouseholds, kMembers);
  ASSERT_TRUE(r.errors.empty());
  EXPECT_EQ(r.households_created, 2);
  for (int64_t region :
       {620422101205LL, 620422101000LL, 620422000000LL, 620400000000LL, 620000000000LL, 0LL}) {
    EXPECT_EQ(Count(region, "households"), 1) << region;
    EXPECT_EQ(Count(region, "persons"), 2) << region;
    EXPECT_EQ(Count(region, "poor_persons"), 2) << region;
  }
  EXPECT_EQ(Count(620422102201, "households"), 0);
}

TEST_F(ImportServiceTest, ReimportingAChangedHouseholdMovesItsCountsAndRecordsHistory) {
  Import(kHouseholds, kMembers);
  std::string households = kHouseholds;
  households.replace(households.find("H1,620422101205,建档立卡户,未脱贫,2016,缺资金,3000"),
                     std::string("H1,620422101205,建档立卡户,未脱贫,2016,缺资金,3000").size(),
                     "H1,620422102201,建档立卡户,未脱贫,2016,缺资金,4500");
  std::string members = kMembers;
  members.replace(members.find("H1,乙,620422198001010027,配偶,非在校生,健康,普通劳动力,是\n"),
                  std::string("H1,乙,620422198001010027,配偶,非在校生,健康,普通劳动力,是\n").size(),
                  "");
  ImportReport r = Import(households, members);
  ASSERT_TRUE(r.errors.empty());
  EXPECT_EQ(r.households_updated, 1);  // H1; H2 is as registered
  EXPECT_EQ(r.households_unchanged, 1);
  EXPECT_EQ(r.households_created, 0);
  EXPECT_EQ(Count(620422101205, "households"), 0);
  EXPECT_EQ(Count(620422102201, "households"), 1);
  EXPECT_EQ(Count(0, "persons"), 1);

  auto history = store_->History("H1");
  ASSERT_TRUE(history.ok());
  std::vector<std::string> fields;
  for (const auto& e : *history) fields.push_back(e.field + "=" + e.new_value);
  EXPECT_EQ(fields, (std::vector<std::string>{"created=", "village_code=620422102201", "size=1",
                                              "wage_income=4500.00", "member_removed="}));
  EXPECT_EQ((*history)[1].old_value, "620422101205");
  EXPECT_EQ((*history)[1].source.rfind("import:", 0), 0u);
  auto stored = store_->FindHousehold("H1");
  EXPECT_EQ((*stored)->version, 2);
}

TEST_F(ImportServiceTest, APersonMayMoveBetweenHouseholdsReplacedInOneImport) {
  Import(kHouseholds, kMembers);
  std::string members =
      "户编号,姓名,证件号码,与户主关系,在校生状况,健康状况,劳动能力,参加城乡居民基本医疗保险\n"
      "H1,甲,620422198001010019,户主,非在校生,健康,普通劳动力,是\n"
      "H2,丙,620422198001010035,户主,非在校生,健康,普通劳动力,是\n"
      "H2,乙,620422198001010027,配偶,非在校生,健康,普通劳动力,是\n";
  ImportReport r = Import(kHouseholds, members);
  EXPECT_TRUE(r.errors.empty());
  EXPECT_EQ(**store_->FindPerson(1, "620422198001010027"), "H2");
}

TEST_F(ImportServiceTest, APersonMayMoveIntoAHouseholdThatComesBeforeHersInTheFile) {
  // H1 is written first and takes 丙 from H2, which comes after it.
  Import(kHouseholds, kMembers);
  std::string members =
      "户编号,姓名,证件号码,与户主关系,在校生状况,健康状况,劳动能力,参加城乡居民基本医疗保险\n"
      "H1,甲,620422198001010019,户主,非在校生,健康,普通劳动力,是\n"
      "H1,乙,620422198001010027,配偶,非在校生,健康,普通劳动力,是\n"
      "H1,丙,620422198001010035,之子,非在校生,健康,普通劳动力,是\n"
      "H2,丁,620422198001010043,户主,非在校生,健康,普通劳动力,是\n";
  ImportReport r = Import(kHouseholds, members);
  ASSERT_TRUE(r.errors.empty());
  EXPECT_EQ(r.households_updated, 2);
  EXPECT_EQ(**store_->FindPerson(1, "620422198001010035"), "H1");
  EXPECT_EQ(**store_->FindPerson(1, "620422198001010043"), "H2");
  EXPECT_EQ((*store_->FindHousehold("H1"))->household.members.size(), 3u);
  EXPECT_EQ((*store_->FindHousehold("H2"))->household.members[0].name, "丁");
  std::vector<std::string> fields;
  auto history = store_->History("H2");
  ASSERT_TRUE(history.ok());
  for (const auto& e : *history) fields.push_back(e.field + "=" + e.new_value);
  EXPECT_EQ(fields, (std::vector<std::string>{"created=", "member_added=620422198001010043 丁",
                                              "member_removed="}));
}

TEST_F(ImportServiceTest, TwoHouseholdsMayExchangeMembersInOneImport) {
  Import(kHouseholds, kMembers);
  std::string members =
      "户编号,姓名,证件号码,与户主关系,在校生状况,健康状况,劳动能力,参加城乡居民基本医疗保险\n"
      "H1,丙,620422198001010035,户主,非在校生,健康,普通劳动力,是\n"
      "H2,甲,620422198001010019,户主,非在校生,健康,普通劳动力,是\n"
      "H2,乙,620422198001010027,配偶,非在校生,健康,普通劳动力,是\n";
  ImportReport r = Import(kHouseholds, members);
  ASSERT_TRUE(r.errors.empty());
  EXPECT_EQ(r.households_updated, 2);
  EXPECT_EQ(**store_->FindPerson(1, "620422198001010035"), "H1");
  EXPECT_EQ(**store_->FindPerson(1, "620422198001010019"), "H2");
  EXPECT_EQ(**store_->FindPerson(1, "620422198001010027"), "H2");
  EXPECT_EQ((*store_->FindHousehold("H1"))->version, 2);
  // The counts moved with the persons: H1's village has one person now.
  EXPECT_EQ(Count(620422101205, "persons"), 1);
}

TEST_F(ImportServiceTest, AHouseholdChangedByAnotherWriterAfterTheCheckIsReadAgain) {
  Import(kHouseholds, kMembers);
  std::string households = kHouseholds;
  households.replace(households.find("缺资金,3000"), std::string("缺资金,3000").size(),
                     "缺资金,4500");
  ImportOptions options;
  options.files = {Write("h.csv", households), Write("m.csv", kMembers)};
  // Between the check and the write, another connection gives H1 a phone number.
  options.progress = [&](const std::string& text) {
    if (text.find("写入数据库") == std::string::npos) return;
    auto other = Store::Open(url_, Store::OpenMode::kExisting, store_->options());
    ASSERT_TRUE(other.ok());
    auto stored = (*other)->FindHousehold("H1");
    Household h = (*stored)->household;
    h.phone = "13800000000";
    ASSERT_TRUE((*other)->Begin().ok());
    ASSERT_TRUE((*other)->UpdateHousehold(**stored, h, 2, "").ok());
    ASSERT_TRUE((*other)->Commit().ok());
  };
  auto r = RunImport(*store_, options);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->households_updated, 1);
  EXPECT_EQ(r->households_unchanged, 1);
  auto stored = store_->FindHousehold("H1");
  EXPECT_EQ((*stored)->version, 3);
  EXPECT_EQ((*stored)->household.phone, "");
  EXPECT_EQ((*stored)->household.wage_income, Money::FromYuan(4500));
  auto history = store_->History("H1");
  ASSERT_TRUE(history.ok());
  std::vector<std::string> fields;
  for (const auto& e : *history) fields.push_back(e.field + ":" + e.old_value + ">" + e.new_value);
  EXPECT_EQ(fields, (std::vector<std::string>{"created:>", "wage_income:3000.00>4500.00",
                                              "phone:13800000000>"}));
}

TEST_F(ImportServiceTest, APersonOfAHouseholdOutsideTheImportIsADuplicate) {
  Import(kHouseholds, kMembers);
  std::string households =
      "户编号,行政区划代码,户类型,贫困状态,识别年度,主要致贫原因,工资性收入,生产经营性收入,"
      "生产经营性支出,财产性收入,转移性收入,不愁吃,不愁穿,住房安全等级,饮水安全\n"
      "H9,620422101205,建档立卡户,未脱贫,2016,缺资金,3000,0,0,0,0,是,是,A,是\n";
  std::string members =
      "户编号,姓名,证件号码,与户主关系,在校生状况,健康状况,劳动能力,参加城乡居民基本医疗保险\n"
      "H9,乙,620422198001010027,户主,非在校生,健康,普通劳动力,是\n";
  ImportReport r = Import(households, members);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].code, "E_ID_DUPLICATE");
  EXPECT_EQ(r.errors[0].line, 2u);
  EXPECT_FALSE(r.written);
  EXPECT_FALSE(store_->FindHousehold("H9")->has_value());
}

// The register is looked up in chunks of 4096 keys (import_check.cc): the issues are those
// of the lines they are on, in the order of the files, on both sides of a chunk's end.
TEST_F(ImportServiceTest, DuplicatesBeyondTheFirstChunkOfLookUpsAreReportedAtTheirLines) {
  Import(kHouseholds, kMembers);
  // A valid ID number (GB 11643 check digit) for each new household's one member.
  auto id_number = [](int k) {
    std::string id =
        "620422" + std::to_string(1950 + k / 100) + "0101" + std::to_string(100 + k % 100);
    static const int kWeights[] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    int sum = 0;
    for (int i = 0; i < 17; ++i) sum += (id[i] - '0') * kWeights[i];
    return id + "10X98765432"[sum % 11];
  };
  const std::map<int, std::string> taken = {
      {4095, "620422198001010019"}, {4096, "620422198001010027"}, {4999, "620422198001010035"}};
  std::string households =
      "户编号,行政区划代码,户类型,贫困状态,识别年度,主要致贫原因,工资性收入,生产经营性收入,"
      "生产经营性支出,财产性收入,转移性收入,不愁吃,不愁穿,住房安全等级,饮水安全\n";
  std::string members =
      "户编号,姓名,证件号码,与户主关系,在校生状况,健康状况,劳动能力,参加城乡居民基本医疗保险\n";
  for (int k = 0; k < 5000; ++k) {
    const std::string code = "N" + std::to_string(k);
    households += code + ",620422101205,建档立卡户,未脱贫,2016,缺资金,3000,0,0,0,0,是,是,A,是\n";
    auto it = taken.find(k);
    members += code + ",甲," + (it != taken.end() ? it->second : id_number(k)) +
               ",户主,非在校生,健康,普通劳动力,是\n";
  }
  ImportReport r = Import(households, members);
  ASSERT_EQ(r.errors.size(), 3u);
  std::vector<size_t> lines;
  for (const ImportIssue& e : r.errors) {
    EXPECT_EQ(e.code, "E_ID_DUPLICATE");
    lines.push_back(e.line);
  }
  EXPECT_EQ(lines, (std::vector<size_t>{4097, 4098, 5001}));
  EXPECT_EQ(r.errors[2].value, "620422198001010035");
  EXPECT_NE(r.errors[2].en.find("H2"), std::string::npos) << r.errors[2].en;
  EXPECT_FALSE(r.written);
}

TEST_F(ImportServiceTest, SkipInvalidWritesTheRestAndCopiesRejectedRowsWithTheirErrors) {
  std::string members = kMembers;
  members += "H2,丁,620422198001010036,之子,非在校生,健康,普通劳动力,是\n";  // bad checksum
  ImportReport r = Import(kHouseholds, members, /*skip_invalid=*/true);
  EXPECT_EQ(r.households_created, 1);
  EXPECT_EQ(r.rejected_households, 1);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].code, "E_ID_CHECKSUM");
  std::stringstream hs, ms;
  hs << std::ifstream(dir_ + "/rejects/households.csv").rdbuf();
  ms << std::ifstream(dir_ + "/rejects/members.csv").rdbuf();
  EXPECT_EQ(hs.str().substr(0, hs.str().find('\n')),
            std::string(kHouseholds).substr(0, std::string(kHouseholds).find('\n')) + ",错误");
  EXPECT_NE(hs.str().find("H2,620422102201"), std::string::npos);
  EXPECT_EQ(hs.str().find("H1,"), std::string::npos);
  EXPECT_NE(ms.str().find("H2,丙,620422198001010035"), std::string::npos);
  EXPECT_NE(ms.str().find("620422198001010036,之子,非在校生,健康,普通劳动力,是,"),
            std::string::npos);
  EXPECT_TRUE(store_->FindHousehold("H1")->has_value());
  EXPECT_FALSE(store_->FindHousehold("H2")->has_value());
}

TEST_F(ImportServiceTest, ADryRunValidatesAgainstTheRegisterAndWritesNothing) {
  ImportOptions options;
  options.files = {Write("h.csv", kHouseholds), Write("m.csv", kMembers)};
  options.dry_run = true;
  auto r = RunImport(*store_, options);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->households_created, 2);
  EXPECT_FALSE(r->written);
  EXPECT_FALSE(store_->FindHousehold("H1")->has_value());
  EXPECT_EQ(Count(0, "households"), 0);
}

TEST_F(ImportServiceTest, AnInterruptedImportWritesNothing) {
  std::atomic<bool> interrupted{true};
  ImportOptions options;
  options.files = {Write("h.csv", kHouseholds), Write("m.csv", kMembers)};
  options.interrupted = &interrupted;
  auto r = RunImport(*store_, options);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "E_INTERRUPTED");
  EXPECT_FALSE(store_->FindHousehold("H1")->has_value());
}

// On a cluster's coordinator (run by service_test_cluster; one server has no county
// writers): an import stopped once its batch is open says that it was interrupted and that
// the batch is unfinished, never that nothing changed.
TEST_F(ImportServiceTest, AnImportIntoAClusterInterruptedWhileWritingSaysItsBatchIsUnfinished) {
  if (!store_->county_writers()) GTEST_SKIP() << "for a cluster's coordinator";
  std::atomic<bool> interrupted{false};
  ImportOptions options;
  options.files = {Write("h.csv", kHouseholds), Write("m.csv", kMembers)};
  options.interrupted = &interrupted;
  options.progress = [&](const std::string& line) {
    if (line.find("按县写入") != std::string::npos) interrupted = true;
  };
  auto report = RunImport(*store_, options);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.error().code, "E_INTERRUPTED");
  EXPECT_EQ(report.error().zh.find("未作任何更改"), std::string::npos) << report.error().zh;
  EXPECT_NE(report.error().en.find("cluster check"), std::string::npos) << report.error().en;
  auto open = OpenImportBatches(*store_);
  ASSERT_TRUE(open.ok());
  ASSERT_EQ(open->size(), 1u);
  ASSERT_EQ((*open)[0].counties.size(), 1u);
  EXPECT_EQ((*open)[0].counties[0].state, CountyState::kPending);
}

}  // namespace
}  // namespace fupin
