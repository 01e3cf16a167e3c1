// `fupin assess exit|monitor|regions` and `fupin regions assessment`: the policy engine's
// assessments on the command line, for people, --json or an --xlsx list (audited).
#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "api/server.h"
#include "cli/cli_common.h"
#include "cli/commands.h"
#include "domain/criteria.h"
#include "exchange/policy_file.h"
#include "exchange/table.h"
#include "exchange/template.h"
#include "exchange/template_workbook.h"
#include "service/accounts/audit_service.h"
#include "service/generator/generator.h"
#include "service/imports/export_service.h"
#include "service/imports/import_service.h"
#include "service/policy/assess_service.h"
#include "service/register/region_service.h"
#include "service/register/report_service.h"
#include "service/scratch.h"
#include "views/json_views.h"

namespace fupin {
namespace {

using nlohmann::ordered_json;

Status CheckYear(int year) {
  if (year < 1978 || year > 2100) {
    return Error{"E_YEAR", "年度不正确：" + std::to_string(year),
                 "not a year: " + std::to_string(year)};
  }
  return Status::Ok();
}

// Writes rows to an XLSX workbook with one sheet (for handing a list to a township): the
// first row is a frozen, filtered header; the columns are stored as `formats` says (text
// beyond them), so that amounts add up.
Status WriteXlsx(const std::string& path, const std::string& sheet,
                 const std::vector<std::vector<std::string>>& rows,
                 const std::vector<CellFormat>& formats) {
  auto book = XlsxWriter::Create(path);
  if (!book.ok()) return book.error();
  SheetLayout layout;
  layout.columns.resize(rows.empty() ? 0 : rows[0].size());
  for (size_t c = 0; c < formats.size() && c < layout.columns.size(); ++c) {
    layout.columns[c].format = formats[c];
  }
  auto out = (*book)->AddSheet(sheet, layout);
  if (!out.ok()) return out.error();
  for (const auto& row : rows) FUPIN_RETURN_IF_ERROR((*out)->WriteRow(row));
  return (*book)->Close();
}

// Prints a table for people: columns separated by two spaces, header first.
void PrintTable(const std::vector<std::vector<std::string>>& rows) {
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) std::cout << (i ? "  " : "") << row[i];
    std::cout << "\n";
  }
}

// What every assessment needs: a valid year and region, the policy and the register.
struct AssessInputs {
  RegionCode region;
  std::optional<PolicySet> policy;
  std::unique_ptr<Store> store;
};

// Fills `in`, or returns the exit code of the failure (already reported).
std::optional<int> PrepareAssess(const Globals& g, const AssessArgs& a, AssessInputs& in) {
  if (Status s = CheckYear(a.year); !s.ok()) return Fail(g, s.error());
  auto region = ParseRegionOption(a.region);
  if (!region.ok()) return Fail(g, region.error());
  auto policy = LoadPolicy(g.policy);
  if (!policy.ok()) return Fail(g, policy.error());
  auto store = OpenStore(g, Store::OpenMode::kExisting);
  if (!store.ok()) return Fail(g, store.error(), 2);
  if (!a.xlsx.empty()) {
    if (Status s = CheckAuditKey(**store); !s.ok()) return Fail(g, s.error());
  }
  in.region = *region;
  in.policy = std::move(policy).value();
  in.store = std::move(store).value();
  return std::nullopt;
}

// The audit record of an assessment's list written to --xlsx.
Status AuditXlsx(Store& store, RegionCode region, const std::string& action, size_t rows,
                 const AssessArgs& a) {
  return AuditCli(store, region, action, region.ToString(),
                  "year " + std::to_string(a.year) + (a.level.empty() ? "" : ", " + a.level) +
                      ", " + std::to_string(rows) + " rows to " + a.xlsx);
}

}  // namespace

int CmdAssessExit(const Globals& g, const AssessArgs& a) {
  AssessInputs in;
  if (auto code = PrepareAssess(g, a, in)) return *code;
  auto results = AssessExits(*in.store, *in.policy, a.year, in.region);
  if (!results.ok()) return Fail(g, results.error());
  std::vector<std::vector<std::string>> table = {
      {Say(g, "户编号", "household"), Say(g, "行政区划代码", "village"),
       Say(g, "人均纯收入", "per-capita income"), Say(g, "是否达标", "meets"),
       Say(g, "未达标项", "failed"), Say(g, "说明", "reasons")}};
  bool earlier = false;
  for (const auto& r : *results) earlier |= r.earlier_year_line;
  // The table is for people and --xlsx; --json alone writes the results as they are.
  const bool tabulate = !g.json || !a.xlsx.empty();
  for (const auto& r : *results) {
    if (!tabulate) break;
    std::string keys, reasons;
    for (const auto& f : r.failed) {
      keys += (keys.empty() ? "" : ",") + std::string(CriterionKey(f.criterion));
      reasons += (reasons.empty() ? "" : "；") + (g.lang == Lang::kEn ? f.en : f.zh);
    }
    table.push_back({r.household_code, r.village.ToString(), r.per_capita_income.ToString(),
                     r.meets ? Say(g, "达标", "yes") : Say(g, "未达标", "no"), keys, reasons});
  }
  if (!a.xlsx.empty()) {
    if (Status s = WriteXlsx(a.xlsx, Say(g, "退出评估", "exit"), table,
                             {CellFormat::kText, CellFormat::kText, CellFormat::kMoney});
        !s.ok())
      return Fail(g, s.error());
    if (Status s = AuditXlsx(*in.store, in.region, "export.assess_exit", results->size(), a);
        !s.ok()) {
      return Fail(g, s.error());
    }
  }
  if (g.json) {
    WriteExitResultsJson(*results, std::cout);
    std::cout << "\n";
  } else {
    PrintTable(table);
    std::cout << Say(g, "共 ", "") << results->size() << Say(g, " 户", " households") << "\n";
  }
  if (earlier) {
    std::cerr << "W_POLICY_YEAR "
              << Say(g, "使用了较早年份的扶贫标准", "a poverty line from an earlier year was used")
              << "\n";
  }
  return 0;
}

int CmdAssessMonitor(const Globals& g, const AssessArgs& a) {
  AssessInputs in;
  if (auto code = PrepareAssess(g, a, in)) return *code;
  auto results = AssessMonitoringCandidates(*in.store, *in.policy, a.year, in.region);
  if (!results.ok()) return Fail(g, results.error());
  std::vector<std::vector<std::string>> table = {
      {Say(g, "户编号", "household"), Say(g, "行政区划代码", "village"),
       Say(g, "建议监测类型", "type"), Say(g, "触发规则", "rules"),
       Say(g, "风险类型", "risk types"), Say(g, "人均纯收入", "per-capita income")}};
  bool earlier = false;
  for (const auto& r : *results) earlier |= r.earlier_year_line;
  const bool tabulate = !g.json || !a.xlsx.empty();
  for (const auto& r : *results) {
    if (!tabulate) break;
    std::string rule_text, risk_text;
    for (const auto& rule : r.decision.rules) rule_text += (rule_text.empty() ? "" : ",") + rule;
    for (int code : r.decision.risk_types.Codes()) {
      risk_text +=
          (risk_text.empty() ? "" : "；") + std::string(CodeLabel(CodeList::kRiskType, code));
    }
    table.push_back({r.household_code, r.village.ToString(),
                     std::string(CodeLabel(CodeList::kMonitorType, r.decision.type)), rule_text,
                     risk_text, r.decision.per_capita_income.ToString()});
  }
  if (!a.xlsx.empty()) {
    if (Status s = WriteXlsx(a.xlsx, Say(g, "监测对象建议", "monitoring"), table,
                             {CellFormat::kText, CellFormat::kText, CellFormat::kText,
                              CellFormat::kText, CellFormat::kText, CellFormat::kMoney});
        !s.ok())
      return Fail(g, s.error());
    if (Status s = AuditXlsx(*in.store, in.region, "export.assess_monitor", results->size(), a);
        !s.ok()) {
      return Fail(g, s.error());
    }
  }
  if (g.json) {
    WriteMonitorResultsJson(*results, std::cout);
    std::cout << "\n";
  } else {
    PrintTable(table);
    std::cout << Say(g, "共 ", "") << results->size() << Say(g, " 户", " households") << "\n";
  }
  if (earlier) {
    std::cerr << "W_POLICY_YEAR "
              << Say(g, "使用了较早年份的监测标准",
                     "a monitoring line from an earlier year was used")
              << "\n";
  }
  return 0;
}

int CmdAssessRegions(const Globals& g, const AssessArgs& a) {
  if (a.level != "village" && a.level != "county") {
    return Fail(
        g, Error::Usage("--level 只能是 village 或 county", "--level must be village or county"));
  }
  AssessInputs in;
  if (auto code = PrepareAssess(g, a, in)) return *code;
  const bool county = a.level == "county";
  auto results = AssessRegions(*in.store, *in.policy, a.year,
                               county ? RegionLevel::kCounty : RegionLevel::kVillage, in.region);
  if (!results.ok()) return Fail(g, results.error());
  std::vector<std::vector<std::string>> table = {
      {Say(g, "区划代码", "region"), Say(g, "名称", "name"), Say(g, "贫困人口", "poor persons"),
       Say(g, "农业户籍人口", "rural population"), Say(g, "贫困发生率", "incidence"),
       Say(g, "是否达标", "meets"), Say(g, "未达标项", "failed")}};
  size_t unknown = 0;
  for (const auto& r : *results) {
    const auto& d = r.decision;
    unknown += d.meets ? 0 : 1;
    std::string failed;
    for (const auto& f : d.failed) failed += (failed.empty() ? "" : ",") + f;
    table.push_back({r.code.ToString(), r.name, std::to_string(d.incidence.poor_persons),
                     d.incidence.rural_population ? std::to_string(*d.incidence.rural_population)
                                                  : Say(g, "未知", "unknown"),
                     d.incidence.incidence.value_or("—"),
                     !d.meets   ? Say(g, "无法评估", "cannot assess")
                     : *d.meets ? Say(g, "达标", "yes")
                                : Say(g, "未达标", "no"),
                     failed});
  }
  if (!a.xlsx.empty()) {
    if (Status s = WriteXlsx(
            a.xlsx, Say(g, "退出评估", "exit"), table,
            {CellFormat::kText, CellFormat::kText, CellFormat::kWhole, CellFormat::kWhole});
        !s.ok())
      return Fail(g, s.error());
    if (Status s = AuditXlsx(*in.store, in.region, "export.assess_regions", results->size(), a);
        !s.ok()) {
      return Fail(g, s.error());
    }
  }
  if (g.json) {
    std::cout << RegionResultsJson(*results, county).dump() << "\n";
  } else {
    PrintTable(table);
  }
  if (unknown) {
    std::cerr << unknown
              << Say(g, " 个区划的农业户籍人口未知，无法评估（用 fupin regions population 录入）",
                     " regions have no known rural population and cannot be assessed (enter it "
                     "with `fupin regions population`)")
              << "\n";
  }
  return 0;
}

namespace {

// Parses a rate "0.015" into a Ratio (E_NUMBER unless a number in [0, 1] with at most 6 decimals).
Result<Ratio> ParseRate(const std::string& text, const char* flag) {
  const size_t dot = text.find('.');
  const std::string whole = dot == std::string::npos ? text : text.substr(0, dot);
  std::string frac = dot == std::string::npos ? "" : text.substr(dot + 1);
  auto digits = [](const std::string& s) {
    return s.find_first_not_of("0123456789") == std::string::npos;
  };
  if (whole.size() > 1 || frac.size() > 6 || !digits(whole) || !digits(frac) ||
      (whole.empty() && frac.empty())) {
    return Error{"E_NUMBER", std::string(flag) + " 应为 0 到 1 之间的小数（最多六位）：" + text,
                 std::string(flag) + " must be a decimal from 0 to 1 (at most 6 places): " + text};
  }
  frac.append(6 - frac.size(), '0');
  const int64_t micros = (whole.empty() ? 0 : whole[0] - '0') * 1000000 + std::stoll(frac);
  if (micros > 1000000) {
    return Error{"E_NUMBER", std::string(flag) + " 不能大于 1：" + text,
                 std::string(flag) + " cannot exceed 1: " + text};
  }
  return Ratio{micros};
}

}  // namespace

int CmdRegionsAssessment(const Globals& g, const std::string& code_text, int year,
                         const std::string& wrong_exit, const std::string& missed,
                         const std::string& satisfaction) {
  if (Status s = CheckYear(year); !s.ok()) return Fail(g, s.error());
  auto code = RegionCode::Parse(code_text);
  if (!code.ok())
    return Fail(g, Error{"E_REGION", "区划代码格式错误：" + code_text,
                         "malformed region code: " + code_text});
  CountyAssessment assessment;
  for (auto [text, flag, target] :
       {std::tuple{&wrong_exit, "--wrong-exit-rate", &assessment.wrong_exit_rate},
        std::tuple{&missed, "--missed-rate", &assessment.missed_rate},
        std::tuple{&satisfaction, "--satisfaction", &assessment.satisfaction}}) {
    auto rate = ParseRate(*text, flag);
    if (!rate.ok()) return Fail(g, rate.error());
    *target = *rate;
  }
  auto store = OpenStore(g, Store::OpenMode::kExisting);
  if (!store.ok()) return Fail(g, store.error(), 2);
  if (Status s = CheckAuditKey(**store); !s.ok()) return Fail(g, s.error());
  if (Status s = EnterCountyAssessment(**store, *code, year, assessment); !s.ok())
    return Fail(g, s.error());
  if (Status s = AuditCli(**store, *code, "county_assessment.put", code->ToString(),
                          "year " + std::to_string(year) + ", wrong exit " +
                              assessment.wrong_exit_rate.ToString() + ", missed " +
                              assessment.missed_rate.ToString() + ", satisfaction " +
                              assessment.satisfaction.ToString());
      !s.ok()) {
    return Fail(g, s.error());
  }
  if (g.json) {
    std::cout << ordered_json{{"region_code", code->ToString()},
                              {"year", year},
                              {"wrong_exit_rate", assessment.wrong_exit_rate.ToString()},
                              {"missed_rate", assessment.missed_rate.ToString()},
                              {"satisfaction", assessment.satisfaction.ToString()}}
                     .dump()
              << "\n";
  } else {
    std::cout << Say(g, "已录入第三方评估：", "assessment entered: ") << code->ToString() << " "
              << year << "\n";
  }
  return 0;
}

}  // namespace fupin
