#include "service/policy/assess_export_service.h"

#include "domain/codes.h"
#include "domain/criteria.h"
#include "service/accounts/audit_service.h"
#include "service/policy/assess_service.h"

namespace fupin {
namespace {

Error ExportForbidden() {
  return Error{"E_FORBIDDEN", "您的角色无权进行此操作", "your role may not do this"};
}

std::string Joined(const std::vector<std::string>& parts, const char* separator) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : separator) + p;
  return out;
}

AssessSheet ExitSheet(const std::vector<ExitResult>& results) {
  AssessSheet sheet{"退出评估",
                    {{"户编号", "行政区划代码", "人均纯收入", "是否达标", "未达标项", "说明"}},
                    {CellFormat::kText, CellFormat::kText, CellFormat::kMoney}};
  for (const auto& r : results) {
    std::vector<std::string> keys, reasons;
    for (const auto& f : r.failed) {
      keys.emplace_back(CriterionKey(f.criterion));
      reasons.push_back(f.zh);
    }
    sheet.rows.push_back({r.household_code, r.village.ToString(), r.per_capita_income.ToString(),
                          r.meets ? "达标" : "未达标", Joined(keys, ","), Joined(reasons, "；")});
  }
  return sheet;
}

AssessSheet MonitorSheet(const std::vector<MonitorResult>& results) {
  AssessSheet sheet{
      "监测对象建议",
      {{"户编号", "行政区划代码", "建议监测类型", "触发规则", "风险类型", "人均纯收入"}},
      {CellFormat::kText, CellFormat::kText, CellFormat::kText, CellFormat::kText,
       CellFormat::kText, CellFormat::kMoney}};
  for (const auto& r : results) {
    std::vector<std::string> risks;
    for (int code : r.decision.risk_types.Codes()) {
      risks.emplace_back(CodeLabel(CodeList::kRiskType, code));
    }
    sheet.rows.push_back({r.household_code, r.village.ToString(),
                          std::string(CodeLabel(CodeList::kMonitorType, r.decision.type)),
                          Joined(r.decision.rules, ","), Joined(risks, "；"),
                          r.decision.per_capita_income.ToString()});
  }
  return sheet;
}

AssessSheet RegionSheet(const std::vector<RegionResult>& results, bool county) {
  AssessSheet sheet{
      county ? "贫困县退出" : "贫困村退出",
      {{"区划代码", "名称", "贫困人口", "农业户籍人口", "贫困发生率", "是否达标", "未达标项"}},
      {CellFormat::kText, CellFormat::kText, CellFormat::kWhole, CellFormat::kWhole}};
  for (const auto& r : results) {
    const auto& d = r.decision;
    sheet.rows.push_back(
        {r.code.ToString(), r.name, std::to_string(d.incidence.poor_persons),
         d.incidence.rural_population ? std::to_string(*d.incidence.rural_population) : "",
         d.incidence.incidence.value_or(""), !d.meets ? "无法评估" : (*d.meets ? "达标" : "未达标"),
         Joined(d.failed, ",")});
  }
  return sheet;
}

}  // namespace

Result<AssessSheet> AssessmentForExport(Store& store, const PolicySet& policy, const Caller& caller,
                                        AssessList list, int year, RegionCode region) {
  if (!RoleMay(caller.user.role, Permission::kAssess) ||
      !RoleMay(caller.user.role, Permission::kExport)) {
    return ExportForbidden();
  }
  if (!caller.InScope(region)) {
    return Error::NotFound("区划不存在：" + region.ToString(),
                           "no such region: " + region.ToString());
  }
  AssessSheet sheet;
  std::string action, level;
  if (list == AssessList::kExit) {
    auto results = AssessExits(store, policy, year, region);
    if (!results.ok()) return results.error();
    FUPIN_RETURN_IF_ERROR(KeepVisible(store, caller, *results));
    sheet = ExitSheet(*results);
    action = "export.assess_exit";
  } else if (list == AssessList::kMonitor) {
    auto results = AssessMonitoringCandidates(store, policy, year, region);
    if (!results.ok()) return results.error();
    FUPIN_RETURN_IF_ERROR(KeepVisible(store, caller, *results));
    sheet = MonitorSheet(*results);
    action = "export.assess_monitor";
  } else {
    const bool county = list == AssessList::kCounties;
    auto results = AssessRegions(store, policy, year,
                                 county ? RegionLevel::kCounty : RegionLevel::kVillage, region);
    if (!results.ok()) return results.error();
    sheet = RegionSheet(*results, county);
    action = "export.assess_regions";
    level = county ? ", county" : ", village";
  }
  FUPIN_RETURN_IF_ERROR(AppendAudit(store, caller, region, action, region.ToString(),
                                    "year " + std::to_string(year) + level + ", " +
                                        std::to_string(sheet.rows.size() - 1) + " rows"));
  return sheet;
}

}  // namespace fupin
