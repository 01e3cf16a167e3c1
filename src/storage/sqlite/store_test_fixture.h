// A fresh, migrated register in a temporary folder, removed after each test: the fixture
// of the sub-store tests (complaints, projects, loans).
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>

#include "storage/store.h"

namespace fupin {

class MigratedStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/fupin-store-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    dir_ = dir;
    auto store = Store::Open(dir_ + "/t.db", Store::OpenMode::kCreate);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->Migrate().ok());
    store_ = std::move(store).value();
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::string dir_;
  std::unique_ptr<Store> store_;
};

}  // namespace fupin
