#include "service/funds/fund_report.h"

#include <algorithm>
#include <map>
#include <set>

#include "common/money.h"
#include "service/accounts/audit_service.h"
#include "service/funds/fund_service.h"

namespace fupin {
namespace {

std::string Yuan(int64_t fen) { return Money::FromFen(fen).ToString(); }

// The ratios of a row, its rule (the policy in force for its region) and its shortfall.
void Finish(FundReportRow& row, const PolicySet& policy) {
  row.ratio = FourDecimals(row.disbursed_fen, row.funds_fen);
  row.allocation_ratio = FourDecimals(row.allocated_fen, row.funds_fen);
  const Ratio& min = policy.For(row.region).funds.min_spending_ratio;
  row.min_spending_ratio = min.ToString();
  const __int128 required = static_cast<__int128>(min.micros) * row.funds_fen;  // fen × 10⁶
  row.meets = row.funds_fen > 0 && static_cast<__int128>(row.disbursed_fen) * 1000000 >= required;
  // The least number of fen that reaches the rule: ⌈required ÷ 10⁶⌉.
  const int64_t needed = static_cast<int64_t>((required + 999999) / 1000000);
  row.shortfall_fen = row.meets || row.funds_fen == 0 ? 0 : needed - row.disbursed_fen;
}

void Subtract(FundReportRow& from, const FundReportRow& part) {
  for (size_t i = 0; i < from.by_level.size(); ++i) from.by_level[i] -= part.by_level[i];
  for (size_t i = 0; i < from.by_kind.size(); ++i) from.by_kind[i] -= part.by_kind[i];
  from.funds_fen -= part.funds_fen;
  from.allocated_fen -= part.allocated_fen;
  from.disbursed_fen -= part.disbursed_fen;
}

Result<std::string> RegionName(Store& store, RegionCode region) {
  if (region == RegionCode::Nation()) return std::string("全国");
  auto row = store.GetRegion(region);
  if (!row.ok()) return row.error();
  return row->has_value() ? (*row)->name : region.ToString();
}

}  // namespace

Result<FundReport> BuildFundReport(Store& store, const PolicySet& policy, const Caller& caller,
                                   RegionCode region, int year, std::optional<Date> as_of) {
  FUPIN_RETURN_IF_ERROR(FundRegionInScope(store, caller, region));
  if (year < 2000 || year > 2100) {
    return Error{"E_YEAR", "年度应在 2000 至 2100 之间", "the year must be 2000 to 2100"};
  }
  FundReport report;
  report.region = region;
  report.year = year;
  report.as_of = (as_of ? *as_of : Date::Today()).ToString();
  auto name = RegionName(store, region);
  if (!name.ok()) return name.error();
  report.region_name = *name;
  auto sums = store.funds().SumsByRegion(region, year);
  if (!sums.ok()) return sums.error();
  auto disbursed = store.funds().DisbursedByRegion(region, year, report.as_of);
  if (!disbursed.ok()) return disbursed.error();
  auto children = region.level() == RegionLevel::kVillage
                      ? Result<std::vector<RegionRow>>(std::vector<RegionRow>{})
                      : store.Children(region);
  if (!children.ok()) return children.error();

  std::set<std::string> kinds;
  for (const FundSumRow& s : *sums) kinds.insert(s.kind);
  report.kinds.assign(kinds.begin(), kinds.end());
  const auto kind_index = [&](const std::string& kind) {
    return static_cast<size_t>(std::lower_bound(report.kinds.begin(), report.kinds.end(), kind) -
                               report.kinds.begin());
  };

  // The sums over the subtree of the region (the total) and of each child; the region's
  // own funds (本级) are the total less the children.
  report.total.region = region;
  report.total.name = report.region_name;
  report.total.total = true;
  report.total.by_kind.assign(report.kinds.size(), 0);
  std::map<int64_t, FundReportRow> children_rows;
  const auto row_for = [&](int64_t code) -> FundReportRow& {
    if (code == region.value()) return report.total;
    FundReportRow& row = children_rows[code];
    if (row.by_kind.empty()) {
      row.region = RegionCode::FromInt(code);
      row.by_kind.assign(report.kinds.size(), 0);
    }
    return row;
  };
  for (const RegionRow& child : *children) row_for(child.code.value()).name = child.name;
  for (const FundSumRow& s : *sums) {
    FundReportRow& row = row_for(s.region_code);
    if (s.level >= 1 && s.level <= 4) row.by_level[s.level - 1] += s.funds_fen;
    row.by_kind[kind_index(s.kind)] += s.funds_fen;
    row.funds_fen += s.funds_fen;
    row.allocated_fen += s.allocated_fen;
  }
  for (const auto& [code, fen] : *disbursed) row_for(code).disbursed_fen += fen;

  FundReportRow own = report.total;
  own.total = false;
  own.own = true;
  own.name = report.region_name + "（本级）";
  for (auto& [code, row] : children_rows) {
    if (row.name.empty()) {
      auto child_name = RegionName(store, row.region);  // a child missing from the tree
      if (!child_name.ok()) return child_name.error();
      row.name = *child_name;
    }
    Subtract(own, row);
    Finish(row, policy);
  }
  if (own.funds_fen > 0) {
    Finish(own, policy);
    report.rows.push_back(std::move(own));
  }
  for (auto& [code, row] : children_rows) report.rows.push_back(std::move(row));
  Finish(report.total, policy);
  return report;
}

Result<FundReport> FundReportFor(Store& store, const PolicySet& policy, const Caller& caller,
                                 RegionCode region, int year, std::optional<Date> as_of,
                                 const std::string& format) {
  auto report = BuildFundReport(store, policy, caller, region, year, as_of);
  if (!report.ok()) return report.error();
  FUPIN_RETURN_IF_ERROR(
      AppendAudit(store, caller, region, "fund.report", region.ToString(),
                  "year " + std::to_string(year) + ", as of " + report->as_of + ", " + format));
  return report;
}

Result<std::vector<FundReportRow>> SlowSpending(Store& store, const PolicySet& policy,
                                                const Caller& caller, RegionCode region, int year,
                                                std::optional<Date> as_of) {
  auto report = BuildFundReport(store, policy, caller, region, year, as_of);
  if (!report.ok()) return report.error();
  std::vector<FundReportRow> out;
  for (FundReportRow& row : report->rows) {
    if (SpendsSlowly(row)) out.push_back(std::move(row));
  }
  return out;
}

namespace {

std::vector<std::string> TableRow(const FundReportRow& row) {
  std::vector<std::string> cells = {row.total ? "合计" : row.region.ToString(), row.name};
  for (int64_t fen : row.by_level) cells.push_back(Yuan(fen));
  for (int64_t fen : row.by_kind) cells.push_back(Yuan(fen));
  for (int64_t fen : {row.funds_fen, row.allocated_fen, row.disbursed_fen}) {
    cells.push_back(Yuan(fen));
  }
  cells.insert(cells.end(), {row.ratio, row.allocation_ratio, row.min_spending_ratio,
                             row.meets ? "是" : "否", Yuan(row.shortfall_fen)});
  return cells;
}

SheetLayout Layout(std::initializer_list<CellFormat> formats) {
  SheetLayout layout;
  for (CellFormat f : formats) layout.columns.push_back({f, {}, true, ""});
  return layout;
}

}  // namespace

Status WriteFundReport(Store& store, const FundReport& report, XlsxWriter& book) {
  auto lines =
      store.funds().FundLines(report.region, report.year, report.as_of, kMaxReportFunds + 1);
  if (!lines.ok()) return lines.error();
  if (static_cast<int64_t>(lines->size()) > kMaxReportFunds) {
    const std::string n = std::to_string(kMaxReportFunds);
    return Error{"E_TOO_LARGE", "资金超过 " + n + " 笔，请按下级区划分别导出",
                 "more than " + n + " funds: export the report of each child region"};
  }
  constexpr CellFormat T = CellFormat::kText, M = CellFormat::kMoney, W = CellFormat::kWhole;

  // 资金进度表: code, name, the four levels, the kinds, funds, allocated, disbursed,
  // ratio, allocation ratio, rule, meets, shortfall.
  SheetLayout table;
  table.columns.push_back({T, {}, true, ""});
  table.columns.push_back({T, {}, true, ""});
  for (size_t i = 0; i < 4 + report.kinds.size() + 3; ++i)
    table.columns.push_back({M, {}, true, ""});
  for (int i = 0; i < 4; ++i) table.columns.push_back({T, {}, true, ""});
  table.columns.push_back({M, {}, true, ""});
  auto sheet = book.AddSheet("资金进度表", table);
  if (!sheet.ok()) return sheet.error();
  std::vector<std::string> header = {"区划代码", "区划名称"};
  for (int level = 1; level <= 4; ++level)
    header.push_back(FundLevelLabel(level) + std::string("级资金"));
  header.insert(header.end(), report.kinds.begin(), report.kinds.end());
  header.insert(header.end(), {"资金总额", "已分配", "已支出", "支出进度", "分配率", "支出进度要求",
                               "是否达标", "达标尚需支出"});
  FUPIN_RETURN_IF_ERROR((*sheet)->WriteRow(header));
  for (const FundReportRow& row : report.rows)
    FUPIN_RETURN_IF_ERROR((*sheet)->WriteRow(TableRow(row)));
  FUPIN_RETURN_IF_ERROR((*sheet)->WriteRow(TableRow(report.total)));

  // 资金明细: the funds one by one.
  auto funds = book.AddSheet("资金明细", Layout({W, T, T, T, T, M, M, M, M}));
  if (!funds.ok()) return funds.error();
  FUPIN_RETURN_IF_ERROR((*funds)->WriteRow({"资金编号", "级次", "资金类别", "资金名称", "下达区划",
                                            "金额", "已分配", "已支出", "未分配"}));
  for (const FundLine& line : *lines) {
    const FundRow& f = line.fund;
    FUPIN_RETURN_IF_ERROR(
        (*funds)->WriteRow({std::to_string(f.id), FundLevelLabel(f.level), f.kind, f.name,
                            RegionCode::FromInt(f.region_code).ToString(), Yuan(f.amount_fen),
                            Yuan(line.allocated_fen), Yuan(line.disbursed_fen),
                            Yuan(f.amount_fen - line.allocated_fen)}));
  }

  // 支出滞后预警: the rows below the rule.
  auto alerts = book.AddSheet("支出滞后预警", Layout({T, T, M, M, T, T, M}));
  if (!alerts.ok()) return alerts.error();
  FUPIN_RETURN_IF_ERROR((*alerts)->WriteRow(
      {"区划代码", "区划名称", "资金总额", "已支出", "支出进度", "支出进度要求", "达标尚需支出"}));
  for (const FundReportRow& row : report.rows) {
    if (!SpendsSlowly(row)) continue;
    FUPIN_RETURN_IF_ERROR((*alerts)->WriteRow({row.region.ToString(), row.name, Yuan(row.funds_fen),
                                               Yuan(row.disbursed_fen), row.ratio,
                                               row.min_spending_ratio, Yuan(row.shortfall_fen)}));
  }

  auto about = book.AddSheet("说明");
  if (!about.ok()) return about.error();
  for (const std::vector<std::string>& line : std::vector<std::vector<std::string>>{
           {"区划", report.region.ToString(), report.region_name},
           {"年度", std::to_string(report.year)},
           {"截止日期", report.as_of},
           {"支出进度", "已支出 ÷ 该年度资金总额（不论是否已分配），4 位小数截尾"},
           {"分配率", "已分配 ÷ 该年度资金总额"},
           {"支出进度要求", report.total.min_spending_ratio, "[funds] min_spending_ratio"}}) {
    FUPIN_RETURN_IF_ERROR((*about)->WriteRow(line));
  }
  return Status::Ok();
}

}  // namespace fupin
