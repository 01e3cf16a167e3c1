// `fupin funds add|allocate|disburse|list|progress` (spec/funds.md "Funds"): the funds
// ledger for scripts. Writes are made as the CLI's caller (an admin of the nation, audited
// as "cli"); refusals (E_OVER_FUND, E_OVER_ALLOCATION and bad input) exit 2.
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "common/money.h"
#include "exchange/policy_file.h"
#include "service/accounts/audit_service.h"
#include "service/funds/fund_generator.h"
#include "service/funds/fund_report.h"
#include "service/funds/fund_service.h"
#include "views/fund_json.h"
#include "views/fund_report_json.h"

namespace fupin {
namespace {

std::string Yuan(int64_t fen) { return Money::FromFen(fen).ToString(); }

// Opens the register for a write, with its audit key checked first.
Result<std::unique_ptr<Store>> OpenForWrite(const Globals& g) {
  auto store = OpenStore(g, Store::OpenMode::kExisting);
  if (!store.ok()) return store.error();
  if (Status key = CheckAuditKey(**store); !key.ok()) return key.error();
  return store;
}

// --as-of: nullopt (today) when empty; E_DATE when malformed.
Result<std::optional<Date>> AsOfOption(const std::string& text) {
  if (text.empty()) return std::optional<Date>();
  auto date = Date::Parse(text);
  if (!date.ok()) {
    return Error{"E_DATE", "--as-of 应为日期 YYYY-MM-DD：" + text,
                 "--as-of must be a date (YYYY-MM-DD): " + text};
  }
  return std::optional<Date>(*date);
}

}  // namespace

FundCommands::FundCommands(CLI::App& app, Globals& g) : g_(g) {
  auto* funds = app.add_subcommand("funds", "扶贫资金 / the funds ledger (spec/funds.md)");
  add_ = funds->add_subcommand("add", "登记一笔资金 / record a fund received");
  add_->add_option("--level", level_, "中央 | 省 | 市 | 县 (central | province | city | county)")
      ->required();
  add_->add_option("--kind", kind_, "资金类别 / kind (e.g. 中央财政专项扶贫资金)")->required();
  add_->add_option("--year", year_, "year")->required();
  add_->add_option("--region", region_, "region that received it")->required();
  add_->add_option("--amount", amount_, "yuan, e.g. 1000000.00")->required();
  add_->add_option("--name", name_, "资金名称 / name")->required();
  add_->add_flag("--json", g.json);

  allocate_ = funds->add_subcommand("allocate", "分配资金（直补到户）/ allocate to a household");
  allocate_->add_option("--fund", fund_, "fund id")->required();
  allocate_->add_option("--household", household_, "户编号 (直补到户)");
  allocate_->add_option("--project", project_, "project id (no project library yet)");
  allocate_->add_option("--amount", amount_, "yuan")->required();
  allocate_->add_flag("--json", g.json);

  disburse_ = funds->add_subcommand("disburse", "支付 / disburse an allocation");
  disburse_->add_option("--allocation", allocation_, "allocation id")->required();
  disburse_->add_option("--amount", amount_, "yuan")->required();
  disburse_->add_option("--date", date_, "YYYY-MM-DD")->required();
  disburse_->add_option("--voucher", voucher_, "凭证号 / voucher number")->required();
  disburse_->add_flag("--json", g.json);

  list_ = funds->add_subcommand("list", "列出资金、分配或支付 / list funds, allocations, payments");
  list_->add_option("--region", region_, "region code (default: national)");
  list_->add_option("--year", year_, "funds of this year");
  list_->add_option("--fund", fund_, "allocations of this fund");
  list_->add_option("--allocation", allocation_, "payments of this allocation");
  list_->add_flag("--allocations", allocations_, "list allocations");
  list_->add_flag("--disbursements", disbursements_, "list disbursements");
  list_->add_flag("--json", g.json);

  progress_ = funds->add_subcommand("progress", "资金支出进度 / spending progress");
  progress_->add_option("--region", region_, "region code")->required();
  progress_->add_option("--year", year_, "year")->required();
  progress_->add_option("--as-of", as_of_, "YYYY-MM-DD (default: today)");
  progress_->add_flag("--json", g.json);

  report_ =
      funds->add_subcommand("report", "资金报表（按下级区划）/ the funds table by child region");
  report_->add_option("--region", region_, "region code")->required();
  report_->add_option("--year", year_, "year")->required();
  report_->add_option("--as-of", as_of_, "YYYY-MM-DD (default: today)");
  report_->add_option("--out", out_, "also write the workbook FILE.xlsx");
  report_->add_flag("--json", g.json);

  generate_ = funds->add_subcommand(
      "generate", "生成模拟资金台账（基准测试用）/ a synthetic ledger for the benchmarks");
  generate_->add_option("--region", region_, "province (or any region) with villages")->required();
  generate_->add_option("--year", year_, "year")->required();
  generate_->add_option("--lines", lines_, "funds + allocations + disbursements")->required();
  generate_->add_option("--seed", seed_, "random seed (default 1)");
  generate_->add_flag("--json", g.json);
}

std::optional<int> FundCommands::Run() const {
  if (*add_) return Add();
  if (*allocate_) return Allocate();
  if (*disburse_) return Disburse();
  if (*list_) return List();
  if (*progress_) return Progress();
  if (*report_) return Report();
  if (*generate_) return Generate();
  return std::nullopt;
}

int FundCommands::Add() const {
  auto region = ParseRegionOption(region_);
  if (!region.ok()) return Fail(g_, region.error());
  auto store = OpenForWrite(g_);
  if (!store.ok()) return Fail(g_, store.error());
  auto fund = AddFund(**store, CliCaller(), {level_, kind_, year_, *region, amount_, name_});
  if (!fund.ok()) return Fail(g_, fund.error());
  if (g_.json) {
    std::cout << FundJson(*fund).dump() << "\n";
  } else {
    std::cout << Say(g_, "已登记资金 ", "fund recorded: ") << fund->id << "\t"
              << FundLevelLabel(fund->level) << "\t" << fund->kind << "\t" << fund->year << "\t"
              << Yuan(fund->amount_fen) << "\n";
  }
  return 0;
}

int FundCommands::Allocate() const {
  auto store = OpenForWrite(g_);
  if (!store.ok()) return Fail(g_, store.error());
  AllocationInput input{fund_, household_, std::nullopt, amount_};
  if (allocate_->get_option("--project")->count() > 0) input.project_id = project_;
  auto allocation = fupin::Allocate(**store, CliCaller(), input);
  if (!allocation.ok()) return Fail(g_, allocation.error());
  if (g_.json) {
    std::cout << AllocationJson(*allocation).dump() << "\n";
  } else {
    std::cout << Say(g_, "已分配 ", "allocation ") << allocation->id << "\t"
              << allocation->household_code << "\t" << Yuan(allocation->amount_fen) << "\n";
  }
  return 0;
}

int FundCommands::Disburse() const {
  auto store = OpenForWrite(g_);
  if (!store.ok()) return Fail(g_, store.error());
  auto paid = fupin::Disburse(**store, CliCaller(), {allocation_, amount_, date_, voucher_});
  if (!paid.ok()) return Fail(g_, paid.error());
  if (g_.json) {
    std::cout << DisbursementJson(*paid).dump() << "\n";
  } else {
    std::cout << Say(g_, "已支付 ", "disbursement ") << paid->id << "\t" << paid->date << "\t"
              << Yuan(paid->amount_fen) << "\t" << paid->voucher << "\n";
  }
  return 0;
}

int FundCommands::List() const {
  if (allocations_ && disbursements_) {
    return Fail(g_, Error::Usage("--allocations 与 --disbursements 只能选一个",
                                 "give --allocations or --disbursements, not both"));
  }
  auto region = ParseRegionOption(region_);
  if (!region.ok()) return Fail(g_, region.error());
  auto store = OpenStore(g_, Store::OpenMode::kExisting);
  if (!store.ok()) return Fail(g_, store.error(), 2);
  nlohmann::ordered_json items = nlohmann::ordered_json::array();
  if (allocations_) {
    std::optional<int64_t> fund;
    if (list_->get_option("--fund")->count() > 0) fund = fund_;
    auto rows = ListAllocations(**store, CliCaller(), *region, fund);
    if (!rows.ok()) return Fail(g_, rows.error());
    for (const auto& a : *rows) {
      if (g_.json) {
        items.push_back(AllocationJson(a));
      } else {
        std::cout << a.id << "\t" << a.fund_id << "\t" << a.household_code << "\t"
                  << Yuan(a.amount_fen) << "\n";
      }
    }
  } else if (disbursements_) {
    std::optional<int64_t> allocation;
    if (list_->get_option("--allocation")->count() > 0) allocation = allocation_;
    auto rows = ListDisbursements(**store, CliCaller(), *region, allocation);
    if (!rows.ok()) return Fail(g_, rows.error());
    for (const auto& d : *rows) {
      if (g_.json) {
        items.push_back(DisbursementJson(d));
      } else {
        std::cout << d.id << "\t" << d.allocation_id << "\t" << d.date << "\t" << Yuan(d.amount_fen)
                  << "\t" << d.voucher << "\n";
      }
    }
  } else {
    std::optional<int> year;
    if (list_->get_option("--year")->count() > 0) year = year_;
    auto rows = ListFunds(**store, CliCaller(), *region, year);
    if (!rows.ok()) return Fail(g_, rows.error());
    for (const auto& f : *rows) {
      if (g_.json) {
        items.push_back(FundJson(f));
      } else {
        std::cout << f.fund.id << "\t" << FundLevelLabel(f.fund.level) << "\t" << f.fund.kind
                  << "\t" << f.fund.year << "\t" << f.fund.name << "\t" << Yuan(f.fund.amount_fen)
                  << "\t" << Yuan(f.allocated_fen) << "\t" << Yuan(f.disbursed_fen) << "\n";
      }
    }
  }
  if (g_.json) std::cout << items.dump() << "\n";
  return 0;
}

int FundCommands::Progress() const {
  auto region = ParseRegionOption(region_);
  if (!region.ok()) return Fail(g_, region.error());
  auto parsed = AsOfOption(as_of_);
  if (!parsed.ok()) return Fail(g_, parsed.error());
  const std::optional<Date> as_of = *parsed;
  auto policy = LoadPolicy(g_.policy);
  if (!policy.ok()) return Fail(g_, policy.error());
  auto store = OpenStore(g_, Store::OpenMode::kExisting);
  if (!store.ok()) return Fail(g_, store.error(), 2);
  auto p = fupin::Progress(**store, *policy, CliCaller(), *region, year_, as_of);
  if (!p.ok()) return Fail(g_, p.error());
  if (g_.json) {
    std::cout << FundProgressJson(*p).dump() << "\n";
    return 0;
  }
  std::cout << Say(g_, "资金支出进度 ", "spending progress ") << p->region.ToString() << " "
            << p->year << Say(g_, "（截至 ", " (as of ") << p->as_of << Say(g_, "）", ")") << "\n"
            << Say(g_, "资金总额\t", "funds\t") << Yuan(p->funds_fen) << "\n"
            << Say(g_, "已分配\t", "allocated\t") << Yuan(p->allocated_fen) << "\t"
            << p->allocation_ratio << "\n"
            << Say(g_, "已支出\t", "disbursed\t") << Yuan(p->disbursed_fen) << "\t" << p->ratio
            << "\n"
            << (p->meets ? Say(g_, "达到", "meets") : Say(g_, "未达到", "below"))
            << Say(g_, " 支出进度要求 ", " the required ratio ") << p->min_spending_ratio << "\n";
  return 0;
}

// Funds reports: the table by child region, printed or as JSON, and the workbook with
// --out; audited "fund.report" as the CLI.
int FundCommands::Report() const {
  auto region = ParseRegionOption(region_);
  if (!region.ok()) return Fail(g_, region.error());
  auto as_of = AsOfOption(as_of_);
  if (!as_of.ok()) return Fail(g_, as_of.error());
  if (!out_.empty() && !(out_.ends_with(".xlsx") || out_.ends_with(".XLSX"))) {
    return Fail(g_, Error::Usage("--out 应为 .xlsx 文件：" + out_,
                                 "--out must name an .xlsx file: " + out_));
  }
  auto policy = LoadPolicy(g_.policy);
  if (!policy.ok()) return Fail(g_, policy.error());
  auto store = OpenForWrite(g_);
  if (!store.ok()) return Fail(g_, store.error());
  auto report = FundReportFor(**store, *policy, CliCaller(), *region, year_, *as_of,
                              out_.empty() ? "json" : "xlsx");
  if (!report.ok()) return Fail(g_, report.error());
  if (!out_.empty()) {
    auto book = XlsxWriter::Create(out_);
    if (!book.ok()) return Fail(g_, book.error());
    if (Status s = WriteFundReport(**store, *report, **book); !s.ok()) return Fail(g_, s.error());
    if (Status s = (*book)->Close(); !s.ok()) return Fail(g_, s.error());
  }
  if (g_.json) {
    std::cout << FundReportJson(*report).dump() << "\n";
    return 0;
  }
  std::cout << Say(g_, "资金报表 ", "funds report ") << report->region.ToString() << " "
            << report->region_name << " " << report->year << Say(g_, "（截至 ", " (as of ")
            << report->as_of << Say(g_, "）", ")") << "\n";
  std::vector<FundReportRow> rows = report->rows;
  rows.push_back(report->total);
  for (const FundReportRow& row : rows) {
    std::cout << (row.total ? Say(g_, "合计", "total") : row.region.ToString()) << "\t" << row.name
              << "\t" << Yuan(row.funds_fen) << "\t" << Yuan(row.allocated_fen) << "\t"
              << Yuan(row.disbursed_fen) << "\t" << row.ratio << "\t" << row.allocation_ratio
              << "\t" << (row.meets ? Say(g_, "达标", "meets") : Say(g_, "未达标", "below"))
              << "\n";
  }
  if (!out_.empty()) std::cout << Say(g_, "已写入 ", "written: ") << out_ << "\n";
  return 0;
}

// Funds reports: `fupin funds generate` writes a synthetic ledger (fund_generator.h) into
// the register, audited as one "fund.generate" record.
int FundCommands::Generate() const {
  auto region = ParseRegionOption(region_);
  if (!region.ok()) return Fail(g_, region.error());
  if (lines_ <= 0 || year_ < 2000 || year_ > 2100) {
    return Fail(g_, Error::Usage("--lines 应为正整数，--year 在 2000 至 2100 之间",
                                 "--lines must be positive and --year 2000 to 2100"));
  }
  auto store = OpenForWrite(g_);
  if (!store.ok()) return Fail(g_, store.error());
  auto villages = (*store)->Villages(*region);
  if (!villages.ok()) return Fail(g_, villages.error());
  if (villages->empty()) {
    return Fail(g_, Error{"E_REGION",
                          "区划库中没有该区划的村：" + region->ToString() +
                              "（请先运行 fupin regions load）",
                          "the region tree has no villages in " + region->ToString() +
                              " (run `fupin regions load`)"});
  }
  auto counts = GenerateFunds(**store, {*region, year_, lines_, seed_}, *villages);
  if (!counts.ok()) return Fail(g_, counts.error());
  const std::string made = std::to_string(counts->funds) + " funds, " +
                           std::to_string(counts->allocations) + " allocations, " +
                           std::to_string(counts->disbursements) + " disbursements";
  if (Status s = AppendAudit(**store, CliCaller(), *region, "fund.generate", region->ToString(),
                             "year " + std::to_string(year_) + ", " + made);
      !s.ok()) {
    return Fail(g_, s.error());
  }
  if (g_.json) {
    std::cout << nlohmann::ordered_json{{"funds", counts->funds},
                                        {"allocations", counts->allocations},
                                        {"disbursements", counts->disbursements}}
                     .dump()
              << "\n";
  } else {
    std::cout << Say(g_, "已生成 ", "generated ") << made << "\n";
  }
  return 0;
}

}  // namespace fupin
