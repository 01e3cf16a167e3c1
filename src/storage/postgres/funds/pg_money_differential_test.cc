// The money stores on PostgreSQL against SQLite's: the same sequence of writes — funds,
// allocations and payments over a region tree, loans with their updates, repayments and
// compensations, projects with their lists and updates — on a SQLite Store (a temporary file)
// and on PostgreSQL gives identical reads: the ledger, the progress sums by region, year and
// as-of date, the funds table, loans, projects and their counts; and the writes SQLite
// refuses are refused on PostgreSQL with the same codes.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "storage/postgres/funds/pg_money_test_fixture.h"
#include "storage/store.h"

namespace fupin {
namespace {

const std::vector<int64_t> kRegions = {
    620000000000, 110000000000,                              // provinces
    620400000000, 620100000000, 110100000000,                // cities
    620422000000, 620421000000, 620102000000, 110101000000,  // counties
    620422102000, 620422101000, 620421100000, 110101001000,  // townships
    620422102201, 620422102202, 620422101205, 620421100201, 110101001001, 110101001002};
const std::vector<int64_t> kVillages = {620422102201, 620422102202, 620422101205,
                                        620421100201, 110101001001, 110101001002};
// Kinds and stages that sort differently byte by byte and in a natural-language collation.
const std::vector<std::string> kKinds = {
    "中央财政衔接资金", "省级财政衔接资金", "Alpha", "alpha", "Zeta", "_x", "a b"};
const std::vector<std::string> kStages = {"propose", "village_notice", "approve", "Plan",
                                          "plan",    "done",           "rejected"};
const std::vector<std::string> kLoanStates = {"active", "repaid", "renewed", "compensated"};

// The stores of one back end and its transactions.
struct Stores {
  FundStore& funds;
  LoanStore& loans;
  ProjectStore& projects;
  std::function<Status()> begin, commit;
};

class Writer {
 public:
  explicit Writer(Stores& s) : s_(s) {}

  // Every write succeeds (ids then match: SQLite gives max + 1, PostgreSQL its identity).
  void Play() {
    for (int batch = 0; batch < 12; ++batch) {
      const bool in_transaction = batch % 3 != 2;
      if (in_transaction) {
        ASSERT_TRUE(s_.begin().ok());
      }
      for (int i = 0; i < 4; ++i) AddFund();
      for (int i = 0; i < 7; ++i) Allocate();
      for (int i = 0; i < 10; ++i) Disburse();
      for (int i = 0; i < 3; ++i) AddLoan();
      for (int i = 0; i < 4; ++i) Repay();
      if (batch % 2 == 1) UpdateLoan();
      if (batch % 3 == 1) Compensate();
      for (int i = 0; i < 2; ++i) AddProject();
      if (batch > 0) UpdateProject();
      if (in_transaction) {
        ASSERT_TRUE(s_.commit().ok());
      }
    }
  }

 private:
  int64_t Pick(int64_t n) { return std::uniform_int_distribution<int64_t>(0, n - 1)(random_); }
  template <class T>
  const T& Of(const std::vector<T>& items) {
    return items[Pick(static_cast<int64_t>(items.size()))];
  }
  std::string Date() {
    char buf[48];
    snprintf(buf, sizeof buf, "%d-%02d-%02d", 2025 + static_cast<int>(Pick(2)),
             1 + static_cast<int>(Pick(12)), 1 + static_cast<int>(Pick(28)));
    return buf;
  }
  int64_t VillageIn(int64_t region) {
    std::vector<int64_t> inside;
    for (int64_t v : kVillages) {
      if (RegionCode::FromInt(region).Contains(RegionCode::FromInt(v))) inside.push_back(v);
    }
    return inside.empty() ? Of(kVillages) : Of(inside);
  }

  void AddFund() {
    FundRow f{0,
              1 + static_cast<int>(Pick(4)),
              Of(kKinds),
              2025 + static_cast<int>(Pick(2)),
              Of(kRegions),
              1 + Pick(5000000),
              "资金 " + std::to_string(funds_.size()),
              "u" + std::to_string(Pick(3)),
              "2026-01-0" + std::to_string(1 + Pick(9)) + "T00:00:00Z"};
    ASSERT_TRUE(s_.funds.InsertFund(f).ok());
    funds_.push_back(f);
  }

  void Allocate() {
    const FundRow& f = Of(funds_);
    AllocationRow a;
    a.fund_id = f.id;
    a.region_code = VillageIn(f.region_code);
    if (Pick(4) == 0 && !projects_.empty()) {
      a.project_id = Of(projects_);
    } else {
      a.county_code = a.region_code / 1000000 * 1000000;
      a.household_code = "H" + std::to_string(Pick(6));
    }
    a.amount_fen = 1 + Pick(100000);
    a.created_by = "u";
    a.created_at = "t";
    ASSERT_TRUE(s_.funds.InsertAllocation(a).ok());
    allocations_.push_back(a.id);
  }

  void Disburse() {
    if (allocations_.empty()) return;
    DisbursementRow d{
        0, Of(allocations_), 1 + Pick(50000), Date(), "记-" + std::to_string(Pick(99)), "u", "t"};
    ASSERT_TRUE(s_.funds.InsertDisbursement(d).ok());
  }

  void AddLoan() {
    LoanRow r;
    r.region_code = Of(kVillages);
    r.county_code = r.region_code / 1000000 * 1000000;
    r.household_code = "H" + std::to_string(Pick(4));
    r.borrower_id_number = "62042219800101" + std::to_string(1000 + Pick(9000));
    r.borrower_name = Pick(2) ? "甲" : "乙";
    r.amount_fen = 1 + Pick(5000000);
    r.term_months = 1 + static_cast<int>(Pick(36));
    r.start_date = r.contract_start = Date();
    r.due_date = r.original_due_date = Date();
    r.bank = Pick(2) ? "农商银行" : "邮储银行";
    r.annual_rate_micros = 30000 + Pick(10000);
    r.purpose = 1 + static_cast<int>(Pick(6));
    r.state = Of(kLoanStates);
    if (r.state != "active") r.closed_on = Date();
    if (!loans_.empty() && Pick(3) == 0) r.renewal_of = Of(loans_);
    if (Pick(3) == 0) r.measure_id = 1 + Pick(100);
    r.created_by = "county1";
    r.created_at = "2026-01-01T00:00:00Z";
    ASSERT_TRUE(s_.loans.InsertLoan(r).ok());
    loans_.push_back(r.id);
  }

  void UpdateLoan() {
    LoanRow r;
    r.id = Of(loans_);
    r.due_date = Date();
    r.state = Of(kLoanStates);
    r.closed_on = Pick(2) ? Date() : "";
    r.extended_months = static_cast<int>(Pick(7));
    r.extended_on = r.extended_months ? Date() : "";
    r.extension_reason = r.extended_months ? "冰雹" : "";
    if (Pick(2)) r.measure_id = Pick(50);
    ASSERT_TRUE(s_.loans.UpdateLoan(r).ok());
  }

  void Repay() {
    RepaymentRow r{0, Of(loans_), Date(), Pick(100000), Pick(5000), "county1", "t"};
    ASSERT_TRUE(s_.loans.InsertRepayment(r).ok());
  }

  void Compensate() {
    const int64_t loan = loans_[compensated_++];  // each loan once
    CompensationRow c{0,      loan,      Date(), 90 + static_cast<int>(Pick(100)), 3000000, 2400000,
                      600000, "county1", "t"};
    ASSERT_TRUE(s_.loans.InsertCompensation(c).ok());
  }

  ProjectRow RandomProject() {
    ProjectRow p;
    const std::vector<int64_t> places = {620422102201, 620422102202, 620422101205, 620422102000,
                                         620422000000, 110101001001, 110101000000};
    p.region_code = Of(places);
    p.name = "项目" + std::to_string(Pick(100));
    p.category = 1 + static_cast<int>(Pick(4));
    p.nature = 1 + static_cast<int>(Pick(3));
    p.year = 2025 + static_cast<int>(Pick(2));
    p.start_on = Date();
    p.end_on = Date();
    p.unit = "乙镇人民政府";
    p.person = "王某";
    p.tasks = "建牛舍 \"六百\" 平方米\\";
    for (int source = 1; source <= 9; ++source) {
      if (Pick(3) == 0) p.budget.push_back({source, 1 + Pick(10000000)});
    }
    for (int64_t i = Pick(5); i > 0; --i) p.households.push_back("H" + std::to_string(Pick(8)));
    p.households_count = Pick(10);
    p.people_count = Pick(40);
    p.poor_households = Pick(5);
    p.poor_people = Pick(20);
    for (int64_t i = Pick(3); i > 0; --i)
      p.targets.push_back({"指标" + std::to_string(i), "≥" + std::to_string(Pick(9))});
    p.linkage = "入股分红";
    p.stage = Of(kStages);
    p.state = p.stage == "done" ? "done" : p.stage == "rejected" ? "rejected" : "open";
    p.notice_start = Pick(2) ? Date() : "";
    p.closes_on = p.notice_start.empty() ? "" : Date();
    p.opened_by = "v1";
    p.opened_at = "2026-03-02T02:00:00Z";
    p.approved_on = Pick(2) ? Date() : "";
    for (int64_t i = Pick(4); i > 0; --i) {
      p.steps.push_back({Of(kStages), "advance", "v" + std::to_string(i), "village_operator", "V",
                         Date(), "2026-03-02T02:00:00Z", "意见{" + std::to_string(i) + "}", ""});
    }
    for (int64_t i = Pick(3); i > 0; --i) {
      p.progress.push_back({Date(), static_cast<int>(Pick(101)), "进度", "t1", "t"});
    }
    for (int64_t i = Pick(3); i > 0; --i) {
      p.assets.push_back({1 + static_cast<int>(Pick(3)), "圈舍", Pick(1000000), "村集体", "村委会",
                          Date(), "c1", "t"});
    }
    return p;
  }

  void AddProject() {
    ProjectRow p = RandomProject();
    ASSERT_TRUE(s_.projects.InsertProject(p).ok());
    projects_.push_back(p.id);
  }

  void UpdateProject() {
    ProjectRow p = RandomProject();
    p.id = Of(projects_);
    ASSERT_TRUE(s_.projects.UpdateProject(p).ok());
  }

  Stores& s_;
  std::mt19937_64 random_{20261207};
  std::vector<FundRow> funds_;
  std::vector<int64_t> allocations_, loans_, projects_;
  size_t compensated_ = 0;
};

// ---- Every read, as text

std::string Str(const FundRow& f) {
  return std::to_string(f.id) + "|" + std::to_string(f.level) + "|" + f.kind + "|" +
         std::to_string(f.year) + "|" + std::to_string(f.region_code) + "|" +
         std::to_string(f.amount_fen) + "|" + f.name + "|" + f.created_by + "|" + f.created_at;
}
std::string Str(const AllocationRow& a) {
  return std::to_string(a.id) + "|" + std::to_string(a.fund_id) + "|" +
         std::to_string(a.county_code) + "|" + a.household_code + "|" +
         (a.project_id ? std::to_string(*a.project_id) : "-") + "|" +
         std::to_string(a.region_code) + "|" + std::to_string(a.amount_fen) + "|" + a.created_by +
         "|" + a.created_at;
}
std::string Str(const DisbursementRow& d) {
  return std::to_string(d.id) + "|" + std::to_string(d.allocation_id) + "|" +
         std::to_string(d.amount_fen) + "|" + d.date + "|" + d.voucher + "|" + d.created_by + "|" +
         d.created_at;
}
std::string Str(const FundTotals& t) {
  return std::to_string(t.funds_fen) + "|" + std::to_string(t.allocated_fen) + "|" +
         std::to_string(t.disbursed_fen);
}
std::string Str(const FundSumRow& r) {
  return std::to_string(r.region_code) + "|" + std::to_string(r.level) + "|" + r.kind + "|" +
         std::to_string(r.funds_fen) + "|" + std::to_string(r.allocated_fen);
}
std::string Str(const FundLine& l) {
  return Str(l.fund) + "|" + std::to_string(l.allocated_fen) + "|" +
         std::to_string(l.disbursed_fen);
}
std::string Str(const std::pair<int64_t, int64_t>& p) {
  return std::to_string(p.first) + "=" + std::to_string(p.second);
}
std::string Str(int64_t n) { return std::to_string(n); }
std::string Str(const LoanRow& r) {
  return std::to_string(r.id) + "|" + std::to_string(r.county_code) + "|" + r.household_code + "|" +
         std::to_string(r.region_code) + "|" + r.borrower_id_number + "|" + r.borrower_name + "|" +
         std::to_string(r.amount_fen) + "|" + std::to_string(r.term_months) + "|" + r.start_date +
         "|" + r.due_date + "|" + r.original_due_date + "|" + r.contract_start + "|" + r.bank +
         "|" + std::to_string(r.annual_rate_micros) + "|" + std::to_string(r.purpose) + "|" +
         r.state + "|" + r.closed_on + "|" + (r.renewal_of ? std::to_string(*r.renewal_of) : "-") +
         "|" + std::to_string(r.extended_months) + "|" + r.extended_on + "|" + r.extension_reason +
         "|" + (r.measure_id ? std::to_string(*r.measure_id) : "-") + "|" + r.created_by + "|" +
         r.created_at;
}
std::string Str(const RepaymentRow& r) {
  return std::to_string(r.id) + "|" + std::to_string(r.loan_id) + "|" + r.date + "|" +
         std::to_string(r.principal_fen) + "|" + std::to_string(r.interest_fen) + "|" +
         r.created_by + "|" + r.created_at;
}
std::string Str(const CompensationRow& c) {
  return std::to_string(c.id) + "|" + std::to_string(c.loan_id) + "|" + c.date + "|" +
         std::to_string(c.days_overdue) + "|" + std::to_string(c.base_fen) + "|" +
         std::to_string(c.fund_fen) + "|" + std::to_string(c.bank_fen) + "|" + c.created_by + "|" +
         c.created_at;
}
std::string Str(const LoanPage& p) {
  std::string out = "total " + std::to_string(p.total);
  for (const LoanRow& r : p.rows) out += "\n  " + Str(r);
  return out;
}
std::string Str(const ProjectRow& p) {
  std::string out = std::to_string(p.id) + "|" + std::to_string(p.region_code) + "|" + p.name +
                    "|" + std::to_string(p.category) + "|" + std::to_string(p.nature) + "|" +
                    std::to_string(p.year) + "|" + p.start_on + "|" + p.end_on + "|" + p.unit +
                    "|" + p.person + "|" + p.tasks + "|" + std::to_string(p.households_count) +
                    "|" + std::to_string(p.people_count) + "|" + std::to_string(p.poor_households) +
                    "|" + std::to_string(p.poor_people) + "|" + p.linkage + "|" + p.stage + "|" +
                    p.state + "|" + p.notice_start + "|" + p.closes_on + "|" + p.opened_by + "|" +
                    p.opened_at + "|" + p.reviewed_by + "|" + p.approved_on + "|" + p.accepted_on +
                    "|" + p.acceptance_result + "|" + p.accepted_by;
  out += "\n  budget";
  for (const ProjectBudgetLine& b : p.budget)
    out += " " + Str(std::pair<int64_t, int64_t>(b.source, b.amount_fen));
  out += "\n  households";
  for (const std::string& h : p.households) out += " " + h;
  out += "\n  targets";
  for (const ProjectTarget& t : p.targets) out += " " + t.indicator + ":" + t.target;
  for (const ProjectStepRow& s : p.steps) {
    out += "\n  step " + s.step + "|" + s.action + "|" + s.by + "|" + s.role + "|" + s.level + "|" +
           s.date + "|" + s.at + "|" + s.comment + "|" + s.to;
  }
  for (const ProjectProgressRow& r : p.progress) {
    out += "\n  progress " + r.date + "|" + std::to_string(r.percent) + "|" + r.note + "|" + r.by +
           "|" + r.at;
  }
  for (const ProjectAssetRow& a : p.assets) {
    out += "\n  asset " + std::to_string(a.kind) + "|" + a.name + "|" +
           std::to_string(a.value_fen) + "|" + a.owner + "|" + a.keeper + "|" + a.date + "|" +
           a.by + "|" + a.at;
  }
  return out;
}
std::string Str(const ProjectPage& p) {
  std::string out = "total " + std::to_string(p.total);
  for (const ProjectRow& r : p.items) out += "\n " + Str(r);
  return out;
}
std::string Str(const ProjectCount& c) {
  return c.stage + "/" + std::to_string(c.category) + "=" + std::to_string(c.projects);
}
template <class T>
std::string Str(const std::optional<T>& v) {
  return v ? Str(*v) : "none";
}
template <class T>
std::string Str(const std::vector<T>& items) {
  std::string out = std::to_string(items.size()) + " rows";
  for (const T& item : items) out += "\n  " + Str(item);
  return out;
}
template <class T>
std::string Str(const Result<T>& r) {
  return r.ok() ? Str(*r) : "error " + r.error().code + " " + r.error().en;
}

// Each read of every store, labelled, as its text.
std::vector<std::pair<std::string, std::string>> ReadEverything(Stores& s) {
  std::vector<std::pair<std::string, std::string>> out;
  auto add = [&](std::string label, std::string text) {
    out.emplace_back(std::move(label), std::move(text));
  };
  std::vector<int64_t> regions = kRegions;
  regions.push_back(0);
  regions.push_back(530000000000);  // nothing there
  const std::vector<std::string> as_of = {"2025-01-01", "2025-06-30", "2025-12-31", "2026-03-15",
                                          "2026-12-31"};
  for (int64_t code : regions) {
    const RegionCode r = RegionCode::FromInt(code);
    const std::string at = std::to_string(code);
    for (std::optional<int> year :
         {std::optional<int>(), std::optional<int>(2025), std::optional<int>(2026)}) {
      add("Funds " + at + " " + Str(year ? std::optional<int64_t>(*year) : std::nullopt),
          Str(s.funds.Funds(r, year)));
      add("CountProjects " + at, Str(s.projects.CountProjects(r, year)));
    }
    add("Allocations " + at, Str(s.funds.Allocations(r, std::nullopt)));
    add("Disbursements " + at, Str(s.funds.Disbursements(r, std::nullopt)));
    for (int64_t id : {1, 5, 17, 40}) {
      add("Allocations " + at + " fund " + Str(id), Str(s.funds.Allocations(r, id)));
      add("Disbursements " + at + " allocation " + Str(id), Str(s.funds.Disbursements(r, id)));
    }
    for (int year : {2025, 2026}) {
      const std::string y = at + " " + std::to_string(year);
      add("SumsByRegion " + y, Str(s.funds.SumsByRegion(r, year)));
      for (const std::string& date : as_of) {
        add("Totals " + y + " " + date, Str(s.funds.Totals(r, year, date)));
        add("DisbursedByRegion " + y + " " + date, Str(s.funds.DisbursedByRegion(r, year, date)));
        for (int64_t limit : {3, 1000, -1}) {
          add("FundLines " + y + " " + date + " " + Str(limit),
              Str(s.funds.FundLines(r, year, date, limit)));
        }
      }
    }
    for (const std::vector<std::string>& states :
         std::vector<std::vector<std::string>>{{}, {"active"}, {"repaid", "renewed"}}) {
      for (const char* before : {"", "2026-01-01"}) {
        for (const char* from : {"", "2025-06-01"}) {
          for (std::pair<int64_t, int64_t> page : {std::pair<int64_t, int64_t>{0, 50}, {5, 10}}) {
            LoanQuery q;
            q.region = r;
            q.states = states;
            if (*before) q.due_before = before;
            if (*from) q.due_from = from;
            q.offset = page.first;
            q.limit = page.second;
            add("Loans " + at + " " + std::to_string(states.size()) + before + from + Str(page),
                Str(s.loans.Loans(q)));
          }
        }
      }
    }
    for (const char* stage : {"", "approve", "plan"}) {
      for (std::optional<int> year : {std::optional<int>(), std::optional<int>(2026)}) {
        for (std::optional<int> category : {std::optional<int>(), std::optional<int>(2)}) {
          for (std::pair<int64_t, int64_t> page :
               {std::pair<int64_t, int64_t>{0, 50}, {2, 3}, {1, 0}}) {
            ProjectQuery q;
            q.region = r;
            q.stage = stage;
            q.year = year;
            q.category = category;
            q.offset = page.first;
            q.limit = page.second;
            add("SearchProjects " + at + " " + stage + Str(year ? *year : 0) +
                    Str(category ? *category : 0) + Str(page),
                Str(s.projects.SearchProjects(q)));
          }
        }
      }
    }
    add("ProjectsAt " + at, Str(s.projects.ProjectsAt(r)));
  }
  for (int64_t county : {int64_t{620422000000}, int64_t{110101000000}}) {
    for (const char* household : {"H0", "H1", "H3"}) {
      LoanQuery q;
      q.region = RegionCode::Nation();
      q.county_code = county;
      q.household_code = household;
      add("Loans of " + Str(county) + household, Str(s.loans.Loans(q)));
    }
  }
  for (int64_t id = 0; id <= 60; ++id) {
    const std::string n = std::to_string(id);
    add("GetFund " + n, Str(s.funds.GetFund(id)));
    add("AllocatedFromFund " + n, Str(s.funds.AllocatedFromFund(id)));
    add("DisbursedFromFund " + n, Str(s.funds.DisbursedFromFund(id)));
    add("FundsOf " + n, Str(s.projects.FundsOf(id)));
    add("GetProject " + n, Str(s.projects.GetProject(id)));
    add("GetLoan " + n, Str(s.loans.GetLoan(id)));
    add("Repayments " + n, Str(s.loans.Repayments(id)));
    add("Compensation " + n, Str(s.loans.Compensation(id)));
    add("RenewalOf " + n, Str(s.loans.RenewalOf(id)));
  }
  for (int64_t id = 0; id <= 90; ++id) {
    const std::string n = std::to_string(id);
    add("GetAllocation " + n, Str(s.funds.GetAllocation(id)));
    add("DisbursedFromAllocation " + n, Str(s.funds.DisbursedFromAllocation(id)));
  }
  return out;
}

class MoneyDifferentialTest : public PgMoneyTest {
 protected:
  void SetUp() override {
    PgMoneyTest::SetUp();
    char dir[] = "/tmp/fupin-money-diff-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    dir_ = dir;
    auto store = Store::Open(dir_ + "/register.db", Store::OpenMode::kCreate);
    ASSERT_TRUE(store.ok()) << store.error().en;
    ASSERT_TRUE((*store)->Migrate().ok());
    sqlite_ = std::move(store).value();
  }
  void TearDown() override {
    sqlite_.reset();
    std::filesystem::remove_all(dir_);
  }

  Stores Sqlite() {
    Store* store = sqlite_.get();
    return Stores{store->funds(), store->loans(), store->projects(),
                  [store] { return store->Begin(); }, [store] { return store->Commit(); }};
  }
  Stores Postgres() {
    pg::Connection* db = db_.get();
    return Stores{*funds_, *loans_, *projects_, [db] { return db->Begin(); },
                  [db] { return db->Commit(); }};
  }

  std::string dir_;
  std::unique_ptr<Store> sqlite_;
};

// The same writes on both stores, then every read of both, compared.
void CompareEverything(Stores& lite, Stores& pg) {
  Writer(lite).Play();
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  Writer(pg).Play();
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  const auto want = ReadEverything(lite);
  const auto got = ReadEverything(pg);
  ASSERT_EQ(got.size(), want.size());
  ASSERT_GT(want.size(), 3000u);
  int differences = 0, empty = 0;
  for (size_t i = 0; i < want.size() && differences < 10; ++i) {
    EXPECT_EQ(got[i].second, want[i].second) << want[i].first;
    if (got[i].second != want[i].second) ++differences;
    if (want[i].second.starts_with("0 rows") || want[i].second.starts_with("total 0") ||
        want[i].second == "none" || want[i].second == "0" || want[i].second == "0|0|0") {
      ++empty;
    }
  }
  EXPECT_LT(empty * 2, static_cast<int>(want.size())) << "most reads compare nothing";
  EXPECT_EQ(differences, 0);
}

TEST_F(MoneyDifferentialTest, TheSameWritesGiveTheSameReadsOnSqliteAndPostgresql) {
  Stores lite = Sqlite(), pg = Postgres();
  CompareEverything(lite, pg);
}

// Text is ordered byte by byte (SQLite's BINARY) even in a database whose collation is a
// language's: kinds, stages, dates and 户编号 come back in SQLite's order.
class MoneyDifferentialIcuTest : public MoneyDifferentialTest {
 protected:
  MoneyDifferentialIcuTest() { icu_locale_ = "en-US"; }
};

TEST_F(MoneyDifferentialIcuTest, TheSameReadsInADatabaseThatSortsTextByEnglishRules) {
  auto natural = db_->Query("SELECT 'alpha' < 'Alpha'");
  ASSERT_TRUE(natural.ok());
  ASSERT_TRUE(natural->Bool(0, 0)) << "the database sorts byte by byte: this compares nothing";
  Stores lite = Sqlite(), pg = Postgres();
  CompareEverything(lite, pg);
}

TEST_F(MoneyDifferentialTest, TheWritesSqliteRefusesArePostgresqlsRefusalsWithTheSameCodes) {
  Stores lite = Sqlite(), pg = Postgres();
  std::vector<std::string> codes[2];
  for (int which = 0; which < 2; ++which) {
    Stores& s = which == 0 ? lite : pg;
    std::vector<std::string>& out = codes[which];
    auto note = [&](const Status& status) {
      out.push_back(status.ok() ? "ok" : status.error().code);
    };
    FundRow fund{0, 4, "县级", 2026, 620422000000, 1000, "n", "u", "t"};
    note(s.funds.InsertFund(fund));
    FundRow bad_level = fund, no_amount = fund;
    bad_level.level = 5;
    no_amount.amount_fen = 0;
    note(s.funds.InsertFund(bad_level));
    note(s.funds.InsertFund(no_amount));
    AllocationRow allocation{0,  fund.id, 620422000000, "H1", std::nullopt, 620422102201,
                             10, "u",     "t"};
    note(s.funds.InsertAllocation(allocation));
    AllocationRow no_fund = allocation, negative = allocation;
    no_fund.fund_id = 999;
    negative.amount_fen = -1;
    note(s.funds.InsertAllocation(no_fund));
    note(s.funds.InsertAllocation(negative));
    DisbursementRow orphan{0, 999, 5, "2026-03-01", "V", "u", "t"};
    note(s.funds.InsertDisbursement(orphan));
    LoanRow loan;
    loan.county_code = 620422000000;
    loan.household_code = "H1";
    loan.region_code = 620422102201;
    loan.borrower_id_number = "620422198001010035";
    loan.borrower_name = "甲";
    loan.amount_fen = 100;
    loan.term_months = 12;
    loan.start_date = loan.contract_start = "2025-01-01";
    loan.due_date = loan.original_due_date = "2026-01-01";
    loan.bank = "b";
    loan.state = "active";
    loan.created_by = loan.created_at = "t";
    note(s.loans.InsertLoan(loan));
    LoanRow overdue = loan, no_term = loan, renewal_of_nothing = loan;
    overdue.state = "overdue";
    no_term.term_months = 0;
    renewal_of_nothing.renewal_of = 999;
    note(s.loans.InsertLoan(overdue));
    note(s.loans.InsertLoan(no_term));
    note(s.loans.InsertLoan(renewal_of_nothing));
    RepaymentRow no_loan{0, 999, "2025-02-01", 1, 1, "u", "t"};
    RepaymentRow negative_principal{0, loan.id, "2025-02-01", -1, 1, "u", "t"};
    note(s.loans.InsertRepayment(no_loan));
    note(s.loans.InsertRepayment(negative_principal));
    CompensationRow c{0, loan.id, "2026-05-01", 120, 100, 80, 20, "u", "t"};
    note(s.loans.InsertCompensation(c));
    note(s.loans.InsertCompensation(c));
    ProjectRow project;
    project.region_code = 620422102201;
    project.stage = "propose";
    project.budget = {{1, 5}, {1, 6}};
    note(s.begin());
    note(s.projects.InsertProject(project));
    if (which == 0) {
      sqlite_->Rollback();
    } else {
      note(db_->Rollback());
      out.pop_back();
    }
    ProjectRow missing = project;
    missing.id = 55;
    missing.budget = {{2, 5}};
    note(s.projects.UpdateProject(missing));
    // What is stored after all this: the same on both.
    out.push_back(Str(s.funds.Funds(RegionCode::Nation(), std::nullopt)));
    out.push_back(Str(s.funds.Allocations(RegionCode::Nation(), std::nullopt)));
    out.push_back(Str(s.loans.Repayments(loan.id)));
    out.push_back(Str(s.loans.Compensation(loan.id)));
    out.push_back(Str(s.projects.SearchProjects(ProjectQuery{})));
  }
  EXPECT_EQ(codes[1], codes[0]);
  EXPECT_EQ(codes[0][1], "E_CONFLICT");  // the comparison compares refusals
}

}  // namespace
}  // namespace fupin
