#include "service/projects/project_report.h"

#include <utility>

#include "common/money.h"
#include "service/accounts/audit_service.h"
#include "service/projects/project_codes.h"

namespace fupin {
namespace {

std::string Yuan(int64_t fen) { return Money::FromFen(fen).ToString(); }

void Count(ProjectReportRow& row, const ProjectView& v) {
  ++row.projects;
  if (!v.row.approved_on.empty() && v.row.state != "rejected") ++row.in_library;
  if (!v.row.accepted_on.empty()) ++row.accepted;
  if (v.row.state == "done") ++row.done;
  row.budget_fen += v.row.BudgetTotal();
  row.allocated_fen += v.allocated_fen;
  row.disbursed_fen += v.disbursed_fen;
}

std::string NameOf(Store& store, RegionCode region) {
  if (region == RegionCode::Nation()) return "全国";
  auto row = store.GetRegion(region);
  return row.ok() && row->has_value() ? (*row)->name : region.ToString();
}

std::vector<std::string> TableRow(const ProjectReportRow& row) {
  return {row.total ? "合计" : row.region.ToString(),
          row.name,
          std::to_string(row.projects),
          std::to_string(row.in_library),
          std::to_string(row.accepted),
          std::to_string(row.done),
          Yuan(row.budget_fen),
          Yuan(row.allocated_fen),
          Yuan(row.disbursed_fen)};
}

SheetLayout Layout(std::initializer_list<CellFormat> formats) {
  SheetLayout layout;
  for (CellFormat f : formats) layout.columns.push_back({f, {}, true, ""});
  return layout;
}

}  // namespace

Result<ProjectReport> ProjectReportFor(Store& store, const Caller& caller, RegionCode region,
                                       int year) {
  if (year < 2000 || year > 2100) {
    return Error{"E_YEAR", "年度应在 2000 至 2100 之间", "the year must be 2000 to 2100"};
  }
  ProjectQuery query;
  query.region = region;
  query.year = year;
  query.limit = kMaxReportProjects + 1;
  auto list = ListProjects(store, caller, query);  // the scope and the region's existence
  if (!list.ok()) return list.error();
  if (list->total > kMaxReportProjects) {
    const std::string n = std::to_string(kMaxReportProjects);
    return Error{"E_TOO_LARGE", "项目超过 " + n + " 个，请按下级区划分别导出",
                 "more than " + n + " projects: export the report of each child region"};
  }
  ProjectReport report;
  report.region = region == RegionCode::Nation() ? caller.user.region : region;
  report.region_name = NameOf(store, report.region);
  report.year = year;
  report.projects = std::move(list->items);

  auto children = report.region.level() == RegionLevel::kVillage
                      ? Result<std::vector<RegionRow>>(std::vector<RegionRow>{})
                      : store.Children(report.region);
  if (!children.ok()) return children.error();
  ProjectReportRow own{report.region, report.region_name + "（本级）", true};
  std::vector<ProjectReportRow> rows;
  for (const RegionRow& child : *children) rows.push_back({child.code, child.name});
  report.total = {report.region, report.region_name, false, true};
  for (const ProjectView& v : report.projects) {
    const RegionCode at = RegionCode::FromInt(v.row.region_code);
    ProjectReportRow* row = &own;
    for (ProjectReportRow& child : rows) {
      if (child.region.Contains(at)) row = &child;
    }
    Count(*row, v);
    Count(report.total, v);
  }
  if (own.projects > 0) report.rows.push_back(std::move(own));
  for (ProjectReportRow& row : rows) report.rows.push_back(std::move(row));
  FUPIN_RETURN_IF_ERROR(AppendAudit(store, caller, report.region, "project.report",
                                    report.region.ToString(), "year " + std::to_string(year)));
  return report;
}

Result<ProjectStats> ProjectStatistics(Store& store, const Caller& caller, RegionCode region,
                                       std::optional<int> year) {
  if (year && (*year < 2000 || *year > 2100)) {
    return Error{"E_YEAR", "年度应在 2000 至 2100 之间", "the year must be 2000 to 2100"};
  }
  auto place = ProjectRegionOf(store, caller, region);
  if (!place.ok()) return place.error();
  auto counts = store.projects().CountProjects(*place, year);
  if (!counts.ok()) return counts.error();
  ProjectStats stats;
  stats.region = *place;
  stats.year = year;
  std::map<std::string, int64_t, std::less<>> stages;
  std::map<int, int64_t> categories;
  for (const ProjectCount& c : *counts) {
    stats.total += c.projects;
    stages[c.stage] += c.projects;
    categories[c.category] += c.projects;
  }
  auto count_of = [&](std::string_view stage) {
    auto it = stages.find(stage);
    return it == stages.end() ? int64_t{0} : it->second;
  };
  for (const ProjectStage& s : ProjectStages()) stats.by_stage.emplace_back(s.key, count_of(s.key));
  for (const char* end : {"done", "rejected"}) stats.by_stage.emplace_back(end, count_of(end));
  stats.by_category.assign(categories.begin(), categories.end());
  return stats;
}

Status WriteProjectReport(const ProjectReport& report, XlsxWriter& book) {
  constexpr CellFormat T = CellFormat::kText, M = CellFormat::kMoney, W = CellFormat::kWhole;
  auto table = book.AddSheet("项目汇总表", Layout({T, T, W, W, W, W, M, M, M}));
  if (!table.ok()) return table.error();
  FUPIN_RETURN_IF_ERROR((*table)->WriteRow({"区划代码", "区划名称", "项目数", "已入库", "已验收",
                                            "已完成", "预算总额", "已分配资金", "已支出资金"}));
  for (const ProjectReportRow& row : report.rows)
    FUPIN_RETURN_IF_ERROR((*table)->WriteRow(TableRow(row)));
  FUPIN_RETURN_IF_ERROR((*table)->WriteRow(TableRow(report.total)));

  auto list = book.AddSheet("项目明细", Layout({W, T, T, T, T, T, T, T, T, M, M, M, W, W, W, W}));
  if (!list.ok()) return list.error();
  FUPIN_RETURN_IF_ERROR(
      (*list)->WriteRow({"项目编号", "项目名称", "项目类别", "建设性质", "实施地点", "开始日期",
                         "结束日期", "责任单位", "所处阶段", "预算总额", "已分配资金", "已支出资金",
                         "受益户数", "受益人数", "受益脱贫户数", "受益脱贫人口"}));
  for (const ProjectView& v : report.projects) {
    const ProjectRow& p = v.row;
    FUPIN_RETURN_IF_ERROR((*list)->WriteRow(
        {std::to_string(p.id), p.name,
         std::string(ProjectCodeLabel(ProjectCodeList::kCategory, p.category)),
         std::string(ProjectCodeLabel(ProjectCodeList::kNature, p.nature)),
         RegionCode::FromInt(p.region_code).ToString(), p.start_on, p.end_on, p.unit,
         std::string(ProjectStageLabel(p.stage)), Yuan(p.BudgetTotal()), Yuan(v.allocated_fen),
         Yuan(v.disbursed_fen), std::to_string(p.households_count), std::to_string(p.people_count),
         std::to_string(p.poor_households), std::to_string(p.poor_people)}));
  }

  auto about = book.AddSheet("说明");
  if (!about.ok()) return about.error();
  for (const std::vector<std::string>& line : std::vector<std::vector<std::string>>{
           {"区划", report.region.ToString(), report.region_name},
           {"年度", std::to_string(report.year)},
           {"已入库", "县级审批入库且未被不予通过的项目"},
           {"已验收", "已完成竣工验收的项目"},
           {"已完成", "已登记扶贫资产、办结的项目"},
           {"已分配资金、已支出资金", "扶贫资金台账中分配给项目的金额及其已支付部分"}}) {
    FUPIN_RETURN_IF_ERROR((*about)->WriteRow(line));
  }
  return Status::Ok();
}

}  // namespace fupin
