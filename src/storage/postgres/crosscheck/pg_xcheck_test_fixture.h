// The fixture of storage_postgres_xcheck_test: a SQLite Store in a temporary folder and a
// copy of the binary's migrated PostgreSQL template database (pg_test_database.h), each
// with its CompareStore and HelperStore, so that a test runs one scenario on both and
// compares what they answer. Households (and
// anything else a scenario needs) go into both with the same plain SQL.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <memory>
#include <string>

#include "storage/postgres/crosscheck/pg_compare.h"
#include "storage/postgres/pg_db.h"
#include "storage/postgres/pg_schema.h"
#include "storage/postgres/pg_test_database.h"
#include "storage/postgres/procedures/pg_helpers.h"
#include "storage/sqlite/sqlite_db.h"
#include "storage/store.h"

namespace fupin::pg {

constexpr int64_t kCounty = 620422000000;
constexpr int64_t kTownship = 620422102000;
constexpr int64_t kVillage = 620422102201;
constexpr int64_t kOtherCountyVillage = 620421100201;

// A finding as one line, every field, to compare what the two stores give.
inline std::string Show(const FindingRow& f) {
  return std::to_string(f.id) + "|" + f.rule + "|" + f.subject + "|" + std::to_string(f.list_id) +
         "|" + std::to_string(f.village_code) + "|" + f.household_code + "|" + f.id_number + "|" +
         f.name + "|" + f.detail + "|" + f.row + "|" + f.status + "|" + f.reason + "|" +
         f.decided_by + "|" + f.decided_at + "|" + f.created_at;
}

class BothStoresTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/fupin-pgxcheck-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    dir_ = dir;
    auto store = Store::Open(dir_ + "/t.db", Store::OpenMode::kCreate);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->Migrate().ok());
    sqlite_ = std::move(store).value();
    pg_ = Open();
    ASSERT_TRUE(pg_);
    compare_ = NewPgCompareStore(*pg_);
    helpers_ = NewPgHelperStore(*pg_);
  }
  void TearDown() override {
    compare_.reset();
    helpers_.reset();
    pg_.reset();
    sqlite_.reset();
    std::filesystem::remove_all(dir_);
  }

  // A connection to this test's database (a copy of the migrated template on the first
  // call).
  std::unique_ptr<Connection> Open() {
    if (url_.empty()) {
      auto url = testing::CopyOfTemplate("xcheck_template", DatabaseName());
      EXPECT_TRUE(url.ok()) << (url.ok() ? "" : url.error().en);
      if (!url.ok()) return nullptr;
      url_ = *url;
    }
    auto db = Connection::Open(url_);
    EXPECT_TRUE(db.ok()) << (db.ok() ? "" : db.error().en);
    return db.ok() ? std::move(db).value() : nullptr;
  }

  // Runs `sql` on both databases.
  void Sql(const std::string& sql) {
    Status pg = pg_->Exec(sql);
    EXPECT_TRUE(pg.ok()) << pg.error().en;
    auto db = sqlite::Database::Open(dir_ + "/t.db", false);
    ASSERT_TRUE(db.ok());
    Status lite = db->Exec(sql);
    EXPECT_TRUE(lite.ok()) << lite.error().en;
  }

  // A household in both: kind 1 (建档立卡户) or 2, its poverty status (-1 for NULL) and
  // monitor status.
  void AddHousehold(const std::string& code, int64_t village, int kind = 1, int poverty_status = 1,
                    int monitor_status = 0) {
    const int64_t county = RegionCode::FromInt(village).county().value();
    Sql("INSERT INTO households(county_code, household_code, village_code, kind, "
        "poverty_status, registered_year, attribute, other_causes, member_count, wage_income, "
        "business_income, business_cost, property_income, transfer_income, "
        "medical_out_of_pocket, education_cost, disaster_loss, food_secure, clothing_secure, "
        "housing_grade, renovation, relocation, water_safe, monitor_type, monitor_status, "
        "risk_types, version) VALUES (" +
        std::to_string(county) + ", '" + code + "', " + std::to_string(village) + ", " +
        std::to_string(kind) + ", " +
        (poverty_status < 0 ? std::string("NULL") : std::to_string(poverty_status)) +
        ", 2016, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, true, true, 0, 0, 0, true, 0, " +
        std::to_string(monitor_status) + ", 0, 1)");
  }

  void BeginBoth() {
    ASSERT_TRUE(sqlite_->Begin().ok());
    ASSERT_TRUE(pg_->Begin().ok());
  }
  void CommitBoth() {
    ASSERT_TRUE(sqlite_->Commit().ok());
    Status s = pg_->Commit();
    ASSERT_TRUE(s.ok()) << s.error().en;
  }

  CompareStore& lite_compare() { return sqlite_->compare(); }
  HelperStore& lite_helpers() { return sqlite_->helpers(); }

  std::string dir_;
  std::string url_;
  std::unique_ptr<Store> sqlite_;
  std::unique_ptr<Connection> pg_;
  std::unique_ptr<CompareStore> compare_;
  std::unique_ptr<HelperStore> helpers_;

 private:
  // "xcheck_<suite>_<test>" in lower case, within PostgreSQL's 63 characters.
  static std::string DatabaseName() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = std::string("x_") + info->test_suite_name() + "_" + info->name();
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return std::isalnum(c) ? std::tolower(c) : '_'; });
    if (name.size() > 63)
      name = name.substr(0, 52) + std::to_string(std::hash<std::string>()(name) % 100000000000ULL);
    return name;
  }
};

}  // namespace fupin::pg
