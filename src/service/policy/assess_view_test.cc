#include "service/policy/assess_view.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "exchange/policy_file.h"
#include "service/generator/generator.h"
#include "service/policy/assess_service.h"
#include "service/service_test_fixture.h"

namespace fupin {
namespace {

constexpr int64_t kCounty = 620422000000;

std::vector<RegionCode> Villages() {
  std::vector<RegionCode> villages;
  for (int township = 101; township <= 104; ++township) {
    for (int village = 1; village <= 6; ++village) {
      villages.push_back(RegionCode::FromInt(kCounty + township * 1000 + village));
    }
  }
  return villages;
}

// Every field of every result, reasons included, one line each.
std::string Text(const Result<std::vector<ExitResult>>& results) {
  if (!results.ok()) return "error " + results.error().code;
  std::string out;
  for (const auto& r : *results) {
    out += r.household_code + " " + r.village.ToString() + " " + r.per_capita_income.ToString() +
           (r.meets ? " meets" : " fails") + (r.earlier_year_line ? " earlier" : "");
    for (const auto& f : r.failed) {
      out += " [" + std::string(CriterionKey(f.criterion)) + (f.pass ? " pass " : " ") + f.zh +
             " / " + f.en + "]";
    }
    out += "\n";
  }
  return out;
}

std::string Text(const Result<std::vector<MonitorResult>>& results) {
  if (!results.ok()) return "error " + results.error().code;
  std::string out;
  for (const auto& r : *results) {
    const auto& d = r.decision;
    out += r.household_code + " " + r.village.ToString() + " " + d.per_capita_income.ToString() +
           (d.candidate ? " candidate" : " no") + " type " + std::to_string(d.type) +
           (r.earlier_year_line ? " earlier" : "");
    for (const auto& rule : d.rules) out += " " + rule;
    for (int code : d.risk_types.Codes()) out += " risk" + std::to_string(code);
    out += "\n";
  }
  return out;
}

class AssessViewTest : public ServiceTest {
 protected:
  AssessViewTest() : ServiceTest({}) {}
  void SetUp() override {
    ServiceTest::SetUp();
    if (HasFatalFailure()) return;
    // A western county (620422) with its own lines under one township, so that results
    // there use another policy than the rest.
    const std::string file = Write("policy.toml",
                                   "[override.\"620422102\"]\n"
                                   "poverty_line = { 2020 = 4300 }\n"
                                   "monitoring_line = { 2023 = 6600 }\n");
    auto policy = LoadPolicy(file);
    ASSERT_TRUE(policy.ok()) << policy.error().en;
    policy_.emplace(std::move(*policy));
    GeneratorOptions options;
    options.county = RegionCode::FromInt(kCounty);
    options.households = 3000;
    options.seed = 11;
    options.today = *Date::FromYmd(2024, 6, 30);
    const auto villages = Villages();
    ASSERT_TRUE(store_->Begin().ok());
    GenerateHouseholds(options, villages, [&](const Household& h) {
      ASSERT_TRUE(store_->InsertHousehold(h, 1, "test").ok()) << h.household_code;
    });
    ASSERT_TRUE(store_->Commit().ok());
  }

  // The regions every comparison covers: the nation, the county, a township, a village.
  std::vector<RegionCode> Regions() const {
    return {RegionCode::Nation(), RegionCode::FromInt(kCounty),
            RegionCode::FromInt(kCounty + 102000), RegionCode::FromInt(kCounty + 103004)};
  }

  // Checks that the view and the store's tables give the same results for every year and
  // region; returns how many results were compared.
  size_t ExpectSameAsStore(const AssessView& view) {
    size_t compared = 0;
    for (RegionCode region : Regions()) {
      for (int year = 2013; year <= 2021; ++year) {
        auto from_view = AssessExits(view, *policy_, year, region);
        auto from_store = AssessExitsFromStore(*store_, *policy_, year, region);
        EXPECT_EQ(Text(from_view), Text(from_store)) << "exit " << year << " " << region.value();
        if (from_store.ok()) compared += from_store->size();
      }
      for (int year = 2020; year <= 2025; ++year) {
        auto from_view = AssessMonitoringCandidates(view, *policy_, year, region);
        auto from_store = AssessMonitoringCandidatesFromStore(*store_, *policy_, year, region);
        EXPECT_EQ(Text(from_view), Text(from_store)) << "monitor " << year << " " << region.value();
        if (from_store.ok()) compared += from_store->size();
      }
    }
    return compared;
  }

  // Some exit candidates changed: one rich, one with a member more, one deleted.
  void ChangeSomeHouseholds() {
    std::vector<std::string> codes;
    ASSERT_TRUE(store_
                    ->ScanHouseholds(RegionCode::Nation(), HouseholdPool::kExitCandidates,
                                     [&](Household& h, int64_t) {
                                       codes.push_back(h.household_code);
                                       return Status::Ok();
                                     })
                    .ok());
    ASSERT_GE(codes.size(), 3u);
    ASSERT_TRUE(store_->Begin().ok());
    auto rich = store_->FindHousehold(codes[0]);
    ASSERT_TRUE(rich.ok() && rich->has_value());
    Household h = (*rich)->household;
    h.wage_income = Money::FromYuan(900000);
    ASSERT_TRUE(store_->UpdateHousehold(**rich, h, (*rich)->version + 1, "test").ok());
    auto bigger = store_->FindHousehold(codes[1]);
    ASSERT_TRUE(bigger.ok() && bigger->has_value());
    h = (*bigger)->household;
    Member child = h.members.front();
    child.name = "新成员";
    child.id_type = 9;
    child.id_number = "X-" + h.household_code;
    child.birth_date = *Date::FromYmd(2012, 5, 1);
    child.school_status = 1;  // not in school: fails education
    child.resident_medical_insurance = child.employee_medical_insurance = false;
    h.members.push_back(child);
    ASSERT_TRUE(store_->UpdateHousehold(**bigger, h, (*bigger)->version + 1, "test").ok());
    ASSERT_TRUE(store_->DeleteHousehold(RegionCode::FromInt(kCounty), codes[2]).ok());
    ASSERT_TRUE(store_->Commit().ok());
  }

  std::optional<PolicySet> policy_;
};

TEST_F(AssessViewTest, GivesTheStoresExitAndMonitoringResultsForEveryYearAndRegion) {
  auto view = AssessView::Build(*store_);
  ASSERT_TRUE(view.ok()) << view.error().en;
  EXPECT_EQ((*view)->households().size(), 3000u);
  EXPECT_GT(ExpectSameAsStore(**view), 1000u);
}

// Every field of a household of the view.
auto Fields(const AssessHousehold& h) {
  return std::tuple(h.village_code, h.net_income, h.rigid_expenses, h.first_member, h.members,
                    h.code, h.code_length, h.kind, h.poverty_status, h.monitor_status,
                    h.housing_grade, h.renovation, h.relocation, h.flags);
}

TEST_F(AssessViewTest, ReadInTwoHalvesOnTwoConnectionsIsTheSameViewAsReadAtOnce) {
  auto whole = AssessView::Build(*store_);
  ASSERT_TRUE(whole.ok()) << whole.error().en;
  AssessView::SetSplitThreshold(1);
  auto halves = AssessView::Build(*store_);
  AssessView::SetSplitThreshold(200000);
  ASSERT_TRUE(halves.ok()) << halves.error().en;
  const AssessView& a = **whole;
  const AssessView& b = **halves;
  ASSERT_EQ(a.households().size(), b.households().size());
  ASSERT_EQ(a.members().size(), b.members().size());
  for (size_t i = 0; i < a.households().size(); ++i) {
    const AssessHousehold &x = a.households()[i], &y = b.households()[i];
    ASSERT_EQ(a.Code(x), b.Code(y)) << i;
    ASSERT_EQ(Fields(x), Fields(y)) << "household " << i;
  }
  for (size_t i = 0; i < a.members().size(); ++i) {
    ASSERT_EQ(a.Name(a.members()[i]), b.Name(b.members()[i])) << i;
    const AssessMember &x = a.members()[i], &y = b.members()[i];
    ASSERT_EQ(std::tuple(x.birth_date, x.school_status, x.flags),
              std::tuple(y.birth_date, y.school_status, y.flags))
        << i;
  }
  EXPECT_GT(ExpectSameAsStore(b), 1000u);
}

TEST_F(AssessViewTest, IsSavedBesideTheDatabaseAndMappedWhileTheRegisterIsUnchanged) {
  if (pg::testing::UsePostgres()) GTEST_SKIP() << "the view is a file beside a SQLite database";
  auto built = AssessView::Open(*store_);
  ASSERT_TRUE(built.ok()) << built.error().en;
  EXPECT_TRUE((*built)->rebuilt());
  EXPECT_TRUE(std::filesystem::exists(AssessViewPath(store_->file_path())));
  AssessView::ForgetCached();
  auto mapped = AssessView::Open(*store_);
  ASSERT_TRUE(mapped.ok()) << mapped.error().en;
  EXPECT_FALSE((*mapped)->rebuilt());
  EXPECT_EQ((*mapped)->stamp(), *store_->RegisterStamp());
  ExpectSameAsStore(**mapped);
}

TEST_F(AssessViewTest, IsNeverUsedOnceAHouseholdChangedAfterItWasBuilt) {
  if (pg::testing::UsePostgres()) GTEST_SKIP() << "the view is a file beside a SQLite database";
  auto before = AssessView::Open(*store_);
  ASSERT_TRUE(before.ok());
  const RegionCode county = RegionCode::FromInt(kCounty);
  const std::string old_exits = Text(AssessExits(**before, *policy_, 2020, county));
  ChangeSomeHouseholds();
  if (HasFatalFailure()) return;
  // The service's own reading (through the view, the database being a file) follows the
  // change, for the cached view and for the file alike.
  ASSERT_TRUE(UsesAssessView(*store_, county));
  for (bool forget : {false, true}) {
    if (forget) AssessView::ForgetCached();
    const std::string exits = Text(AssessExits(*store_, *policy_, 2020, county));
    EXPECT_EQ(exits, Text(AssessExitsFromStore(*store_, *policy_, 2020, county)));
    EXPECT_NE(exits, old_exits);
    EXPECT_EQ(Text(AssessMonitoringCandidates(*store_, *policy_, 2024, county)),
              Text(AssessMonitoringCandidatesFromStore(*store_, *policy_, 2024, county)));
  }
  auto after = AssessView::Open(*store_);
  ASSERT_TRUE(after.ok());
  EXPECT_NE((*after)->stamp(), (*before)->stamp());
  EXPECT_EQ((*after)->households().size(), 2999u);
  ExpectSameAsStore(**after);
}

TEST_F(AssessViewTest, IsNotReadInsideATransactionWhoseWritesNoViewHolds) {
  if (pg::testing::UsePostgres()) GTEST_SKIP() << "the view is a file beside a SQLite database";
  ASSERT_TRUE(AssessView::Open(*store_).ok());
  ASSERT_TRUE(store_->Begin().ok());
  EXPECT_FALSE(UsesAssessView(*store_, RegionCode::FromInt(kCounty)));
  store_->Rollback();
  EXPECT_TRUE(UsesAssessView(*store_, RegionCode::FromInt(kCounty)));
  // A village is read from the store's index, never through a (possibly stale) view.
  EXPECT_FALSE(UsesAssessView(*store_, RegionCode::FromInt(kCounty + 103004)));
}

}  // namespace
}  // namespace fupin
