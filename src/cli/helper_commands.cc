// `fupin helpers list|add|assign|unassign|import|export`: helpers (帮扶责任人) as people and
// the annual re-assignment as a loop of export → edit → import (docs/helpers.md).
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "common/text.h"
#include "exchange/table.h"
#include "service/accounts/audit_service.h"
#include "service/procedures/helper_service.h"
#include "views/helper_views.h"

namespace fupin {
namespace {

bool EndsWithXlsx(const std::string& path) {
  return path.size() > 5 && (path.ends_with(".xlsx") || path.ends_with(".XLSX"));
}
bool EndsWithCsv(const std::string& path) {
  return path.size() > 4 && (path.ends_with(".csv") || path.ends_with(".CSV"));
}

// A helper's number as typed (E_USAGE otherwise).
Result<int64_t> HelperId(const std::string& text) {
  if (text.empty() || text.size() > 18 || text.find_first_not_of("0123456789") != text.npos ||
      std::stoll(text) <= 0) {
    return Error::Usage("帮扶责任人编号应为正整数：" + text,
                        "a helper id is a positive number: " + text);
  }
  return std::stoll(text);
}

// Writes the rows to FILE.xlsx (typed sheet, codes and phones as text) or FILE.csv (UTF-8
// with a BOM, so that Excel reads the Chinese header).
Status WriteTable(const std::string& path, const std::vector<HelperExportRow>& rows) {
  const auto cells = [](const HelperExportRow& r) {
    return std::vector<std::string>{r.household_code, r.name, r.work_unit, r.phone};
  };
  if (EndsWithXlsx(path)) {
    auto book = XlsxWriter::Create(path);
    if (!book.ok()) return book.error();
    SheetLayout layout;
    layout.columns.resize(4);
    auto sheet = (*book)->AddSheet("帮扶责任人", layout);
    if (!sheet.ok()) return sheet.error();
    FUPIN_RETURN_IF_ERROR((*sheet)->WriteRow(HelperTableHeader()));
    for (const auto& r : rows) FUPIN_RETURN_IF_ERROR((*sheet)->WriteRow(cells(r)));
    return (*book)->Close();
  }
  auto csv = CsvWriter::Create(path, Encoding::kUtf8, true);
  if (!csv.ok()) return csv.error();
  FUPIN_RETURN_IF_ERROR((*csv)->WriteRow(HelperTableHeader()));
  for (const auto& r : rows) FUPIN_RETURN_IF_ERROR((*csv)->WriteRow(cells(r)));
  return (*csv)->Close();
}

}  // namespace

HelperCommands::HelperCommands(CLI::App& app, Globals& g) : g_(g) {
  auto* helpers =
      app.add_subcommand("helpers", "帮扶责任人 / helpers (people who help households)");
  helpers->require_subcommand(1);
  list_ = helpers->add_subcommand("list", "列出帮扶责任人 / list helpers");
  list_->add_option("--region", region_, "管理区划（默认全部）/ managing region (default: all)");
  list_->add_option("--name", name_, "姓名包含 / name contains");
  list_->add_flag("--json", g.json);

  add_ = helpers->add_subcommand("add", "新增帮扶责任人 / add a helper");
  add_->add_option("--name", name_, "姓名 / name")->required();
  add_->add_option("--unit", unit_, "工作单位 / work unit");
  add_->add_option("--phone", phone_, "联系电话 / phone")->required();
  add_->add_option("--region", region_, "管理区划 / managing region")->required();
  add_->add_option("--account", account_, "关联的 helper 账户 / a helper account to link");
  add_->add_flag("--json", g.json);

  assign_ = helpers->add_subcommand("assign", "指定帮扶的户 / assign a helper to households");
  unassign_ = helpers->add_subcommand("unassign", "结束帮扶关系 / end a helper's assignments");
  for (auto* sub : {assign_, unassign_}) {
    sub->add_option("id", id_, "帮扶责任人编号 / helper id")->required();
    sub->add_option("households", households_, "户编号")->required();
  }
  assign_->add_option("--since", since_, "开始日期 YYYY-MM-DD（默认今天）/ start date");

  import_ = helpers->add_subcommand(
      "import", "按表重新指定帮扶责任人（年度调整）/ re-assign helpers from a table");
  import_->add_option("file", file_, "FILE.csv | FILE.xlsx: 户编号,帮扶责任人,工作单位,联系电话")
      ->required();
  import_->add_flag("--dry-run", dry_run_, "只检查 / validate only");
  import_->add_flag("--json", g.json);

  export_ = helpers->add_subcommand("export", "导出帮扶关系 / export the assignments");
  export_->add_option("--region", region_, "区划 / region")->required();
  export_->add_option("--out", file_, "FILE.xlsx | FILE.csv")->required();
}

std::optional<int> HelperCommands::Run() const {
  if (*list_) return List();
  if (*add_) return Add();
  if (*assign_) return Assign(true);
  if (*unassign_) return Assign(false);
  if (*import_) return Import();
  if (*export_) return Export();
  return std::nullopt;
}

int HelperCommands::List() const {
  auto region = ParseRegionOption(region_);
  if (!region.ok()) return Fail(g_, region.error());
  auto store = OpenStore(g_, Store::OpenMode::kExisting);
  if (!store.ok()) return Fail(g_, store.error(), 2);
  HelperQuery query;
  query.region = *region;
  query.name = name_;
  query.limit = 0;
  auto page = ListHelpers(**store, CliCaller(), query);
  if (!page.ok()) return Fail(g_, page.error());
  if (g_.json) {
    Json out = Json::array();
    for (const auto& h : page->items) out.push_back(HelperJson(h));
    std::cout << out.dump() << "\n";
    return 0;
  }
  std::cout << Say(g_, "编号\t管理区划\t姓名\t工作单位\t联系电话\t账户",
                   "id\tregion\tname\twork unit\tphone\taccount")
            << "\n";
  for (const auto& h : page->items) {
    std::cout << h.id << "\t" << RegionCode::FromInt(h.region_code).ToString() << "\t"
              << EscapeControls(h.name) << "\t" << EscapeControls(h.work_unit) << "\t" << h.phone
              << "\t" << h.username << "\n";
  }
  return 0;
}

int HelperCommands::Add() const {
  auto region = ParseRegionOption(region_);
  if (!region.ok()) return Fail(g_, region.error());
  auto store = OpenStore(g_, Store::OpenMode::kExisting);
  if (!store.ok()) return Fail(g_, store.error(), 2);
  auto row = AddHelper(**store, CliCaller(), {name_, unit_, phone_, *region, account_});
  if (!row.ok()) return Fail(g_, row.error());
  if (g_.json) {
    std::cout << HelperJson(*row).dump() << "\n";
  } else {
    std::cout << row->id << "\n";
    std::cerr << Say(g_, "已新增帮扶责任人 ", "added helper ") << row->id << "\n";
  }
  return 0;
}

int HelperCommands::Assign(bool assign) const {
  auto id = HelperId(id_);
  if (!id.ok()) return Fail(g_, id.error());
  std::optional<Date> since;
  if (!since_.empty()) {
    auto d = Date::Parse(since_);
    if (!d.ok()) {
      return Fail(g_, Error{"E_DATE", "--since 不是有效日期：" + since_,
                            "--since is not a valid date: " + since_});
    }
    since = *d;
  }
  auto store = OpenStore(g_, Store::OpenMode::kExisting);
  if (!store.ok()) return Fail(g_, store.error(), 2);
  Status s = assign ? AssignHelperToHouseholds(**store, CliCaller(), *id, households_, since)
                    : UnassignHelperFromHouseholds(**store, CliCaller(), *id, households_);
  if (!s.ok()) return Fail(g_, s.error());
  std::cerr << (assign ? Say(g_, "已指定帮扶责任人 ", "assigned helper ")
                       : Say(g_, "已结束帮扶关系，帮扶责任人 ", "ended the assignments of helper "))
            << *id << ": " << households_.size() << Say(g_, " 户", " households") << "\n";
  return 0;
}

int HelperCommands::Import() const {
  if (!EndsWithXlsx(file_) && !EndsWithCsv(file_)) {
    return Fail(g_, Error::Usage("文件应为 .csv 或 .xlsx：" + file_,
                                 "the file must be a .csv or an .xlsx: " + file_));
  }
  auto store = OpenStore(g_, Store::OpenMode::kExisting);
  if (!store.ok()) return Fail(g_, store.error(), 2);
  if (!dry_run_) {
    if (Status key = CheckAuditKey(**store); !key.ok()) return Fail(g_, key.error());
  }
  auto report = ImportHelperAssignments(**store, CliCaller(), file_, dry_run_);
  if (!report.ok()) return Fail(g_, report.error());
  if (g_.json) {
    std::cout << HelperImportJson(*report, g_.lang, dry_run_).dump() << "\n";
  } else {
    PrintIssues(g_, report->errors, std::cerr);
    std::cout << Say(g_, "行数 ", "rows ") << report->rows << Say(g_, "，户 ", ", households ")
              << report->households << Say(g_, "，新建帮扶责任人 ", ", helpers created ")
              << report->helpers_created << Say(g_, "，新指定 ", ", assignments begun ")
              << report->assignments_begun << Say(g_, "，结束 ", ", ended ")
              << report->assignments_ended
              << (report->written ? Say(g_, "（已写入）", " (written)")
                                  : Say(g_, "（未写入）", " (nothing written)"))
              << "\n";
  }
  return report->errors.empty() ? 0 : 2;
}

int HelperCommands::Export() const {
  if (!EndsWithXlsx(file_) && !EndsWithCsv(file_)) {
    return Fail(g_, Error::Usage("--out 应为 .xlsx 或 .csv 文件：" + file_,
                                 "--out must be an .xlsx or a .csv file: " + file_));
  }
  auto region = ParseRegionOption(region_);
  if (!region.ok()) return Fail(g_, region.error());
  auto store = OpenStore(g_, Store::OpenMode::kExisting);
  if (!store.ok()) return Fail(g_, store.error(), 2);
  if (Status key = CheckAuditKey(**store); !key.ok()) return Fail(g_, key.error());
  auto rows = HelperAssignmentsForExport(**store, CliCaller(), *region);
  if (!rows.ok()) return Fail(g_, rows.error());
  if (Status s = WriteTable(file_, *rows); !s.ok()) return Fail(g_, s.error());
  std::cerr << Say(g_, "已导出 ", "exported ") << rows->size() << Say(g_, " 行到 ", " rows to ")
            << file_ << "\n";
  return 0;
}

}  // namespace fupin
