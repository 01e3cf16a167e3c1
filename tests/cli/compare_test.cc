// Integration tests of the cross-check on the command line (spec/compare.md): `fupin
// compare KIND FILE` for every kind with a planted case for every rule, the input errors,
// findings that are never raised twice, their decisions, `fupin lists`, and `fupin check
// quality`. Each test runs the real `fupin` binary against its own copy of the register of
// tests/data/compare/ (see its README.md), with FUPIN_TODAY pinned to 2026-06-30.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "fupin_process.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace fupin::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kData = fs::path(FUPIN_TESTDATA_DIR);

// The persons of tests/data/compare/members.csv.
const std::map<std::string, std::string> kId = {
    {"张大", "620422197501010117"}, {"张小", "62042220150601022X"},  {"张病", "620422195002020311"},
    {"周同", "620422198505050137"}, {"李四", "620422198003030152"},  {"李娃", "620422201309090267"},
    {"李残", "620422199004040170"}, {"王五", "620422196006060198"},  {"王六", "620422196207070245"},
    {"赵剔", "620422197008080357"}, {"周同2", "620422198505050575"}, {"周娃", "620422201610100284"},
};
const std::string kOutsider = "110101199003070011";  // valid, not in the register

const fs::path& RegisterDb() { return CompareRegisterDb("fupin_compare_test"); }

class CompareTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir("fupin_compare_test");
    ASSERT_FALSE(dir_.empty());
    db_ = (dir_ / "fupin.db").string();
    CopyDatabase(RegisterDb(), db_);
  }
  // Back to the register as imported (no lists, no findings).
  void FreshRegister() {
    for (const char* suffix : {"", "-ids", "-wal", "-shm", "-journal"}) {
      std::error_code ec;
      fs::remove(db_ + suffix, ec);
    }
    CopyDatabase(RegisterDb(), db_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  std::string Write(const std::string& name, std::string_view text) {
    WriteFile(dir_ / name, text);
    return (dir_ / name).string();
  }

  RunResult Fupin(std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", db_});
    return RunFupin(args, {}, dir_.string());
  }

  // `fupin compare KIND FILE --as-of AS_OF [extra…] --json`: the document, and the exit code.
  json Compare(const std::string& kind, const std::string& file, const std::string& as_of,
               int expected_exit = 0, std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"compare", kind, file, "--as-of", as_of, "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    RunResult r = Fupin(args);
    EXPECT_EQ(r.exit_code, expected_exit) << r.out << r.err;
    json j = json::parse(r.out, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << r.out << r.err;
    return j;
  }

  // The findings as "rule ID" strings, for set comparisons.
  static std::set<std::string> Found(const json& report) {
    std::set<std::string> out;
    for (const auto& f : report["findings"]) {
      out.insert(f["rule"].get<std::string>() + " " + f["id_number"].get<std::string>());
    }
    return out;
  }
  static std::string F(const std::string& rule, const std::string& person) {
    return rule + " " + kId.at(person);
  }

  fs::path dir_;
  std::string db_;
};

TEST_F(CompareTest, ADeathListFindsTheDeadUpToTheAsOfDateAndNamesThatDiffer) {
  const std::string list =
      Write("deaths.csv",
            "证件号码,姓名,死亡日期,备注\n" + kId.at("张病") + ",张病,2025-03-02,户籍注销\n" +
                kId.at("李四") + ",李四,2026-05-01,在 as-of 之后\n" + kId.at("张大") +
                ",张太,2026-01-05,姓名不同\n" + kId.at("赵剔") + ",赵剔,2025-01-01,已剔除户\n" +
                kOutsider + ",外人,2025-01-01,不在库中\n");
  json r = Compare("deaths", list, "2026-03-31");
  EXPECT_EQ(r["kind"], "deaths");
  EXPECT_EQ(r["rows"], 5);
  EXPECT_EQ(r["matched"], 3);  // 赵剔 is in a 已剔除 household, the outsider nowhere
  EXPECT_EQ(r["errors"], json::array());
  EXPECT_EQ(r["known"], 0);
  EXPECT_EQ(Found(r),
            (std::set<std::string>{F("deceased_member", "张病"), F("deceased_member", "张大"),
                                   F("name_mismatch", "张大")}));
  for (const auto& f : r["findings"]) {
    if (f["rule"] == "deceased_member" && f["id_number"] == kId.at("张病")) {
      EXPECT_EQ(f["detail"], "死亡日期 2025-03-02");
      EXPECT_EQ(f["household_code"], "C01");
    }
    if (f["rule"] == "name_mismatch") {
      EXPECT_EQ(f["detail"], "名单姓名 张太，登记姓名 张大");
    }
  }
}

TEST_F(CompareTest, ExtraColumnsAreKeptWithTheFinding) {
  const std::string list = Write("deaths.csv", "备注,证件号码,死亡日期,姓名\n户籍注销," +
                                                   kId.at("张病") + ",2025-03-02,张病\n");
  json r = Compare("deaths", list, "2026-03-31");
  ASSERT_EQ(r["findings"].size(), 1u);
  RunResult listed = Fupin({"findings", "list", "--json"});
  json page = json::parse(listed.out);
  ASSERT_EQ(page["total"], 1);
  EXPECT_EQ(page["items"][0]["row"]["备注"], "户籍注销");
  EXPECT_EQ(page["items"][0]["row"]["死亡日期"], "2025-03-02");
}

TEST_F(CompareTest, AssetListsFlagPublicEmployeesVehiclesOverTheThresholdBusinessesAndHousing) {
  json employees = Compare(
      "public_employees",
      Write("p.csv", "证件号码,姓名,单位\n" + kId.at("王六") + ",王六,县财政局\n"), "2026-06-30");
  EXPECT_EQ(Found(employees), (std::set<std::string>{F("public_employee", "王六")}));
  EXPECT_EQ(employees["findings"][0]["detail"], "单位 县财政局");

  // More than 30,000 yuan flags (policy [compare] vehicle_price); exactly 30,000 does not.
  json vehicles = Compare("vehicles",
                          Write("v.csv", "证件号码,姓名,号牌,购置价格\n" + kId.at("张大") +
                                             ",张大,甘D12345,30000.00\n" + kId.at("李四") +
                                             ",李四,甘D54321,30000.01\n"),
                          "2026-06-30");
  EXPECT_EQ(Found(vehicles), (std::set<std::string>{F("vehicle", "李四")}));

  json businesses = Compare(
      "businesses",
      Write("b.csv", "证件号码,姓名,企业名称\n" + kId.at("王五") + ",王五,会宁某商贸有限公司\n"),
      "2026-06-30");
  EXPECT_EQ(Found(businesses), (std::set<std::string>{F("business", "王五")}));

  json housing = Compare(
      "housing",
      Write("h.csv", "证件号码,姓名,房屋坐落\n" + kId.at("李残") + ",李残,会师镇某小区 3-201\n"),
      "2026-06-30");
  EXPECT_EQ(Found(housing), (std::set<std::string>{F("commercial_housing", "李残")}));
}

TEST_F(CompareTest, TheDibaoRollFindsBothDirectionsWithinTheRegionItCovers) {
  // 张大 is on the roll and recorded; 李四 is on the roll but not recorded; 王五 (特困 in
  // the registry, 南关村) and 张小, 张病, 周同 (低保, 太平店村) are recorded but not listed.
  const std::string roll = Write("d.csv", "证件号码,姓名,类别\n" + kId.at("张大") + ",张大,低保\n" +
                                              kId.at("李四") + ",李四,低保\n");
  json county = Compare("dibao", roll, "2026-06-30");
  EXPECT_EQ(Found(county), (std::set<std::string>{
                               F("dibao_not_recorded", "李四"),
                               F("dibao_recorded_not_on_roll", "王五"),
                               F("dibao_recorded_not_on_roll", "张小"),
                               F("dibao_recorded_not_on_roll", "张病"),
                               F("dibao_recorded_not_on_roll", "周同"),
                           }));

  // A roll that covers 会师镇 only sees 王五 there; nothing is raised twice.
  FreshRegister();
  json township = Compare("dibao", roll, "2026-06-30", 0, {"--region", "620422101"});
  EXPECT_EQ(Found(township), (std::set<std::string>{F("dibao_recorded_not_on_roll", "王五")}));
  EXPECT_EQ(township["matched"], 0);
}

TEST_F(CompareTest, TheStudentRollFindsDropoutsAndChildrenOfSchoolAgeMissingFromIt) {
  // 张小 (11 on 31 Dec 2026) is listed in school; 李娃 (13) as 辍学; 周娃 (10, 小学 in
  // the registry) is not listed; 张大 (51) as 辍学 is past school age.
  json r = Compare("students",
                   Write("s.csv", "证件号码,姓名,学段,在校状态\n" + kId.at("张小") +
                                      ",张小,小学,在校\n" + kId.at("李娃") + ",李娃,初中,辍学\n" +
                                      kId.at("张大") + ",张大,高中,辍学\n"),
                   "2026-06-30");
  EXPECT_EQ(Found(r),
            (std::set<std::string>{F("dropout", "李娃"), F("school_roll_missing", "周娃")}));
}

TEST_F(CompareTest, TheInsuranceListFindsTheUninsuredAndLargeBillsByHouseholdKind) {
  // Listed: 张大 (建档立卡户, 5000.01 > 5000), 李残 (普通农户, 19999.99 ≤ 20000),
  // 李四 (普通农户, 20000.01 > 20000; uninsured in the registry, but on the list = insured).
  json r = Compare(
      "medical_insurance",
      Write("m.csv", "证件号码,姓名,参保类型,年度自付金额\n" + kId.at("张大") +
                         ",张大,城乡居民,5000.01\n" + kId.at("李残") + ",李残,城乡居民,19999.99\n" +
                         kId.at("李四") + ",李四,城乡居民,20000.01\n"),
      "2026-06-30");
  const auto found = Found(r);
  EXPECT_TRUE(found.contains(F("medical_alert", "张大")));
  EXPECT_TRUE(found.contains(F("medical_alert", "李四")));
  EXPECT_FALSE(found.contains(F("medical_alert", "李残")));
  // Everyone insured in the registry and absent from the list, except the 已剔除 household.
  for (const char* absent : {"张小", "张病", "周同", "李娃", "王五", "王六", "周同2", "周娃"}) {
    EXPECT_TRUE(found.contains(F("not_insured", absent))) << absent;
  }
  EXPECT_FALSE(found.contains(F("not_insured", "赵剔")));
  EXPECT_FALSE(found.contains(F("not_insured", "李四")));
  EXPECT_EQ(found.size(), 10u);
}

TEST_F(CompareTest, TheDisabilityListFindsCertifiedPeopleTheRegistryCallsHealthy) {
  json r = Compare("disability",
                   Write("x.csv", "证件号码,姓名,残疾类别,残疾等级\n" + kId.at("张大") +
                                      ",张大,肢体,三级\n" + kId.at("李残") + ",李残,肢体,二级\n"),
                   "2026-06-30");
  EXPECT_EQ(Found(r), (std::set<std::string>{F("disability_not_recorded", "张大")}));
  EXPECT_EQ(r["findings"][0]["detail"], "残疾类别 肢体，残疾等级 三级；登记健康状况无残疾");
}

TEST_F(CompareTest, AFindingIsNeverRaisedTwiceAndTheSecondListIsComparedWithTheFirst) {
  const std::string first =
      Write("1.csv", "证件号码,姓名,死亡日期\n" + kId.at("张病") + ",张病,2025-03-02\n");
  json r1 = Compare("deaths", first, "2026-03-31");
  EXPECT_EQ(r1["findings"].size(), 1u);
  EXPECT_EQ(r1["previous"], nullptr);
  const std::string second =
      Write("2.csv", "证件号码,姓名,死亡日期\n" + kId.at("张病") + ",张病,2025-03-02\n" +
                         kId.at("王五") + ",王五,2026-04-02\n");
  json r2 = Compare("deaths", second, "2026-04-30");
  EXPECT_EQ(r2["known"], 1);
  EXPECT_EQ(Found(r2), (std::set<std::string>{F("deceased_member", "王五")}));
  EXPECT_EQ(r2["previous"]["list_id"], r1["list_id"]);
  EXPECT_EQ(r2["previous"]["added"], 1);
  EXPECT_EQ(r2["previous"]["removed"], 0);

  RunResult lists = Fupin({"lists", "--json"});
  json all = json::parse(lists.out);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0]["file_name"], "2.csv");
  EXPECT_EQ(all[0]["uploaded_by"], "cli");
  EXPECT_EQ(all[0]["rows"], 2);
  EXPECT_EQ(all[0]["findings"], 1);
  EXPECT_EQ(all[0]["known"], 1);
  EXPECT_EQ(all[0]["checksum"].get<std::string>().size(), 7u + 64u);  // "sha256:" + hex
}

// The register index beside the database (DB-ids) is rebuilt after the register changes:
// a comparison never matches against a stale register.
TEST_F(CompareTest, AChangeOfTheRegisterIsSeenByTheNextComparison) {
  SKIP_ON_POSTGRES("the register index file beside the database");
  const std::string list =
      Write("d.csv", "证件号码,姓名,死亡日期\n" + kId.at("张病") + ",张病,2025-03-02\n");
  json before = Compare("deaths", list, "2026-06-30");
  EXPECT_EQ(before["matched"], 1);
  ASSERT_TRUE(fs::exists(db_ + "-ids"));
  // C01 again without 张病 (the annual update removes him), and 张大 renamed.
  const std::string households =
      Write("h.csv",
            "户编号,行政区划代码,户类型,贫困状态,识别年度,脱贫年度,户属性,主要致贫原因,"
            "家庭人口数,工资性收入,生产经营性收入,生产经营性支出,财产性收入,转移性收入,"
            "合规自付医疗支出,教育支出,灾害损失,不愁吃,不愁穿,住房安全等级,危房改造,易地"
            "搬迁,饮水安全,监测对象类型,监测状态,纳入监测日期,风险类型\n"
            "C01,620422102201,建档立卡户,未脱贫,2015,,低保户,因病,3,8000.00,3000.00,"
            "1000.00,0.00,2000.00,0.00,0.00,0.00,是,是,B,无,否,是,非监测对象,,,\n");
  const std::string members =
      Write("m.csv",
            "户编号,姓名,证件号码,与户主关系,在校生状况,健康状况,残疾等级,劳动能力,"
            "参加城乡居民基本医疗保险,参加职工基本医疗保险,享受低保,特困供养\n"
            "C01,张大大," +
                kId.at("张大") +
                ",户主,非在校生,长期慢性病,,普通劳动力,是,否,是,否\n"
                "C01,张小," +
                kId.at("张小") +
                ",之子,小学,健康,,无劳动力,是,否,是,否\n"
                "C01,周同," +
                kId.at("周同") + ",之儿媳,非在校生,健康,,普通劳动力,是,否,是,否\n");
  RunResult update = Fupin({"import", households, members});
  ASSERT_EQ(update.exit_code, 0) << update.err;
  json after =
      Compare("deaths",
              Write("d2.csv", "证件号码,姓名,死亡日期\n" + kId.at("张病") + ",张病,2025-03-02\n" +
                                  kId.at("张大") + ",张大大,2025-04-02\n"),
              "2026-06-30");
  EXPECT_EQ(after["matched"], 1);  // 张病 is no longer in the register
  EXPECT_EQ(Found(after),
            (std::set<std::string>{F("deceased_member", "张大")}));  // no name_mismatch
}

class RegisterCopyTest : public CompareTest {
 protected:
  // The database as a backup tool copies it (the file, and a WAL if one is left), and back.
  void CopyDatabase(const std::string& from, const std::string& to) {
    for (const char* suffix : {"-wal", "-shm"}) {
      std::error_code ec;
      fs::remove(to + suffix, ec);
      if (fs::exists(from + suffix)) fs::copy_file(from + suffix, to + suffix);
    }
    fs::copy_file(from, to, fs::copy_options::overwrite_existing);
  }
  // One household of one member in `village`, imported: the exit status.
  int ImportOne(const std::string& code, const std::string& village, const std::string& name,
                const std::string& id) {
    const std::string households =
        Write(code + "-h.csv",
              "户编号,行政区划代码,户类型,贫困状态,识别年度,脱贫年度,户属性,主要致贫原因,"
              "家庭人口数,工资性收入,生产经营性收入,生产经营性支出,财产性收入,转移性收入,"
              "合规自付医疗支出,教育支出,灾害损失,不愁吃,不愁穿,住房安全等级,危房改造,易地"
              "搬迁,饮水安全,监测对象类型,监测状态,纳入监测日期,风险类型\n" +
                  code + "," + village +
                  ",建档立卡户,未脱贫,2016,,一般户,缺资金,1,5000.00,0.00,0.00,0.00,0.00,0.00,0.00,"
                  "0.00,是,是,B,无,否,是,非监测对象,,,\n");
    const std::string members =
        Write(code + "-m.csv",
              "户编号,姓名,证件号码,与户主关系,在校生状况,健康状况,残疾等级,劳动能力,"
              "参加城乡居民基本医疗保险,参加职工基本医疗保险,享受低保,特困供养\n" +
                  code + "," + name + "," + id + ",户主,非在校生,健康,,普通劳动力,是,否,否,否\n");
    RunResult r = Fupin({"import", households, members});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.exit_code;
  }
};

// A copy of the database restored over it repeats no register stamp, even when as many
// changes follow the restore as followed the copy: the register index beside it (DB-ids),
// built from the register the copy replaced, is never used for it.
TEST_F(RegisterCopyTest, ARestoredDatabaseNeverUsesTheIndexOfTheRegisterItReplaced) {
  SKIP_ON_POSTGRES("a database file copied back over another");
  ASSERT_EQ(Fupin({"regions", "load", "--from",
                   Write("county.csv",
                         "code,name,rural_population\n620423,靖远县,\n620423100,乌兰镇,\n"
                         "620423100201,北湾村,500\n")})
                .exit_code,
            0);
  const std::string outsider = "620423197001010037";  // of the other county's household
  const std::string list =
      Write("d.csv", "证件号码,姓名,死亡日期\n" + outsider + ",外县人,2025-03-02\n");
  EXPECT_EQ(Compare("deaths", list, "2026-06-30")["matched"], 0);
  const std::string aside = (dir_ / "aside.db").string();
  CopyDatabase(db_, aside);

  ASSERT_EQ(ImportOne("J01", "620423100201", "外县人", outsider), 0);
  EXPECT_EQ(Compare("deaths", list, "2026-06-30")["matched"], 1);  // DB-ids holds J01 now

  CopyDatabase(aside, db_);  // the restore: J01 is gone
  ASSERT_EQ(ImportOne("C06", "620422102201", "新户", "620422198808080018"), 0);
  json after = Compare("deaths", list, "2026-06-30");
  EXPECT_EQ(after["matched"], 0);
  EXPECT_EQ(after["findings"], json::array()) << "a finding about J01, not in this database";
}

// The scratch folder DB-tmp/ (service/scratch.h): what a compare or an import killed with
// kill -9 left there (an entry nobody holds), and the index's temporary files of earlier
// versions (DB-ids.XXXXXX), are removed by the next comparison or import; an entry a live
// process holds stays.
TEST_F(CompareTest, TheNextComparisonOrImportRemovesTheLeftoversOfKilledRunsOnly) {
  SKIP_ON_POSTGRES("the index's leftovers beside the database file");
  const fs::path scratch = db_ + "-tmp";
  auto plant = [&] {
    fs::create_directories(scratch / "upload-dead02");
    fs::permissions(scratch, fs::perms::owner_all, fs::perm_options::replace);
    WriteFile(scratch / "ids-dead01", std::string(1 << 20, 'x'));
    WriteFile(scratch / "upload-dead02" / "households.csv", "户编号\n");
    WriteFile(db_ + "-ids.a1B2c3", "an index half written by an earlier version");
  };
  plant();
  WriteFile(scratch / "upload-live03", "an upload being imported");
  const int held = ::open((scratch / "upload-live03").c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(held, 0);
  ASSERT_EQ(::flock(held, LOCK_EX | LOCK_NB), 0);
  auto left = [&] {
    std::set<std::string> names;
    for (const auto& e : fs::directory_iterator(scratch)) names.insert(e.path().filename());
    if (fs::exists(db_ + "-ids.a1B2c3")) names.insert("DB-ids.a1B2c3");
    return names;
  };

  const std::string list =
      Write("d.csv", "证件号码,姓名,死亡日期\n" + kId.at("张病") + ",张病,2025-03-02\n");
  Compare("deaths", list, "2026-06-30");
  EXPECT_EQ(left(), std::set<std::string>{"upload-live03"});
  EXPECT_TRUE(fs::exists(db_ + "-ids"));

  plant();
  RunResult import = Fupin({"import", (kData / "compare" / "households.csv").string(),
                            (kData / "compare" / "members.csv").string()});
  EXPECT_EQ(import.exit_code, 0) << import.err;
  EXPECT_EQ(left(), std::set<std::string>{"upload-live03"});

  ::close(held);  // its process is gone: the next comparison takes it
  Compare("deaths", list, "2026-06-30");
  EXPECT_EQ(left(), std::set<std::string>{});
}

TEST_F(CompareTest, AComparisonLeavesNothingInTheScratchFolderWhetherItSucceedsOrFails) {
  const std::string list =
      Write("d.csv", "证件号码,姓名,死亡日期\n" + kId.at("张病") + ",张病,2025-03-02\n");
  Compare("deaths", list, "2026-06-30");  // builds and saves the index
  EXPECT_EQ(
      Fupin({"compare", "deaths", Write("bad.csv", "证件号码,姓名\n"), "--as-of", "2026-06-30"})
          .exit_code,
      2);
  fs::remove(db_ + "-ids");
  RunResult r = Fupin({"compare", "deaths", list, "--as-of", "2027-01-01"});  // after today
  EXPECT_EQ(r.exit_code, 2);
  const fs::path scratch = db_ + "-tmp";
  if (fs::exists(scratch)) {
    EXPECT_TRUE(fs::is_empty(scratch));
  }
  for (const auto& e : fs::directory_iterator(dir_)) {
    EXPECT_FALSE(e.path().filename().string().starts_with("fupin.db-ids.")) << e.path().filename();
  }
}

TEST_F(CompareTest, RowsWithBadIdNumbersAreListedWithTheirLinesAndTheRestIsCompared) {
  const std::string list =
      Write("deaths.csv",
            "证件号码,姓名,死亡日期\n"
            "620422197501010118,坏校验,2025-01-01\n"  // line 2: wrong check character
            "62042219750101011,太短,2025-01-01\n" +   // line 3
                kId.at("张病") +
                ",张病,2025-03-02\n" +                   // line 4: fine
                kId.at("张病") + ",张病,2025-03-02\n" +  // line 5: twice
                kId.at("王五") + ",,2025-01-01\n" +      // line 6: no name
                kId.at("王六") + ",王六,2027-01-01\n" +  // line 7: after today
                kId.at("李四") + ",李四,2025-13-01\n");  // line 8: not a date
  json r = Compare("deaths", list, "2026-06-30", 2);
  std::vector<std::pair<int, std::string>> errors;
  for (const auto& e : r["errors"]) {
    errors.emplace_back(e["line"].get<int>(), e["code"].get<std::string>());
    EXPECT_EQ(e["file"], "deaths.csv");
  }
  EXPECT_EQ(errors, (std::vector<std::pair<int, std::string>>{{2, "E_ID_CHECKSUM"},
                                                              {3, "E_ID_FORMAT"},
                                                              {5, "E_ID_DUPLICATE"},
                                                              {6, "E_REQUIRED"},
                                                              {7, "E_DATE"},
                                                              {8, "E_DATE"}}));
  EXPECT_EQ(Found(r), (std::set<std::string>{F("deceased_member", "张病")}));
  EXPECT_EQ(r["rows"], 7);
}

TEST_F(CompareTest, AListWhoseEveryRowIsBadIsStillRecordedWithItsErrors) {
  // Found by the hostile API tests: no valid row left no ID keys, stored as NULL.
  const std::string list = Write("deaths.csv",
                                 "证件号码,姓名,死亡日期\n"
                                 "12345,某,2025-01-01\n");
  json r = Compare("deaths", list, "2026-06-30", 2);
  ASSERT_EQ(r["errors"].size(), 1u);
  EXPECT_EQ(r["errors"][0]["code"], "E_ID_FORMAT");
  EXPECT_TRUE(Found(r).empty());
  EXPECT_GT(r["list_id"].get<int64_t>(), 0);
}

TEST_F(CompareTest, AMissingColumnComparesNothingAndStoresNothing) {
  RunResult r = Fupin({"compare", "deaths",
                       Write("d.csv", "证件号码,姓名,备注\n" + kId.at("张病") + ",张病,x\n"),
                       "--as-of", "2026-06-30"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("E_HEADER"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("死亡日期"), std::string::npos) << r.err;
  EXPECT_EQ(json::parse(Fupin({"lists", "--json"}).out), json::array());
  EXPECT_EQ(json::parse(Fupin({"findings", "list", "--json"}).out)["total"], 0);
}

TEST_F(CompareTest, AnAsOfDateInTheFutureAndAnUnknownKindAreBadInput) {
  const std::string list =
      Write("d.csv", "证件号码,姓名,死亡日期\n" + kId.at("张病") + ",张病,2025-03-02\n");
  RunResult future = Fupin({"compare", "deaths", list, "--as-of", "2026-07-01"});
  EXPECT_EQ(future.exit_code, 2);
  EXPECT_NE(future.err.find("E_DATE"), std::string::npos);
  RunResult kind = Fupin({"--lang", "en", "compare", "bicycles", list, "--as-of", "2026-06-30"});
  EXPECT_EQ(kind.exit_code, 2);
  EXPECT_NE(kind.err.find("unknown list kind: bicycles"), std::string::npos) << kind.err;
}

TEST_F(CompareTest, Gb18030QuotedAndUtf8ListsGiveTheSameFindings) {
  const std::string utf8 = "证件号码,姓名,死亡日期\n" + kId.at("张病") + ",张病,2025-03-02\n" +
                           kId.at("张大") + ",张太,2025-04-02\n";
  json plain = Compare("deaths", Write("u.csv", utf8), "2026-06-30");
  FreshRegister();
  // The same rows quoted (the general CSV reader) …
  json quoted = Compare("deaths",
                        Write("q.csv", "\"证件号码\",\"姓名\",\"死亡日期\"\n\"" + kId.at("张病") +
                                           "\",\"张病\",\"2025-03-02\"\n" + kId.at("张大") +
                                           ",\"张太\",2025-04-02\n"),
                        "2026-06-30");
  EXPECT_EQ(Found(quoted), Found(plain));
  FreshRegister();
  // … and in GB18030 (iconv from UTF-8 by the test).
  std::string gb;
  {
    FILE* p = popen(("printf '%s' '" + utf8 + "' | iconv -f UTF-8 -t GB18030").c_str(), "r");
    ASSERT_NE(p, nullptr);
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) gb.append(buf, n);
    pclose(p);
  }
  ASSERT_NE(gb, utf8);
  json gbk = Compare("deaths", Write("g.csv", gb), "2026-06-30");
  EXPECT_EQ(Found(gbk), Found(plain));
  EXPECT_EQ(gbk["findings"].size(), 3u);
}

TEST_F(CompareTest, FindingsAreConfirmedOrDismissedWithAReasonOnce) {
  json r = Compare("deaths",
                   Write("d.csv", "证件号码,姓名,死亡日期\n" + kId.at("张病") +
                                      ",张病,2025-03-02\n" + kId.at("王五") + ",王五,2025-04-02\n"),
                   "2026-06-30");
  ASSERT_EQ(r["findings"].size(), 2u);
  const std::string a = std::to_string(r["findings"][0]["id"].get<int64_t>());
  const std::string b = std::to_string(r["findings"][1]["id"].get<int64_t>());
  EXPECT_EQ(Fupin({"findings", "confirm", a}).exit_code, 0);
  RunResult no_reason = Fupin({"findings", "dismiss", b});
  EXPECT_EQ(no_reason.exit_code, 2);
  EXPECT_EQ(Fupin({"findings", "dismiss", b, "--reason", "  "}).exit_code, 2);
  EXPECT_EQ(Fupin({"findings", "dismiss", b, "--reason", "户籍信息有误，已核实健在"}).exit_code, 0);
  RunResult again = Fupin({"findings", "confirm", b});
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find("E_CONFLICT"), std::string::npos) << again.err;

  json confirmed = json::parse(Fupin({"findings", "list", "--status", "confirmed", "--json"}).out);
  ASSERT_EQ(confirmed["total"], 1);
  EXPECT_EQ(std::to_string(confirmed["items"][0]["id"].get<int64_t>()), a);
  json dismissed = json::parse(Fupin({"findings", "list", "--status", "dismissed", "--json"}).out);
  ASSERT_EQ(dismissed["total"], 1);
  EXPECT_EQ(dismissed["items"][0]["reason"], "户籍信息有误，已核实健在");
  EXPECT_EQ(dismissed["items"][0]["decided_by"], "cli");
  // Decisions are audited and the chain holds.
  EXPECT_EQ(Fupin({"audit", "verify"}).exit_code, 0);
}

TEST_F(CompareTest, FindingsCanBeListedByRuleAndRegion) {
  Compare("dibao",
          Write("d.csv", "证件号码,姓名,类别\n" + kId.at("张大") + ",张大,低保\n" + kId.at("李四") +
                             ",李四,低保\n"),
          "2026-06-30");
  json nanguan = json::parse(Fupin({"findings", "list", "--region", "620422101205", "--json"}).out);
  ASSERT_EQ(nanguan["total"], 1);
  EXPECT_EQ(nanguan["items"][0]["id_number"], kId.at("王五"));
  json rule =
      json::parse(Fupin({"findings", "list", "--rule", "dibao_not_recorded", "--json"}).out);
  ASSERT_EQ(rule["total"], 1);
  EXPECT_EQ(rule["items"][0]["household_code"], "C02");
}

TEST_F(CompareTest, TheQualityCheckFindsEveryPlantedInconsistencyOnce) {
  // C01 has a helper; the other registered and monitored households have none.
  RunResult add = RunFupinWithInput({"--db", db_, "user", "add", "helper1", "--role", "helper",
                                     "--region", "620422", "--password-stdin"},
                                    "Helper-2026-pass\n");
  ASSERT_EQ(add.exit_code, 0) << add.err;
  ASSERT_EQ(Fupin({"user", "assign", "helper1", "C01"}).exit_code, 0);
  RunResult elsewhere = Fupin({"user", "assign", "helper1", "NOSUCH"});
  EXPECT_EQ(elsewhere.exit_code, 2);
  EXPECT_NE(elsewhere.err.find("E_NOT_FOUND"), std::string::npos) << elsewhere.err;
  json r = json::parse(Fupin({"check", "quality", "--json"}).out);
  EXPECT_EQ(r["kind"], "quality");
  EXPECT_EQ(r["rows"], 5);
  std::set<std::string> found;
  for (const auto& f : r["findings"]) {
    found.insert(f["rule"].get<std::string>() + " " + f["household_code"].get<std::string>());
  }
  EXPECT_EQ(found, (std::set<std::string>{
                       "cause_mismatch C03",  // 因学 with no student
                       "income_outlier C05",  // per-capita income 0
                       "no_helper C02",       // a monitored 普通农户 without a helper
                       "no_helper C03",
                       "no_helper C05",
                       "duplicate_person C01",  // 周同, same birth date, two households
                       "duplicate_person C05",
                   }));
  json again = json::parse(Fupin({"check", "quality", "--json"}).out);
  EXPECT_EQ(again["findings"], json::array());
  EXPECT_EQ(again["known"], 7);
}

}  // namespace
}  // namespace fupin::testing
