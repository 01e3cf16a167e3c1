// ComplaintStore on SQLite (12317 complaints): a complaint reads back as written, the desk
// of an office holds its region's complaints and those handled by it now, and only open,
// never escalated complaints past their due date are due for escalation.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "storage/sqlite/procedures/complaint_test_row.h"
#include "storage/sqlite/store_test_fixture.h"
#include "storage/store.h"

namespace fupin {
namespace {

constexpr int64_t kVillage = 620422102201, kOther = 620422102202, kTownship = 620422102000;
constexpr int64_t kCounty = 620422000000, kFarVillage = 620423100201;

using complaint_test::Complaint;

class ComplaintStoreTest : public MigratedStoreTest {
 protected:
  int64_t Insert(ComplaintRow row) {
    EXPECT_TRUE(store_->Begin().ok());
    EXPECT_TRUE(store_->complaints().InsertComplaint(row).ok());
    EXPECT_TRUE(store_->Commit().ok());
    return row.id;
  }
  std::vector<int64_t> Ids(const ComplaintQuery& q, int64_t* total = nullptr) {
    auto page = store_->complaints().SearchComplaints(q);
    EXPECT_TRUE(page.ok());
    std::vector<int64_t> ids;
    if (!page.ok()) return ids;
    for (const auto& c : page->items) ids.push_back(c.id);
    if (total != nullptr) *total = page->total;
    return ids;
  }
};

TEST_F(ComplaintStoreTest, AComplaintReadsBackAsWrittenAndUpdated) {
  const int64_t id = Insert(Complaint(kVillage, "2026-06-16"));
  auto got = store_->complaints().GetComplaint(id);
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->phone, "13812345678");
  EXPECT_EQ((*got)->name, "王小明");
  EXPECT_EQ((*got)->state, "open");
  EXPECT_EQ((*got)->escalated_to, 0);
  EXPECT_EQ((*got)->answer, "");
  EXPECT_FALSE((*got)->satisfied.has_value());
  ComplaintRow row = **got;
  row.state = "confirmed";
  row.answer = "已公示";
  row.evidence = "公示照片";
  row.answered_by = "t1";
  row.answered_at = "2026-06-05T01:00:00Z";
  row.confirmed_at = "2026-06-06T01:00:00Z";
  row.satisfied = false;
  row.escalated_to = kTownship;
  row.escalated_at = "2026-06-17T00:00:00Z";
  row.level_code = kTownship;
  ASSERT_TRUE(store_->complaints().UpdateComplaint(row).ok());
  auto after = store_->complaints().GetComplaint(id);
  EXPECT_EQ((*after)->state, "confirmed");
  EXPECT_EQ((*after)->satisfied, std::optional<bool>(false));
  EXPECT_EQ((*after)->level_code, kTownship);
  EXPECT_EQ((*after)->escalated_at, row.escalated_at);
  EXPECT_EQ((*after)->evidence, "公示照片");
  row.satisfied = true;
  ASSERT_TRUE(store_->complaints().UpdateComplaint(row).ok());
  EXPECT_EQ((*store_->complaints().GetComplaint(id))->satisfied, std::optional<bool>(true));
  EXPECT_FALSE(store_->complaints().GetComplaint(id + 1)->has_value());
}

TEST_F(ComplaintStoreTest, ADeskHoldsItsRegionsComplaintsAndThoseEscalatedToIt) {
  const int64_t own = Insert(Complaint(kVillage, "2026-06-16"));
  ComplaintRow escalated = Complaint(kOther, "2026-06-10");
  const int64_t up = escalated.id = Insert(escalated);
  escalated.level_code = kTownship;
  escalated.escalated_to = kTownship;
  ASSERT_TRUE(store_->complaints().UpdateComplaint(escalated).ok());
  ComplaintQuery q;
  q.region = RegionCode::FromInt(620422000000);
  EXPECT_EQ(Ids(q), (std::vector<int64_t>{own, up}));
  q.desk = kTownship;
  EXPECT_EQ(Ids(q), std::vector<int64_t>{up});
  q.desk = kVillage;
  EXPECT_EQ(Ids(q), std::vector<int64_t>{own});
  q.desk = 0;
  q.overdue_on = "2026-06-12";
  EXPECT_EQ(Ids(q), std::vector<int64_t>{up});
}

TEST_F(ComplaintStoreTest, OnlyOpenNeverEscalatedComplaintsPastDueAreDueForEscalation) {
  const int64_t late = Insert(Complaint(kVillage, "2026-06-10"));
  Insert(Complaint(kVillage, "2026-06-20"));  // not due yet
  ComplaintRow answered = Complaint(kVillage, "2026-06-10");
  answered.state = "answered";
  Insert(answered);
  ComplaintRow done = Complaint(kOther, "2026-06-10");
  done.id = Insert(done);
  done.escalated_to = kTownship;  // escalated already
  done.level_code = kTownship;
  ASSERT_TRUE(store_->complaints().UpdateComplaint(done).ok());
  auto due = store_->complaints().DueForEscalation("2026-06-12");
  ASSERT_TRUE(due.ok());
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].id, late);
  EXPECT_TRUE(store_->complaints().DueForEscalation("2026-06-10")->empty())
      << "due today is not late";
}

TEST_F(ComplaintStoreTest, TheStatisticsListASubtreeByIdAndPagesCountTheWhole) {
  const int64_t a = Insert(Complaint(kVillage, "2026-06-16"));
  const int64_t b = Insert(Complaint(kFarVillage, "2026-06-16"));
  const int64_t c = Insert(Complaint(kTownship, "2026-06-16"));
  const int64_t d = Insert(Complaint(kCounty, "2026-06-16"));
  auto under = store_->complaints().ComplaintsUnder(RegionCode::FromInt(kTownship));
  ASSERT_TRUE(under.ok());
  ASSERT_EQ(under->size(), 2u);
  EXPECT_EQ((*under)[0].id, a);
  EXPECT_EQ((*under)[1].id, c);
  EXPECT_EQ(store_->complaints().ComplaintsUnder(RegionCode::Nation())->size(), 4u);
  ComplaintQuery q;
  q.region = RegionCode::Nation();
  q.limit = 2;
  q.offset = 1;
  int64_t total = 0;
  EXPECT_EQ(Ids(q, &total), (std::vector<int64_t>{b, c}));
  EXPECT_EQ(total, 4);
  q.limit = 0;  // all from the offset on
  EXPECT_EQ(Ids(q), (std::vector<int64_t>{b, c, d}));
  q.offset = -3;
  EXPECT_EQ(Ids(q), (std::vector<int64_t>{a, b, c, d}));
}

}  // namespace
}  // namespace fupin
