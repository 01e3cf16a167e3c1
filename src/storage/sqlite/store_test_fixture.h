// A fresh, migrated register in a temporary folder, removed after each test: the fixture
// of the sub-store tests (complaints, projects, loans). With FUPIN_TEST_DB=postgres in the
// environment, a fresh migrated PostgreSQL database instead (postgres/pg_test_store.h),
// dropped after the test; the folder is made all the same (for the tests' own files).
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>

#include "storage/postgres/pg_test_store.h"
#include "storage/store.h"

namespace fupin {

class MigratedStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/fupin-store-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    dir_ = dir;
    url_ = pg::testing::UsePostgres() ? pg::testing::FreshMigratedDatabase() : dir_ + "/t.db";
    auto store = Store::Open(url_, Store::OpenMode::kCreate);
    ASSERT_TRUE(store.ok()) << store.error().en;
    ASSERT_TRUE((*store)->Migrate().ok());
    store_ = std::move(store).value();
  }
  void TearDown() override {
    store_.reset();
    if (pg::testing::UsePostgres()) pg::testing::DropDatabase(url_);
    std::filesystem::remove_all(dir_);
  }
  std::string dir_;
  std::string url_;  // the store's: a file of dir_, or a PostgreSQL URL
  std::unique_ptr<Store> store_;
};

}  // namespace fupin
