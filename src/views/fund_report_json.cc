#include "views/fund_report_json.h"

#include "common/money.h"
#include "service/funds/fund_service.h"

namespace fupin {

Json FundReportRowJson(const FundReportRow& row, const std::vector<std::string>& kinds) {
  const auto yuan = [](int64_t fen) { return Money::FromFen(fen).ToString(); };
  Json out;
  out["region"] = row.region.ToString();
  out["name"] = row.name;
  out["own"] = row.own;
  out["total"] = row.total;
  Json levels = Json::object();
  for (int level = 1; level <= 4; ++level) {
    levels[FundLevelKey(level)] = yuan(row.by_level[level - 1]);
  }
  out["by_level"] = std::move(levels);
  Json by_kind = Json::object();
  for (size_t i = 0; i < kinds.size() && i < row.by_kind.size(); ++i) {
    by_kind[kinds[i]] = yuan(row.by_kind[i]);
  }
  out["by_kind"] = std::move(by_kind);
  out["funds"] = yuan(row.funds_fen);
  out["allocated"] = yuan(row.allocated_fen);
  out["disbursed"] = yuan(row.disbursed_fen);
  out["ratio"] = row.ratio;
  out["allocation_ratio"] = row.allocation_ratio;
  out["min_spending_ratio"] = row.min_spending_ratio;
  out["meets"] = row.meets;
  out["shortfall"] = yuan(row.shortfall_fen);
  return out;
}

Json FundReportJson(const FundReport& report) {
  Json out;
  out["region"] = report.region.ToString();
  out["region_name"] = report.region_name;
  out["year"] = report.year;
  out["as_of"] = report.as_of;
  out["kinds"] = report.kinds;
  Json rows = Json::array();
  Json alerts = Json::array();
  for (const FundReportRow& row : report.rows) {
    rows.push_back(FundReportRowJson(row, report.kinds));
    if (SpendsSlowly(row)) alerts.push_back(row.region.ToString());
  }
  out["rows"] = std::move(rows);
  out["total"] = FundReportRowJson(report.total, report.kinds);
  out["alerts"] = std::move(alerts);
  return out;
}

}  // namespace fupin
