// Helpers as people and the village work teams (service/procedures/helper_service.h): who
// may see and change them, masking, dates and history, and the migration of the old
// helper_assignments rows.
#include "service/procedures/helper_service.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <set>

#include "service/accounts/audit_service.h"
#include "service/crosscheck/compare_service.h"
#include "service/imports/import_service.h"
#include "service/register/household_service.h"
#include "service/service_test_fixture.h"
#include "storage/sqlite/schema.h"

namespace fupin {
namespace {

const char* kHouseholds =
    "户编号,行政区划代码,户类型,贫困状态,识别年度,主要致贫原因,工资性收入,生产经营性收入,"
    "生产经营性支出,财产性收入,转移性收入,不愁吃,不愁穿,住房安全等级,饮水安全\n"
    "H1,620422102201,建档立卡户,未脱贫,2016,缺资金,3000,0,0,0,0,是,是,A,是\n"
    "H2,620422102201,建档立卡户,未脱贫,2016,缺资金,3000,0,0,0,0,是,是,A,是\n"
    "H3,620422101205,建档立卡户,未脱贫,2016,缺资金,3000,0,0,0,0,是,是,A,是\n"
    "H9,620423100201,建档立卡户,未脱贫,2016,缺资金,3000,0,0,0,0,是,是,A,是\n";
const char* kMembers =
    "户编号,姓名,证件号码,与户主关系,在校生状况,健康状况,劳动能力,参加城乡居民基本医疗保险\n"
    "H1,甲,620422198001010019,户主,非在校生,健康,普通劳动力,是\n"
    "H2,乙,620422198001010027,户主,非在校生,健康,普通劳动力,是\n"
    "H3,丙,620422198001010035,户主,非在校生,健康,普通劳动力,是\n"
    "H9,丁,620423198001010015,户主,非在校生,健康,普通劳动力,是\n";

constexpr int64_t kCounty = 620422000000;
constexpr int64_t kVillage = 620422102201;       // H1, H2
constexpr int64_t kOtherVillage = 620422101205;  // H3
constexpr int64_t kOtherCounty = 620423000000;   // H9

Caller As(const std::string& name, Role role, int64_t region) {
  return Caller{User{name, role, RegionCode::FromInt(region), false}, "test"};
}
const Caller kCountyAdmin = As("county1", Role::kCountyAdmin, kCounty);

HelperPatch Rename(const std::string& name) {
  HelperPatch p;
  p.name = name;
  return p;
}
HelperPatch Link(const std::string& username) {
  HelperPatch p;
  p.username = username;
  return p;
}
HelperQuery Under(int64_t region) {
  HelperQuery q;
  q.region = RegionCode::FromInt(region);
  return q;
}

class HelperServiceTest : public ServiceTest {
 protected:
  HelperServiceTest()
      : ServiceTest({{kCounty, "县"},
                     {620422102000, "乙镇"},
                     {kVillage, "乙村"},
                     {620422101000, "甲镇"},
                     {kOtherVillage, "甲村"},
                     {kOtherCounty, "外县"},
                     {620423100000, "外镇"},
                     {620423100201, "外村"}}) {}
  void SetUp() override {
    ServiceTest::SetUp();
    if (HasFatalFailure()) return;
    setenv("FUPIN_NOW", "2026-06-30T09:00:00+08:00", 1);
    ImportOptions options;
    options.files = {Write("h.csv", kHouseholds), Write("m.csv", kMembers)};
    auto report = RunImport(*store_, options);
    ASSERT_TRUE(report.ok());
    ASSERT_TRUE(report->errors.empty()) << report->errors[0].en;
  }
  void TearDown() override {
    unsetenv("FUPIN_NOW");
    ServiceTest::TearDown();
  }

  HelperRow Add(const std::string& name, const std::string& phone, int64_t region,
                const Caller& by = kCountyAdmin) {
    auto row =
        AddHelper(*store_, by, {name, "县农业农村局", phone, RegionCode::FromInt(region), ""});
    EXPECT_TRUE(row.ok()) << (row.ok() ? "" : row.error().en);
    return row.ok() ? *row : HelperRow{};
  }
  std::set<std::string> Current(const std::string& household) {
    auto rows = CurrentHelpers(*store_, household);
    EXPECT_TRUE(rows.ok());
    std::set<std::string> out;
    for (const auto& h : *rows) out.insert(h.name);
    return out;
  }
  // A `helper` account of the village, "helper1".
  void AddHelperAccount() {
    ASSERT_TRUE(store_->accounts().Begin().ok());
    UserRow user;
    user.username = "helper1";
    user.role = "helper";
    user.region_code = kVillage;
    ASSERT_TRUE(store_->accounts().InsertUser(user).ok());
    ASSERT_TRUE(store_->accounts().Commit().ok());
  }
  std::vector<std::string> AuditActions(const std::string& prefix) {
    AuditQuery q;
    q.action_prefix = prefix;
    q.newest_first = false;
    auto page = store_->accounts().SearchAudit(q);
    EXPECT_TRUE(page.ok());
    std::vector<std::string> out;
    for (const auto& r : page->items) out.push_back(r.action + " " + r.target);
    return out;
  }
};

TEST(NormalizePhoneTest, MobilesAndLandlinesAreAcceptedAndWrittenOneWay) {
  EXPECT_EQ(*NormalizePhone("138 0013 8000"), "13800138000");
  EXPECT_EQ(*NormalizePhone("0931-8123456"), "0931-8123456");
  EXPECT_EQ(*NormalizePhone("09318123456"), "0931-8123456");
  EXPECT_EQ(*NormalizePhone("010-62345678"), "010-62345678");
  EXPECT_EQ(*NormalizePhone("02087654321"), "020-87654321");
}

TEST(NormalizePhoneTest, AnythingElseIsEPhone) {
  for (const char* bad : {"", "12800138000", "1380013800", "138001380001", "0931-123",
                          "+8613800138000", "0931-0123456", "电话13800138000"}) {
    auto r = NormalizePhone(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, "E_PHONE") << bad;
  }
}

TEST_F(HelperServiceTest, AnOperatorAddsAHelperInItsRegionAndTheAdditionIsAudited) {
  const Caller village_op = As("vop", Role::kVillageOperator, kVillage);
  HelperRow h = Add("王帮扶", "13800138000", kVillage, village_op);
  EXPECT_GT(h.id, 0);
  EXPECT_EQ(h.phone, "13800138000");
  EXPECT_EQ(h.created_by, "vop");
  EXPECT_EQ(AuditActions("helper.add"),
            std::vector<std::string>{"helper.add " + std::to_string(h.id)});
}

TEST_F(HelperServiceTest, ReadingRolesMayNotAddAssignOrChangeHelpers) {
  HelperRow h = Add("王帮扶", "13800138000", kVillage);
  for (Role role : {Role::kViewer, Role::kHelper, Role::kAuditor, Role::kDepartment}) {
    const Caller c = As("someone", role, kCounty);
    auto add = AddHelper(*store_, c, {"李", "", "13800138001", RegionCode::FromInt(kVillage), ""});
    EXPECT_EQ(add.error().code, "E_FORBIDDEN");
    EXPECT_EQ(AssignHelperToHouseholds(*store_, c, h.id, {"H1"}).error().code, "E_FORBIDDEN");
    EXPECT_EQ(UpdateHelper(*store_, c, h.id, Rename("改")).error().code, "E_FORBIDDEN");
    auto team = AddTeamMember(*store_, c, RegionCode::FromInt(kVillage),
                              {"member", "赵", "", "", "2026-01-01"});
    EXPECT_EQ(team.error().code, "E_FORBIDDEN");
  }
}

TEST_F(HelperServiceTest, AHelperIsAddedOnlyUnderTheCallersRegionWithAValidPhone) {
  const Caller village_op = As("vop", Role::kVillageOperator, kVillage);
  auto outside = AddHelper(*store_, village_op,
                           {"李", "", "13800138001", RegionCode::FromInt(kOtherVillage), ""});
  EXPECT_EQ(outside.error().code, "E_REGION");
  auto bad_phone =
      AddHelper(*store_, village_op, {"李", "", "12345", RegionCode::FromInt(kVillage), ""});
  EXPECT_EQ(bad_phone.error().code, "E_PHONE");
  auto no_name =
      AddHelper(*store_, village_op, {" ", "", "13800138001", RegionCode::FromInt(kVillage), ""});
  EXPECT_EQ(no_name.error().code, "E_REQUIRED");
  auto no_account = AddHelper(*store_, village_op,
                              {"李", "", "13800138001", RegionCode::FromInt(kVillage), "ghost"});
  EXPECT_EQ(no_account.error().code, "E_NOT_FOUND");
}

TEST_F(HelperServiceTest, PhonesAreMaskedForTheRolesThatSeeMaskedData) {
  HelperRow h = Add("王帮扶", "13800138000", kVillage);
  ASSERT_TRUE(AssignHelperToHouseholds(*store_, kCountyAdmin, h.id, {"H1"}).ok());
  const Caller viewer = As("viewer", Role::kViewer, kCounty);
  EXPECT_EQ(GetHelper(*store_, viewer, h.id)->phone, "138****8000");
  EXPECT_EQ(ListHelpers(*store_, viewer, Under(kCounty))->items[0].phone, "138****8000");
  EXPECT_EQ((*HouseholdHelpers(*store_, viewer, "H1"))[0].helper.phone, "138****8000");
  EXPECT_EQ(GetHelper(*store_, kCountyAdmin, h.id)->phone, "13800138000");
  // The unmasked read is audited; the masked one is not.
  EXPECT_EQ(AuditActions("helper.read").size(), 1u);
}

TEST_F(HelperServiceTest, OutsideItsRegionACallerFindsNoHelperAndNoHousehold) {
  HelperRow h = Add("王帮扶", "13800138000", kVillage);
  const Caller other_county = As("c2", Role::kCountyAdmin, kOtherCounty);
  EXPECT_EQ(GetHelper(*store_, other_county, h.id).error().code, "E_NOT_FOUND");
  EXPECT_EQ(GetHelper(*store_, other_county, 999).error().code, "E_NOT_FOUND");
  EXPECT_EQ(ListHelpers(*store_, other_county, Under(kCounty)).error().code, "E_NOT_FOUND");
  EXPECT_EQ(HouseholdHelpers(*store_, other_county, "H1").error().code, "E_NOT_FOUND");
  // A county admin assigning its helper to a household of another county: not found, and
  // the whole call changes nothing (H1 came before it in the list).
  Status s = AssignHelperToHouseholds(*store_, kCountyAdmin, h.id, {"H1", "H9"});
  EXPECT_EQ(s.error().code, "E_NOT_FOUND");
  EXPECT_TRUE(Current("H1").empty());
}

TEST_F(HelperServiceTest, AVillageOperatorSeesAHelperOfTheCountyButMayNotChangeIt) {
  HelperRow h = Add("县干部", "13800138000", kCounty);
  ASSERT_TRUE(AssignHelperToHouseholds(*store_, kCountyAdmin, h.id, {"H1"}).ok());
  const Caller village_op = As("vop", Role::kVillageOperator, kVillage);
  EXPECT_TRUE(GetHelper(*store_, village_op, h.id).ok());  // it helps a household here
  EXPECT_EQ(UpdateHelper(*store_, village_op, h.id, Rename("改")).error().code, "E_FORBIDDEN");
  const Caller elsewhere = As("vop2", Role::kVillageOperator, kOtherVillage);
  EXPECT_EQ(GetHelper(*store_, elsewhere, h.id).error().code, "E_NOT_FOUND");
}

TEST_F(HelperServiceTest, AHelperAccountSeesItselfAndTheHelpersOfItsOwnHouseholdsOnly) {
  AddHelperAccount();
  HelperRow mine = Add("帮扶一", "13800138001", kVillage);
  ASSERT_TRUE(UpdateHelper(*store_, kCountyAdmin, mine.id, Link("helper1")).ok());
  HelperRow partner = Add("搭档", "13800138002", kVillage);
  HelperRow stranger = Add("别人", "13800138003", kVillage);
  ASSERT_TRUE(AssignHelperToHouseholds(*store_, kCountyAdmin, mine.id, {"H1"}).ok());
  ASSERT_TRUE(AssignHelperToHouseholds(*store_, kCountyAdmin, partner.id, {"H1"}).ok());
  ASSERT_TRUE(AssignHelperToHouseholds(*store_, kCountyAdmin, stranger.id, {"H2"}).ok());

  const Caller helper = As("helper1", Role::kHelper, kVillage);
  auto page = ListHelpers(*store_, helper, Under(kVillage));
  ASSERT_TRUE(page.ok());
  std::set<std::string> names;
  for (const auto& h : page->items) names.insert(h.name);
  EXPECT_EQ(names, (std::set<std::string>{"帮扶一", "搭档"}));
  EXPECT_EQ(GetHelper(*store_, helper, stranger.id).error().code, "E_NOT_FOUND");
  EXPECT_TRUE(HouseholdHelpers(*store_, helper, "H1").ok());
  EXPECT_EQ(HouseholdHelpers(*store_, helper, "H2").error().code, "E_NOT_FOUND");
  // And the register's scope query for the helper role follows the linked account.
  HouseholdQuery q;
  q.region = RegionCode::FromInt(kVillage);
  auto households = SearchHouseholds(*store_, helper, q);
  ASSERT_TRUE(households.ok());
  ASSERT_EQ(households->total, 1);
  EXPECT_EQ(households->items[0].household.household_code, "H1");
}

TEST_F(HelperServiceTest, UnassigningKeepsTheAssignmentAsHistoryWithItsDates) {
  HelperRow h = Add("王帮扶", "13800138000", kVillage);
  auto since = Date::Parse("2026-03-01");
  ASSERT_TRUE(AssignHelperToHouseholds(*store_, kCountyAdmin, h.id, {"H1"}, *since).ok());
  ASSERT_TRUE(AssignHelperToHouseholds(*store_, kCountyAdmin, h.id, {"H1"}).ok());  // no-op
  ASSERT_TRUE(UnassignHelperFromHouseholds(*store_, kCountyAdmin, h.id, {"H1"}).ok());
  auto rows = HouseholdHelpers(*store_, kCountyAdmin, "H1");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].since, "2026-03-01");
  EXPECT_EQ((*rows)[0].until, "2026-06-30");
  EXPECT_TRUE(Current("H1").empty());
  EXPECT_EQ(AuditActions("helper.assign"), std::vector<std::string>{"helper.assign H1"});
  EXPECT_EQ(AuditActions("helper.unassign"), std::vector<std::string>{"helper.unassign H1"});

  auto future = Date::Parse("2026-07-01");
  EXPECT_EQ(AssignHelperToHouseholds(*store_, kCountyAdmin, h.id, {"H1"}, *future).error().code,
            "E_DATE");
}

TEST_F(HelperServiceTest, HouseholdsThatNeedAHelperAndHaveNoneAreCounted) {
  EXPECT_EQ(*store_->helpers().CountUnhelped(RegionCode::FromInt(kCounty)), 3);
  HelperRow h = Add("王帮扶", "13800138000", kVillage);
  ASSERT_TRUE(AssignHelperToHouseholds(*store_, kCountyAdmin, h.id, {"H1", "H3"}).ok());
  EXPECT_EQ(*store_->helpers().CountUnhelped(RegionCode::FromInt(kCounty)), 1);
  auto page = store_->helpers().Unhelped(RegionCode::FromInt(kCounty), 0, 10);
  ASSERT_EQ(page->size(), 1u);
  EXPECT_EQ((*page)[0].household_code, "H2");
}

TEST_F(HelperServiceTest, AWorkTeamMemberServesFromAStartDateUntilEndedOnce) {
  const RegionCode village = RegionCode::FromInt(kVillage);
  const Caller township = As("top", Role::kTownshipOperator, 620422102000);
  auto secretary =
      AddTeamMember(*store_, township, village,
                    {"first_secretary", "刘书记", "省财政厅", "0931-8123456", "2025-03-01"});
  ASSERT_TRUE(secretary.ok()) << secretary.error().en;
  EXPECT_EQ(
      AddTeamMember(*store_, township, village, {"chief", "某", "", "", "2025-03-01"}).error().code,
      "E_CODE");
  EXPECT_EQ(AddTeamMember(*store_, township, RegionCode::FromInt(kOtherVillage),
                          {"member", "某", "", "", "2025-03-01"})
                .error()
                .code,
            "E_NOT_FOUND");
  EXPECT_EQ(EndTeamMember(*store_, township, village, secretary->id, "2025-01-01").error().code,
            "E_DATE");
  auto ended = EndTeamMember(*store_, township, village, secretary->id, "2026-05-31");
  ASSERT_TRUE(ended.ok());
  EXPECT_EQ(ended->ended_on, "2026-05-31");
  EXPECT_EQ(EndTeamMember(*store_, township, village, secretary->id, "").error().code,
            "E_CONFLICT");
  auto team = WorkTeam(*store_, As("viewer", Role::kViewer, kCounty), village);
  ASSERT_EQ(team->size(), 1u);
  EXPECT_EQ((*team)[0].phone, "093*****3456");
  EXPECT_EQ(AuditActions("team.").size(), 2u);
}

TEST_F(HelperServiceTest, UserAssignStillWorksThroughTheHelpersTables) {
  AddHelperAccount();
  ASSERT_TRUE(AssignHelper(*store_, CliCaller(), "helper1", {"H1"}, true).ok());
  auto helper = store_->helpers().FindHelperByUsername("helper1");
  ASSERT_TRUE(helper->has_value());
  EXPECT_EQ((*helper)->region_code, kVillage);  // managed by the account's region
  EXPECT_TRUE(*store_->compare().IsAssigned("helper1", "H1"));
  ASSERT_TRUE(AssignHelper(*store_, CliCaller(), "helper1", {"H1"}, false).ok());
  EXPECT_FALSE(*store_->compare().IsAssigned("helper1", "H1"));
  auto history = store_->helpers().HouseholdAssignments("H1");
  ASSERT_EQ(history->size(), 1u);
  EXPECT_EQ((*history)[0].until, "2026-06-30");
}

// A database of before helpers were people: its helper_assignments rows become helpers.
TEST(HelperMigrationTest, OldAssignmentsBecomeOneLinkedHelperPerAccount) {
  char dir[] = "/tmp/fupin-helpers-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  const std::string path = std::string(dir) + "/old.db";
  {
    auto store = Store::Open(path, Store::OpenMode::kCreate);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->Migrate().ok());  // creates the accounts file too
  }
  // Rebuild the register file as migration 7 left it, with old rows.
  std::filesystem::remove(path);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  auto migrations = sqlite::Migrations();
  for (size_t i = 0; i < 7; ++i) {
    ASSERT_EQ(sqlite3_exec(db, std::string(migrations[i]).c_str(), nullptr, nullptr, nullptr),
              SQLITE_OK)
        << i;
  }
  ASSERT_EQ(sqlite3_exec(db,
                         "PRAGMA user_version = 7;"
                         "INSERT INTO helper_assignments VALUES "
                         "(620422000000, 'H1', 'helper1', '2025-12-31T17:00:00Z'),"
                         "(620422000000, 'H2', 'helper1', '2026-01-02T01:00:00Z'),"
                         "(620422000000, 'H2', 'helper2', '2026-01-03T01:00:00Z');",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);

  auto store = Store::Open(path, Store::OpenMode::kCreate);
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Migrate().ok());
  auto helper1 = (*store)->helpers().FindHelperByUsername("helper1");
  ASSERT_TRUE(helper1.ok() && helper1->has_value());
  EXPECT_EQ((*helper1)->name, "helper1");
  EXPECT_EQ((*helper1)->region_code, 0);
  auto households = (*store)->compare().AssignedHouseholds("helper1");
  EXPECT_EQ(*households, (std::vector<std::string>{"H1", "H2"}));
  EXPECT_TRUE(*(*store)->compare().IsAssigned("helper2", "H2"));
  auto h1 = (*store)->helpers().HelperAssignments((*helper1)->id);
  ASSERT_EQ(h1->size(), 2u);
  EXPECT_EQ((*h1)[0].since, "2026-01-01");  // 17:00 UTC is the next day in China
  EXPECT_EQ(*(*store)->Migrate(), static_cast<int>(sqlite::Migrations().size()));  // idempotent
  store->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace fupin
