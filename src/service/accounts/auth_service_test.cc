#include "service/accounts/auth_service.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>

#include "service/accounts/audit_service.h"
#include "service/accounts/crypto.h"
#include "service/service_test_fixture.h"

namespace fupin {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using Clock = std::chrono::system_clock;

constexpr char kPassword[] = "correct4horse";
const RegionCode kVillage = RegionCode::FromInt(620422101205);
const RegionCode kCounty = RegionCode::FromInt(620422000000);

class AuthServiceTest : public ServiceTest {
 protected:
  AuthServiceTest()
      : ServiceTest(
            {{kVillage.value(), "甲村"}, {620422101000, "甲乡"}, {kCounty.value(), "甲县"}}) {}
  void SetUp() override {
    ServiceTest::SetUp();
    settings_.now = [this] { return now_; };
  }

  void Add(const std::string& name, Role role = Role::kVillageOperator,
           RegionCode region = kVillage) {
    Status s = AddUser(*store_, CliCaller(), name, role, region, kPassword);
    ASSERT_TRUE(s.ok()) << s.error().en;
  }
  Result<Session> LoginAs(const std::string& name, const std::string& password) {
    return Login(*store_, name, password, settings_, "127.0.0.1:1234");
  }
  std::string ErrorCode(const Result<Session>& r) { return r.ok() ? "ok" : r.error().code; }

  Clock::time_point now_ = Clock::now();
  AuthSettings settings_;
};

TEST(PasswordRulesTest, ShortPasswordsAreRefused) {
  Status s = CheckPasswordRules("li", "abc12345");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "E_PASSWORD");
}

TEST(PasswordRulesTest, LettersAndDigitsAreBothNeeded) {
  EXPECT_EQ(CheckPasswordRules("li", "abcdefghijkl").error().code, "E_PASSWORD");
  EXPECT_EQ(CheckPasswordRules("li", "123456789012").error().code, "E_PASSWORD");
  EXPECT_TRUE(CheckPasswordRules("li", "abcdef123456").ok());
}

TEST(PasswordRulesTest, TheUserNameIsNotAPasswordWhateverItsCase) {
  EXPECT_EQ(CheckPasswordRules("Zhang2024ab", "zhang2024AB").error().code, "E_PASSWORD");
}

TEST(PasswordRulesTest, CharactersAreCountedNotBytes) {
  // Eight Chinese characters and "a1": 10 characters, 26 bytes.
  EXPECT_TRUE(CheckPasswordRules("li", "扶贫扶贫扶贫扶贫a1").ok());
  EXPECT_EQ(CheckPasswordRules("li", "扶贫扶贫扶贫a1").error().code, "E_PASSWORD");
}

TEST(PasswordRulesTest, OverlongPasswordsAreRefused) {
  EXPECT_EQ(CheckPasswordRules("li", std::string(1000, 'a') + std::string(25, '1')).error().code,
            "E_PASSWORD");
}

TEST_F(AuthServiceTest, PasswordIsStoredAsArgon2idNeverInClear) {
  Add("wang");
  auto row = store_->accounts().GetUser("wang");
  ASSERT_TRUE(row.ok() && row->has_value());
  EXPECT_TRUE((*row)->password_hash.starts_with("$argon2id$")) << (*row)->password_hash;
  EXPECT_EQ((*row)->password_hash.find(kPassword), std::string::npos);
  EXPECT_EQ((*row)->role, "village_operator");
  EXPECT_EQ((*row)->region_code, kVillage.value());
}

TEST_F(AuthServiceTest, AddUserRefusesTakenBadAndReservedNamesAndUnknownRegions) {
  Add("wang");
  auto add = [&](const std::string& name, RegionCode region) {
    Status s = AddUser(*store_, CliCaller(), name, Role::kViewer, region, kPassword);
    return s.ok() ? std::string("ok") : s.error().code;
  };
  EXPECT_EQ(add("wang", kVillage), "E_CONFLICT");
  EXPECT_EQ(add("", kVillage), "E_USAGE");
  EXPECT_EQ(add("-x", kVillage), "E_USAGE");
  EXPECT_EQ(add("a b", kVillage), "E_USAGE");
  EXPECT_EQ(add("cli", kVillage), "E_USAGE");
  EXPECT_EQ(add("zhao", RegionCode::FromInt(110101000000)), "E_REGION");
  EXPECT_EQ(add("nation.admin", RegionCode::Nation()), "ok");
}

TEST_F(AuthServiceTest, OnlyAnAdminWithTheRegionInScopeManagesUsers) {
  const Caller operator_caller{User{"op", Role::kCountyAdmin, kCounty, false}, "cli"};
  EXPECT_EQ(
      AddUser(*store_, operator_caller, "li", Role::kViewer, kVillage, kPassword).error().code,
      "E_FORBIDDEN");
  const Caller other_admin{User{"adm", Role::kAdmin, RegionCode::FromInt(110000000000), false},
                           "cli"};
  EXPECT_EQ(AddUser(*store_, other_admin, "li", Role::kViewer, kVillage, kPassword).error().code,
            "E_FORBIDDEN");
  Add("wang");
  EXPECT_EQ(DisableUser(*store_, other_admin, "wang").error().code, "E_NOT_FOUND");
  auto listed = ListUsers(*store_, other_admin);
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->empty());
  EXPECT_EQ(ListUsers(*store_, operator_caller).error().code, "E_FORBIDDEN");
}

TEST_F(AuthServiceTest, LoginGivesATokenThatAuthenticatesTheUser) {
  Add("wang");
  auto session = LoginAs("wang", kPassword);
  ASSERT_TRUE(session.ok()) << session.error().en;
  EXPECT_EQ(session->token.size(), 64u);
  EXPECT_EQ(session->user.username, "wang");
  EXPECT_EQ(session->expires_at, FormatIso8601(now_ + settings_.session_lifetime));
  auto user = Authenticate(*store_, session->token, settings_);
  ASSERT_TRUE(user.ok());
  EXPECT_EQ(user->username, "wang");
  EXPECT_EQ(user->role, Role::kVillageOperator);
  EXPECT_EQ(user->region, kVillage);
  // Only the token's hash is kept.
  auto by_token = store_->accounts().GetSession(session->token);
  ASSERT_TRUE(by_token.ok());
  EXPECT_FALSE(by_token->has_value());
}

TEST_F(AuthServiceTest, WrongPasswordAndUnknownUserAreRefusedAlike) {
  Add("wang");
  auto wrong = LoginAs("wang", "not4thepassword");
  auto unknown = LoginAs("nobody", kPassword);
  ASSERT_FALSE(wrong.ok());
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(wrong.error().code, "E_AUTH");
  EXPECT_EQ(unknown.error().code, "E_AUTH");
  EXPECT_EQ(wrong.error().zh, unknown.error().zh);
  EXPECT_EQ(wrong.error().en, unknown.error().en);
}

TEST_F(AuthServiceTest, FailuresNeverLockTheAccountTheyAreCountedAndAudited) {
  Add("wang");
  for (int i = 1; i <= 20; ++i) EXPECT_EQ(ErrorCode(LoginAs("wang", "wrong4pass")), "E_AUTH") << i;
  EXPECT_EQ((*store_->accounts().GetUser("wang"))->failed_logins, 20);
  EXPECT_EQ(ErrorCode(LoginAs("wang", kPassword)), "ok");
  EXPECT_EQ((*store_->accounts().GetUser("wang"))->failed_logins, 0);
}

TEST_F(AuthServiceTest, ASuccessResetsTheCountOfFailures) {
  Add("wang");
  for (int i = 0; i < 4; ++i) EXPECT_EQ(ErrorCode(LoginAs("wang", "wrong4pass")), "E_AUTH");
  EXPECT_EQ((*store_->accounts().GetUser("wang"))->failed_logins, 4);
  EXPECT_EQ(ErrorCode(LoginAs("wang", kPassword)), "ok");
  for (int i = 0; i < 4; ++i) EXPECT_EQ(ErrorCode(LoginAs("wang", "wrong4pass")), "E_AUTH");
  EXPECT_EQ(ErrorCode(LoginAs("wang", kPassword)), "ok");
}

TEST_F(AuthServiceTest, AUserIsListedWithTheCountOfFailedLogins) {
  Add("wang");
  for (int i = 0; i < 5; ++i) (void)LoginAs("wang", "wrong4pass");
  auto users = ListUsers(*store_, CliCaller(), settings_);
  ASSERT_TRUE(users.ok());
  ASSERT_EQ(users->size(), 1u);
  EXPECT_EQ((*users)[0].failed_logins, 5);
}

TEST_F(AuthServiceTest, AnExpiredSessionNoLongerAuthenticates) {
  Add("wang");
  settings_.session_lifetime = hours(1);
  auto session = LoginAs("wang", kPassword);
  ASSERT_TRUE(session.ok());
  now_ += minutes(59);
  EXPECT_TRUE(Authenticate(*store_, session->token, settings_).ok());
  now_ += minutes(1);
  auto user = Authenticate(*store_, session->token, settings_);
  ASSERT_FALSE(user.ok());
  EXPECT_EQ(user.error().code, "E_AUTH");
}

TEST_F(AuthServiceTest, ASessionOfNoLifetimeEndsAtOnceOnTheRealClock) {
  Add("wang");
  AuthSettings settings;
  settings.session_lifetime = seconds(0);
  auto session = Login(*store_, "wang", kPassword, settings);
  ASSERT_TRUE(session.ok());
  EXPECT_EQ(Authenticate(*store_, session->token).error().code, "E_AUTH");
}

TEST_F(AuthServiceTest, LogoutEndsTheSession) {
  Add("wang");
  auto session = LoginAs("wang", kPassword);
  ASSERT_TRUE(session.ok());
  ASSERT_TRUE(Logout(*store_, session->token).ok());
  EXPECT_EQ(Authenticate(*store_, session->token, settings_).error().code, "E_AUTH");
  EXPECT_TRUE(Logout(*store_, session->token).ok());  // twice is harmless
}

TEST_F(AuthServiceTest, MadeUpTokensAreRefused) {
  EXPECT_EQ(Authenticate(*store_, "").error().code, "E_AUTH");
  EXPECT_EQ(Authenticate(*store_, std::string(64, 'a')).error().code, "E_AUTH");
  EXPECT_EQ(Authenticate(*store_, "short").error().code, "E_AUTH");
}

TEST_F(AuthServiceTest, DisablingAUserEndsTheirSessionsAndRefusesTheirLogins) {
  Add("wang");
  auto session = LoginAs("wang", kPassword);
  ASSERT_TRUE(session.ok());
  ASSERT_TRUE(DisableUser(*store_, CliCaller(), "wang").ok());
  EXPECT_EQ(Authenticate(*store_, session->token, settings_).error().code, "E_AUTH");
  EXPECT_EQ(ErrorCode(LoginAs("wang", kPassword)), "E_DISABLED");
  EXPECT_EQ(ErrorCode(LoginAs("wang", "wrong4pass")), "E_AUTH");
  EXPECT_EQ(DisableUser(*store_, CliCaller(), "nobody").error().code, "E_NOT_FOUND");
}

TEST_F(AuthServiceTest, SettingAPasswordReplacesTheOldOneClearsALockAndEndsSessions) {
  Add("wang");
  auto session = LoginAs("wang", kPassword);
  ASSERT_TRUE(session.ok());
  for (int i = 0; i < 5; ++i) (void)LoginAs("wang", "wrong4pass");
  EXPECT_EQ(SetPassword(*store_, CliCaller(), "wang", "short").error().code, "E_PASSWORD");
  ASSERT_TRUE(SetPassword(*store_, CliCaller(), "wang", "new4password").ok());
  EXPECT_EQ(Authenticate(*store_, session->token, settings_).error().code, "E_AUTH");
  EXPECT_EQ(ErrorCode(LoginAs("wang", kPassword)), "E_AUTH");
  EXPECT_EQ(ErrorCode(LoginAs("wang", "new4password")), "ok");
  EXPECT_EQ(SetPassword(*store_, CliCaller(), "nobody", "new4password").error().code,
            "E_NOT_FOUND");
}

TEST_F(AuthServiceTest, AccountChangesAndLoginsAreAuditedWithoutPasswords) {
  Add("wang");
  (void)LoginAs("wang", "wrong4pass");
  auto session = LoginAs("wang", kPassword);
  ASSERT_TRUE(session.ok());
  ASSERT_TRUE(Logout(*store_, session->token, "127.0.0.1:1234").ok());
  ASSERT_TRUE(DisableUser(*store_, CliCaller(), "wang").ok());
  std::vector<std::string> actions;
  ASSERT_TRUE(store_->accounts()
                  .ForEachAudit([&](const AuditRow& r) {
                    actions.push_back(r.actor + " " + r.action + " " + r.target);
                    for (const auto* field : {&r.detail, &r.target, &r.actor}) {
                      EXPECT_EQ(field->find("wrong4pass"), std::string::npos);
                      EXPECT_EQ(field->find(kPassword), std::string::npos);
                      EXPECT_EQ(field->find(session->token), std::string::npos);
                    }
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(actions, (std::vector<std::string>{"cli user.add wang", "wang login.failed wang",
                                               "wang login wang", "wang logout wang",
                                               "cli user.disable wang"}));
  auto report = VerifyAuditChain(*store_);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok);
}

TEST(RoleTest, NamesRoundTrip) {
  for (Role role : kAllRoles) EXPECT_EQ(ParseRole(RoleName(role)), role);
  EXPECT_EQ(RoleName(Role::kCountyAdmin), "county_admin");
  EXPECT_FALSE(ParseRole("root").has_value());
}

TEST(RoleTest, EachRoleMayDoWhatTheTableSays) {
  using P = Permission;
  constexpr P kPermissions[] = {P::kRead,   P::kWriteHousehold, P::kImport,     P::kAssess,
                                P::kExport, P::kReadAudit,      P::kManageUsers};
  // read, write, import, assess, export, read audit, manage users
  const std::map<Role, std::string> table = {
      {Role::kAdmin, "1111111"},
      {Role::kCountyAdmin, "1111100"},
      {Role::kTownshipOperator, "1111100"},
      {Role::kVillageOperator, "1101100"},
      {Role::kHelper, "1001000"},
      {Role::kDepartment, "1000000"},
      {Role::kAuditor, "1001110"},
      {Role::kViewer, "1001000"},
  };
  for (Role role : kAllRoles) {
    std::string got;
    for (P p : kPermissions) got += RoleMay(role, p) ? '1' : '0';
    EXPECT_EQ(got, table.at(role)) << RoleName(role);
  }
}

TEST(RoleTest, ViewerAuditorAndDepartmentSeeMaskedData) {
  for (Role role : kAllRoles) {
    const bool masked =
        role == Role::kViewer || role == Role::kAuditor || role == Role::kDepartment;
    EXPECT_EQ(RoleSeesMaskedData(role), masked) << RoleName(role);
  }
}

}  // namespace
}  // namespace fupin
