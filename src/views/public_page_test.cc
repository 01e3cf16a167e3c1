// The public page's HTML: built from a register whose households have ID numbers, phones,
// an illness and a disability, it shows the heads' names and never any of those; every
// value is escaped; the print view carries the QR code of the page's address.
#include "views/public_page.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <regex>

#include "exchange/policy_file.h"
#include "service/funds/fund_service.h"
#include "service/imports/import_service.h"
#include "service/procedures/case_service.h"
#include "service/service_test_fixture.h"

namespace fupin {
namespace {

constexpr int64_t kVillage = 620422101205;

const char* kHouseholds =
    "户编号,行政区划代码,户类型,贫困状态,识别年度,主要致贫原因,户属性,工资性收入,生产经营性收入,"
    "生产经营性支出,财产性收入,转移性收入,不愁吃,不愁穿,住房安全等级,饮水安全,联系电话,村民小组\n"
    "H51,620422101205,普通农户,,,,一般户,1500,0,0,0,0,是,是,A,是,13055556666,3组\n"
    "H52,620422101205,建档立卡户,未脱贫,2015,因病,一般户,900,0,0,0,0,是,是,A,是,15177778888,\n";
const char* kMembers =
    "户编号,姓名,证件号码,与户主关系,在校生状况,健康状况,残疾等级,劳动能力,"
    "参加城乡居民基本医疗保险\n"
    "H51,赵<b>大</b>,620422197005050013,户主,非在校生,长期慢性病,,普通劳动力,是\n"
    "H51,钱二,620422197206060023,配偶,非在校生,健康,,普通劳动力,是\n"
    "H52,孙三,62042219650707001X,户主,非在校生,残疾,二级,无劳动力,是\n";

class PublicPageHtmlTest : public ServiceTest {
 protected:
  PublicPageHtmlTest()
      : ServiceTest({{620422000000, "会宁县"}, {620422101000, "甲镇"}, {kVillage, "甲村"}}) {}

  void SetUp() override {
    ServiceTest::SetUp();
    if (HasFatalFailure()) return;
    setenv("FUPIN_NOW", "2016-05-03T09:00:00+08:00", 1);
    auto policy = LoadPolicy("");
    ASSERT_TRUE(policy.ok());
    policy_.emplace(std::move(*policy));
    ImportOptions options;
    options.files = {Write("h.csv", kHouseholds), Write("m.csv", kMembers)};
    auto report = RunImport(*store_, options);
    ASSERT_TRUE(report.ok());
    ASSERT_TRUE(report->errors.empty())
        << report->errors.front().code << " " << report->errors.front().column << " "
        << report->errors.front().en;
    const Caller office{User{"cun", Role::kVillageOperator, RegionCode::FromInt(kVillage), false},
                        "t"};
    const Caller county{User{"xian", Role::kCountyAdmin, RegionCode::FromInt(620422000000), false},
                        "t"};
    auto c = OpenCase(*store_, *policy_, office,
                      {.kind = "identify", .household_code = "H51", .year = 2016});
    ASSERT_TRUE(c.ok()) << c.error().en;
    for (int i = 0; i < 2; ++i)
      ASSERT_TRUE(AdvanceCase(*store_, *policy_, office, c->stored.id, "", {}).ok());
    auto fund = AddFund(*store_, county,
                        {.level = "县",
                         .kind = "县级财政衔接资金",
                         .year = 2016,
                         .region = RegionCode::FromInt(620422000000),
                         .amount = "5000",
                         .name = "雨露计划"});
    ASSERT_TRUE(fund.ok());
    AllocationInput a;
    a.fund_id = fund->id;
    a.household_code = "H52";
    a.amount = "1500.00";
    ASSERT_TRUE(Allocate(*store_, county, a).ok());
    auto page = PublicPageOf(*store_, *policy_, RegionCode::FromInt(kVillage));
    ASSERT_TRUE(page.ok());
    page_ = std::move(*page);
  }
  void TearDown() override {
    unsetenv("FUPIN_NOW");
    ServiceTest::TearDown();
  }

  std::optional<PolicySet> policy_;
  PublicVillagePage page_;
};

// Nothing personal: no ID number (18 characters), no mobile phone (11 digits), no health,
// disability or poverty cause, neither whole nor masked.
void ExpectNothingPersonal(const std::string& html) {
  EXPECT_FALSE(std::regex_search(html, std::regex("[0-9]{17}[0-9X]"))) << "an ID number";
  EXPECT_FALSE(std::regex_search(html, std::regex("1[3-9][0-9]{9}"))) << "a phone";
  EXPECT_FALSE(std::regex_search(html, std::regex("[0-9]{3}\\*{4}[0-9]{4}"))) << "masked";
  for (const char* secret : {"620422197005050013", "13055556666", "15177778888", "长期慢性病",
                             "残疾", "因病", "无劳动力"}) {
    EXPECT_EQ(html.find(secret), std::string::npos) << secret;
  }
}

TEST_F(PublicPageHtmlTest, ThePageShowsTheHeadsAndTheSubsidyAndNothingPersonal) {
  const std::string html = PublicPageHtml(page_);
  EXPECT_TRUE(html.starts_with("<!DOCTYPE html>\n<html lang=\"zh-CN\">"));
  EXPECT_NE(html.find("赵&lt;b&gt;大&lt;/b&gt;"), std::string::npos) << "the name, escaped";
  EXPECT_EQ(html.find("<b>大</b>"), std::string::npos);
  EXPECT_NE(html.find("孙三"), std::string::npos);
  EXPECT_NE(html.find("1500.00"), std::string::npos);
  EXPECT_NE(html.find("雨露计划"), std::string::npos);
  EXPECT_NE(html.find("拟识别为建档立卡贫困户"), std::string::npos);
  EXPECT_NE(html.find("action=\"/public/villages/620422101205/objections\""), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("钱二"), std::string::npos) << "members other than the head are not named";
  ExpectNothingPersonal(html);
}

TEST_F(PublicPageHtmlTest, EachLineShowsTheHouseholdsVillageGroupOrADash) {
  ASSERT_EQ(page_.notices.size(), 1u);
  EXPECT_EQ(page_.notices[0].group, "3组");
  ASSERT_EQ(page_.subsidies.size(), 1u);
  EXPECT_EQ(page_.subsidies[0].group, "");
  const std::string html = PublicPageHtml(page_);
  EXPECT_NE(html.find("<td>赵&lt;b&gt;大&lt;/b&gt;</td><td>3组</td>"), std::string::npos);
  EXPECT_NE(html.find("<td>孙三</td><td>—</td>"), std::string::npos);
  const std::string print = PublicPrintHtml(page_, "http://127.0.0.1/public/villages/620422101205");
  EXPECT_NE(print.find("<td>3组</td>"), std::string::npos);
}

TEST_F(PublicPageHtmlTest, TheArchiveAndThePrintViewShowNothingPersonalEither) {
  setenv("FUPIN_NOW", "2016-07-01T09:00:00+08:00", 1);
  auto later = PublicPageOf(*store_, *policy_, RegionCode::FromInt(kVillage));
  ASSERT_TRUE(later.ok());
  ASSERT_EQ(later->archive.size(), 1u);
  const std::string archive = PublicArchiveHtml(*later, ArchivePageOf(*later, 1));
  EXPECT_NE(archive.find("孙三"), std::string::npos);
  ExpectNothingPersonal(archive);
  const std::string print =
      PublicPrintHtml(page_, "https://fupin.example.gov.cn/public/villages/620422101205");
  EXPECT_NE(print.find("<svg"), std::string::npos);
  EXPECT_NE(print.find("https://fupin.example.gov.cn/public/villages/620422101205"),
            std::string::npos);
  ExpectNothingPersonal(print);
}

TEST_F(PublicPageHtmlTest, AProjectNoticeFromTheProjectLibraryIsShownAndMayBeObjectedTo) {
  PublicVillagePage page = page_;
  page.projects.push_back(ProjectNoticeItem(3, "村道硬化", "乡村建设行动", "村内公示", 12000000,
                                            "2016-05-01", "2016-05-11", true));
  const std::string html = PublicPageHtml(page);
  EXPECT_NE(html.find("<td>村道硬化</td><td>乡村建设行动</td><td>村内公示</td>"),
            std::string::npos);
  EXPECT_NE(html.find("120000.00"), std::string::npos);
  EXPECT_NE(html.find("<option value=\"project:3\">"), std::string::npos);
  EXPECT_EQ(html.find("目前没有公示中的项目"), std::string::npos);
}

TEST_F(PublicPageHtmlTest, AnAllocationToAProjectIsALineOfTheFundsSectionAndMayBeObjectedTo) {
  PublicVillagePage page = page_;
  EXPECT_NE(PublicPageHtml(page).find("近期没有安排到本村项目的资金"), std::string::npos);
  PublicNoticeItem line;
  line.section = "allocation";
  line.notice = "project:4";
  line.name = "甲村<温室>";
  line.category = "省级衔接资金";
  line.source = "省级 · 财政衔接资金";
  line.amount_fen = 8000050;
  line.start = "2016-05-02";
  page.allocations.push_back(line);
  const std::string html = PublicPageHtml(page);
  EXPECT_NE(html.find("<h2>项目资金安排</h2>"), std::string::npos);
  EXPECT_NE(html.find("<td>甲村&lt;温室&gt;</td><td>省级衔接资金</td><td>省级 · 财政衔接资金</td>"
                      "<td class=\"num\">80000.50</td><td>2016-05-02</td><td>project:4</td>"),
            std::string::npos);
  EXPECT_NE(html.find("<option value=\"project:4\">"), std::string::npos);
  ExpectNothingPersonal(html);
  // Offered once in the form when the project is also in the project section.
  page.projects.push_back(ProjectNoticeItem(4, "甲村<温室>", "产业发展", "开工前公示", 8000050,
                                            "2016-05-01", "2016-05-11", true));
  const std::string both = PublicPageHtml(page);
  const auto first = both.find("<option value=\"project:4\">");
  ASSERT_NE(first, std::string::npos);
  EXPECT_EQ(both.find("<option value=\"project:4\">", first + 1), std::string::npos);
  // In the archive, named as such.
  page.archive.push_back(line);
  EXPECT_NE(PublicArchiveHtml(page, ArchivePageOf(page, 1)).find("<td>资金安排</td>"),
            std::string::npos);
}

TEST(QrSvgTest, DrawsTheModulesOfAVersionThatFitsTheAddress) {
  auto svg = QrSvg("http://127.0.0.1:8080/public/villages/620422101205");
  ASSERT_TRUE(svg.ok());
  // 49 bytes at level M: version 4, 33 modules, 41 with the quiet zone.
  EXPECT_TRUE(svg->starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 41 41\""))
      << svg->substr(0, 120);
  EXPECT_NE(svg->find("<path fill=\"#000\" d=\"M4 4h7v1h-7z"), std::string::npos)
      << "the top-left finder pattern's first row";
  EXPECT_FALSE(QrSvg(std::string(5000, 'a')).ok());
}

TEST(PublicNotFoundHtmlTest, EscapesTheCode) {
  const std::string html = PublicNotFoundHtml("<x>");
  EXPECT_NE(html.find("&lt;x&gt;"), std::string::npos);
  EXPECT_NE(html.find("没有这个村"), std::string::npos);
}

}  // namespace
}  // namespace fupin
