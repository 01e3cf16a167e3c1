// The fixture of the PostgreSQL case, care and complaint store tests: a copy of the
// binary's template database (pg_test_database.h), migrated, with a small register seeded by
// plain SQL that SQLite runs as well (the differential test seeds both with it), and the
// three stores on its connection. Builders of the rows the scenarios write.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "common/date.h"
#include "storage/care_store.h"
#include "storage/case_store.h"
#include "storage/complaint_store.h"
#include "storage/postgres/pg_db.h"
#include "storage/sqlite/procedures/complaint_test_row.h"

namespace fupin::pg::testing {

// The seeded register: county 620422 with township 102 and its villages 201 and 202, and
// county 620423 with one village. Households (户编号 = village code + 4 digits):
//   kHousehold1  village 201, monitored (监测中) since 2026-01-10, helper account "h1"
//   kHousehold2  village 201, monitored since 2026-02-01, helper account "h2"
//   kHousehold3  village 202, monitored since 2026-03-01, helper account "h1"
//   kHousehold4  village 202, not monitored
//   kHousehold5  the other county's village, monitored, no helper
inline constexpr int64_t kCounty = 620422000000, kTownship = 620422102000;
inline constexpr int64_t kVillage = 620422102201, kOtherVillage = 620422102202;
inline constexpr int64_t kOtherCounty = 620423000000, kFarVillage = 620423100201;
inline const std::string kHousehold1 = "6204221022010001", kHousehold2 = "6204221022010002",
                         kHousehold3 = "6204221022020001", kHousehold4 = "6204221022020002",
                         kHousehold5 = "6204231002010001";
// The seed, in SQL both SQLite and PostgreSQL run.
extern const char* const kSeedSql;

class PgProcsTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Another connection to this test's database (a second server).
  std::unique_ptr<Connection> Connect();
  // Runs `write` in a transaction of `db_`, committed when it succeeds.
  Status InTransaction(const std::function<Status()>& write);

  std::string url_;
  std::unique_ptr<Connection> db_;
  std::unique_ptr<CaseStore> cases_;
  std::unique_ptr<CareStore> care_;
  std::unique_ptr<ComplaintStore> complaints_;
};

// An identify (or other `kind`) case of `household` just opened on `day` by "v1": its
// first step done, the second current.
StoredCase OpenedCase(const std::string& household, int64_t village,
                      ProcedureKind kind = ProcedureKind::kIdentify,
                      const std::string& day = "2026-06-01");
// Records the current step as done by `actor` on `day` and makes the next current (the
// case done after the last).
void Advance(StoredCase& c, const std::string& actor, const std::string& day);

using complaint_test::Complaint;  // sqlite/procedures/complaint_test_row.h
MeasureRow Measure(int64_t county, const std::string& household, const std::string& date,
                   std::optional<int64_t> amount_fen = std::nullopt);
VisitRow Visit(int64_t county, const std::string& household, const std::string& date);
AttachmentRow Attachment(const std::string& file_name, const std::string& content);

Date Day(const std::string& iso);

}  // namespace fupin::pg::testing
