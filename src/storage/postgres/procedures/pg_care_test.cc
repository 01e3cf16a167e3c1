// CareStore on PostgreSQL: measures and visits come newest first (by date, then the latest
// recorded), an amount may be absent, an attachment's bytes come back exactly and it is
// claimed once, and the worklist of monitored households without a recent measure
// answers as in SQLite (sqlite_care.cc): by county and 户编号, paged, with the total.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "storage/postgres/procedures/pg_procs_test_fixture.h"

namespace fupin::pg::testing {
namespace {

class PgCareStoreTest : public PgProcsTest {
 protected:
  int64_t Insert(MeasureRow row) {
    EXPECT_TRUE(InTransaction([&] { return care_->InsertMeasure(row); }).ok());
    return row.id;
  }
  int64_t Insert(VisitRow row) {
    EXPECT_TRUE(InTransaction([&] { return care_->InsertVisit(row); }).ok());
    return row.id;
  }
  int64_t Upload(const std::string& content) {
    AttachmentRow row = Attachment("照片.png", content);
    EXPECT_TRUE(InTransaction([&] { return care_->InsertAttachment(row, content); }).ok());
    return row.id;
  }
  std::vector<std::string> Stale(int64_t region, const std::string& since,
                                 const std::string& helper = "", int64_t offset = 0,
                                 int64_t limit = 0, int64_t* total = nullptr) {
    auto page = care_->MonitoredWithoutMeasureSince(RegionCode::FromInt(region), since, helper,
                                                    offset, limit);
    EXPECT_TRUE(page.ok()) << page.error().en;
    std::vector<std::string> codes;
    if (!page.ok()) return codes;
    for (const auto& h : page->items) codes.push_back(h.household_code);
    if (total != nullptr) *total = page->total;
    return codes;
  }
};

TEST_F(PgCareStoreTest, MeasuresComeNewestFirstWithTheirAmountInFenOrNone) {
  const int64_t first = Insert(Measure(kCounty, kHousehold1, "2026-05-01", 150000));
  const int64_t later = Insert(Measure(kCounty, kHousehold1, "2026-06-01"));
  const int64_t same_day = Insert(Measure(kCounty, kHousehold1, "2026-05-01", 0));
  Insert(Measure(kCounty, kHousehold2, "2026-07-01", 1));
  EXPECT_EQ(first, 1);
  EXPECT_EQ(same_day, 3);
  auto measures = care_->Measures(kCounty, kHousehold1);
  ASSERT_TRUE(measures.ok());
  ASSERT_EQ(measures->size(), 3u);
  EXPECT_EQ((*measures)[0].id, later);
  EXPECT_FALSE((*measures)[0].amount_fen.has_value());
  EXPECT_EQ((*measures)[1].id, same_day) << "the same day: the latest recorded first";
  EXPECT_EQ((*measures)[1].amount_fen, std::optional<int64_t>(0));
  EXPECT_EQ((*measures)[2].amount_fen, std::optional<int64_t>(150000));
  const MeasureRow expected = Measure(kCounty, kHousehold1, "2026-05-01", 150000);
  EXPECT_EQ((*measures)[2].category, 3);
  EXPECT_EQ((*measures)[2].description, expected.description);
  EXPECT_EQ((*measures)[2].recorded_by, "v1");
  EXPECT_EQ((*measures)[2].recorded_at, expected.recorded_at);
  EXPECT_EQ(care_->LatestMeasureDate(kCounty, kHousehold1)->value_or(""), "2026-06-01");
  EXPECT_FALSE(care_->LatestMeasureDate(kCounty, kHousehold3)->has_value());
  EXPECT_TRUE(care_->Measures(kOtherCounty, kHousehold1)->empty()) << "the county is the key";
}

TEST_F(PgCareStoreTest, VisitsComeNewestFirstWithTheirHelperOrNone) {
  VisitRow with_helper = Visit(kCounty, kHousehold1, "2026-05-02");
  with_helper.helper_id = 1;
  const int64_t a = Insert(with_helper);
  const int64_t b = Insert(Visit(kCounty, kHousehold1, "2026-06-02"));
  auto visits = care_->Visits(kCounty, kHousehold1);
  ASSERT_TRUE(visits.ok());
  ASSERT_EQ(visits->size(), 2u);
  EXPECT_EQ((*visits)[0].id, b);
  EXPECT_FALSE((*visits)[0].helper_id.has_value());
  EXPECT_EQ((*visits)[1].id, a);
  EXPECT_EQ((*visits)[1].helper_id, std::optional<int64_t>(1));
  EXPECT_EQ((*visits)[1].findings, with_helper.findings);
  EXPECT_EQ((*visits)[1].visitor, "h1");
  EXPECT_TRUE(care_->Visits(kCounty, kHousehold2)->empty());
}

TEST_F(PgCareStoreTest, AnAttachmentsBytesComeBackExactlyAndItIsClaimedOnce) {
  constexpr char kPng[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\xff\x00\\N\t";
  const std::string bytes(kPng, sizeof kPng - 1);  // NULs, a backslash, a tab
  const int64_t id = Upload(bytes);
  auto row = care_->GetAttachment(id);
  ASSERT_TRUE(row.ok() && row->has_value());
  EXPECT_EQ((*row)->owner, "");
  EXPECT_EQ((*row)->county_code, 0);
  EXPECT_EQ((*row)->household_code, "");
  EXPECT_EQ((*row)->file_name, "照片.png");
  EXPECT_EQ((*row)->size, static_cast<int64_t>(bytes.size()));
  EXPECT_EQ((*row)->sha256.size(), 64u);
  EXPECT_EQ(*care_->AttachmentContent(id), bytes);
  EXPECT_EQ(*care_->AttachmentContent(id + 1), "") << "none: empty";
  EXPECT_FALSE(care_->GetAttachment(id + 1)->has_value());

  const int64_t second = Upload("second");
  auto claim = [&](int64_t which, const std::string& owner) {
    bool claimed = false;
    EXPECT_TRUE(InTransaction([&]() -> Status {
                  auto done = care_->ClaimAttachment(which, owner, kCounty, kHousehold1);
                  if (!done.ok()) return done.error();
                  claimed = *done;
                  return Status::Ok();
                }).ok());
    return claimed;
  };
  EXPECT_TRUE(claim(second, "visit:1"));
  EXPECT_TRUE(claim(id, "visit:1"));
  EXPECT_FALSE(claim(id, "case:1:0")) << "claimed already";
  EXPECT_FALSE(claim(99, "visit:1")) << "missing";
  auto of = care_->AttachmentsOf("visit:1");
  ASSERT_TRUE(of.ok());
  ASSERT_EQ(of->size(), 2u);
  EXPECT_EQ((*of)[0].id, id) << "in the order they were uploaded";
  EXPECT_EQ((*of)[0].county_code, kCounty);
  EXPECT_EQ((*of)[0].household_code, kHousehold1);
  EXPECT_EQ((*of)[1].id, second);
  EXPECT_TRUE(care_->AttachmentsOf("case:1:0")->empty());
}

TEST_F(PgCareStoreTest, TheWorklistNamesMonitoredHouseholdsWithoutAMeasureSinceADay) {
  EXPECT_EQ(Stale(kCounty, "2026-05-01"),
            (std::vector<std::string>{kHousehold1, kHousehold2, kHousehold3}));
  Insert(Measure(kCounty, kHousehold1, "2026-04-30"));       // before: still stale
  Insert(Measure(kCounty, kHousehold2, "2026-05-01"));       // on the day: not stale
  Insert(Measure(kOtherCounty, kHousehold3, "2026-06-01"));  // another county's key
  EXPECT_EQ(Stale(kCounty, "2026-05-01"), (std::vector<std::string>{kHousehold1, kHousehold3}));
  EXPECT_EQ(Stale(0, "2026-05-01"),
            (std::vector<std::string>{kHousehold1, kHousehold3, kHousehold5}));
  EXPECT_EQ(Stale(kOtherVillage, "2026-05-01"), std::vector<std::string>{kHousehold3});
  auto page =
      care_->MonitoredWithoutMeasureSince(RegionCode::FromInt(kCounty), "2026-05-01", "", 0, 0);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[0].village_code, kVillage);
  EXPECT_EQ(page->items[0].monitor_since, "2026-01-10");
  EXPECT_EQ(page->items[0].latest_measure_date, "2026-04-30");
  EXPECT_EQ(page->items[1].latest_measure_date, "") << "never had one";
}

TEST_F(PgCareStoreTest, AHelpersWorklistHoldsItsCurrentHouseholdsPagedWithTheTotal) {
  EXPECT_EQ(Stale(kCounty, "2026-05-01", "h1"),
            (std::vector<std::string>{kHousehold1, kHousehold3}));
  EXPECT_EQ(Stale(kCounty, "2026-05-01", "h2"), std::vector<std::string>{kHousehold2})
      << "its assignment to the third has ended";
  EXPECT_TRUE(Stale(kCounty, "2026-05-01", "nobody").empty());
  int64_t total = 0;
  EXPECT_EQ(Stale(0, "2026-05-01", "", 1, 2, &total),
            (std::vector<std::string>{kHousehold2, kHousehold3}));
  EXPECT_EQ(total, 4);
  EXPECT_EQ(Stale(0, "2026-05-01", "", 3, 0), std::vector<std::string>{kHousehold5})
      << "limit 0: all from the offset on, as SQLite's LIMIT -1";
  EXPECT_EQ(Stale(0, "2026-05-01", "", -1, 1), std::vector<std::string>{kHousehold1});
}

}  // namespace
}  // namespace fupin::pg::testing
