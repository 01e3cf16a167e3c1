// The fixture of the money stores' PostgreSQL tests: a copy of the binary's migrated
// template database (pg_test_database.h) for each test, a connection to it and the three stores
// on that connection, as a Store would hold them.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "storage/postgres/funds/pg_funds.h"
#include "storage/postgres/funds/pg_loans.h"
#include "storage/postgres/funds/pg_projects.h"
#include "storage/postgres/pg_db.h"
#include "storage/postgres/pg_schema.h"
#include "storage/postgres/pg_test_database.h"

namespace fupin {

class PgMoneyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static int databases = 0;
    const std::string name = "money_" + std::to_string(++databases);
    if (icu_locale_.empty()) {
      auto url = pg::testing::CopyOfTemplate("money_template", name);
      ASSERT_TRUE(url.ok()) << url.error().en;
      url_ = *url;
    } else {
      url_ = pg::testing::FreshDatabase(name);
      // Created again from template0 with text sorted by ICU's rules for `icu_locale_`.
      auto server = pg::Connection::Open(pg::testing::TestUrl());
      ASSERT_TRUE(server.ok());
      ASSERT_TRUE((*server)->Exec("DROP DATABASE " + name).ok());
      const Status created = (*server)->Exec(
          "CREATE DATABASE " + name +
          " TEMPLATE template0 LOCALE_PROVIDER icu LOCALE 'C' ICU_LOCALE '" + icu_locale_ + "'");
      ASSERT_TRUE(created.ok()) << created.error().en;
    }
    db_ = Connect();
    ASSERT_TRUE(db_);
    if (!icu_locale_.empty()) {
      auto migrated = pg::Migrate(*db_);
      ASSERT_TRUE(migrated.ok()) << migrated.error().en;
    }
    funds_ = NewPgFundStore(*db_);
    loans_ = NewPgLoanStore(*db_);
    projects_ = NewPgProjectStore(*db_);
  }

  // Another connection to the test's database (another server's).
  std::unique_ptr<pg::Connection> Connect() {
    auto db = pg::Connection::Open(url_);
    EXPECT_TRUE(db.ok()) << (db.ok() ? "" : db.error().en);
    return db.ok() ? std::move(db).value() : nullptr;
  }

  // A number the SQL `sql` gives on the fixture's connection; -1 on an error.
  int64_t Scalar(const std::string& sql) {
    auto rows = db_->Query(sql);
    EXPECT_TRUE(rows.ok()) << (rows.ok() ? "" : rows.error().en);
    return rows.ok() && rows->size() > 0 ? rows->Int(0, 0) : -1;
  }

  void Begin() { ASSERT_TRUE(db_->Begin().ok()); }
  void Commit() { ASSERT_TRUE(db_->Commit().ok()); }

  // When set (by a derived fixture's constructor), the database sorts text by this ICU
  // locale's rules (en-US: "alpha" before "Alpha" before "Zeta") instead of byte by byte.
  std::string icu_locale_;
  std::string url_;
  std::unique_ptr<pg::Connection> db_;
  std::unique_ptr<FundStore> funds_;
  std::unique_ptr<LoanStore> loans_;
  std::unique_ptr<ProjectStore> projects_;
};

}  // namespace fupin
