// For the service tests: a fresh database in a temporary folder of its own, migrated, with
// its audit key and the given regions, removed with the folder when the test ends. With
// FUPIN_TEST_DB=postgres in the environment, a fresh migrated PostgreSQL database instead
// (storage/postgres/pg_test_store.h), dropped when the test ends; the audit key is then a
// file of the folder.
// Fixtures derive from it and call ServiceTest::SetUp() first.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "service/accounts/audit_service.h"
#include "storage/postgres/pg_test_store.h"
#include "storage/store.h"

namespace fupin {

class ServiceTest : public ::testing::Test {
 protected:
  // The regions the test's households live in (code, name).
  explicit ServiceTest(std::vector<std::pair<int64_t, std::string>> regions = {})
      : regions_(std::move(regions)) {}

  void SetUp() override {
    setenv("FUPIN_TODAY", "2026-06-30", 1);
    char dir[] = "/tmp/fupin-service-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    dir_ = dir;
    StoreOptions options;
    if (pg::testing::UsePostgres()) {
      url_ = pg::testing::FreshMigratedDatabase();
      options.audit_key_path = dir_ + "/t.db-audit.key";
    } else {
      url_ = dir_ + "/t.db";
    }
    auto store = Store::Open(url_, Store::OpenMode::kCreate, options);
    ASSERT_TRUE(store.ok()) << store.error().en;
    store_ = std::move(store).value();
    ASSERT_TRUE(store_->Migrate().ok());
    ASSERT_TRUE(CreateAuditKey(*store_).ok());
    if (regions_.empty()) return;
    std::vector<RegionRow> rows;
    for (const auto& [code, name] : regions_)
      rows.push_back({RegionCode::FromInt(code), name, std::nullopt});
    ASSERT_TRUE(store_->Begin().ok());
    ASSERT_TRUE(store_->UpsertRegions(rows).ok());
    ASSERT_TRUE(store_->Commit().ok());
  }
  void TearDown() override {
    store_.reset();
    if (pg::testing::UsePostgres()) pg::testing::DropDatabase(url_);
    std::filesystem::remove_all(dir_);
  }

  // Writes `text` to a file of the test's folder; its path.
  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  std::string dir_;
  std::string url_;  // the store's: dir_ + "/t.db", or a PostgreSQL URL
  std::unique_ptr<Store> store_;

 private:
  std::vector<std::pair<int64_t, std::string>> regions_;
};

}  // namespace fupin
