// 扶贫小额信贷 microcredit: `fupin loans add|list|show|repay|renew|extend|subsidy|overdue|
// compensate` (spec/funds.md "Microcredit") for scripts. Writes are made as the CLI's caller
// (an admin of the nation, audited as "cli"); refusals (E_CONDITIONS with every failing
// criterion, E_STATE, E_OVERDUE_DAYS and bad input) exit 2.
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "common/money.h"
#include "exchange/policy_file.h"
#include "service/accounts/audit_service.h"
#include "service/loans/loan_service.h"
#include "views/loan_json.h"

namespace fupin {
namespace {

// The register opened for a write, its audit key checked first.
Result<std::unique_ptr<Store>> OpenLoansForWrite(const Globals& g) {
  auto store = OpenStore(g, Store::OpenMode::kExisting);
  if (!store.ok()) return store.error();
  if (Status key = CheckAuditKey(**store); !key.ok()) return key.error();
  return store;
}

// One line of a loan for people.
void PrintLine(const LoanView& v) {
  const LoanRow& l = v.loan;
  std::cout << l.id << "\t" << l.household_code << "\t" << l.borrower_name << "\t"
            << Money::FromFen(l.amount_fen).ToString() << "\t" << l.start_date << "\t" << l.due_date
            << "\t" << v.state << "\t" << Money::FromFen(v.outstanding_fen).ToString()
            << (v.days_overdue > 0 ? "\t" + std::to_string(v.days_overdue) + "d" : "") << "\n";
}

int PrintLoan(const Globals& g, const Result<LoanView>& loan, const char* zh, const char* en) {
  if (!loan.ok()) return Fail(g, loan.error());
  if (g.json) {
    std::cout << LoanJson(*loan, false).dump() << "\n";
    return 0;
  }
  std::cout << Say(g, zh, en);
  PrintLine(*loan);
  for (const RepaymentRow& r : loan->repayments) {
    std::cout << "  " << Say(g, "还款 ", "repaid ") << r.date << "\t"
              << Money::FromFen(r.principal_fen).ToString() << "\t"
              << Money::FromFen(r.interest_fen).ToString() << "\n";
  }
  if (loan->loan.extended_months > 0) {
    std::cout << "  " << Say(g, "展期 ", "extended ") << loan->loan.extended_months
              << Say(g, " 个月，原到期日 ", " months, originally due ")
              << loan->loan.original_due_date << "\n";
  }
  if (loan->compensation) {
    const CompensationRow& c = *loan->compensation;
    std::cout << "  " << Say(g, "风险补偿 ", "compensated ") << c.date << "\t"
              << Money::FromFen(c.base_fen).ToString() << Say(g, "\t风险补偿金 ", "\tfund ")
              << Money::FromFen(c.fund_fen).ToString() << Say(g, "\t银行 ", "\tbank ")
              << Money::FromFen(c.bank_fen).ToString() << "\n";
  }
  return 0;
}

}  // namespace

LoanCommands::LoanCommands(CLI::App& app, Globals& g) : g_(g) {
  auto* loans = app.add_subcommand("loans", "扶贫小额信贷 / microcredit (spec/funds.md)");
  add_ = loans->add_subcommand("add", "登记一笔贷款 / grant a loan");
  add_->add_option("--household", household_, "户编号")->required();
  add_->add_option("--borrower", borrower_, "借款人身份证号 / the borrower's ID number")
      ->required();
  add_->add_option("--amount", amount_, "yuan (≤ max_amount)")->required();
  add_->add_option("--term", term_, "months (≤ max_term_months)")->required();
  add_->add_option("--start", start_, "YYYY-MM-DD")->required();
  add_->add_option("--bank", bank_, "贷款银行 / bank")->required();
  add_->add_option("--rate", rate_, "annual rate, e.g. 0.0345")->required();
  add_->add_option("--purpose", purpose_, "01 种植 … 06 其他生产经营")->required();
  add_->add_flag("--json", g.json);

  list_ = loans->add_subcommand("list", "列出贷款 / list loans");
  list_->add_option("--region", region_, "region code (default: national)");
  list_->add_option("--state", state_, "active | overdue | repaid | renewed | compensated");
  list_->add_flag("--overdue", overdue_flag_, "overdue loans only");
  list_->add_option("--page", page_, "page (from 1)");
  list_->add_option("--size", size_, "loans a page (1–500)");
  list_->add_flag("--json", g.json);

  show_ = loans->add_subcommand("show", "一笔贷款及其还款 / a loan with its history");
  show_->add_option("id", id_, "loan id")->required();
  show_->add_flag("--json", g.json);

  repay_ = loans->add_subcommand("repay", "登记还款 / record a repayment");
  repay_->add_option("id", id_, "loan id")->required();
  repay_->add_option("--date", date_, "YYYY-MM-DD")->required();
  repay_->add_option("--principal", principal_, "yuan of principal");
  repay_->add_option("--interest", interest_, "yuan of interest");
  repay_->add_flag("--json", g.json);

  renew_ = loans->add_subcommand("renew", "无还本续贷 / renew without repaying the principal");
  renew_->add_option("id", id_, "loan id")->required();
  renew_->add_option("--date", date_, "the new loan's start (default: today)");
  renew_->add_option("--term", term_, "months (default: the original's)");
  renew_->add_flag("--json", g.json);

  extend_ = loans->add_subcommand("extend", "展期 / extend the due date");
  extend_->add_option("id", id_, "loan id")->required();
  extend_->add_option("--months", months_, "months (once, ≤ 12)")->required();
  extend_->add_option("--reason", reason_, "展期原因 / reason")->required();
  extend_->add_option("--date", date_, "YYYY-MM-DD (default: today)");
  extend_->add_flag("--json", g.json);

  subsidy_ = loans->add_subcommand("subsidy", "一年的利息与贴息 / interest and subsidy of a year");
  subsidy_->add_option("id", id_, "loan id")->required();
  subsidy_->add_option("--year", year_, "year")->required();
  subsidy_->add_flag("--json", g.json);

  overdue_ = loans->add_subcommand("overdue", "逾期贷款 / overdue loans");
  overdue_->add_option("--region", region_, "region code (default: national)");
  overdue_->add_option("--page", page_, "page (from 1)");
  overdue_->add_option("--size", size_, "loans a page (1–500)");
  overdue_->add_flag("--json", g.json);

  compensate_ =
      loans->add_subcommand("compensate", "风险补偿金代偿 / compensate from the risk fund");
  compensate_->add_option("id", id_, "loan id")->required();
  compensate_->add_flag("--json", g.json);
}

std::optional<int> LoanCommands::Run() const {
  if (*add_) return Add();
  if (*list_) return List(overdue_flag_);
  if (*overdue_) return List(true);
  if (*show_) return Show();
  if (*repay_) return Repay();
  if (*renew_) return Renew();
  if (*extend_) return Extend();
  if (*subsidy_) return Subsidy();
  if (*compensate_) return Compensate();
  return std::nullopt;
}

int LoanCommands::Add() const {
  auto policy = LoadPolicy(g_.policy);
  if (!policy.ok()) return Fail(g_, policy.error());
  auto store = OpenLoansForWrite(g_);
  if (!store.ok()) return Fail(g_, store.error());
  LoanInput in{household_, borrower_, amount_, term_, start_, bank_, rate_, purpose_};
  return PrintLoan(g_, GrantLoan(**store, *policy, CliCaller(), in), "已登记贷款 ",
                   "loan granted: ");
}

int LoanCommands::List(bool overdue_only) const {
  auto region = ParseRegionOption(region_);
  if (!region.ok()) return Fail(g_, region.error());
  if (page_ < 1 || size_ < 1 || size_ > 500) {
    return Fail(g_, Error::Usage("--page 应不小于 1，--size 应在 1 至 500 之间",
                                 "--page must be 1 or more and --size 1 to 500"));
  }
  auto store = OpenStore(g_, Store::OpenMode::kExisting);
  if (!store.ok()) return Fail(g_, store.error(), 2);
  LoanListQuery q;
  q.region = *region;
  q.state = state_;
  q.overdue = overdue_only;
  q.limit = size_;
  q.offset = (page_ - 1) * size_;
  auto page = ListLoans(**store, CliCaller(), q);
  if (!page.ok()) return Fail(g_, page.error());
  if (g_.json) {
    nlohmann::ordered_json items = nlohmann::ordered_json::array();
    for (const LoanView& v : page->items) items.push_back(LoanJson(v, false, false));
    std::cout << nlohmann::ordered_json{{"total", page->total}, {"items", items}}.dump() << "\n";
    return 0;
  }
  for (const LoanView& v : page->items) PrintLine(v);
  std::cout << Say(g_, "共 ", "total ") << page->total << "\n";
  return 0;
}

int LoanCommands::Show() const {
  auto store = OpenStore(g_, Store::OpenMode::kExisting);
  if (!store.ok()) return Fail(g_, store.error(), 2);
  return PrintLoan(g_, GetLoan(**store, CliCaller(), id_), "", "");
}

int LoanCommands::Repay() const {
  auto store = OpenLoansForWrite(g_);
  if (!store.ok()) return Fail(g_, store.error());
  return PrintLoan(g_, fupin::Repay(**store, CliCaller(), id_, {date_, principal_, interest_}),
                   "已登记还款 ", "repayment recorded: ");
}

int LoanCommands::Renew() const {
  auto policy = LoadPolicy(g_.policy);
  if (!policy.ok()) return Fail(g_, policy.error());
  auto store = OpenLoansForWrite(g_);
  if (!store.ok()) return Fail(g_, store.error());
  RenewalInput in{date_, std::nullopt};
  if (renew_->get_option("--term")->count() > 0) in.term_months = term_;
  return PrintLoan(g_, fupin::Renew(**store, *policy, CliCaller(), id_, in), "已续贷 ",
                   "renewed as: ");
}

int LoanCommands::Extend() const {
  auto store = OpenLoansForWrite(g_);
  if (!store.ok()) return Fail(g_, store.error());
  return PrintLoan(g_, fupin::Extend(**store, CliCaller(), id_, {months_, reason_, date_}),
                   "已展期 ", "extended: ");
}

int LoanCommands::Subsidy() const {
  auto policy = LoadPolicy(g_.policy);
  if (!policy.ok()) return Fail(g_, policy.error());
  auto store = OpenStore(g_, Store::OpenMode::kExisting);
  if (!store.ok()) return Fail(g_, store.error(), 2);
  auto s = SubsidyOf(**store, *policy, CliCaller(), id_, year_);
  if (!s.ok()) return Fail(g_, s.error());
  if (g_.json) {
    std::cout << LoanSubsidyJson(*s).dump() << "\n";
    return 0;
  }
  std::cout << Say(g_, "贷款 ", "loan ") << s->loan_id << " " << s->year << "\n"
            << Say(g_, "应计利息\t", "interest\t") << Money::FromFen(s->interest_fen).ToString()
            << "\t" << Ratio{s->rate_micros}.ToString() << "\n"
            << Say(g_, "贴息\t", "subsidy\t") << Money::FromFen(s->subsidy_fen).ToString() << "\t"
            << s->share.ToString() << " (" << s->contract_year << ")\n";
  return 0;
}

int LoanCommands::Compensate() const {
  auto policy = LoadPolicy(g_.policy);
  if (!policy.ok()) return Fail(g_, policy.error());
  auto store = OpenLoansForWrite(g_);
  if (!store.ok()) return Fail(g_, store.error());
  return PrintLoan(g_, fupin::Compensate(**store, *policy, CliCaller(), id_), "已代偿 ",
                   "compensated: ");
}

}  // namespace fupin
