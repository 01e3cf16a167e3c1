// A bulk comparison gives the same report and stores the same findings whether the blocks
// of its findings are built on a second thread while SQLite stores them, or one after the
// other (storage/sqlite/crosscheck/finding_blocks.h; issue 13): thousands of findings of
// two rules over many villages, their list rows written from the list when stored.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdint>
#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "common/id_number.h"
#include "service/crosscheck/compare_service.h"
#include "service/service_test_fixture.h"
#include "storage/sqlite/crosscheck/finding_blocks.h"  // the test's switch only

namespace fupin {
namespace {

constexpr int kVillages = 60;
constexpr int kHouseholdsPerVillage = 25;
constexpr int64_t kFirstVillage = 620422102201;

std::vector<std::pair<int64_t, std::string>> Villages() {
  std::vector<std::pair<int64_t, std::string>> out;
  for (int v = 0; v < kVillages; ++v) out.emplace_back(kFirstVillage + v, "村" + std::to_string(v));
  return out;
}

// The ID number of member m of household h: born on one of 28 days of 1950 … 1999.
std::string IdNumber(int h, int m) {
  char first17[18];
  std::snprintf(first17, sizeof first17, "620422%04d%02d%02d%03d", 1950 + h % 50, 1 + h % 12,
                1 + (h / 50) % 28, (h / 1400) * 2 + m);
  return std::string(first17) + IdCheckCharacter(first17);
}

class CompareOverlapTest : public ServiceTest {
 protected:
  CompareOverlapTest() : ServiceTest(Villages()) {}
  void SetUp() override {
    ServiceTest::SetUp();
    if (HasFatalFailure()) return;
    setenv("FUPIN_NOW", "2026-07-01T09:00:00+08:00", 1);
    std::string households =
        "户编号,行政区划代码,户类型,贫困状态,识别年度,主要致贫原因,工资性收入,生产经营性收入,"
        "生产经营性支出,财产性收入,转移性收入,不愁吃,不愁穿,住房安全等级,饮水安全\n";
    std::string members =
        "户编号,姓名,证件号码,与户主关系,在校生状况,健康状况,劳动能力,"
        "参加城乡居民基本医疗保险\n";
    std::string list = "证件号码,姓名,死亡日期,备注\n";
    // Households in an order unlike the ID numbers': a village's findings lie far apart.
    for (int h = 0; h < kVillages * kHouseholdsPerVillage; ++h) {
      const std::string code = "H" + std::to_string(h);
      households += code + "," + std::to_string(kFirstVillage + (h * 7) % kVillages) +
                    ",建档立卡户,未脱贫,2016,缺资金,3000,0,0,0,0,是,是,A,是\n";
      for (int m = 0; m < 2; ++m) {
        const std::string id = IdNumber(h, m), name = "某" + std::to_string(h % 97);
        members += code + "," + name + "," + id + "," + (m ? "配偶" : "户主") +
                   ",非在校生,健康,普通劳动力,是\n";
        // Nearly everyone on the list; a few under another name, some dead after the as-of.
        if (h % 11 == 3 && m) continue;
        list += id + "," + (h % 13 == 5 ? name + "改" : name) + "," +
                (h % 9 == 4    ? "2026-06-30"
                 : h % 17 == 2 ? "2026-07-15"
                               : "2020-03-0" + std::to_string(1 + h % 9)) +
                "," + (h % 5 ? "备注 \\" + std::to_string(h) : "") + "\n";
      }
    }
    households_ = Write("h.csv", households);
    members_ = Write("m.csv", members);
    list_ = Write("deaths.csv", list);
  }
  void TearDown() override {
    FindingBlocks::SetOverlapFrom(FindingBlocks::kOverlapFindings);
    ServiceTest::TearDown();
  }

  // A register imported into a new database `name`; the comparison's report and every
  // finding stored afterwards, as text.
  std::vector<std::string> CompareInto(const std::string& name) {
    std::vector<std::string> out;
    auto opened = Store::Open(dir_ + "/" + name, Store::OpenMode::kCreate);
    EXPECT_TRUE(opened.ok());
    if (!opened.ok()) return out;
    Store& store = **opened;
    EXPECT_TRUE(store.Migrate().ok());
    EXPECT_TRUE(CreateAuditKey(store).ok());
    std::vector<RegionRow> regions;
    for (const auto& [code, village] : Villages())
      regions.push_back({RegionCode::FromInt(code), village, std::nullopt});
    EXPECT_TRUE(store.Begin().ok());
    EXPECT_TRUE(store.UpsertRegions(regions).ok());
    EXPECT_TRUE(store.Commit().ok());
    ImportOptions options;
    options.files = {households_, members_};
    auto imported = RunImport(store, options);
    EXPECT_TRUE(imported.ok() && imported->errors.empty());

    PolicySet policy;
    CompareRequest request;
    request.kind = "deaths";
    request.path = list_;
    request.as_of = *Date::Parse("2026-06-30");
    request.today = *Date::Parse("2026-07-01");
    const Caller admin{User{"admin", Role::kAdmin, RegionCode::Nation(), false}, "test"};
    auto report = CompareList(store, policy, admin, request);
    EXPECT_TRUE(report.ok()) << (report.ok() ? "" : report.error().en);
    if (!report.ok()) return out;
    out.push_back("rows " + std::to_string(report->rows) + " matched " +
                  std::to_string(report->matched) + " known " + std::to_string(report->known) +
                  " list " + std::to_string(report->list.id));
    auto show = [](const FindingRow& f) {
      return std::to_string(f.id) + "|" + f.rule + "|" + f.subject + "|" +
             std::to_string(f.list_id) + "|" + std::to_string(f.village_code) + "|" +
             f.household_code + "|" + f.id_number + "|" + f.name + "|" + f.detail + "|" + f.row +
             "|" + f.status + "|" + f.created_at;
    };
    for (const FindingRow& f : report->findings) out.push_back("report " + show(f));
    FindingQuery all;
    all.limit = 0;
    auto page = SearchFindings(store, admin, all);
    EXPECT_TRUE(page.ok());
    if (page.ok()) {
      for (const FindingRow& f : page->items) out.push_back("stored " + show(f));
    }
    return out;
  }

  std::string households_, members_, list_;
};

TEST_F(CompareOverlapTest, BlocksBuiltOnASecondThreadGiveTheSameReportAndFindings) {
  FindingBlocks::SetOverlapFrom(0);
  const auto overlapped = CompareInto("overlapped.db");
  FindingBlocks::SetOverlapFrom(SIZE_MAX);
  const auto sequential = CompareInto("sequential.db");
  ASSERT_GT(overlapped.size(), 2 * 2000u);
  EXPECT_EQ(overlapped, sequential);
  // Both rules, rows with their extra column (backslashes escaped), findings of every village.
  size_t renamed = 0, quoted = 0;
  std::set<std::string> villages;
  for (const auto& line : overlapped) {
    if (line.find("|name_mismatch|") != std::string::npos) ++renamed;
    if (line.find("\"备注\":\"备注 \\\\") != std::string::npos) ++quoted;
    if (!line.starts_with("stored ")) continue;
    size_t at = 0;
    for (int field = 0; field < 4; ++field) at = line.find('|', at) + 1;
    villages.insert(line.substr(at, line.find('|', at) - at));
  }
  EXPECT_GT(renamed, 100u);
  EXPECT_GT(quoted, 1000u);
  EXPECT_EQ(villages.size(), static_cast<size_t>(kVillages));
}

}  // namespace
}  // namespace fupin
