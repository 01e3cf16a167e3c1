// ProjectStore on PostgreSQL (pg_projects.h): what only PostgreSQL has to prove, a project
// read in a transaction is held until it ends. The scenarios of sqlite_projects_test.cc run
// on PostgreSQL as the ctest entry storage_projects_test_postgres (FUPIN_TEST_DB=postgres).
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "storage/postgres/funds/pg_money_test_fixture.h"
#include "storage/sqlite/funds/money_test_rows.h"

namespace fupin {
namespace {

constexpr int64_t kVillage = 620422102201;

using money_test::Project;

class ProjectStoreTest : public PgMoneyTest {
 protected:
  int64_t Insert(ProjectRow row) {
    EXPECT_TRUE(db_->Begin().ok());
    const Status inserted = projects_->InsertProject(row);
    EXPECT_TRUE(inserted.ok()) << (inserted.ok() ? "" : inserted.error().en);
    EXPECT_TRUE(db_->Commit().ok());
    return row.id;
  }
};

// The project service reads, moves and rewrites a project in one transaction: a second
// server's read of it waits for the first one's commit, and reads what it wrote.
TEST_F(ProjectStoreTest, AProjectReadInATransactionIsHeldUntilItEnds) {
  const int64_t id = Insert(Project(kVillage, "village_notice"));
  auto other = Connect();
  ASSERT_TRUE(other);
  auto other_projects = NewPgProjectStore(*other);
  Begin();
  auto mine = projects_->GetProject(id);
  ASSERT_TRUE(mine.ok() && mine->has_value());
  std::optional<ProjectRow> seen;
  std::thread server_b([&] {
    ASSERT_TRUE(other->Begin().ok());
    auto read = other_projects->GetProject(id);
    if (read.ok()) seen = *read;
    ASSERT_TRUE(other->Commit().ok());
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ProjectRow moved = **mine;
  moved.stage = "township_review";
  moved.steps.push_back({"village_notice", "advance", "v1", "village_operator", "V", "2026-03-13",
                         "2026-03-13T02:00:00Z", "", ""});
  ASSERT_TRUE(projects_->UpdateProject(moved).ok());
  Commit();
  server_b.join();
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(seen->stage, "township_review");
  EXPECT_EQ(seen->steps.size(), 2u);
}

}  // namespace
}  // namespace fupin
