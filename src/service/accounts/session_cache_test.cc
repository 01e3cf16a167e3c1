#include "service/accounts/session_cache.h"

#include <gtest/gtest.h>

#include "service/accounts/audit_service.h"
#include "service/service_test_fixture.h"

namespace fupin {
namespace {

using Clock = std::chrono::system_clock;

constexpr char kPassword[] = "correct4horse";
const RegionCode kVillage = RegionCode::FromInt(620422101205);

class SessionCacheTest : public ServiceTest {
 protected:
  SessionCacheTest() : ServiceTest({{kVillage.value(), "甲村"}}) {}
  void SetUp() override {
    ServiceTest::SetUp();
    settings_.now = [this] { return now_; };
    settings_.session_lifetime = std::chrono::seconds(60);
    ASSERT_TRUE(
        AddUser(*store_, CliCaller(), "li", Role::kVillageOperator, kVillage, kPassword).ok());
    auto session = Login(*store_, "li", kPassword, settings_);
    ASSERT_TRUE(session.ok()) << session.error().en;
    token_ = session->token;
  }
  // Another connection to the same files, as `fupin user disable` in another process.
  std::unique_ptr<Store> OtherProcess() {
    auto store = Store::Open(url_, Store::OpenMode::kExisting, store_->options());
    EXPECT_TRUE(store.ok());
    return store.ok() ? std::move(store).value() : nullptr;
  }
  std::string Code(const Result<User>& r) { return r.ok() ? "ok" : r.error().code; }

  Clock::time_point now_ = Clock::now();
  AuthSettings settings_;
  SessionCache cache_;
  std::string token_;
};

TEST_F(SessionCacheTest, ASecondRequestOfTheSessionIsAnsweredFromMemory) {
  auto first = cache_.Authenticate(*store_, token_, settings_);
  ASSERT_TRUE(first.ok()) << first.error().en;
  auto second = cache_.Authenticate(*store_, token_, settings_);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->username, "li");
  EXPECT_EQ(second->role, Role::kVillageOperator);
  EXPECT_EQ(second->region, kVillage);
  EXPECT_EQ(cache_.counts().misses, 1);
  EXPECT_EQ(cache_.counts().hits, 1);
}

TEST_F(SessionCacheTest, UnknownAndMalformedTokensAreRefusedAsWithoutTheCache) {
  EXPECT_EQ(Code(cache_.Authenticate(*store_, std::string(64, 'a'), settings_)), "E_AUTH");
  EXPECT_EQ(Code(cache_.Authenticate(*store_, "short", settings_)), "E_AUTH");
  EXPECT_EQ(Code(cache_.Authenticate(*store_, std::string(64, 'a'), settings_)), "E_AUTH");
}

TEST_F(SessionCacheTest, AnAuditRecordAloneKeepsTheCachedSessions) {
  ASSERT_TRUE(cache_.Authenticate(*store_, token_, settings_).ok());
  ASSERT_TRUE(AppendAudit(*store_, CliCaller(), kVillage, "person.read", "x", "").ok());
  ASSERT_TRUE(cache_.Authenticate(*store_, token_, settings_).ok());
  EXPECT_EQ(cache_.counts().hits, 1);
}

TEST_F(SessionCacheTest, ACachedSessionEndsAtItsExpiry) {
  ASSERT_TRUE(cache_.Authenticate(*store_, token_, settings_).ok());
  now_ += std::chrono::seconds(59);
  EXPECT_TRUE(cache_.Authenticate(*store_, token_, settings_).ok());
  now_ += std::chrono::seconds(1);
  EXPECT_EQ(Code(cache_.Authenticate(*store_, token_, settings_)), "E_AUTH");
}

TEST_F(SessionCacheTest, LogoutEndsTheCachedSessionAtOnce) {
  ASSERT_TRUE(cache_.Authenticate(*store_, token_, settings_).ok());
  ASSERT_TRUE(Logout(*store_, token_).ok());
  EXPECT_EQ(Code(cache_.Authenticate(*store_, token_, settings_)), "E_AUTH");
}

TEST_F(SessionCacheTest, DisablingTheUserEndsTheCachedSessionAtOnce) {
  ASSERT_TRUE(cache_.Authenticate(*store_, token_, settings_).ok());
  ASSERT_TRUE(DisableUser(*store_, CliCaller(), "li").ok());
  EXPECT_EQ(Code(cache_.Authenticate(*store_, token_, settings_)), "E_AUTH");
}

TEST_F(SessionCacheTest, ANewPasswordEndsTheCachedSessionAtOnce) {
  ASSERT_TRUE(cache_.Authenticate(*store_, token_, settings_).ok());
  ASSERT_TRUE(SetPassword(*store_, CliCaller(), "li", "battery5staple").ok());
  EXPECT_EQ(Code(cache_.Authenticate(*store_, token_, settings_)), "E_AUTH");
}

TEST_F(SessionCacheTest, DisablingFromAnotherProcessEndsTheCachedSessionAtOnce) {
  ASSERT_TRUE(cache_.Authenticate(*store_, token_, settings_).ok());
  auto other = OtherProcess();
  ASSERT_NE(other, nullptr);
  ASSERT_TRUE(DisableUser(*other, CliCaller(), "li").ok());
  EXPECT_EQ(Code(cache_.Authenticate(*store_, token_, settings_)), "E_AUTH");
}

TEST_F(SessionCacheTest, ARowChangedBehindTheServicesIsSeenAtOnce) {
  // Not through DisableUser (which also deletes the sessions): only the user's row.
  ASSERT_TRUE(cache_.Authenticate(*store_, token_, settings_).ok());
  auto other = OtherProcess();
  ASSERT_NE(other, nullptr);
  auto row = other->accounts().GetUser("li");
  ASSERT_TRUE(row.ok() && row->has_value());
  (*row)->role = "viewer";
  ASSERT_TRUE(other->accounts().UpdateUser(**row).ok());
  auto user = cache_.Authenticate(*store_, token_, settings_);
  ASSERT_TRUE(user.ok());
  EXPECT_EQ(user->role, Role::kViewer);
  (*row)->disabled = true;
  ASSERT_TRUE(other->accounts().UpdateUser(**row).ok());
  EXPECT_EQ(Code(cache_.Authenticate(*store_, token_, settings_)), "E_AUTH");
}

TEST_F(SessionCacheTest, TheGenerationChangesWithEveryChangeOfAUserOrASession) {
  auto& accounts = store_->accounts();
  auto before = accounts.Generation();
  ASSERT_TRUE(before.ok());
  ASSERT_TRUE(accounts.DeleteSession("no such token").ok());  // no row: no change
  EXPECT_EQ(*accounts.Generation(), *before);
  auto session = Login(*store_, "li", kPassword, settings_);
  ASSERT_TRUE(session.ok());
  auto after_login = accounts.Generation();
  EXPECT_NE(*after_login, *before);
  ASSERT_TRUE(Logout(*store_, session->token).ok());
  EXPECT_NE(*accounts.Generation(), *after_login);
}

}  // namespace
}  // namespace fupin
