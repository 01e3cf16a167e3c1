// The household search from the columnar view (SearchViewCache) gives the answers of the SQL
// path (Store::SearchHouseholds) — totals, pages, order with ties, both directions — on a
// generated register of two counties, and never answers from a view older than the register.
#include "storage/search_view.h"

#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <set>
#include <thread>

#include "service/generator/generator.h"
#include "service/register/search_view_cache.h"
#include "service/service_test_fixture.h"

namespace fupin {
namespace {

constexpr int64_t kVillages[] = {620422101201, 620422101202, 620422102201, 620423101201,
                                 620423101202};

class SearchViewTest : public ServiceTest {
 protected:
  SearchViewTest()
      : ServiceTest({{620422101201, "甲村"},
                     {620422101202, "乙村"},
                     {620422102201, "丙村"},
                     {620423101201, "丁村"},
                     {620423101202, "戊村"}}) {}

  void SetUp() override {
    ServiceTest::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_TRUE(store_->Begin().ok());
    for (auto [county, first, last, count] :
         {std::tuple{620422, 0, 3, 900}, std::tuple{620423, 3, 5, 500}}) {
      std::vector<RegionCode> villages;
      for (int i = first; i < last; ++i) villages.push_back(RegionCode::FromInt(kVillages[i]));
      GeneratorOptions options{*RegionCode::Parse(std::to_string(county)), count,
                               static_cast<uint64_t>(county), Date::Today()};
      GenerateHouseholds(options, villages, [&](const Household& generated) {
        Household h = generated;
        // Names a LIKE matches in particular ways: ASCII letters in either case, and the
        // pattern characters % and _ as text.
        if (h.household_code.ends_with("7")) h.members[0].name = "Zhang Wei";
        if (h.household_code.ends_with("13")) h.members.back().name = "王%_\\小";
        households_.push_back(h.household_code);
        ids_.push_back(h.members.back().id_number);
        names_.push_back(h.members.front().name);
        Status inserted = store_->InsertHousehold(h, 1, "");
        ASSERT_TRUE(inserted.ok()) << inserted.error().en << " " << h.household_code;
      });
    }
    ASSERT_TRUE(store_->Commit().ok());
    for (size_t i = 0; i < households_.size(); i += 37) {
      ASSERT_TRUE(
          store_->compare().Assign("helper1", households_[i], "2026-01-01T00:00:00+08:00").ok());
    }
  }

  // Both answers of `q`, compared in full.
  void ExpectSameAnswer(SearchViewCache& views, const HouseholdQuery& q, const std::string& what) {
    auto sql = store_->SearchHouseholds(q);
    ASSERT_TRUE(sql.ok()) << sql.error().en;
    auto view = views.Search(*store_, q);
    ASSERT_TRUE(view.ok()) << view.error().en;
    ASSERT_TRUE(view->has_value()) << what << ": the view did not answer";
    const HouseholdPage& a = *sql;
    const HouseholdPage& b = **view;
    EXPECT_EQ(a.total, b.total) << what;
    ASSERT_EQ(a.items.size(), b.items.size()) << what;
    for (size_t i = 0; i < a.items.size(); ++i) {
      EXPECT_EQ(a.items[i].household.household_code, b.items[i].household.household_code)
          << what << " at " << i;
      EXPECT_EQ(a.items[i].household, b.items[i].household) << what;
      EXPECT_EQ(a.items[i].version, b.items[i].version) << what;
    }
    EXPECT_EQ(a.member_counts, b.member_counts) << what;
    EXPECT_EQ(a.head_names, b.head_names) << what;
    EXPECT_EQ(a.village_names, b.village_names) << what;
  }

  std::vector<std::string> households_, ids_, names_;
};

std::string Describe(const HouseholdQuery& q) {
  std::string s = "region=" + q.region.ToString();
  auto add = [&](const char* name, const std::optional<int>& v) {
    if (v) s += std::string("&") + name + "=" + std::to_string(*v);
  };
  add("kind", q.kind);
  add("status", q.poverty_status);
  add("attribute", q.attribute);
  add("cause", q.main_cause);
  add("monitor_type", q.monitor_type);
  add("monitor_status", q.monitor_status);
  if (q.income_min) s += "&income_min=" + std::to_string(q.income_min->fen());
  if (q.income_max) s += "&income_max=" + std::to_string(q.income_max->fen());
  if (!q.name.empty()) s += "&name=" + q.name;
  if (!q.id_number.empty()) s += "&id=" + q.id_number;
  if (!q.assigned_to.empty()) s += "&assigned=" + q.assigned_to;
  s += "&sort=" + std::to_string(static_cast<int>(q.sort)) + (q.descending ? "&desc" : "") +
       "&offset=" + std::to_string(q.offset) + "&limit=" + std::to_string(q.limit) +
       (q.count ? "" : "&count=0");
  return s;
}

TEST_F(SearchViewTest, EveryFilterSortAndPageGivesTheAnswerOfTheSqlPath) {
  SearchViewCache views;
  const int64_t regions[] = {0,         62,          6204,         620422,       620423,
                             620422101, 620422102,   620422101201, 620423101202, 620421,
                             620422103, 620422101209};
  std::mt19937 rng(13);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  auto maybe = [&](int one_in) { return pick(one_in) == 0; };
  int pages_with_rows = 0;
  for (int i = 0; i < 600; ++i) {
    HouseholdQuery q;
    const int64_t region = regions[pick(std::size(regions))];
    q.region = region == 0 ? RegionCode::Nation() : *RegionCode::Parse(std::to_string(region));
    if (maybe(4)) q.kind = 1 + pick(2);
    if (maybe(3)) q.poverty_status = pick(5);
    if (maybe(5)) q.attribute = 1 + pick(3);
    if (maybe(4)) q.main_cause = 1 + pick(12);
    if (maybe(6)) q.monitor_type = pick(4);
    if (maybe(6)) q.monitor_status = pick(3);
    if (maybe(5)) q.income_min = Money::FromFen(100 * (pick(120) * 100));
    if (maybe(5)) q.income_max = Money::FromFen(100 * (pick(160) * 100));
    if (maybe(6)) {
      const std::string& name = names_[pick(names_.size())];
      q.name = maybe(2) ? name.substr(0, 3) : name;  // a surname, or a whole name
    }
    if (maybe(25)) q.name = std::string(maybe(2) ? "zHANG" : "%_\\");
    if (maybe(12)) q.id_number = maybe(5) ? "620422199901019999" : ids_[pick(ids_.size())];
    if (maybe(10)) q.assigned_to = maybe(4) ? "nobody" : "helper1";
    q.sort = static_cast<HouseholdQuery::Sort>(pick(4));
    q.descending = maybe(2);
    q.limit = std::vector<int64_t>{1, 5, 20, 50, 500}[pick(5)];
    q.offset = maybe(2) ? 0 : q.limit * pick(maybe(3) ? 40 : 4);
    q.count = !maybe(4);
    ExpectSameAnswer(views, q, Describe(q));
    if (HasFatalFailure()) return;
    auto sql = store_->SearchHouseholds(q);
    if (sql.ok() && !sql->items.empty()) ++pages_with_rows;
  }
  EXPECT_GT(pages_with_rows, 120);  // the queries find households, not only empty pages
  // Every sort, both ways, through every page of the whole register: ties (many households
  // share a size, an income or a village) fall in the same order.
  for (int sort = 0; sort < 4; ++sort) {
    for (bool descending : {false, true}) {
      for (int64_t offset = 0; offset < 1400; offset += 100) {
        HouseholdQuery q;
        q.region = RegionCode::Nation();
        q.sort = static_cast<HouseholdQuery::Sort>(sort);
        q.descending = descending;
        q.offset = offset;
        q.limit = 100;
        ExpectSameAnswer(views, q, Describe(q));
      }
    }
  }
  EXPECT_EQ(views.stats().builds, 1);
  EXPECT_GT(views.stats().bytes, 0u);
}

TEST_F(SearchViewTest, ANameIsMatchedAsTextWithAsciiLettersInEitherCase) {
  SearchViewCache views;
  for (const char* name : {"zhang wei", "ZHANG", "%", "_", "\\", "%_\\小", "王%"}) {
    HouseholdQuery q;
    q.name = name;
    auto view = views.Search(*store_, q);
    ASSERT_TRUE(view.ok() && view->has_value());
    auto sql = store_->SearchHouseholds(q);
    ASSERT_TRUE(sql.ok());
    EXPECT_GT((*view)->total, 0) << name;
    EXPECT_EQ((*view)->total, sql->total) << name;
  }
}

TEST_F(SearchViewTest, ANameThatIsNotUtf8IsLeftToTheSqlPath) {
  SearchViewCache views;
  HouseholdQuery q;
  q.name = std::string("\xE5\xBC", 2);  // 张 cut short
  auto view = views.Search(*store_, q);
  ASSERT_TRUE(view.ok());
  EXPECT_FALSE(view->has_value());
}

// A household written after the view was built: the next search does not use that view.
TEST_F(SearchViewTest, AViewOlderThanTheRegisterNeverAnswers) {
  SearchViewCache views;
  HouseholdQuery q;
  q.poverty_status = 1;
  ExpectSameAnswer(views, q, "before the write");
  const std::string before = views.stats().stamp;
  auto stored = store_->FindHousehold(households_[5]);
  ASSERT_TRUE(stored.ok() && stored->has_value());
  Household h = (*stored)->household;
  h.poverty_status = h.poverty_status == 1 ? 0 : 1;
  h.members[0].name = "新名字";
  ASSERT_TRUE(store_->Begin().ok());
  ASSERT_TRUE(store_->UpdateHousehold(**stored, h, 2, "").ok());
  // Inside the writer's own transaction, the view is not asked.
  auto inside = views.Search(*store_, q);
  ASSERT_TRUE(inside.ok());
  EXPECT_FALSE(inside->has_value());
  ASSERT_TRUE(store_->Commit().ok());
  ExpectSameAnswer(views, q, "after the write");
  HouseholdQuery by_name;
  by_name.name = "新名字";
  ExpectSameAnswer(views, by_name, "the new name");
  EXPECT_EQ(views.stats().builds, 2);
  EXPECT_NE(views.stats().stamp, before);
}

// With a builder thread: a stale view sends the search to the SQL path until the new one
// is built, and the answers are those of the register as it is.
TEST_F(SearchViewTest, WithABuilderThreadAStaleViewSendsSearchesToTheSqlPath) {
  const std::string path = url_;
  const StoreOptions options = store_->options();
  SearchViewCache views(
      [path, options]() { return Store::Open(path, Store::OpenMode::kExisting, options); });
  auto wait_for_builds = [&](int64_t n) {
    for (int i = 0; i < 500 && views.stats().builds < n; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return views.stats().builds;
  };
  HouseholdQuery q;
  q.kind = 1;
  auto first = views.Search(*store_, q);  // no view yet: the SQL path, a build started
  ASSERT_TRUE(first.ok());
  EXPECT_FALSE(first->has_value());
  ASSERT_EQ(wait_for_builds(1), 1);
  ExpectSameAnswer(views, q, "from the built view");

  auto stored = store_->FindHousehold(households_[9]);
  ASSERT_TRUE(stored.ok() && stored->has_value());
  Household h = (*stored)->household;
  h.kind = h.kind == 1 ? 2 : 1;
  ASSERT_TRUE(store_->Begin().ok());
  ASSERT_TRUE(store_->UpdateHousehold(**stored, h, 2, "").ok());
  ASSERT_TRUE(store_->Commit().ok());
  auto sql = store_->SearchHouseholds(q);
  ASSERT_TRUE(sql.ok());
  auto stale = views.Search(*store_, q);
  ASSERT_TRUE(stale.ok());
  if (stale->has_value()) {  // only once the view of the new register is built
    EXPECT_EQ((*stale)->total, sql->total);
  }
  ASSERT_EQ(wait_for_builds(2), 2);
  ExpectSameAnswer(views, q, "from the view built after the write");
}

}  // namespace
}  // namespace fupin
