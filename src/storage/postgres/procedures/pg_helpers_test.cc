// The PostgreSQL HelperStore against the SQLite one: the same scenario on both (helpers
// added, linked, changed and found; assignments begun and ended; the helper role's view;
// the households without a helper; work teams) and the same answers, ids and errors
// included (the scenarios of service/procedures/helper_service_test.cc at the store).
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "storage/postgres/crosscheck/pg_xcheck_test_fixture.h"

namespace fupin::pg {
namespace {

std::string Show(const HelperRow& h) {
  return std::to_string(h.id) + "|" + std::to_string(h.region_code) + "|" + h.name + "|" +
         h.work_unit + "|" + h.phone + "|" + h.username + "|" + h.created_at + "|" + h.created_by;
}

std::string Show(const Result<std::optional<HelperRow>>& h) {
  if (!h.ok()) return "error " + h.error().code;
  return h->has_value() ? Show(**h) : "none";
}

std::string Show(const Result<HelperPage>& page) {
  if (!page.ok()) return "error " + page.error().code;
  std::string out = "total " + std::to_string(page->total) + "\n";
  for (const auto& h : page->items) out += Show(h) + "\n";
  return out;
}

std::string Show(const Result<std::vector<HelperAssignmentRow>>& rows) {
  if (!rows.ok()) return "error " + rows.error().code;
  std::string out;
  for (const auto& a : *rows) {
    out += Show(a.helper) + "|" + std::to_string(a.county_code) + "|" +
           std::to_string(a.village_code) + "|" + a.household_code + "|" + a.since + "|" + a.until +
           "\n";
  }
  return out;
}

std::string Show(const WorkTeamMemberRow& m) {
  return std::to_string(m.id) + "|" + std::to_string(m.village_code) + "|" + m.role + "|" + m.name +
         "|" + m.work_unit + "|" + m.phone + "|" + m.started_on + "|" + m.ended_on;
}

template <class T>
std::string ShowValue(const Result<T>& r) {
  if (!r.ok()) return "error " + r.error().code;
  return std::to_string(*r);
}

HelperRow Helper(const std::string& name, const std::string& phone, int64_t region,
                 const std::string& username = "") {
  HelperRow h;
  h.region_code = region;
  h.name = name;
  h.work_unit = "县农业局";
  h.phone = phone;
  h.username = username;
  h.created_at = "2026-06-01T08:00:00Z";
  h.created_by = "admin";
  return h;
}

class PgHelpersTest : public BothStoresTest {
 protected:
  void SetUp() override {
    BothStoresTest::SetUp();
    AddHousehold("H1", kVillage);  // 建档立卡户
    AddHousehold("H2", kVillage);
    AddHousehold("H3", kVillage + 1);
    AddHousehold("H4", kVillage, 1, 9);       // 已剔除: needs no helper
    AddHousehold("H5", kVillage, 2, -1, 1);   // 监测中
    AddHousehold("H6", kVillage, 2, -1, 0);   // neither
    AddHousehold("h7", kVillage + 1, 1, -1);  // status unknown: needs one
    AddHousehold("X1", kOtherCountyVillage);
  }

  // Runs `fn` on both stores in one transaction each.
  void Both(const std::function<void(HelperStore&)>& fn) {
    BeginBoth();
    fn(*helpers_);
    fn(lite_helpers());
    CommitBoth();
  }

  // Both stores answer `read` alike.
  void ExpectSame(const std::function<std::string(HelperStore&)>& read) {
    EXPECT_EQ(read(*helpers_), read(lite_helpers()));
  }
};

TEST_F(PgHelpersTest, HelpersAreAddedChangedAndFoundAsInSqlite) {
  std::vector<int64_t> ids[2];
  int which = 0;
  Both([&](HelperStore& s) {
    auto& mine = ids[which++];
    for (auto h :
         {Helper("王帮扶", "13800138000", kVillage, "helper1"),
          Helper("李帮扶", "13800138001", kCounty), Helper("Wang Li", "", kVillage + 1),
          Helper("王帮扶", "13800138000", kOtherCountyVillage), Helper("百分_号%", "1", kCounty)}) {
      ASSERT_TRUE(s.InsertHelper(h).ok());
      mine.push_back(h.id);
    }
    // A username linked already: E_CONFLICT, and the transaction goes on.
    auto taken = Helper("重名", "2", kCounty, "helper1");
    EXPECT_EQ(s.InsertHelper(taken).error().code, "E_CONFLICT");
    auto changed = Helper("李帮扶", "13900000000", kVillage, "helper2");
    changed.id = mine[1];
    EXPECT_TRUE(s.UpdateHelper(changed).ok());
    changed.username = "helper1";
    EXPECT_EQ(s.UpdateHelper(changed).error().code, "E_CONFLICT");
    auto next = Helper("后来", "3", kCounty);
    ASSERT_TRUE(s.InsertHelper(next).ok());
    mine.push_back(next.id);
    auto ensured = s.EnsureAccountHelper("helper3", kVillage, "2026-06-02T00:00:00Z");
    ASSERT_TRUE(ensured.ok());
    mine.push_back(*ensured);
    mine.push_back(*s.EnsureAccountHelper("helper1", kCounty, "2026-06-02T00:00:00Z"));
  });
  EXPECT_EQ(ids[0], ids[1]);
  EXPECT_EQ(ids[0], (std::vector<int64_t>{1, 2, 3, 4, 5, 6, 7, 1}));
  for (int64_t id = 0; id <= 8; ++id) {
    ExpectSame([&](HelperStore& s) { return Show(s.GetHelper(id)); });
  }
  for (const std::string user : {"helper1", "helper2", "helper3", "nobody", ""}) {
    ExpectSame([&](HelperStore& s) { return Show(s.FindHelperByUsername(user)); });
  }
  ExpectSame([](HelperStore& s) { return Show(s.FindHelperByNamePhone("王帮扶", "13800138000")); });
  EXPECT_EQ(Show(helpers_->FindHelperByNamePhone("王帮扶", "13800138000")).substr(0, 2), "1|");
  ExpectSame([](HelperStore& s) { return Show(s.FindHelperByNamePhone("王帮扶", "1")); });
  for (int64_t region : {int64_t{0}, kCounty, kVillage, kVillage + 1, kOtherCountyVillage}) {
    for (const std::string name : {"", "帮扶", "wang", "WANG L", "%", "_", "分_号%", "x"}) {
      for (int64_t limit : {0, 1, 2}) {
        HelperQuery q;
        q.region = RegionCode::FromInt(region);
        q.name = name;
        q.limit = limit;
        q.offset = limit == 1 ? 1 : 0;
        ExpectSame([&](HelperStore& s) { return Show(s.SearchHelpers(q)); });
      }
    }
  }
  HelperQuery wang;
  wang.name = "WANG";
  auto page = helpers_->SearchHelpers(wang);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total, 1);  // ASCII letters of either case, as SQLite's LIKE
}

TEST_F(PgHelpersTest, AssignmentsBeginEndAndReadBackInSqlitesOrder) {
  Both([&](HelperStore& s) {
    for (auto h : {Helper("甲", "1", kVillage, "helper1"), Helper("乙", "2", kVillage),
                   Helper("丙", "3", kCounty, "helper3")}) {
      ASSERT_TRUE(s.InsertHelper(h).ok());
    }
    std::vector<std::string> results;
    auto note = [&](const Result<bool>& r) { results.push_back(ShowValue(r)); };
    note(s.BeginAssignment(1, kCounty, "H1", "2026-03-01"));
    note(s.BeginAssignment(1, kCounty, "H1", "2026-04-01"));  // current already
    note(s.BeginAssignment(2, kCounty, "H1", "2026-03-01"));
    note(s.BeginAssignment(3, kCounty, "H1", "2026-03-01"));
    note(s.BeginAssignment(2, kCounty, "H2", "2026-02-01"));
    note(s.BeginAssignment(2, kCounty, "H3", "2026-02-01"));
    note(s.BeginAssignment(3, 620421000000, "X1", "2026-02-01"));
    note(s.BeginAssignment(1, kCounty, "GONE", "2026-02-01"));  // not in the register
    note(s.EndAssignment(3, "H1", "2026-05-01"));
    note(s.EndAssignment(3, "H1", "2026-05-02"));  // none current
    note(s.BeginAssignment(3, kCounty, "H1", "2026-05-03"));
    note(s.EndAssignment(2, "H2", "2026-05-01"));
    EXPECT_EQ(results, (std::vector<std::string>{"1", "0", "1", "1", "1", "1", "1", "1", "1", "0",
                                                 "1", "1"}));
  });
  for (const std::string code : {"H1", "H2", "H3", "X1", "GONE", "none"}) {
    ExpectSame([&](HelperStore& s) { return Show(s.HouseholdAssignments(code)); });
  }
  for (int64_t id = 1; id <= 4; ++id) {
    ExpectSame([&](HelperStore& s) { return Show(s.HelperAssignments(id)); });
    for (int64_t region : {int64_t{0}, kCounty, kVillage, kVillage + 1, kOtherCountyVillage}) {
      ExpectSame([&](HelperStore& s) {
        return ShowValue(s.HelperServesIn(id, RegionCode::FromInt(region)));
      });
    }
    for (const std::string user : {"helper1", "helper3", "nobody"}) {
      ExpectSame([&](HelperStore& s) { return ShowValue(s.SharesHousehold(user, id)); });
    }
  }
  for (int64_t region : {int64_t{0}, kCounty, kVillage, kVillage + 1, kOtherCountyVillage}) {
    ExpectSame([&](HelperStore& s) {
      return Show(s.CurrentAssignmentsUnder(RegionCode::FromInt(region)));
    });
  }
  auto h1 = helpers_->HouseholdAssignments("H1");
  ASSERT_TRUE(h1.ok());
  ASSERT_EQ(h1->size(), 4u);
  EXPECT_EQ((*h1)[0].helper.id, 3);  // current, the latest since first
  EXPECT_EQ((*h1)[3].until, "2026-05-01");
  // The helper role's view: itself and the helpers of its households.
  for (const std::string user : {"helper1", "helper3", "nobody"}) {
    HelperQuery q;
    q.seen_by_helper = user;
    q.limit = 0;
    ExpectSame([&](HelperStore& s) { return Show(s.SearchHelpers(q)); });
    q.name = "乙";
    ExpectSame([&](HelperStore& s) { return Show(s.SearchHelpers(q)); });
  }
}

TEST_F(PgHelpersTest, HouseholdsWithoutAHelperAreCountedAndPagedAsInSqlite) {
  auto same = [&] {
    for (int64_t region : {int64_t{0}, kCounty, kVillage, kVillage + 1, kOtherCountyVillage}) {
      const RegionCode r = RegionCode::FromInt(region);
      ExpectSame([&](HelperStore& s) { return ShowValue(s.CountUnhelped(r)); });
      for (auto [offset, limit] : {std::pair<int64_t, int64_t>{0, 0}, {0, 2}, {2, 2}, {-1, 10}}) {
        ExpectSame([&](HelperStore& s) {
          auto rows = s.Unhelped(r, offset, limit);
          if (!rows.ok()) return "error " + rows.error().code;
          std::string out;
          for (const auto& u : *rows) {
            out += std::to_string(u.county_code) + "|" + std::to_string(u.village_code) + "|" +
                   u.household_code + "\n";
          }
          return out;
        });
      }
    }
  };
  same();
  EXPECT_EQ(*helpers_->CountUnhelped(RegionCode::FromInt(kCounty)), 5);  // H1 H2 H3 H5 h7
  Both([](HelperStore& s) {
    auto h = Helper("甲", "1", kVillage);
    ASSERT_TRUE(s.InsertHelper(h).ok());
    ASSERT_TRUE(*s.BeginAssignment(h.id, kCounty, "H1", "2026-03-01"));
    ASSERT_TRUE(*s.BeginAssignment(h.id, kCounty, "H3", "2026-03-01"));
    ASSERT_TRUE(*s.EndAssignment(h.id, "H3", "2026-04-01"));
  });
  same();
  EXPECT_EQ(*helpers_->CountUnhelped(RegionCode::FromInt(kCounty)), 4);
}

TEST_F(PgHelpersTest, WorkTeamMembersAreListedServingFirstAsInSqlite) {
  Both([](HelperStore& s) {
    std::vector<WorkTeamMemberRow> rows = {
        {0, kVillage, "member", "甲", "省财政厅", "1", "2025-03-01", ""},
        {0, kVillage, "first_secretary", "乙", "省财政厅", "2", "2025-04-01", ""},
        {0, kVillage, "leader", "丙", "", "", "2025-02-01", ""},
        {0, kVillage, "first_secretary", "丁", "", "", "2024-01-01", ""},
        {0, kVillage + 1, "member", "戊", "", "", "2025-01-01", ""},
        {0, kVillage, "member", "己", "", "", "2025-03-01", ""}};
    for (auto& r : rows) ASSERT_TRUE(s.InsertTeamMember(r).ok());
    EXPECT_EQ(rows.back().id, 6);
    WorkTeamMemberRow bad = {0, kVillage, "chief", "某", "", "", "2025-01-01", ""};
    EXPECT_EQ(s.InsertTeamMember(bad).error().code, "E_CONFLICT");  // the CHECK of role
    ASSERT_TRUE(s.EndTeamMember(4, "2025-03-31").ok());
    WorkTeamMemberRow after = {0, kVillage, "member", "庚", "", "", "2025-03-01", ""};
    ASSERT_TRUE(s.InsertTeamMember(after).ok());
    EXPECT_EQ(after.id, 7);
  });
  for (int64_t village : {kVillage, kVillage + 1, kOtherCountyVillage}) {
    ExpectSame([&](HelperStore& s) {
      auto rows = s.TeamMembers(village);
      if (!rows.ok()) return "error " + rows.error().code;
      std::string out;
      for (const auto& m : *rows) out += Show(m) + "\n";
      return out;
    });
  }
  for (int64_t id = 0; id <= 8; ++id) {
    ExpectSame([&](HelperStore& s) {
      auto m = s.GetTeamMember(id);
      if (!m.ok()) return "error " + m.error().code;
      return m->has_value() ? Show(**m) : std::string("none");
    });
  }
  auto team = helpers_->TeamMembers(kVillage);
  ASSERT_TRUE(team.ok());
  ASSERT_EQ(team->size(), 6u);
  EXPECT_EQ((*team)[0].name, "乙");
  EXPECT_EQ((*team)[5].name, "丁");  // ended
}

// Two offices at once: each assigns the same account to the same household in a
// transaction of its own. One helper is created, one assignment is current (the second
// insert waits for the first and then does nothing, as SQLite's single writer would).
TEST_F(PgHelpersTest, TwoWritersAssigningTheSameAccountAtOnceMakeOneHelperAndOneAssignment) {
  for (int round = 0; round < 10; ++round) {
    const std::string user = "racer" + std::to_string(round);
    auto other = Open();
    ASSERT_TRUE(other);
    auto other_compare = NewPgCompareStore(*other);
    auto assign = [&](Connection& db, CompareStore& store) {
      ASSERT_TRUE(db.Begin().ok());
      Status s = store.Assign(user, "H1", "2026-06-01T00:00:00Z");
      ASSERT_TRUE(s.ok()) << s.error().en;
      s = db.Commit();
      ASSERT_TRUE(s.ok()) << s.error().en;
    };
    std::thread a([&] { assign(*pg_, *compare_); });
    std::thread b([&] { assign(*other, *other_compare); });
    a.join();
    b.join();
    auto helper = helpers_->FindHelperByUsername(user);
    ASSERT_TRUE(helper.ok() && helper->has_value());
    auto rows = helpers_->HelperAssignments((*helper)->id);
    ASSERT_TRUE(rows.ok());
    EXPECT_EQ(rows->size(), 1u) << round;
  }
  HelperQuery all;
  all.limit = 0;
  auto page = helpers_->SearchHelpers(all);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total, 10);
  EXPECT_EQ(page->items.back().id, 10);  // ids dense, none taken twice
}

}  // namespace
}  // namespace fupin::pg
