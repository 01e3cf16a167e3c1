// `fupin projects add|list|stats|report|show|advance|accept|objection|return|reject|progress|asset`
// (docs/projects.md): the project library (扶贫项目库) for scripts. Writes are made as the
// CLI's caller (an admin of the nation, audited as "cli") or, with `--as NAME`, as that
// account of the accounts file (its role and region: the levels and the separation of
// duties apply as over HTTP). Refusals (E_NOTICE_OPEN, E_STEP_LEVEL, E_CONDITIONS, …) exit 2.
#include <fstream>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "api/routes/routes.h"
#include "cli/commands.h"
#include "common/money.h"
#include "exchange/policy_file.h"
#include "service/accounts/audit_service.h"
#include "service/projects/project_codes.h"
#include "service/projects/project_report.h"
#include "service/projects/project_service.h"

namespace fupin {
namespace {

// The register, opened for a write with its audit key checked first.
Result<std::unique_ptr<Store>> OpenChecked(const Globals& g) {
  auto store = OpenStore(g, Store::OpenMode::kExisting);
  if (!store.ok()) return store.error();
  if (Status key = CheckAuditKey(**store); !key.ok()) return key.error();
  return store;
}

// The CLI's caller, or the enabled account `name` acting through the CLI.
Result<Caller> CallerAs(Store& store, const std::string& name) {
  if (name.empty()) return CliCaller();
  auto row = store.accounts().GetUser(name);
  if (!row.ok()) return row.error();
  const std::optional<Role> role = *row ? ParseRole((*row)->role) : std::nullopt;
  if (!*row || !role || (*row)->disabled) {
    return Error::NotFound("账号不存在或已停用：" + name.substr(0, 64),
                           "no such enabled account: " + name.substr(0, 64));
  }
  return Caller{User{name, *role, RegionCode::FromInt((*row)->region_code), false}, "cli"};
}

void PrintLine(const Globals& g, const ProjectView& v) {
  const ProjectRow& p = v.row;
  std::cout << p.id << "\t" << p.stage << "\t" << ProjectStageLabel(p.stage) << "\t"
            << RegionCode::FromInt(p.region_code).ToString() << "\t" << p.year << "\t"
            << ProjectCodeLabel(ProjectCodeList::kCategory, p.category) << "\t"
            << Money::FromFen(p.BudgetTotal()).ToString() << "\t" << p.name;
  if (!p.closes_on.empty()) std::cout << "\t" << Say(g, "公示至 ", "notice until ") << p.closes_on;
  std::cout << "\n";
}

void PrintFull(const Globals& g, const ProjectView& v) {
  PrintLine(g, v);
  for (const ProjectStepRow& s : v.row.steps) {
    std::cout << "  " << s.date << "\t" << s.step << "\t" << s.action << "\t" << s.by << "\t"
              << s.comment << "\n";
  }
  std::cout << "  " << Say(g, "已分配 ", "allocated ") << Money::FromFen(v.allocated_fen).ToString()
            << Say(g, "，已支付 ", ", disbursed ") << Money::FromFen(v.disbursed_fen).ToString()
            << "\n";
}

}  // namespace

ProjectCommands::ProjectCommands(CLI::App& app, Globals& g) : g_(g) {
  auto* projects = app.add_subcommand("projects", "扶贫项目库 / the project library");
  auto with_id = [&](const char* name, const char* help) {
    CLI::App* c = projects->add_subcommand(name, help);
    c->add_option("id", id_, "project id")->required();
    c->add_option("--as", as_, "act as this account (default: the CLI, an admin)");
    c->add_flag("--json", g.json);
    return c;
  };
  add_ =
      projects->add_subcommand("add", "申报项目 / propose a project (the JSON of POST /projects)");
  add_->add_option("--file", file_, "JSON file, - for standard input")->required();
  add_->add_option("--as", as_, "act as this account (default: the CLI, an admin)");
  add_->add_flag("--json", g.json);
  list_ = projects->add_subcommand("list", "列出项目 / list projects");
  list_->add_option("--region", region_, "region code (default: national)");
  list_->add_option("--stage", stage_, "stage key, done or rejected");
  list_->add_option("--year", year_, "year");
  list_->add_option("--category", category_, "category: code, key or label");
  list_->add_flag("--json", g.json);
  report_ = projects->add_subcommand("report",
                                     "项目报表（按下级区划）/ the projects table by child region");
  report_->add_option("--region", region_, "region code")->required();
  report_->add_option("--year", year_, "year")->required();
  report_->add_option("--out", file_, "also write the workbook FILE.xlsx");
  report_->add_flag("--json", g.json);
  stats_ =
      projects->add_subcommand("stats", "按阶段和类别统计项目 / projects by stage and category");
  stats_->add_option("--region", region_, "region code (default: national)");
  stats_->add_option("--year", year_, "year (default: all years)");
  stats_->add_flag("--json", g.json);
  show_ = projects->add_subcommand("show", "查看项目 / a project with its steps");
  show_->add_option("id", id_, "project id")->required();
  show_->add_flag("--json", g.json);
  advance_ = with_id("advance", "完成当前步骤 / complete the current stage");
  advance_->add_option("--comment", comment_, "comment");
  accept_ = with_id("accept", "竣工验收 / accept the work (at the accept stage)");
  accept_->add_option("--result", result_, "验收结论 / the result")->required();
  accept_->add_option("--date", date_, "YYYY-MM-DD (default: today)");
  accept_->add_option("--comment", comment_, "comment");
  objection_ = with_id("objection", "公示异议 / an objection during a notice");
  objection_->add_option("--text", text_, "the objection")->required();
  return_ = with_id("return", "退回 / return to an earlier stage");
  return_->add_option("--to", to_, "stage key")->required();
  return_->add_option("--reason", text_, "reason")->required();
  reject_ = with_id("reject", "不予通过 / reject");
  reject_->add_option("--reason", text_, "reason")->required();
  progress_ = with_id("progress", "填报进度 / record progress (at implement)");
  progress_->add_option("--percent", percent_, "0–100")->required();
  progress_->add_option("--date", date_, "YYYY-MM-DD (default: today)");
  progress_->add_option("--note", text_, "note");
  asset_ = with_id("asset", "登记扶贫资产 / record an asset (once accepted)");
  asset_->add_option("--kind", kind_, "经营性 | 公益性 | 到户类")->required();
  asset_->add_option("--name", name_, "name")->required();
  asset_->add_option("--value", value_, "yuan")->required();
  asset_->add_option("--owner", owner_, "所有权人 / owner")->required();
  asset_->add_option("--keeper", keeper_, "管护主体 / who maintains it")->required();
  asset_->add_option("--date", date_, "YYYY-MM-DD (default: today)");
}

std::optional<int> ProjectCommands::Run() const {
  if (*add_) return Add();
  if (*list_) return List();
  if (*show_) return Show();
  if (*report_) return Report();
  if (*stats_) return Stats();
  for (CLI::App* c : {advance_, accept_, objection_, return_, reject_, progress_, asset_}) {
    if (*c) return Move(c);
  }
  return std::nullopt;
}

int ProjectCommands::Add() const {
  std::string text;
  if (file_ == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), {});
  } else {
    std::ifstream in(file_, std::ios::binary);
    if (!in) return Fail(g_, Error::Io("无法读取 " + file_, "cannot read " + file_));
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  auto store = OpenChecked(g_);
  if (!store.ok()) return Fail(g_, store.error());
  auto caller = CallerAs(**store, as_);
  if (!caller.ok()) return Fail(g_, caller.error());
  auto input = ParseProjectInput(text, *caller);
  if (!input.ok()) return Fail(g_, input.error());
  auto policy = LoadPolicy(g_.policy);
  if (!policy.ok()) return Fail(g_, policy.error());
  auto view = ProposeProject(**store, *policy, *caller, *input);
  if (!view.ok()) return Fail(g_, view.error());
  if (g_.json) {
    std::cout << ProjectJson(*view, true).dump() << "\n";
  } else {
    PrintLine(g_, *view);
  }
  return 0;
}

int ProjectCommands::List() const {
  auto region = ParseRegionOption(region_);
  if (!region.ok()) return Fail(g_, region.error());
  ProjectQuery q;
  q.region = *region;
  q.stage = stage_;
  q.limit = 0;
  if (year_ != 0) q.year = year_;
  if (!category_.empty()) {
    q.category = ParseProjectCode(ProjectCodeList::kCategory, category_);
    if (!q.category) {
      return Fail(g_, Error{"E_CODE", "项目类别不正确：" + category_,
                            "not a project category: " + category_});
    }
  }
  auto store = OpenStore(g_, Store::OpenMode::kExisting);
  if (!store.ok()) return Fail(g_, store.error(), 2);
  auto list = ListProjects(**store, CliCaller(), q);
  if (!list.ok()) return Fail(g_, list.error());
  if (g_.json) {
    nlohmann::ordered_json items = nlohmann::ordered_json::array();
    for (const ProjectView& v : list->items) items.push_back(ProjectJson(v, false));
    std::cout << nlohmann::ordered_json{{"total", list->total}, {"items", items}}.dump() << "\n";
  } else {
    for (const ProjectView& v : list->items) PrintLine(g_, v);
  }
  return 0;
}

// The projects table by child region, printed or as JSON, and the workbook with --out;
// audited "project.report" as the CLI.
int ProjectCommands::Report() const {
  auto region = ParseRegionOption(region_);
  if (!region.ok()) return Fail(g_, region.error());
  if (!file_.empty() && (file_.size() < 5 || file_.substr(file_.size() - 5) != ".xlsx")) {
    return Fail(g_, Error::Usage("--out 应为 .xlsx 文件", "--out must be an .xlsx file"));
  }
  auto store = OpenChecked(g_);
  if (!store.ok()) return Fail(g_, store.error(), 2);
  auto report = ProjectReportFor(**store, CliCaller(), *region, year_);
  if (!report.ok()) return Fail(g_, report.error());
  if (!file_.empty()) {
    auto book = XlsxWriter::Create(file_);
    if (!book.ok()) return Fail(g_, book.error());
    if (Status s = WriteProjectReport(*report, **book); !s.ok()) return Fail(g_, s.error());
    if (Status s = (*book)->Close(); !s.ok()) return Fail(g_, s.error());
  }
  if (g_.json) {
    std::cout << ProjectReportJson(*report).dump() << "\n";
    return 0;
  }
  std::cout << Say(g_, "项目报表 ", "projects report ") << report->region.ToString() << " "
            << report->region_name << " " << report->year << "\n";
  for (const ProjectReportRow& row : report->rows) {
    std::cout << "  " << row.region.ToString() << " " << row.name << " " << row.projects << " "
              << Money::FromFen(row.budget_fen).ToString() << "\n";
  }
  std::cout << Say(g_, "  合计 ", "  total ") << report->total.projects << " "
            << Money::FromFen(report->total.budget_fen).ToString() << "\n";
  return 0;
}

// The projects of a region by stage (every stage, zeros included) and by category.
int ProjectCommands::Stats() const {
  auto region = ParseRegionOption(region_);
  if (!region.ok()) return Fail(g_, region.error());
  auto store = OpenStore(g_, Store::OpenMode::kExisting);
  if (!store.ok()) return Fail(g_, store.error(), 2);
  auto stats = ProjectStatistics(**store, CliCaller(), *region,
                                 year_ != 0 ? std::optional<int>(year_) : std::nullopt);
  if (!stats.ok()) return Fail(g_, stats.error());
  if (g_.json) {
    std::cout << ProjectStatsJson(*stats).dump() << "\n";
    return 0;
  }
  std::cout << Say(g_, "项目统计 ", "projects ") << stats->region.ToString() << " "
            << (stats->year ? std::to_string(*stats->year) : Say(g_, "全部年度", "all years"))
            << Say(g_, "，共 ", ", total ") << stats->total << "\n";
  for (const auto& [stage, n] : stats->by_stage) {
    std::cout << "  " << stage << "\t" << ProjectStageLabel(stage) << "\t" << n << "\n";
  }
  for (const auto& [category, n] : stats->by_category) {
    std::cout << "  " << ProjectCodeKey(ProjectCodeList::kCategory, category) << "\t"
              << ProjectCodeLabel(ProjectCodeList::kCategory, category) << "\t" << n << "\n";
  }
  return 0;
}

int ProjectCommands::Show() const {
  auto store = OpenStore(g_, Store::OpenMode::kExisting);
  if (!store.ok()) return Fail(g_, store.error(), 2);
  auto view = GetProject(**store, CliCaller(), id_);
  if (!view.ok()) return Fail(g_, view.error());
  if (g_.json) {
    std::cout << ProjectJson(*view, true).dump() << "\n";
  } else {
    PrintFull(g_, *view);
  }
  return 0;
}

int ProjectCommands::Move(const CLI::App* command) const {
  auto store = OpenChecked(g_);
  if (!store.ok()) return Fail(g_, store.error());
  auto caller = CallerAs(**store, as_);
  if (!caller.ok()) return Fail(g_, caller.error());
  auto policy = LoadPolicy(g_.policy);
  if (!policy.ok()) return Fail(g_, policy.error());
  Result<ProjectView> view = Error::Usage("", "");
  ProjectRefusal refusal;
  if (command == advance_) {
    view = AdvanceProject(**store, *policy, *caller, id_, {comment_, "", ""}, &refusal);
  } else if (command == accept_) {
    view = AdvanceProject(**store, *policy, *caller, id_, {comment_, result_, date_}, &refusal);
  } else if (command == objection_) {
    view = ObjectToProject(**store, *policy, *caller, id_, text_);
  } else if (command == return_) {
    view = ReturnProject(**store, *policy, *caller, id_, to_, text_);
  } else if (command == reject_) {
    view = RejectProject(**store, *policy, *caller, id_, text_);
  } else if (command == progress_) {
    view = AddProgress(**store, *caller, id_, {date_, percent_, text_});
  } else {
    view = AddAsset(**store, *caller, id_, {kind_, name_, value_, owner_, keeper_, date_});
  }
  if (!view.ok()) {
    for (const FailedCondition& f : refusal.conditions) {
      std::cerr << f.criterion << ": " << (g_.lang == Lang::kEn ? f.en : f.zh) << "\n";
    }
    return Fail(g_, view.error());
  }
  if (g_.json) {
    std::cout << ProjectJson(*view, true).dump() << "\n";
  } else {
    PrintLine(g_, *view);
  }
  return 0;
}

}  // namespace fupin
